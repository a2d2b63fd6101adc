package dev.lip.slicer.job;

import dev.lip.formats.tiff.ResultLayout;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A restart's recovery from each state a {@code status.json} can hold, on real files, without the service. */
class JobRecoveryTest {
    @TempDir
    Path work;
    @TempDir
    Path results;

    final ObjectMapper json = JsonMapper.builder().findAndAddModules().build();

    /** Leaves a job as a killed run would have: its directories, a pending patch, an upload, and its status. */
    private JobDirectory leave(String id, JobState state) throws Exception {
        Job job = new Job(id, "threshold", ResultLayout.COG, false);
        job.configure(new ImageInfo(64, 64, 1, 8, "PNG"), new TileGrid(64, 64, 32, 0), Map.of("threshold", "128", "invert", "false"), null);
        JobView v = job.view();
        JobView saved = new JobView(v.id(), state, v.image(), v.grid(), v.algorithm(), v.parameters(), v.jobValues(),
                v.patches(), v.resultRequested(), v.result(), state == JobState.FAILED ? "an earlier failure" : null,
                v.notes(), v.createdAt(), v.updatedAt(), v.stages(), null, v.resultFormat(), v.preview(), v.source(), v.destination(), v.resultObject(), v.name(), v.upload(), v.submission());
        JobDirectory dir = new JobDirectory(work, id);
        dir.createDirectories();
        Files.writeString(dir.pending().resolve(new PatchName(0, 0).fileName()), "patch");
        Files.writeString(dir.uploadFile(), "upload");
        Files.write(dir.statusFile(), json.writeValueAsBytes(saved));
        return dir;
    }

    final List<Job> resumed = new java.util.ArrayList<>();

    private List<Job> recover() throws Exception {
        JobRepository repository = new JobRepository(work, json, java.util.List.of());
        return new JobRecovery(new Jobs(work, results, repository), repository, results, resumed::add).recover();
    }

    private JobView reloaded(JobDirectory dir) throws Exception {
        return json.readValue(Files.readAllBytes(dir.statusFile()), JobView.class);
    }

    @Test
    void aJobCaughtSlicingResumesSlicingAndKeepsWhatItPublished() throws Exception {
        JobDirectory dir = leave("job-1", JobState.SLICING);
        Job job = recover().get(0);
        assertEquals(List.of(job), resumed);
        assertEquals(JobState.SLICING, job.state());
        assertTrue(Files.exists(dir.uploadFile()));
        assertTrue(Files.exists(dir.pending().resolve(new PatchName(0, 0).fileName())));
    }

    @Test
    void aJobWhoseResumedSlicingGotNoFurtherIsNotTriedAgain() throws Exception {
        JobDirectory dir = leave("job-1", JobState.SLICING);
        assertEquals(JobState.SLICING, recover().get(0).state());
        // the resumed slicing published a patch before the next stop: it resumes again
        Files.writeString(dir.pending().resolve(new PatchName(0, 1).fileName()), "patch");
        resumed.clear();
        assertEquals(JobState.SLICING, recover().get(0).state());
        assertEquals(1, resumed.size());
        resumed.clear();
        Job again = recover().get(0); // the service stopped again before the slicing got any further
        assertEquals(List.of(), resumed);
        assertEquals(JobState.FAILED, again.state());
        assertEquals(JobRecovery.SLICED_TWICE, again.view().error());
        assertEquals(JobState.FAILED, reloaded(dir).state(), "saved");
    }

    @Test
    void aJobCaughtSlicingWithoutItsUploadFailsWithTheReason() throws Exception {
        JobDirectory dir = leave("job-1", JobState.SLICING);
        Files.delete(dir.uploadFile());
        Job job = recover().get(0);
        assertEquals(List.of(), resumed);
        assertEquals(JobState.FAILED, job.state());
        assertEquals(JobRecovery.MISSING_UPLOAD, job.view().error());
        assertEquals(JobState.FAILED, reloaded(dir).state(), "saved");
        assertFalse(Files.exists(dir.pending()), "its patches are removed");
    }

