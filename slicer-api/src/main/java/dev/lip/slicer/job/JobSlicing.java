package dev.lip.slicer.job;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobStatistic;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.formats.source.Messages;
import dev.lip.formats.source.SourceLimits;
import dev.lip.slicer.decoding.DecoderEvent;
import dev.lip.slicer.decoding.DecoderFailure;
import dev.lip.slicer.decoding.DecoderRequest;
import dev.lip.slicer.decoding.DecoderSession;
import dev.lip.slicer.decoding.Decoders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Slices accepted jobs, two at a time, each in a decoder process of its own ({@link Decoders}): every patch written
 * to {@code pending/} as it is cut, then the job-wide values (for algorithms that need statistics of the whole
 * image) and the manifest that makes those patches claimable. Any failure, the decoder's crash too, fails the job
 * with a sentence; the job's disk reservation ends with its slicing.
 */
final class JobSlicing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobSlicing.class);

    private final Jobs jobs;
    private final Decoders decoders;
    private final SourceLimits limits;
    /** Where a job's image may be: the work and upload directories, or the source roots for a file read in place. */
    private final Function<Job, List<String>> allowedDirs;
    private final DiskSpace disk;
    private final int sliceThreads;
    private final ExecutorService slicers = Executors.newFixedThreadPool(2, JobMonitor.daemon("slicer"));
    /**
     * Slicings of uploads still arriving (issue 27) run apart: they mostly wait for bytes, and must not hold the
     * places of jobs whose images are all there. {@link #arrivingSlots} bounds them, and the decoders they hold.
     */
    private final ExecutorService arrivingSlicers = Executors.newCachedThreadPool(JobMonitor.daemon("arriving-slicer"));
    private final java.util.concurrent.Semaphore arrivingSlots;
    /** The declared length of a job's upload when it is still arriving, else 0 (for a slicing resumed after a restart). */
    private volatile java.util.function.ToLongFunction<Job> arrivingLength = job -> 0;

    JobSlicing(Jobs jobs, Decoders decoders, SourceLimits limits, Function<Job, List<String>> allowedDirs,
               DiskSpace disk, int sliceThreads, int arrivingSlicings) {
        this.jobs = jobs;
        this.decoders = decoders;
        this.limits = limits;
        this.allowedDirs = allowedDirs;
        this.disk = disk;
        this.sliceThreads = sliceThreads;
        this.arrivingSlots = new java.util.concurrent.Semaphore(Math.max(0, arrivingSlicings));
    }

    void arrivingLengths(java.util.function.ToLongFunction<Job> lengths) {
        this.arrivingLength = lengths;
    }

    /** A place for a slicing of an upload still arriving; false when all are taken (the job waits for its last byte). */
    boolean reserveArriving() {
        return arrivingSlots.tryAcquire();
    }

    /** Gives back a place {@link #reserveArriving} gave, for a job that did not start slicing. */
    void releaseArriving() {
        arrivingSlots.release();
    }

    /**
     * @param decoder        the process that probed the image, which slices it now and is ended after
     * @param arrivingLength the upload's declared length when it is still arriving (the slicing then holds a place
     *                       {@link #reserveArriving} gave, until it ends), else 0
     */
    void start(Job job, JobDirectory dir, Path upload, JobStatistics statistics, DecoderSession decoder,
               long arrivingLength) {
        (arrivingLength > 0 ? arrivingSlicers : slicers).submit(() -> {
            try {
                slice(job, dir, upload, statistics, false, decoder, arrivingLength);
            } finally {
                if (arrivingLength > 0) {
                    arrivingSlots.release();
                }
            }
        });
    }

    /**
     * Slices a job again from its stored upload after a restart ({@link JobRecovery}): patches already published
     * stay as they are (processed ones too), statistics are gathered again over the whole image.
     */
    void resume(Job job) {
        JobDirectory dir = jobs.directory(job.id());
        Set<JobStatistic> wanted = Algorithms.byName(job.algorithm()).map(Algorithm::requiredStatistics).orElse(Set.of());
        job.sliced.set(0);
        try {
            // The reservation ends with this slicing; what the job already wrote is on the disk already.
            disk.reserve(job.id(), DiskSpace.estimate(job.image(), job.grid(), job.settings().blend().blends()));
            removeTemporaryFiles(dir.pending()); // halves of patches the killed run was writing
        } catch (IOException | RuntimeException e) {
            log.warn("job {}: preparing to resume slicing: {}", job.id(), e.toString());
        }
        // an upload still arriving is followed again, in a place of its own even when all are taken: it had one
        long arriving = arrivingLength.applyAsLong(job);
        boolean slot = arriving > 0 && arrivingSlots.tryAcquire();
        (arriving > 0 ? arrivingSlicers : slicers).submit(() -> {
            try {
                slice(job, dir, jobs.input(job), new JobStatistics(wanted), true, decoders.open("job " + job.id()),
                        arriving);
            } catch (IOException | RuntimeException e) {
                jobs.fail(job, "Slicing could not start again after a restart: " + Messages.of(e));
            } finally {
                if (slot) {
                    arrivingSlots.release();
                }
            }
        });
    }

    private static void removeTemporaryFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : tmp) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void slice(Job job, JobDirectory dir, Path upload, JobStatistics statistics, boolean resume,
                       DecoderSession decoder, long arrivingLength) {
        try (decoder) {
            DecoderRequest request = new DecoderRequest(DecoderRequest.SLICE, upload.toString(), allowedDirs.apply(job),
                    limits.maxPixels(), limits.wholeDecodeMaxPixels(), limits.maxExpansion(),
                    new DecoderRequest.Slice(dir.dir().toAbsolutePath().getParent().toString(), job.id(), job.grid().tileSize(),
                            job.grid().overlap(), statistics.wanted(), job.preview(), resume, sliceThreads),
                    arrivingLength);
            DecoderEvent end = decoder.run(request, e -> {
                if (DecoderEvent.SLICED.equals(e.kind())) {
                    job.sliced.set(e.sliced());
                }
            }, () -> job.state().isTerminal());
            if (!DecoderEvent.DONE.equals(end.kind())) {
                if (!job.state().isTerminal()) {
                    jobs.fail(job, end.message());
                }
                return;
            }
            if (end.lumaHistogram() != null) {
                statistics.addLumaHistogram(end.lumaHistogram());
            }
            if (!statistics.isEmpty()) {
                // Job-wide values are final now; the manifest makes the patches claimable.
                Map<String, Object> values = new LinkedHashMap<>(job.settings().jobValues(statistics));
                job.setJobValues(Map.copyOf(values));
                values.put("lumaHistogram", statistics.lumaHistogram());
                dir.writeManifest(Jobs.manifest(job, values));
            }
            job.endStage(Job.SLICING);
            if (job.finishSlicing()) {
                jobs.save(job);
            }
            if (upload.equals(dir.uploadFile())) {
                Files.deleteIfExists(upload); // a file read in place (file:// source) is the user's
            }
        } catch (DecoderFailure e) {
            if (job.state().isTerminal()) {
                log.info("job {}: slicing stopped, the job is {}", job.id(), job.state());
            } else {
                jobs.fail(job, e.getMessage());
            }
        } catch (Exception | Error e) {
            log.error("job {}: slicing failed", job.id(), e);
            jobs.fail(job, "Slicing failed: " + Messages.of(e));
        } finally {
            disk.release(job.id());
        }
    }

    @Override
    public void close() {
        slicers.shutdownNow();
        arrivingSlicers.shutdownNow();
    }
}
