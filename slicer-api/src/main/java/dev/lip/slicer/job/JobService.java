package dev.lip.slicer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.config.LipProperties;
import dev.lip.formats.source.SourceLimits;
import dev.lip.formats.tiff.Placement;
import dev.lip.slicer.decoding.DecoderEvent;
import dev.lip.slicer.decoding.DecoderFailure;
import dev.lip.slicer.decoding.DecoderRequest;
import dev.lip.slicer.decoding.DecoderSession;
import dev.lip.slicer.decoding.Decoders;
import dev.lip.slicer.stitching.Stitcher;
import dev.lip.slicer.source.ObjectStorage;
import dev.lip.slicer.source.SourceException;
import dev.lip.slicer.source.SourceReference;
import dev.lip.slicer.source.SourceRoots;
import dev.lip.slicer.upload.TusUploads;
import dev.lip.slicer.upload.UploadReceiver;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The jobs as the API sees them: accepts uploads, answers for jobs, cancels them, takes result requests. It is the
 * only writer of job state, through the parts it assembles: {@link Jobs} (the registry and what a change does on
 * disk), {@link JobSlicing}, {@link JobStitching}, and {@link JobProgress} run by a {@link JobMonitor}. A restarted
 * service picks its jobs up again from their {@code status.json} ({@link JobRepository}).
 */
@Service
public class JobService {
    private static final Logger log = LoggerFactory.getLogger(JobService.class);

    private final LipProperties props;
    private final SourceLimits limits;
    private final Decoders decoders;
    private final UploadReceiver uploads;
    private final TusUploads tusUploads;
    private final ObjectStorage objects;
    private final SourceRoots files;
    private final JobRepository repository;
    private final Jobs jobs;
    private final DiskSpace disk;
    private final ModelCheck models;
    private final JobSlicing slicing;
    private final JobStitching stitching;
    private final JobProgress progress;
    private final JobMonitor<Job> monitor;
    private final PatchRelay relay;

    public JobService(LipProperties props, Stitcher stitcher, ObjectMapper json, UploadReceiver uploads,
                      TusUploads tusUploads, ObjectStorage objects, SourceRoots files,
                      dev.lip.distributed.Transport transport) throws IOException {
        this.props = props;
        this.objects = objects;
        this.files = files;
        this.uploads = uploads;
        this.tusUploads = tusUploads;
        this.limits = new SourceLimits(props.maxPixels(), props.progressiveJpegMaxPixels(), props.maxExpansion());
        this.decoders = new Decoders(props.decoder().limits(), props.decoder().javaOptionList());
        this.repository = new JobRepository(props.tempDir(), json, List.of(props.resultDir(), props.effectiveUploadDir()));
        this.jobs = new Jobs(props.tempDir(), props.resultDir(), repository);
        this.disk = new DiskSpace(props.tempDir(), props.minFreeBytes());
        this.models = new ModelCheck(props.tempDir());
        this.slicing = new JobSlicing(jobs, decoders, limits, this::allowedDirs, disk, props.effectiveSliceThreads());
        this.stitching = new JobStitching(jobs, stitcher, objects);
        this.progress = new JobProgress(jobs, stitching, props.leaseTimeout(), props.retention(), java.time.Clock.systemUTC());
        Files.createDirectories(props.tempDir());
        Files.createDirectories(props.resultDir());
        new JobRecovery(jobs, repository, props.resultDir(), slicing::resume).recover();
        this.monitor = new JobMonitor<>(props.monitorInterval(), props.monitorStepDeadline(), progress::activeJobs,
                Job::id, progress::follow, System::currentTimeMillis);
        monitor.start();
        this.relay = new PatchRelay(jobs, transport);
        relay.start();
    }

    /** Where a job's image comes from: {@link #arrive} gives a file to read its header from, {@link #keep} makes it the job's. */
    private interface ImageArrival {
        Path arrive(Job job, JobDirectory dir) throws IOException;

        /** Once the job is accepted: the image must end up at {@code dir.uploadFile()}. */
        default void keep(JobDirectory dir) throws IOException {
        }
    }

    /**
     * Receives an upload: streams the body to disk, reads the image header, and starts slicing. Unreadable images
     * are refused here when their header shows it; damage further in fails the job later.
     */
    public JobView create(Submission submission, InputStream body) throws IOException {
        return accept(submission, (job, dir) -> {
            long bytes = uploads.receive(body, dir.uploadFile(), () -> job.state() == JobState.CANCELLED);
            if (bytes == 0) {
                throw JobException.invalid("The request body is empty: send the image as the request body, "
                        + "or as a multipart/form-data part named 'image', or name a finished resumable upload "
                        + "(upload=ID).");
            }
            return dir.uploadFile();
        });
    }

    /**
     * Creates a job from a finished resumable upload ({@link TusUploads}), which the job takes: a job refused (bad
     * parameters, an unreadable header, too little disk) leaves the upload as it was, for another try.
     */
    public JobView createFromUpload(Submission submission, String uploadId) throws IOException {
        return accept(submission, new ImageArrival() {
            @Override
            public Path arrive(Job job, JobDirectory dir) throws IOException {
                Path data = tusUploads.finished(uploadId);
                job.stageBegan(Job.UPLOAD, tusUploads.createdAt(uploadId)); // the upload's time, not the job's creation
                return data;
            }

            @Override
            public void keep(JobDirectory dir) throws IOException {
                tusUploads.adopt(uploadId, dir.uploadFile());
            }
        });
    }