    @Test
    void aJobSavedWhileReceivingFailsWithASentence() throws Exception {
        JobDirectory dir = leave("job-1", JobState.RECEIVING);
        Job job = recover().get(0);
        assertEquals(JobState.FAILED, job.state());
        assertEquals(JobRecovery.INTERRUPTED_UPLOAD, job.view().error());
        assertFalse(Files.exists(dir.uploadFile()));
        assertEquals(List.of(), resumed);
    }

    @Test
    void aJobCaughtStitchingIsProcessedAgainSoItsStitchStartsOver() throws Exception {
        JobDirectory dir = leave("job-1", JobState.STITCHING);
        Files.writeString(results.resolve(".job-1.tif.tmp"), "half a result");
        Job job = recover().get(0);
        assertEquals(JobState.PROCESSED, job.state());
        assertEquals(JobState.PROCESSED, reloaded(dir).state(), "saved");
        assertTrue(Files.exists(dir.pending().resolve(new PatchName(0, 0).fileName())), "its files are kept");
        try (var left = Files.list(results)) {
            assertEquals(0, left.count(), "the half-written result is removed");
        }
    }

    @ParameterizedTest
    @EnumSource(value = JobState.class, names = {"PROCESSING", "PROCESSED", "DONE", "FAILED", "CANCELLED"})
    void everyOtherStateIsTakenUpAsSaved(JobState state) throws Exception {
        JobDirectory dir = leave("job-1", state);
        if (state == JobState.DONE) {
            Files.writeString(results.resolve("job-1.tif"), "its result");
        }
        Job job = recover().get(0);
        assertEquals(state, job.state());
        assertEquals(state, reloaded(dir).state());
        assertTrue(Files.exists(dir.pending().resolve(new PatchName(0, 0).fileName())), "nothing is removed");
        if (state != JobState.FAILED) {
            assertNull(job.view().error());
        }
    }

    /** Issue 26: a DONE job whose result file went while the service was stopped is not DONE any more. */
    @Test
    void aDoneJobWhoseResultFileIsGoneIsFailedSayingSo() throws Exception {
        JobDirectory dir = leave("job-1", JobState.DONE);
        Job job = recover().get(0);
        assertEquals(JobState.FAILED, job.state());
        assertTrue(job.view().error().contains("job-1.tif was removed"), job.view().error());
        assertEquals(JobState.FAILED, reloaded(dir).state());
    }

    /** The result directory inside the work directory (run.sh's temp/results) is never taken for an upload. */
    @Test
    void theResultDirectoryInsideTheWorkDirectoryIsLeftAlone() throws Exception {
        Path inside = Files.createDirectories(work.resolve("results"));
        Files.writeString(inside.resolve("0f0e.tif"), "an earlier result");
        Path stray = Files.createDirectories(work.resolve("notes"));
        Files.writeString(stray.resolve("readme.txt"), "someone's");
        Path upload = Files.createDirectories(work.resolve("job-2"));
        Files.writeString(upload.resolve(JobDirectory.UPLOAD), "half an upload");
        JobRepository repository = new JobRepository(work, json, java.util.List.of(inside));
        new JobRecovery(new Jobs(work, inside, repository), repository, inside, resumed::add).recover();
        assertTrue(Files.exists(inside.resolve("0f0e.tif")), "results kept");
        assertTrue(Files.exists(stray.resolve("readme.txt")), "not ours: left alone");
        assertTrue(Files.notExists(upload), "an unfinished upload is removed");
    }

    @Test
    void everyStateIsCovered() {
        // RECEIVING, SLICING, STITCHING and the five above: a new state must be given its recovery here
        assertTrue(resumed.isEmpty());
        assertEquals(8, JobState.values().length);
    }
}
