package dev.lip.processor.work;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.JobManifest;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.protocol.SafeFiles;
import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.processor.config.ProcessorProperties;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The processor's loop: a scanner thread finds pending patches in the work directory and queues them; worker
 * threads claim each by atomic rename (losing a race is normal with several processors), run the job's algorithm
 * and publish the result. Claims held are renewed on a timer, so a live worker keeps its lease however long a
 * patch takes, and a killed one's claims expire and are queued again by slicer-api. The processor keeps no state
 * that matters: it can be killed and restarted at any time.
 */
@Service
public class PatchWorkers {
    private static final Logger log = LoggerFactory.getLogger(PatchWorkers.class);

    private final ProcessorProperties props;
    private final BlockingQueue<WorkItem> queue;
    private final Set<WorkItem> queued = ConcurrentHashMap.newKeySet();
    private final Set<WorkItem> held = ConcurrentHashMap.newKeySet();
    private final Map<String, JobManifest> manifests = new ConcurrentHashMap<>();
    /** Jobs skipped for damaged files, already reported in the log. */
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private volatile boolean running = true;
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "claim-heartbeat");
        t.setDaemon(true);
        return t;
    });

    record WorkItem(String jobId, PatchName patch) {
    }

    public PatchWorkers(ProcessorProperties props) throws IOException {
        this.props = props;
        // Room for a few patches a thread, and for whole batches of algorithms that take many patches a call.
        this.queue = new ArrayBlockingQueue<>(props.effectiveThreads() * 4 + 64);
        Files.createDirectories(props.tempDir());
    }

    @PostConstruct
    void start() {
        Map<String, String> settings = Map.of("models-dir", props.modelsDir().toString(),
                "inference-threads", String.valueOf(props.inferenceThreads()), "device", props.device());
        Algorithms.all().forEach(a -> a.configure(settings));
        Thread scanner = new Thread(this::scanLoop, "patch-scanner");
        threads.add(scanner);
        for (int i = 0; i < props.effectiveThreads(); i++) {
            threads.add(new Thread(this::workLoop, "patch-worker-" + i));
        }
        threads.forEach(t -> {
            t.setDaemon(true);
            t.start();
        });
        long period = Math.max(100, props.leaseTimeout().toMillis() / 3);
        heartbeat.scheduleAtFixedRate(this::renewClaims, period, period, TimeUnit.MILLISECONDS);
        log.info("processing patches under {} with {} threads", props.tempDir().toAbsolutePath(), props.effectiveThreads());
    }

    @PreDestroy
    void stop() {
        running = false;
        heartbeat.shutdownNow();
        threads.forEach(Thread::interrupt);
    }

    public long processedCount() {
        return processed.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    public int threads() {
        return props.effectiveThreads();
    }

    private void scanLoop() {
        while (running) {
            try {
                int found = queue.remainingCapacity() > 0 ? scanOnce() : 0;
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

    /**
     * Queues pending patches, oldest job first. A job whose files are damaged or not what the protocol puts there
     * (a malformed manifest, a link for a directory) is skipped, said once in the log: one bad job must not stop
     * the others, nor fill the log on every pass.
     *
     * @return how many were queued
     */
    private int scanOnce() throws IOException, InterruptedException {
        int found = 0;
        for (JobDirectory job : jobsOldestFirst()) {
            try {
                job.verify();
                if (manifest(job).isEmpty()) {
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                if (unusable.add(job.jobId())) {
                    log.warn("job {} is skipped: {}", job.jobId(), SafeFiles.withoutPaths(e.toString()));
                }
                continue;
            }
            for (PatchName p : job.list(job.pending())) {
                WorkItem item = new WorkItem(job.jobId(), p);
                if (queued.add(item)) {
                    if (!queue.offer(item)) {
                        queued.remove(item);
                        return found;
                    }
                    found++;
                }
            }
        }
        return found;
    }

    private List<JobDirectory> jobsOldestFirst() throws IOException {
        List<JobDirectory> jobs = JobDirectory.claimableJobs(props.tempDir());
        Set<String> alive = new java.util.HashSet<>();
        jobs.forEach(j -> alive.add(j.jobId()));
        manifests.keySet().retainAll(alive);
        unusable.retainAll(alive);
        return jobs;
    }

    private Optional<JobManifest> manifest(JobDirectory job) throws IOException {
        JobManifest m = manifests.get(job.jobId());
        if (m == null) {
            Optional<JobManifest> read = job.readManifest();
            if (read.isEmpty()) {
                return read;
            }
            m = read.get();
            manifests.put(job.jobId(), m);
        }
        return Optional.of(m);
    }

    private void workLoop() {
        while (running) {
            List<WorkItem> batch;
            try {
                batch = nextBatch();
            } catch (InterruptedException e) {
                return;
            }
            try {
                process(batch);
            } catch (Exception e) {
                log.warn("patches {} of job {}: {}", batch.stream().map(WorkItem::patch).toList(),
                        batch.get(0).jobId(), e.toString());
            }
        }
    }

    /**
     * The next queued patch and, when its job's algorithm takes several patches a call, more of the same job that are
     * queued already or arrive within a few milliseconds; patches of other jobs met on the way go back in the queue.
     */
    private List<WorkItem> nextBatch() throws InterruptedException {
        WorkItem first = queue.take();
        List<WorkItem> batch = new ArrayList<>(List.of(first));
        int size = batchSize(first.jobId());
        List<WorkItem> others = new ArrayList<>();
        while (batch.size() < size) {
            WorkItem next = queue.poll(20, TimeUnit.MILLISECONDS);
            if (next == null) {
                break;
            }
            (next.jobId().equals(first.jobId()) ? batch : others).add(next);
        }
        for (WorkItem other : others) {
            if (!queue.offer(other)) {
                queued.remove(other); // the scanner finds it again
            }
        }
        batch.forEach(queued::remove);
        return batch;
    }

    private int batchSize(String jobId) {
        JobManifest m = manifests.get(jobId);
        if (m == null) {
            return 1;
        }
        try {
            return Math.max(1, Algorithms.byName(m.algorithm()).map(a -> a.batchSize(m.parameters())).orElse(1));
        } catch (RuntimeException e) {
            return 1; // bad parameters fail the patch in process(), with the reason
        }
    }

    private record Claimed(WorkItem item, Path file) {
    }

    /** Claims what it can of a batch of one job's patches, processes them in one call, publishes each result. */
    private void process(List<WorkItem> batch) throws IOException {
        JobDirectory job = new JobDirectory(props.tempDir(), batch.get(0).jobId());
        List<Claimed> claimed = new ArrayList<>();
        try {
            JobManifest manifest = null;
            for (WorkItem item : batch) {
                Optional<Path> claim;
                try {
                    claim = job.claim(item.patch());
                } catch (NoSuchFileException e) {
                    return; // the job is gone
                }
                if (claim.isEmpty()) {
                    continue; // another worker took it
                }
                held.add(item);
                if (manifest == null) {
                    manifest = manifest(job).orElseThrow(() -> new NoSuchFileException("manifest"));
                }
                claimed.add(new Claimed(item, claim.get()));
            }
            if (claimed.isEmpty()) {
                return;
            }
            List<PixelRegion> results;
            Algorithm algorithm;
            try {
                JobManifest m = manifest;
                algorithm = Algorithms.byName(m.algorithm()).orElseThrow(() -> new IllegalArgumentException(
                        "this processor does not know the algorithm '" + m.algorithm() + "' (it knows "
                                + Algorithms.names() + ")"));
                List<Tile> tiles = new ArrayList<>();
                List<PixelRegion> patches = new ArrayList<>();
                for (Claimed c : claimed) {
                    Tile tile = m.tileGrid().tile(c.item().patch().row(), c.item().patch().column());
                    PixelRegion patch = readClaimed(job, c);
                    if (!patch.bounds().equals(tile.patch())) {
                        throw new IOException("the patch file covers " + patch.bounds() + ", the grid says " + tile.patch());
                    }
                    tiles.add(tile);
                    patches.add(patch);
                }
                results = algorithm.processBatch(patches, tiles, m.parameters(),
                        m.jobValues() == null ? Map.of() : m.jobValues());
                boolean blends = algorithm.blend(m.parameters()).blends();
                for (int i = 0; i < tiles.size(); i++) {
                    checkResult(algorithm, blends, tiles.get(i), results.get(i));
                }
            } catch (NoSuchFileException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                String reason = e.getMessage() != null ? e.getMessage() : e.toString();
                for (Claimed c : claimed) {
                    failedAttempts.incrementAndGet();
                    boolean final_ = job.failAttempt(c.item().patch(), reason, Math.max(1, props.maxAttempts()));
                    log.warn("patch {} of job {} failed{}: {}", c.item().patch(), c.item().jobId(),
                            final_ ? " for good" : ", queued again", reason);
                }
                return;
            }
            for (int i = 0; i < claimed.size(); i++) {
                PixelRegion result = results.get(i);
                job.publish(claimed.get(i).item().patch(), tmp -> PatchFile.write(tmp, result));
                processed.incrementAndGet();
            }
        } catch (NoSuchFileException e) {
            log.debug("job {} vanished while patches {} were processed (cancelled)", job.jobId(),
                    batch.stream().map(WorkItem::patch).toList());
        } finally {
            batch.forEach(held::remove);
        }
    }

    /**
     * Reads a claimed patch. A link, FIFO or directory where the patch should be is moved to the quarantine (it is
     * never opened), and the patch fails for good: its job cannot be finished exactly without it.
     */
    private PixelRegion readClaimed(JobDirectory job, Claimed c) throws IOException {
        try {
            return PatchFile.read(c.file());
        } catch (SafeFiles.UnsafeFileException e) {
            String reason = "the patch file " + e.getMessage() + " (moved to the work directory's quarantine)";
            Path moved = job.failUnsafe(c.item().patch(), reason);
            log.warn("job {}: patch {} was {} and was moved to {}", job.jobId(), c.item().patch(), e.getMessage(), moved);
            throw new IOException(reason);
        }
    }

    /** Cropping algorithms give the core as one 8-bit band; blending ones float predictions over the whole patch. */
    private static void checkResult(Algorithm algorithm, boolean blends, Tile tile, PixelRegion result) {
        boolean ok = blends
                ? result.bounds().equals(tile.patch()) && result.bitsPerSample() == PixelRegion.FLOAT_BITS
                : result.bounds().equals(tile.core()) && result.bands() == 1 && result.bitsPerSample() == 8;
        if (!ok) {
            throw new IllegalStateException(algorithm.name() + " returned " + result + " instead of "
                    + (blends ? "float predictions over the patch " + tile.patch() : "the core " + tile.core() + " as one 8-bit band"));
        }
    }

    /** Renews the lease of every claim this processor holds; runs every third of the lease timeout. */
    void renewClaims() {
        for (WorkItem item : held) {
            try {
                new JobDirectory(props.tempDir(), item.jobId()).renewClaim(item.patch());
            } catch (IOException e) {
                // published, failed or cancelled meanwhile
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
}
