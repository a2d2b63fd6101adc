package dev.lip.processor.work;

import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The processor's work on real job directories: scan, batch, claim, process, publish, fail. */
class BatchRunnerTest {
    @TempDir
    Path work;
    final Random random = new Random(7);
    final PreparedJobs jobs = new PreparedJobs();
    final WorkQueue queue = new WorkQueue(64, Duration.ofMillis(5));

    BatchRunner runner(int maxAttempts) {
        return new BatchRunner(work, maxAttempts, jobs, new ClaimHeartbeat(work));
    }

    /** Scans once and runs every batch the queue gives until it is empty. */
    void drain(BatchRunner runner) throws Exception {
        new PatchScanner(work, queue, jobs).scanOnce();
        while (queue.size() > 0) {
            runner.run(queue.nextBatch(jobs::batchSize));
        }
    }

    @Test
    void everyPatchIsProcessedOnceAndItsCorePublished() throws Exception {
        TileGrid grid = new TileGrid(70, 50, 32, 3);
        JobDirectory job = WorkDirs.job(work, WorkDirs.randomId(random), grid, "threshold",
                Map.of("threshold", "100", "invert", "false"));
        BatchRunner runner = runner(3);
        drain(runner);

        assertEquals(grid.tileCount(), runner.processed());
        assertEquals(0, job.count(job.pending()));
        assertEquals(0, job.count(job.claimed()));
        assertEquals(grid.tileCount(), job.count(job.done()));
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                PixelRegion result = PatchFile.read(job.done().resolve(new PatchName(r, c).fileName()));
                assertEquals(t.core(), result.bounds());
                for (int y = 0; y < t.core().height(); y++) {
                    for (int x = 0; x < t.core().width(); x++) {
                        int v = WorkDirs.pixel(t.core().x() + x, t.core().y() + y);
                        assertEquals(v >= 100 ? 255 : 0, result.sample(x, y, 0), "pixel " + x + "," + y + " of " + t);
                    }
                }
            }
        }
    }

    @Test
    void aJobThatCannotRunHereFailsItsPatchesWithTheReasonAfterTheAttemptLimit() throws Exception {
        TileGrid grid = new TileGrid(40, 16, 32, 0);
        JobDirectory job = WorkDirs.job(work, WorkDirs.randomId(random), grid, "sharpen", Map.of());
        BatchRunner runner = runner(2);
        drain(runner);
        // first attempt: back to pending, counted
        assertEquals(2, job.count(job.pending()));
        assertEquals(2, runner.failedAttempts());
        drain(runner);
        assertEquals(0, job.count(job.pending()));
        assertEquals(2, job.count(job.failed()));
        String reason = job.failures().failureReason(new PatchName(0, 1)).orElseThrow();
        assertTrue(reason.contains("does not know the algorithm 'sharpen'") && reason.contains("threshold")
                && reason.contains("failed 2 times"), reason);
    }

    @Test
    void aPatchFileThatDoesNotMatchTheGridFailsWithTheReason() throws Exception {
        TileGrid grid = new TileGrid(40, 16, 32, 0);
        JobDirectory job = WorkDirs.job(work, WorkDirs.randomId(random), grid, "threshold",
                Map.of("threshold", "1", "invert", "false"));
        // patch r0-c1 holds the pixels of r0-c0
        PixelRegion wrong = WorkDirs.patch(grid.tile(0, 0));
        Files.delete(job.pending().resolve(new PatchName(0, 1).fileName()));
        job.addPending(new PatchName(0, 1), wrong);
        drain(runner(1));
        assertEquals(1, job.count(job.done()));
        String reason = job.failures().failureReason(new PatchName(0, 1)).orElseThrow();
        assertTrue(reason.startsWith("the patch file covers"), reason);
    }

    @Test
    void onePatchClaimedElsewhereIsSkippedAndAVanishedJobEndsTheBatchQuietly() throws Exception {
        TileGrid grid = new TileGrid(40, 16, 32, 0);
        JobDirectory job = WorkDirs.job(work, WorkDirs.randomId(random), grid, "threshold",
                Map.of("threshold", "1", "invert", "false"));
        new PatchScanner(work, queue, jobs).scanOnce();
        List<WorkItem> batch = new ArrayList<>(queue.nextBatch(j -> 1));
        batch.addAll(queue.nextBatch(j -> 1));
        assertTrue(job.claim(batch.get(0).patch()).isPresent(), "another processor takes the first");
        BatchRunner runner = runner(3);
        runner.run(batch);
        assertEquals(1, runner.processed());
        assertEquals(1, job.count(job.claimed()), "the other processor's claim is left alone");

        JobDirectory gone = WorkDirs.job(work, WorkDirs.randomId(random), grid, "threshold",
                Map.of("threshold", "1", "invert", "false"));
        new PatchScanner(work, queue, jobs).scanOnce();
        List<WorkItem> goneBatch = queue.nextBatch(j -> 1);
        dev.lip.common.protocol.WorkTrees.remove(gone.dir());
        runner.run(goneBatch);
        assertEquals(1, runner.processed());
        assertEquals(0, runner.failedAttempts());
    }

    @Test
    void algorithmsThatTakeSeveralPatchesACallGetThemInOneBatch() throws Exception {
        TileGrid grid = new TileGrid(64, 64, 16, 0);
        JobDirectory onnx = WorkDirs.job(work, WorkDirs.randomId(random), grid, "onnx",
                dev.lip.algorithms.Algorithms.byName("onnx").orElseThrow().resolve(
                        Map.of("model", "absent.onnx", "batch", "5"), new ImageInfo(64, 64, 1, 8, "PNG")));
        Files.createDirectories(work.resolve("models"));
        dev.lip.algorithms.Algorithms.kernel("onnx").orElseThrow().configure(Map.of("models-dir", work.resolve("models").toString()));
        new PatchScanner(work, queue, jobs).scanOnce();
        assertEquals(5, jobs.batchSize(onnx.jobId()));
        List<WorkItem> batch = queue.nextBatch(jobs::batchSize);
        assertEquals(5, batch.size());
        assertTrue(batch.stream().allMatch(i -> i.jobId().equals(onnx.jobId())));
        // the model is not there: the whole batch fails with the reason, once per patch
        BatchRunner runner = runner(1);
        runner.run(batch);
        assertEquals(5, runner.failedAttempts());
        String reason = onnx.failures().failureReason(batch.get(4).patch()).orElseThrow();
        assertTrue(reason.contains("there is no model 'absent.onnx'"), reason);
    }
}
