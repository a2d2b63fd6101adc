package dev.lip.slicer.job;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.transport.PatchKeys;
import dev.lip.common.transport.PatchMessage;
import dev.lip.common.transport.PatchQueue;
import dev.lip.common.transport.PackedPatch;
import dev.lip.common.transport.PatchStore;
import dev.lip.distributed.Transport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * In the distributed mode, the bridge between slicer-api's private work directory and processors that share none
 * of it: the job's manifest and each patch the slicer writes to {@code pending/} go to the patch store and the
 * queue (then leave the local disk); each completion announced by the queue brings the result from the store into
 * {@code done/}; each dead letter becomes a {@code failed/} entry with its reason. So slicing, progress, the
 * stitcher and restart recovery work on the work directory exactly as on one machine, and whatever the transport,
 * a job fails, ends and is counted the same way. In the filesystem mode there is nothing to relay (the work
 * directory is the queue and the store) and this does nothing.
 */
final class PatchRelay {
    private static final Logger log = LoggerFactory.getLogger(PatchRelay.class);
    private static final long PASS_MILLIS = 50;
    private static final long DEAD_LETTER_CHECK_MILLIS = 1000;
    private static final int RESULT_BATCH = 64;
    /** Patches published together (one wait for the broker's journal): about 50 MB of 1024² RGB patches. */
    private static final int PUBLISH_BATCH = 16;
    private static final Counter PUBLISHED = Metrics.counter("lip.patches.published");
    private static final Counter COMPLETED = Metrics.counter("lip.patches.completed");
    private static final Counter DEAD_LETTERED = Metrics.counter("lip.patches.dead.lettered");

    private final Jobs jobs;
    private final Transport transport;
    /** Puts and publishes run a few at a time: each is a round trip to the store or the broker. */
    private final ExecutorService io = Executors.newFixedThreadPool(4, daemon("patch-relay-io"));
    private final ExecutorService fetchIo = Executors.newFixedThreadPool(4, daemon("result-relay-io"));
    private final Set<String> manifestsSent = ConcurrentHashMap.newKeySet();
    private final Set<String> following = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;
    private long lastDeadLetterCheck;

