package dev.lip.slicer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.config.LipProperties;
import dev.lip.formats.source.SourceLimits;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

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
    private final JobIntake intake;
    private final AwaitedUploads awaited;
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
        this.decoders = new Decoders(props.decoder().limits(), props.decoder().javaOptionList(), props.tempDir());
        this.repository = new JobRepository(props.tempDir(), json, List.of(props.resultDir(), props.effectiveUploadDir()));
        this.jobs = new Jobs(props.tempDir(), props.resultDir(), repository);
        this.disk = new DiskSpace(props.tempDir(), props.minFreeBytes());
        this.models = new ModelCheck(transport.queue());
        this.intake = new JobIntake(props, limits, decoders, files, jobs, disk, models);
        this.slicing = new JobSlicing(jobs, decoders, limits, intake::allowedDirs, disk, props.effectiveSliceThreads(),
                props.arrivingSlicings());
        intake.slicing(slicing);
        this.awaited = new AwaitedUploads(jobs, intake, tusUploads, slicing);
        slicing.arrivingLengths(awaited::arrivingLength);
        this.stitching = new JobStitching(jobs, stitcher, objects);
        this.progress = new JobProgress(jobs, stitching, props.leaseTimeout(), props.retention(), java.time.Clock.systemUTC());
        Files.createDirectories(props.tempDir());
        Files.createDirectories(props.resultDir());
        new JobRecovery(jobs, repository, props.resultDir(), slicing::resume).recover();
        awaited.recover();
        tusUploads.events(awaited);
        this.monitor = new JobMonitor<>(props.monitorInterval(), props.monitorStepDeadline(), progress::activeJobs,
                Job::id, progress::follow, System::currentTimeMillis);
        monitor.start();
        this.relay = new PatchRelay(jobs, transport);
        relay.start();
    }


    /**
     * Receives an upload: streams the body to disk, reads the image header, and starts slicing. Unreadable images
     * are refused here when their header shows it; damage further in fails the job later.
     */
    public JobView create(Submission submission, InputStream body) throws IOException {
        return intake.accept(submission, (job, dir) -> {
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
        return intake.accept(submission, new JobIntake.ImageArrival() {
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
        return intake.accept(submission, (job, dir) -> {
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
     * Makes the job of a resumable upload being created with the job's parameters in its metadata: the submission
     * must have passed {@link #check} (the upload is created only then), the job waits for the upload's last byte.
     */
    public JobView createForUpload(Submission submission, String jobId, String uploadId) throws IOException {
        return awaited.create(submission, jobId, uploadId);
    }

    /**
     * Checks a submission before its image is sent: its parameters against stand-in images, and an onnx model
     * against the models the running processors have.
     */
    public void check(Submission submission) {
        SubmissionCheck.check(submission);
        models.check(submission);
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
        awaited.close();
        relay.stop();
        monitor.close();
        slicing.close();
        stitching.close();
        decoders.close();
    }
}
