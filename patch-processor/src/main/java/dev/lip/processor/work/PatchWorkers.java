package dev.lip.processor.work;

import dev.lip.algorithms.Algorithms;
import dev.lip.processor.config.ProcessorProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The processor's threads: a scanner finds pending patches in the work directory and queues them
 * ({@link PatchScanner}, {@link WorkQueue}); workers take a batch each and run it ({@link BatchRunner}); a timer
 * renews the claims held ({@link ClaimHeartbeat}). The processor keeps no state that matters: it can be killed and
 * restarted at any time.
 */
@Service
@org.springframework.boot.autoconfigure.condition.ConditionalOnProperty(name = "lip.queue", havingValue = "filesystem",
        matchIfMissing = true)
public class PatchWorkers implements Workers {
    private static final Logger log = LoggerFactory.getLogger(PatchWorkers.class);
    /** How long a worker waits for more patches of a job whose algorithm takes several a call. */
    private static final Duration BATCH_GATHER = Duration.ofMillis(20);

    private final ProcessorProperties props;
    private final WorkQueue queue;
    private final PreparedJobs jobs = new PreparedJobs();
    private final ClaimHeartbeat claims;
    private final PatchScanner scanner;
    private final BatchRunner runner;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "claim-heartbeat");
        t.setDaemon(true);
        return t;
    });

    public PatchWorkers(ProcessorProperties props) throws IOException {
        this.props = props;
        // Room for a few patches a thread, and for whole batches of algorithms that take many patches a call.
        this.queue = new WorkQueue(props.effectiveThreads() * 4 + 64, BATCH_GATHER);
        this.claims = new ClaimHeartbeat(props.tempDir());
        this.scanner = new PatchScanner(props.tempDir(), queue, jobs);
        this.runner = new BatchRunner(props.tempDir(), props.maxAttempts(), jobs, claims);
        Files.createDirectories(props.tempDir());
    }

    @PostConstruct
    void start() {
        Map<String, String> settings = Map.of("models-dir", props.modelsDir().toString(),
                "inference-threads", String.valueOf(props.inferenceThreads()), "device", props.device());
        Algorithms.kernels().forEach(k -> k.configure(settings));
        threads.add(new Thread(this::scanLoop, "patch-scanner"));
        for (int i = 0; i < props.effectiveThreads(); i++) {
            threads.add(new Thread(this::workLoop, "patch-worker-" + i));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        long period = Math.max(100, props.leaseTimeout().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(claims::renewAll, period, period, TimeUnit.MILLISECONDS);
        log.info("processing patches under {} with {} threads", props.tempDir().toAbsolutePath(), props.effectiveThreads());
    }

    @PreDestroy
    void stop() {
        running = false;
        heartbeat.shutdownNow();
        threads.forEach(Thread::interrupt);
    }

    @Override
    public long processedCount() {
        return runner.processed();
    }

    @Override
    public long failedAttempts() {
        return runner.failedAttempts();
    }

    @Override
    public int threads() {
        return props.effectiveThreads();
    }

    private void scanLoop() {
        while (running) {
            try {
                int found = queue.isFull() ? 0 : scanner.scanOnce();
                if (found == 0) {
                    Thread.sleep(props.pollInterval().toMillis());
                } else {
                    // Let the workers drain most of the queue before listing directories again.
                    while (running && queue.size() > props.effectiveThreads()) {
                        Thread.sleep(5);
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("scanning the work directory failed: {}", e.toString());
                sleepQuietly(props.pollInterval().toMillis());
            }
        }
    }

    private void workLoop() {
        while (running) {
            List<WorkItem> batch;
            try {
                batch = queue.nextBatch(jobs::batchSize);
            } catch (InterruptedException e) {
                return;
            }
            try {
                runner.run(batch);
            } catch (Exception e) {
                log.warn("patches {} of job {}: {}", batch.stream().map(WorkItem::patch).toList(),
                        batch.get(0).jobId(), e.toString());
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** In the work directory ({@link dev.lip.common.protocol.ProcessorRoster}), where slicer-api reads it. */
    @Override
    public void announce(dev.lip.common.protocol.ProcessorRoster.Announcement announcement) throws IOException {
        dev.lip.common.protocol.ProcessorRoster.announce(props.tempDir(), announcement);
    }

    @Override
    public void withdraw(String id) throws IOException {
        dev.lip.common.protocol.ProcessorRoster.withdraw(props.tempDir(), id);
    }
}