    PatchRelay(Jobs jobs, Transport transport) {
        this.jobs = jobs;
        this.transport = transport;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    void start() {
        if (!transport.distributed()) {
            return;
        }
        Thread relay = new Thread(this::relayLoop, "patch-relay");
        relay.setDaemon(true);
        relay.start();
        Thread results = new Thread(this::resultLoop, "result-relay");
        results.setDaemon(true);
        results.start();
    }

    void stop() {
        running = false;
        io.shutdownNow();
        fetchIo.shutdownNow();
    }

    private void relayLoop() {
        while (running) {
            try {
                relayOnce();
                Thread.sleep(PASS_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("relaying patches failed, trying again: {}", e.toString());
                sleep(1000);
            }
        }
    }

    /** One pass: every active job's manifest and new patches out, dead letters in, ended jobs' remote copies removed. */
    void relayOnce() throws IOException, InterruptedException {
        boolean checkDead = System.currentTimeMillis() - lastDeadLetterCheck > DEAD_LETTER_CHECK_MILLIS;
        if (checkDead) {
            lastDeadLetterCheck = System.currentTimeMillis();
        }
        Set<String> active = new java.util.HashSet<>();
        for (Job job : List.copyOf(jobs.all())) {
            JobState state = job.state();
            if (state == JobState.SLICING || state == JobState.PROCESSING || state == JobState.PROCESSED) {
                active.add(job.id());
                following.add(job.id());
                relay(jobs.directory(job.id()), job.total(), checkDead);
            }
        }
        for (String id : List.copyOf(following)) {
            if (!active.contains(id)) {
                // ended, cancelled or removed: its patches and results leave the broker and the store
                transport.queue().purge(id);
                transport.store().deleteJob(id);
                following.remove(id);
                manifestsSent.remove(id);
            }
        }
    }

    private void relay(JobDirectory dir, long patches, boolean checkDead) throws IOException, InterruptedException {
        String id = dir.jobId();
        PatchStore store = transport.store();
        if (!manifestsSent.contains(id)) {
            // processors read the manifest before any patch: it goes first, and patches wait for it
            if (!Files.exists(dir.manifestFile())) {
                return;
            }
            store.put(id + "/" + JobDirectory.MANIFEST, Files.readAllBytes(dir.manifestFile()));
            manifestsSent.add(id);
        }
        List<PatchName> waiting = dir.list(dir.pending());
        for (int from = 0; from < waiting.size(); from += PUBLISH_BATCH) {
            List<PatchName> batch = waiting.subList(from, Math.min(waiting.size(), from + PUBLISH_BATCH));
            // the claim check: every patch's bytes are in the store before its message is on the queue
            List<Callable<PatchName>> puts = new ArrayList<>();
            for (PatchName p : batch) {
                puts.add(() -> {
                    try {
                        store.put(PatchKeys.patch(id, p), Files.readAllBytes(dir.pending().resolve(p.fileName())));
                        return p;
                    } catch (NoSuchFileException e) {
                        return null;
                    }
                });
            }
            List<PatchName> stored = new ArrayList<>();
            for (var f : io.invokeAll(puts)) {
                try {
                    if (f.get() != null) {
                        stored.add(f.get());
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException(e.getCause());
                }
            }
            transport.queue().publishAll(stored.stream().map(p -> PatchMessage.of(id, p)).toList(), patches);
            for (PatchName p : stored) {
                Files.deleteIfExists(dir.pending().resolve(p.fileName()));
            }
            PUBLISHED.increment(stored.size());
        }
        if (checkDead) {
            for (PatchQueue.DeadLetter dead : transport.queue().deadLetters(id)) {
                PatchName p = dead.message() != null ? dead.message().patch() : new PatchName(0, 0);
                if (!Files.exists(dir.failed().resolve(p.fileName() + ".error"))) {
                    Files.createDirectories(dir.failed());
                    JobDirectory.writeAtomically(dir.failed().resolve(p.fileName() + ".error"),
                            dead.reason().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    JobDirectory.writeAtomically(dir.failed().resolve(p.fileName()), new byte[0]);
                    DEAD_LETTERED.increment();
                }
            }
        }
    }

    private void resultLoop() {
        while (running) {
            try (PatchQueue.Completions completions = transport.queue().completions()) {
                while (running) {
                    fetchBatch(completions);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.warn("fetching results failed, trying again: {}", e.toString());
                sleep(1000);
            }
        }
    }

    /**
     * Takes the completions that have arrived (up to {@link #RESULT_BATCH}), fetches their results a few at a time,
     * then acknowledges them together: one round trip to the broker for the lot. A crash before the acknowledgement
     * announces them again, and fetching a result twice writes the same file.
     */
    private void fetchBatch(PatchQueue.Completions completions) throws IOException, InterruptedException {
        List<PatchQueue.Completion> batch = new ArrayList<>();
        Optional<PatchQueue.Completion> c = completions.next(Duration.ofMillis(500));
        while (c.isPresent()) {
            batch.add(c.get());
            if (batch.size() >= RESULT_BATCH) {
                break;
            }
            c = completions.next(Duration.ofMillis(1));
        }
        if (batch.isEmpty()) {
            return;
        }
        List<Callable<Void>> fetches = new ArrayList<>();
        for (PatchQueue.Completion done : batch) {
            fetches.add(() -> {
                fetch(done.message());
                return null;
            });
        }
        for (var f : fetchIo.invokeAll(fetches)) {
            try {
                f.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IOException(e.getCause());
            }
        }
        batch.get(batch.size() - 1).acknowledge(); // the session's one commit acknowledges the whole batch
    }

    /**
     * Brings one result into done/, where the progress counter and the stitcher look. Its objects stay in the store
     * until the job ends (the store deletes a job's prefix in one listing then, rather than two requests a patch).
     */
    private void fetch(PatchMessage m) throws IOException {
        JobDirectory dir = jobs.directory(m.job());
        if (!Files.isDirectory(dir.done()) || Files.exists(dir.done().resolve(m.patch().fileName()))) {
            return; // the job ended or was removed meanwhile, or a repeated announcement
        }
        Optional<byte[]> result = transport.store().get(m.resultKey());
        if (result.isPresent()) {
            JobDirectory.writeAtomically(dir.done().resolve(m.patch().fileName()),
                    PackedPatch.unpack(result.get(), m.resultKey(), largestResult(m.job())));
            COMPLETED.increment();
        }
    }

    /** The most bytes a result of the job can have: its largest patch with halo, as one 64-bit band. */
    private long largestResult(String job) {
        var grid = jobs.find(job).grid();
        long side = grid == null ? 0 : grid.tileSize() + 2L * grid.overlap();
        return dev.lip.common.pixels.PatchFile.HEADER_SIZE + side * side * Long.BYTES;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
