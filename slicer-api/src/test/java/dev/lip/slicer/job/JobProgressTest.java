package dev.lip.slicer.job;

import dev.lip.formats.tiff.ResultLayout;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The monitor's step on real job directories, without the services: reclaim, failures, progress, retention, recovery. */
class JobProgressTest {
    @TempDir
    Path work;
    @TempDir
    Path results;

    private JobRepository repository;
    private Jobs jobs;
    private final Duration lease = Duration.ofSeconds(30);
    private final Duration retention = Duration.ofDays(7);

    @BeforeEach
    void setUp() {
        repository = new JobRepository(work, JsonMapper.builder().findAndAddModules().build(), java.util.List.of());
        jobs = new Jobs(work, results, repository);
    }

    private JobProgress progress(Clock clock) {
        return new JobProgress(jobs, new JobStitching(jobs, null, null), lease, retention, clock);
    }

    /** A job of four patches (two by two), sliced, its directories made, in PROCESSING. */
    private Job processingJob(String id) throws IOException {
        Job job = new Job(id, "threshold", ResultLayout.COG, false);
        job.setState(JobState.SLICING);
        job.configure(new ImageInfo(64, 64, 1, 8, "PNG"), new TileGrid(64, 64, 32, 0), Map.of("threshold", "128"), null);
        jobs.add(job);
        JobDirectory dir = jobs.directory(id);
        dir.createDirectories();
        job.finishSlicing();
        jobs.save(job);
        return job;
    }

    private void file(Path p) throws IOException {
        PatchFile.write(p, new PixelRegion(new Rect(0, 0, 4, 4), 1, 8));
    }

    @Test
    void anExpiredClaimIsQueuedAgainAndALiveOneIsNot() throws IOException {
        Job job = processingJob("job-a");
        JobDirectory dir = jobs.directory(job.id());
        Path dead = dir.claimed().resolve(new PatchName(0, 0).fileName());
        Path live = dir.claimed().resolve(new PatchName(0, 1).fileName());
        file(dead);
        file(live);
        Files.setLastModifiedTime(dead, FileTime.fromMillis(System.currentTimeMillis() - lease.toMillis() - 5000));
        JobProgress p = progress(Clock.systemUTC());
        assertEquals(List.of(job), p.activeJobs());
        p.follow(job);
        assertTrue(Files.exists(dir.pending().resolve(new PatchName(0, 0).fileName())), "the dead claim is pending again");
        assertTrue(Files.exists(live), "the live claim stays");
    }

    @Test
    void aFailedPatchFailsTheJobWithItsReasonAndAllResultsInMakeItProcessed() throws IOException {
        Job failing = processingJob("job-b");
        JobDirectory dir = jobs.directory(failing.id());
        file(dir.failed().resolve("r1-c0.patch"));
        Files.writeString(dir.failed().resolve("r1-c0.patch.error"), "model /opt/models/x.onnx failed");
        JobProgress p = progress(Clock.systemUTC());
        p.activeJobs();
        p.follow(failing);
        assertEquals(JobState.FAILED, failing.state());
        assertEquals("Patch r1-c0.patch failed: model the file failed", failing.error());

        Job done = processingJob("job-c");
        JobDirectory d = jobs.directory(done.id());
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 2; c++) {
                file(d.done().resolve(new PatchName(r, c).fileName()));
            }
        }
        p.follow(done);
        assertEquals(JobState.PROCESSED, done.state());
        assertEquals(4, done.processed);
        assertTrue(Files.readString(d.statusFile()).contains("\"PROCESSED\""), "saved");
    }

    @Test
    void retentionRemovesEndedAndUnclaimedProcessedJobsButNotActiveOnes() throws IOException {
        Job processed = processingJob("job-d");
        processed.advance(JobState.PROCESSING, JobState.PROCESSED);
        Job failed = processingJob("job-e");
        jobs.fail(failed, "a reason");
        Job active = processingJob("job-f");
        progress(Clock.systemUTC()).removeExpired();
        assertEquals(3, jobs.all().size(), "nothing is old yet");

        Clock later = Clock.fixed(Instant.now().plus(retention).plusSeconds(60), ZoneOffset.UTC);
        progress(later).removeExpired();
        assertEquals(List.of(active), List.copyOf(jobs.all()));
        assertFalse(Files.exists(work.resolve("job-d")));
        assertFalse(Files.exists(work.resolve("job-e")));
        assertThrows(JobException.class, () -> jobs.find("job-d"));
    }

    @Test
    void theRepositoryGivesBackEveryJobAsLastSavedAndDropsUnfinishedUploads() throws IOException {
        Job saved = processingJob("job-g");
        Files.createDirectories(work.resolve("job-h")); // an upload a killed run was receiving: no status.json
        Files.writeString(work.resolve("job-h").resolve("upload.bin"), "partial");
        Files.createDirectories(work.resolve(".trash-123").resolve("x"));
        List<Job> loaded = repository.loadAll();
        assertEquals(1, loaded.size());
        assertEquals(saved.id(), loaded.get(0).id());
        assertEquals(JobState.PROCESSING, loaded.get(0).state());
        assertEquals(saved.grid(), loaded.get(0).grid());
        assertFalse(Files.exists(work.resolve("job-h")), "the unfinished upload is removed");
        assertFalse(Files.exists(work.resolve(".trash-123")), "an unfinished removal is finished");
    }
}
