package dev.lip.processor.work;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.SafeFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One batch of one job's patches, start to end: claim what can be claimed (losing a race is normal with several
 * processors), process the claimed patches in one call of the job's kernel, check and publish each result. A batch
 * that fails records a failed attempt for each of its patches with the reason (below the attempt limit they are
 * queued again); a job that vanishes meanwhile (cancelled) ends the batch quietly.
 */
final class BatchRunner {
    private static final Logger log = LoggerFactory.getLogger(BatchRunner.class);

    private final Path workDir;
    private final int maxAttempts;
    private final PreparedJobs jobs;
    private final ClaimHeartbeat heartbeat;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();

    BatchRunner(Path workDir, int maxAttempts, PreparedJobs jobs, ClaimHeartbeat heartbeat) {
        this.workDir = workDir;
        this.maxAttempts = Math.max(1, maxAttempts);
        this.jobs = jobs;
        this.heartbeat = heartbeat;
    }

    long processed() {
        return processed.get();
    }

    long failedAttempts() {
        return failedAttempts.get();
    }

    private record Claimed(WorkItem item, Path file) {
    }

    /** Runs one batch; every item must be of the same job. */
    void run(List<WorkItem> batch) throws IOException {
        JobDirectory job = new JobDirectory(workDir, batch.get(0).jobId());
        List<Claimed> claimed = new ArrayList<>();
        try {
            for (WorkItem item : batch) {
                Optional<Path> claim = job.claim(item.patch());
                if (claim.isPresent()) {
                    heartbeat.hold(item);
                    claimed.add(new Claimed(item, claim.get()));
                }
            }
            if (claimed.isEmpty()) {
                return;
            }
            claimed.forEach(c -> PatchMetrics.started(1));
            List<PixelRegion> results;
            String algorithm = null;
            try {
                algorithm = jobs.prepare(job).manifest().algorithm();
                long start = System.nanoTime();
                results = process(job, claimed);
                PatchMetrics.processed(algorithm, claimed.size(), System.nanoTime() - start);
            } catch (NoSuchFileException e) {
                throw e;
            } catch (Exception | OutOfMemoryError e) {
                PatchMetrics.failed(algorithm, claimed.size());
                fail(job, claimed, e.getMessage() != null ? e.getMessage() : e.toString());
                return;
            } finally {
                claimed.forEach(c -> PatchMetrics.ended());
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
            batch.forEach(heartbeat::release);
        }
    }

    private List<PixelRegion> process(JobDirectory job, List<Claimed> claimed) throws IOException {
        PreparedJobs.PreparedJob p = jobs.prepare(job);
        List<Tile> tiles = new ArrayList<>();
        List<PixelRegion> patches = new ArrayList<>();
        for (Claimed c : claimed) {
            Tile tile = p.manifest().tileGrid().tile(c.item().patch().row(), c.item().patch().column());
            PixelRegion patch = readClaimed(job, c);
            if (!patch.bounds().equals(tile.patch())) {
                throw new IOException("the patch file covers " + patch.bounds() + ", the grid says " + tile.patch());
            }
            tiles.add(tile);
            patches.add(patch);
        }
        List<PixelRegion> results = p.kernel().processBatch(patches, tiles);
        if (results.size() != tiles.size()) {
            throw new IllegalStateException(p.manifest().algorithm() + " returned " + results.size() + " results for "
                    + tiles.size() + " patches");
        }
        boolean blends = p.settings().blend().blends();
        for (int i = 0; i < tiles.size(); i++) {
            checkResult(p.manifest().algorithm(), blends, tiles.get(i), results.get(i));
        }
        return results;
    }

    private void fail(JobDirectory job, List<Claimed> claimed, String reason) throws IOException {
        for (Claimed c : claimed) {
            failedAttempts.incrementAndGet();
            boolean forGood = job.failures().failAttempt(c.item().patch(), reason, maxAttempts);
            log.warn("patch {} of job {} failed{}: {}", c.item().patch(), c.item().jobId(),
                    forGood ? " for good" : ", queued again", reason);
        }
    }

    /**
     * Reads a claimed patch. A link, FIFO or directory where the patch should be is moved to the quarantine (it is
     * never opened), and the patch fails for good: its job cannot be finished exactly without it.
     */
    private static PixelRegion readClaimed(JobDirectory job, Claimed c) throws IOException {
        try {
            return PatchFile.read(c.file());
        } catch (SafeFiles.UnsafeFileException e) {
            String reason = "the patch file " + e.getMessage() + " (moved to the work directory's quarantine)";
            Path moved = job.failures().failUnsafe(c.item().patch(), reason);
            log.warn("job {}: patch {} was {} and was moved to {}", job.jobId(), c.item().patch(), e.getMessage(), moved);
            throw new IOException(reason);
        }
    }

    /** Cropping algorithms give the core as one 8-bit band; blending ones float predictions over the whole patch. */
    static void checkResult(String algorithm, boolean blends, Tile tile, PixelRegion result) {
        boolean ok = blends
                ? result.bounds().equals(tile.patch()) && result.sampleFormat() == SampleFormat.FLOAT32
                : result.bounds().equals(tile.core()) && result.bands() == 1 && result.bitsPerSample() == 8;
        if (!ok) {
            throw new IllegalStateException(algorithm + " returned " + result + " instead of "
                    + (blends ? "float predictions over the patch " + tile.patch() : "the core " + tile.core() + " as one 8-bit band"));
        }
    }
}
