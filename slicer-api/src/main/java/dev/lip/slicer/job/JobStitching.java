package dev.lip.slicer.job;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.formats.source.Messages;
import dev.lip.slicer.source.ObjectStorage;
import dev.lip.slicer.source.SourceException;
import dev.lip.slicer.source.SourceReference;
import dev.lip.slicer.stitching.Stitcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a job's result as soon as it is asked for and the patches are claimable (the manifest is written), even
 * while slicing and processing go on: each output tile waits for the results it needs, so compressing the result
 * overlaps the other stages instead of following them. Once every tile is written, every patch was processed, and
 * the job moves on to DONE. One thread a stitching job: a stitch that waits for results must not hold up another's.
 */
final class JobStitching implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobStitching.class);

    private final Jobs jobs;
    private final Stitcher stitcher;
    private final ObjectStorage objects;
    private final ExecutorService stitchers = Executors.newCachedThreadPool(JobMonitor.daemon("stitcher"));

    JobStitching(Jobs jobs, Stitcher stitcher, ObjectStorage objects) {
        this.jobs = jobs;
        this.stitcher = stitcher;
        this.objects = objects;
    }

    /** Starts the job's stitch if its result was asked for and its patches are claimable; once per job. */
    void startIfReady(Job job) {
        JobState s = job.state();
        if (!job.resultRequested() || (s != JobState.SLICING && s != JobState.PROCESSING && s != JobState.PROCESSED
                && s != JobState.STITCHING) || !Files.isRegularFile(jobs.directory(job.id()).manifestFile())
                || !job.stitchStarted.compareAndSet(false, true)) {
            return;
        }
        job.startStage(Job.STITCHING);
        stitchers.submit(() -> stitch(job));
    }

    /** Uploads the finished result where the job asked; false (the job failed, saying why) when it could not. */
    private boolean deliver(Job job, Path result) {
        SourceReference.S3Object object = (SourceReference.S3Object) SourceReference.parse(job.destination());
        try {
            job.uploaded(objects.upload(object, result, () -> job.state().isTerminal()));
            log.info("job {}: result uploaded to {}", job.id(), object.uri());
            return !job.state().isTerminal();
        } catch (SourceException | IOException e) {
            jobs.fail(job, "The result was written but not uploaded to " + object.uri() + ": " + e.getMessage());
            return false;
        }
    }

    private void stitch(Job job) {
        JobDirectory dir = jobs.directory(job.id());
        Path result = jobs.resultFile(job.id());
        try {
            long bytes = stitcher.stitch(dir, job.grid(), job.settings(), jobs.completions(job),
                    new Stitcher.Output(result, job.resultLayout(), job.placement()), () -> job.state().isTerminal());
            // Every tile is written, so every patch was processed; the slicer thread may still be a step behind.
            job.awaitSlicing();
            synchronized (job) {
                job.processed = job.total();
                if (job.advance(JobState.PROCESSING, JobState.PROCESSED)) {
                    job.endStage(Job.PROCESSING);
                }
                job.advance(JobState.PROCESSED, JobState.STITCHING);
            }
            if (job.destination() != null && !deliver(job, result)) {
                return;
            }
            synchronized (job) {
                job.resultWritten(bytes);
                job.endStage(Job.STITCHING);
                if (!job.advance(JobState.STITCHING, JobState.DONE)) {
                    return;
                }
            }
            jobs.save(job);
            jobs.cleanPatches(job);
            log.info("job {}: done, {} bytes in {}", job.id(), bytes, result);
        } catch (Stitcher.StitchAbortedException | InterruptedException e) {
            log.info("job {}: stitching stopped, the job is {}", job.id(), job.state());
        } catch (Exception e) {
            log.error("job {}: stitching failed", job.id(), e);
            jobs.fail(job, "Stitching failed: " + Messages.of(e));
        } finally {
            releaseHeap();
        }
    }

    /**
     * A job leaves its large buffers (bands of rows, tile rows, pyramid strips, patches promoted while in flight:
     * tens of MB) as garbage in the old generation, and the serial collector grows the old generation to make room
     * rather than collecting it, so the committed heap, and the RSS with it, grew by 30-40 MB a job until it
     * reached -Xmx (measured: 270 MB after one 20000² image, 448 MB after six). One full collection of the ~20 MB
     * that live between jobs, some tens of milliseconds, lets the next job reuse that room: the RSS stays at what
     * one job needs.
     */
    private static void releaseHeap() {
        System.gc();
    }

    @Override
    public void close() {
        stitchers.shutdownNow();
    }
}
