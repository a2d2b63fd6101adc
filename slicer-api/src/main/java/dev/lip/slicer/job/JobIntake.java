package dev.lip.slicer.job;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.formats.source.SourceLimits;
import dev.lip.formats.tiff.Placement;
import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.decoding.DecoderEvent;
import dev.lip.slicer.decoding.DecoderFailure;
import dev.lip.slicer.decoding.DecoderRequest;
import dev.lip.slicer.decoding.DecoderSession;
import dev.lip.slicer.decoding.Decoders;
import dev.lip.slicer.source.SourceRoots;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A job's intake: from a submission and its arriving image to a slicing job (the header read in a decoder process,
 * the algorithm's settings resolved for that image, disk space reserved, slicing started), or a refusal with the
 * reason. The job may be made at the request that brings the image, or earlier, when a resumable upload that names
 * its job's parameters is created ({@link JobService#createForUpload}); either way this is where it is taken in.
 */
final class JobIntake {
    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);
    private final LipProperties props;
    private final SourceLimits limits;
    private final Decoders decoders;
    private final SourceRoots files;
    private final Jobs jobs;
    private final DiskSpace disk;
    private final ModelCheck models;
    private JobSlicing slicing;

    JobIntake(LipProperties props, SourceLimits limits, Decoders decoders, SourceRoots files, Jobs jobs, DiskSpace disk,
              ModelCheck models) {
        this.props = props;
        this.limits = limits;
        this.decoders = decoders;
        this.files = files;
        this.jobs = jobs;
        this.disk = disk;
        this.models = models;
    }

    /** The slicing that accepted jobs are handed to (made after this, since it asks this for allowed dirs). */
    void slicing(JobSlicing slicing) {
        this.slicing = slicing;
    }

    /** Where a job's image comes from: {@link #arrive} gives a file to read its header from, {@link #keep} makes it the job's. */
    interface ImageArrival {
        Path arrive(Job job, JobDirectory dir) throws IOException;

        /**
         * The length the image will have when {@link #arrive} gave a file still arriving (an upload sliced as its
         * bytes come: the decoder waits for them), else 0. Such a job's upload stage ends when its last byte arrives.
         */
        default long arrivingLength() {
            return 0;
        }

        /** Once the job is accepted: the image must end up at {@code dir.uploadFile()}. */
        default void keep(JobDirectory dir) throws IOException {
        }
    }

    /** Accepts a job whose image arrives with the request (or is named by it): refused, it leaves no trace. */
    JobView accept(Submission submission, ImageArrival arrival) throws IOException {
        Job job = newJob(submission, UUID.randomUUID().toString());
        return proceed(job, submission, arrival, false);
    }

    /** A job in RECEIVING, registered, its directory made; the submission's parameters checked first. */
    Job newJob(Submission submission, String id) throws IOException {
        models.check(submission);
        JobDirectory dir = jobs.directory(id);
        Job job = new Job(id, submission.algorithm(), submission.resultLayout(), submission.preview());
        job.destination(submission.destination());
        job.name(submission.name());
        Files.createDirectories(dir.dir());
        jobs.add(job);
        return job;
    }

    /**
     * From the arrived image to a slicing job: the header read in a decoder process, the algorithm's settings
     * resolved for it, disk reserved, slicing started. A job refused here is forgotten with its files (the request
     * that made it answers the reason), or, when it was made before its image arrived ({@code made}: a client may
     * be following it), FAILED with the reason.
     */
    JobView proceed(Job job, Submission submission, ImageArrival arrival, boolean made) throws IOException {
        String id = job.id();
        JobDirectory dir = jobs.directory(id);
        DecoderSession decoder = null;
        try {
            Path image = arrival.arrive(job, dir);
            long arriving = arrival.arrivingLength();
            if (arriving == 0) {
                job.endStage(Job.UPLOAD);
            }
            decoder = decoders.open("job " + id);
            ImageInfo info = probe(decoder, job, image, arriving);
            Algorithm algorithm = Algorithms.byName(submission.algorithm()).orElseThrow();
            Map<String, String> resolved;
            JobSettings settings;
            try {
                resolved = algorithm.resolve(submission.algorithmParameters(), info);
                settings = algorithm.settings(resolved);
            } catch (IllegalArgumentException e) {
                throw JobException.invalid(e.getMessage());
            }
            int halo = settings.halo();
            int overlap = Math.max(submission.overlap(), halo);
            if (overlap > TileGrid.MAX_OVERLAP) {
                throw JobException.invalid(algorithm.name() + " with these parameters needs a halo of " + halo
                        + " pixels; at most " + TileGrid.MAX_OVERLAP + " is supported.");
            }
            if (overlap > submission.overlap()) {
                job.note("overlap raised from " + submission.overlap() + " to " + overlap + ": " + algorithm.name()
                        + " needs a halo of " + halo + " pixels for an exact result");
            }
            TileGrid grid = new TileGrid(info.width(), info.height(), submission.tileSize(), overlap);
            reserveSpace(id, info, grid, settings.blend().blends());
            job.configure(info, grid, resolved, settings);
            arrival.keep(dir);
            dir.createDirectories();
            JobStatistics statistics = new JobStatistics(algorithm.requiredStatistics());
            if (statistics.isEmpty()) {
                // Patches are claimable as soon as they are written: processing overlaps slicing.
                dir.writeManifest(Jobs.manifest(job, Map.of()));
            } else {
                job.note("patches are processed once slicing has gathered " + algorithm.requiredStatistics());
            }
            job.setState(JobState.SLICING);
            job.startStage(Job.SLICING);
            job.startStage(Job.PROCESSING);
            jobs.save(job);
            slicing.start(job, dir, jobs.input(job), statistics, decoder, arriving);
            decoder = null; // the slicing has it now
            log.info("job {}: {} {}x{} {}-band {}, {} patches of {} (+{} halo), {} {}", id, info.format(),
                    info.width(), info.height(), info.bands(), info.sampleFormat().label(), grid.tileCount(),
                    grid.tileSize(), grid.overlap(), submission.algorithm(), resolved);
            return job.view();
        } catch (RuntimeException | IOException e) {
            refused(job, made, dev.lip.formats.source.Messages.of(e));
            throw e;
        } catch (Error e) {
            // the job must not stay RECEIVING with its upload on disk
            refused(job, made, "The service could not take this job within its memory.");
            log.error("job {}: refused after an error", id, e);
            throw new JobException(JobException.Kind.INTERNAL,
                    "The service could not take this job within its memory; its log has the details.");
        } finally {
            if (decoder != null) {
                decoder.close();
            }
        }
    }

    /**
     * Reads the image's header in a decoder process (OpenSlide's vendor detection and every native decoder run
     * there, never in this JVM); a file it cannot read, or that crashes it, is refused with its sentence.
     */
    private ImageInfo probe(DecoderSession decoder, Job job, Path image, long arrivingLength) throws IOException {
        DecoderRequest request = new DecoderRequest(DecoderRequest.PROBE, image.toAbsolutePath().toString(),
                allowedDirs(job), limits.maxPixels(), limits.wholeDecodeMaxPixels(), limits.maxExpansion(), null,
                arrivingLength);
        AtomicReference<DecoderEvent> info = new AtomicReference<>();
        DecoderEvent end;
        try {
            end = decoder.run(request, info::set, () -> job.state().isTerminal());
        } catch (DecoderFailure e) {
            throw JobException.invalid(e.getMessage());
        }
        if (!DecoderEvent.DONE.equals(end.kind()) || info.get() == null || info.get().info() == null) {
            throw JobException.invalid(end.message() != null ? end.message() : "The image cannot be read.");
        }
        job.placement(info.get().placement() != null ? info.get().placement() : Placement.NONE);
        return info.get().info();
    }

    /** Where a decoder may find the job's image: the file it names under a source root, or our own directories. */
    List<String> allowedDirs(Job job) {
        List<Path> dirs = job.source() != null && job.source().startsWith("file:") ? files.realRoots()
                : List.of(props.tempDir(), props.effectiveUploadDir());
        List<String> out = new java.util.ArrayList<>();
        for (Path d : dirs) {
            try {
                out.add(d.toRealPath().toString());
            } catch (IOException e) {
                // a directory that is not there holds no image
            }
        }
        return out;
    }

    /** Forgets a job that was never accepted, with its files. */
    private void refused(Job job, boolean made, String why) {
        if (made) {
            disk.release(job.id());
            jobs.fail(job, why);
        } else {
            abandon(job.id());
        }
    }

    void abandon(String id) {
        jobs.remove(id);
        disk.release(id);
    }

    /**
     * Refuses an image whose patches need more space than the disk holds beside what the jobs accepted before it
     * will write; otherwise reserves that space until slicing ends. (Too many pixels are refused by the sources,
     * from the header alone.)
     */
    private void reserveSpace(String id, ImageInfo info, TileGrid grid, boolean blends) throws IOException {
        long needed = DiskSpace.estimate(info, grid, blends);
        OptionalLong available = disk.reserve(id, needed);
        if (available.isPresent()) {
            throw new JobException(JobException.Kind.INSUFFICIENT_STORAGE, "Slicing this image needs about "
                    + (needed >> 20) + " MiB in the work directory but only " + available.getAsLong() + " MiB are free "
                    + "beside what accepted jobs will still write (keeping lip.min-free-bytes = " + props.minFreeBytes()
                    + " free). Try again when running jobs have finished.");
        }
    }
}
