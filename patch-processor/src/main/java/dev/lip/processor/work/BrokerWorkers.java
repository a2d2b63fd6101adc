package dev.lip.processor.work;

import dev.lip.algorithms.Algorithms;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobManifest;
import dev.lip.common.transport.PatchQueue;
import dev.lip.common.transport.PackedPatch;
import dev.lip.common.transport.PatchStore;
import dev.lip.distributed.Transport;
import dev.lip.processor.config.ProcessorProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor's threads in the distributed mode ({@code lip.queue=artemis}): each takes one patch at a time from
 * the broker through a consumer of its own, reads the patch and the job's manifest from the patch store, runs the
 * job's kernel and puts the result under the message's result key before it acknowledges. Nothing is shared with
 * slicer-api but the broker and the store; no lease, heartbeat or claim of ours: a processor that dies leaves its
 * patch unacknowledged and the broker delivers it to another. A failure is reported with its reason (the broker
 * delivers the patch again, and dead-letters it at the attempt limit); a patch whose job is gone from the store
 * (deleted) is acknowledged and dropped.
 */
@Service
@ConditionalOnProperty(name = "lip.queue", havingValue = "artemis")
public class BrokerWorkers implements Workers {
    private static final Logger log = LoggerFactory.getLogger(BrokerWorkers.class);
    private static final Duration RECEIVE_WAIT = Duration.ofSeconds(1);

    private final ProcessorProperties props;
    private final Transport transport;
    private final PreparedJobs jobs = new PreparedJobs();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile boolean running = true;

    public BrokerWorkers(ProcessorProperties props,
                         @Value("${spring.artemis.broker-url:tcp://127.0.0.1:61616}") String brokerUrl,
                         @Value("${spring.artemis.user:}") String user,
                         @Value("${spring.artemis.password:}") String password) throws IOException {
        this.props = props;
        this.transport = Transport.open(new Transport.Settings(props.queue(), props.store(), brokerUrl, user, password,
                props.maxAttempts()), props.tempDir());
        log.info("taking patches from the broker at {}, patches and results in {}", brokerUrl, props.store());
    }

    @PostConstruct
    void start() {
        Map<String, String> settings = Map.of("models-dir", props.modelsDir().toString(),
                "inference-threads", String.valueOf(props.inferenceThreads()), "device", props.device());
        Algorithms.kernels().forEach(k -> k.configure(settings));
        for (int i = 0; i < props.effectiveThreads(); i++) {
            Thread t = new Thread(this::workLoop, "broker-worker-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    @PreDestroy
    void stop() throws IOException {
        running = false;
        threads.forEach(Thread::interrupt);
        transport.close();
    }

    private void workLoop() {
        while (running) {
            try (PatchQueue.Consumer consumer = transport.queue().consumer()) {
                while (running) {
                    Optional<PatchQueue.Delivery> d = consumer.receive(RECEIVE_WAIT);
                    if (d.isPresent()) {
                        run(d.get());
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                if (running) {
                    log.warn("the broker connection failed, opening a new consumer: {}", e.toString());
                    sleepQuietly(1000);
                }
            }
        }
    }

    private void run(PatchQueue.Delivery d) throws IOException {
        PatchMetrics.started(d.attempt());
        try {
            runDelivery(d);
        } finally {
            PatchMetrics.ended();
        }
    }

    private void runDelivery(PatchQueue.Delivery d) throws IOException {
        var m = d.message();
        PatchStore store = transport.store();
        PixelRegion result;
        String algorithm = null;
        try {
            Optional<PreparedJobs.PreparedJob> job = prepared(store, m.job());
            Optional<byte[]> patch = store.get(m.patchKey());
            if (job.isEmpty() || patch.isEmpty()) {
                log.debug("job {} is gone from the store (deleted): patch {} dropped", m.job(), m.patch());
                d.acknowledge();
                return;
            }
            PreparedJobs.PreparedJob p = job.get();
            Tile tile = p.manifest().tileGrid().tile(m.row(), m.col());
            PixelRegion region = PatchFile.fromBytes(patch.get(), m.patchKey());
            if (!region.bounds().equals(tile.patch())) {
                throw new IOException("the patch covers " + region.bounds() + ", the grid says " + tile.patch());
            }
            algorithm = p.manifest().algorithm();
            long start = System.nanoTime();
            result = p.kernel().processBatch(List.of(region), List.of(tile)).get(0);
            BatchRunner.checkResult(algorithm, p.settings().blend().blends(), tile, result);
            PatchMetrics.processed(algorithm, 1, System.nanoTime() - start);
        } catch (Exception | OutOfMemoryError e) {
            failed.incrementAndGet();
            PatchMetrics.failed(algorithm, 1);
            String reason = e.getMessage() != null ? e.getMessage() : e.toString();
            boolean forGood = d.fail(reason);
            log.warn("patch {} of job {} failed{}: {}", m.patch(), m.job(), forGood ? " for good" : ", queued again", reason);
            return;
        }
        store.put(m.resultKey(), PackedPatch.pack(PatchFile.toBytes(result))); // a mask: deflated, a tenth the bytes
        d.acknowledge();
        processed.incrementAndGet();
    }

    /** The job's kernel, from its manifest in the store (read once); empty when the job is gone. */
    private Optional<PreparedJobs.PreparedJob> prepared(PatchStore store, String job) throws IOException {
        if (jobs.isPrepared(job)) {
            return Optional.of(jobs.prepared(job));
        }
        Optional<byte[]> manifest = store.get(job + "/" + dev.lip.common.protocol.JobDirectory.MANIFEST);
        if (manifest.isEmpty()) {
            return Optional.empty();
        }
        JobManifest m = new com.fasterxml.jackson.databind.ObjectMapper().readValue(manifest.get(), JobManifest.class);
        return Optional.of(jobs.prepare(m));
    }

    @Override
    public long processedCount() {
        return processed.get();
    }

    @Override
    public long failedAttempts() {
        return failed.get();
    }

    @Override
    public int threads() {
        return props.effectiveThreads();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** On the broker (a last-value queue slicer-api browses): processors here share no directory with it. */
    @Override
    public void announce(dev.lip.common.protocol.ProcessorRoster.Announcement announcement) throws IOException {
        transport.queue().announce(announcement);
    }
}