    /**
     * Creates a job whose image is read where it lives: an object in S3 (streamed into the job's directory, so that
     * the job survives a restart like an upload) or a file under {@code lip.source-roots} (read in place). A
     * missing object, refused credentials or an unreachable endpoint are refused here with a sentence.
     */
    public JobView createFromSource(Submission submission, String source) throws IOException {
        SourceReference reference;
        try {
            reference = SourceReference.parse(source);
        } catch (IllegalArgumentException e) {
            throw JobException.invalid(e.getMessage());
        }
        if (reference.uri().equals(submission.destination())) {
            throw JobException.invalid("destination " + submission.destination() + " is the job's own source: the "
                    + "result would overwrite the image. Name another key.");
        }
        return accept(submission, (job, dir) -> {
            job.source(reference.uri());
            try {
                if (reference instanceof SourceReference.LocalFile file) {
                    // The job keeps the real path checked here, never the path as written: a link on that path
                    // changed later cannot lead its slicing (or a restart's) out of the roots.
                    Path real = files.resolve(file);
                    job.source(real.toUri().toString());
                    return real;
                }
                SourceReference.S3Object object = (SourceReference.S3Object) reference;
                long size = objects.size(object);
                uploads.checkDeclaredLength(size);
                objects.copy(object, size, dir.uploadFile(), () -> job.state() == JobState.CANCELLED);
                return dir.uploadFile();
            } catch (SourceException e) {
                throw new JobException(switch (e.kind()) {
                    case INVALID -> JobException.Kind.INVALID;
                    case FORBIDDEN -> JobException.Kind.FORBIDDEN;
                    case UNREACHABLE -> JobException.Kind.UPSTREAM;
                }, e.getMessage());
            }
        });
    }

    /**
     * Checks a submission before its image is sent: its parameters against stand-in images, and an onnx model
     * against the models the running processors have.
     */
    public void check(Submission submission) {
        SubmissionCheck.check(submission);
        models.check(submission);
    }

    private JobView accept(Submission submission, ImageArrival arrival) throws IOException {
        models.check(submission);
        String id = UUID.randomUUID().toString();
        JobDirectory dir = jobs.directory(id);
        Job job = new Job(id, submission.algorithm(), submission.resultLayout(), submission.preview());
        job.destination(submission.destination());
        job.name(submission.name());
        Files.createDirectories(dir.dir());
        jobs.add(job);
        DecoderSession decoder = null;
        try {
            Path image = arrival.arrive(job, dir);
            job.endStage(Job.UPLOAD);
            decoder = decoders.open("job " + id);
            ImageInfo info = probe(decoder, job, image);
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
            slicing.start(job, dir, jobs.input(job), statistics, decoder);
            decoder = null; // the slicing has it now
            log.info("job {}: {} {}x{} {}-band {}, {} patches of {} (+{} halo), {} {}", id, info.format(),
                    info.width(), info.height(), info.bands(), info.sampleFormat().label(), grid.tileCount(),
                    grid.tileSize(), grid.overlap(), submission.algorithm(), resolved);
            return job.view();
        } catch (RuntimeException | IOException e) {
            abandon(id);
            throw e;
        } catch (Error e) {
            // the job must not stay RECEIVING with its upload on disk
            abandon(id);
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
    private ImageInfo probe(DecoderSession decoder, Job job, Path image) throws IOException {
        DecoderRequest request = new DecoderRequest(DecoderRequest.PROBE, image.toAbsolutePath().toString(),
                allowedDirs(job), limits.maxPixels(), limits.wholeDecodeMaxPixels(), limits.maxExpansion(), null);
        AtomicReference<DecoderEvent> info = new AtomicReference<>();
        DecoderEvent end;
        try {
            end = decoder.run(request, info::set, () -> job.state() == JobState.CANCELLED);
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
    private List<String> allowedDirs(Job job) {
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
    private void abandon(String id) {
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

    /** Whether the monitor keeps up: health reports it. */
    public JobMonitor.Health monitorHealth() {
        return monitor.health();
    }

    @Scheduled(fixedDelayString = "${lip.retention-check-interval:1h}", initialDelayString = "${lip.retention-check-interval:1h}")
    public void removeExpiredJobs() {
        progress.removeExpired();
    }

    public JobView requestResult(String id) {
        Job job = jobs.find(id);
        synchronized (job) {
            JobState s = job.state();
            if (s == JobState.FAILED || s == JobState.CANCELLED) {
                throw JobException.conflict("The job is " + s + ", so there is no result to stitch"
                        + (job.error() != null ? ": " + job.error() : "."));
            }
            job.requestResult();
        }
        jobs.save(job);
        stitching.startIfReady(job);
        return job.view();
    }

    public Path resultFile(String id) {
        return jobs.resultFile(id);
    }

    /** Where the slicer writes the job's input preview (see {@code slicing.PreviewPyramid}); the job must exist. */
    public Path previewDirectory(String id) {
        return jobs.directory(jobs.find(id).id()).preview();
    }

    public JobView get(String id) {
        return jobs.find(id).view();
    }

    public List<JobView> list() {
        return jobs.all().stream().map(Job::view).sorted(Comparator.comparing(JobView::createdAt)).toList();
    }

    /** Cancels a job and removes its work files; a finished job's result is removed too. */
    public JobView cancel(String id) {
        Job job = jobs.find(id);
        synchronized (job) {
            if (job.state().canMoveTo(JobState.CANCELLED)) {
                job.setState(JobState.CANCELLED);
            }
        }
        jobs.removeFiles(id);
        disk.release(id);
        return job.view();
    }

    /** Picks up the jobs a previous run of the service left in the work directory. */
    @PreDestroy
    void shutdown() {
        relay.stop();
        monitor.close();
        slicing.close();
        stitching.close();
        decoders.close();
    }
}
