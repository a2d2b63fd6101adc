package dev.lip.slicer.job;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.upload.TusUploads;
import dev.lip.slicer.upload.UploadEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Jobs made when their resumable upload is created (issue 27: the job exists from the upload's start; its
 * parameters ride in the upload's {@code Upload-Metadata} and are checked then, before a byte). Such a job waits in
 * RECEIVING, its upload's time counted as its upload stage, and is taken in ({@link JobIntake}) as soon as the
 * upload's last byte arrives; a refusal then (an unreadable header, say) FAILS it with the reason. An upload deleted
 * or expired first fails its job, saying so; a restart finds the jobs still waiting and goes on waiting.
 */
final class AwaitedUploads implements UploadEvents {
    private static final Logger log = LoggerFactory.getLogger(AwaitedUploads.class);
    static final String EXPIRED = "The upload expired before its last byte arrived (lip.upload-expiry): send the "
            + "image again.";
    static final String DELETED = "The upload was deleted before its last byte arrived.";
    private final Jobs jobs;
    private final JobIntake intake;
    private final TusUploads uploads;
    /** The intake runs apart from the request that brought the last byte: that request is answered at once. */
    private final ExecutorService taking = Executors.newCachedThreadPool(JobMonitor.daemon("upload-intake"));

    AwaitedUploads(Jobs jobs, JobIntake intake, TusUploads uploads) {
        this.jobs = jobs;
        this.intake = intake;
        this.uploads = uploads;
    }

    /** Makes the job of an upload just created; the submission was checked before the upload was. */
    JobView create(Submission submission, String jobId, String uploadId) throws IOException {
        Job job = intake.newJob(submission, jobId);
        job.awaitUpload(uploadId, submission);
        jobs.save(job);
        log.info("job {}: waits for upload {}", jobId, uploadId);
        return job.view();
    }

    /** After a restart: each job still waiting goes on waiting, or is taken in, or fails, as its upload is. */
    void recover() {
        for (Job job : jobs.all()) {
            if (job.state() == JobState.RECEIVING && job.awaitedUpload() != null) {
                switch (uploads.state(job.awaitedUpload())) {
                    case FINISHED -> finished(job.awaitedUpload());
                    case GONE -> jobs.fail(job, EXPIRED);
                    case RECEIVING -> log.info("job {}: still waits for upload {}", job.id(), job.awaitedUpload());
                }
            }
        }
    }

    private Job awaiting(String uploadId) {
        for (Job job : jobs.all()) {
            if (uploadId.equals(job.awaitedUpload()) && job.state() == JobState.RECEIVING) {
                return job;
            }
        }
        return null;
    }

    @Override
    public void finished(String uploadId) {
        Job job = awaiting(uploadId);
        if (job == null) {
            return; // an upload without a job: POST /api/v1/jobs?upload=ID makes one
        }
        Submission submission = job.pendingSubmission();
        taking.submit(() -> {
            try {
                intake.proceed(job, submission, new JobIntake.ImageArrival() {
                    @Override
                    public Path arrive(Job j, JobDirectory dir) throws IOException {
                        return uploads.finished(uploadId);
                    }

                    @Override
                    public void keep(JobDirectory dir) throws IOException {
                        job.uploadTaken(); // first: the upload is gone once adopted, and the job is not waiting
                        uploads.adopt(uploadId, dir.uploadFile());
                    }
                }, true);
            } catch (Exception e) {
                log.info("job {}: upload {} refused: {}", job.id(), uploadId, e.getMessage());
            }
        });
    }

    @Override
    public void deleted(String uploadId) {
        Job job = awaiting(uploadId);
        if (job != null) {
            jobs.fail(job, DELETED);
        }
    }

    @Override
    public void swept() {
        for (Job job : jobs.all()) {
            if (job.state() == JobState.RECEIVING && job.awaitedUpload() != null
                    && uploads.state(job.awaitedUpload()) == TusUploads.State.GONE) {
                jobs.fail(job, EXPIRED);
            }
        }
    }

    void close() {
        taking.shutdownNow();
    }
}
