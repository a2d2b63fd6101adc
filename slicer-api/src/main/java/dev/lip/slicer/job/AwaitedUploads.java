package dev.lip.slicer.job;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.upload.TusUploads;
import dev.lip.slicer.upload.UploadEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.lip.formats.source.ImageSources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Jobs made when their resumable upload is created (issue 27: the job exists from the upload's start; its
 * parameters ride in the upload's {@code Upload-Metadata} and are checked then, before a byte). Such a job waits in
 * RECEIVING, its upload's time counted as its upload stage, and is taken in ({@link JobIntake}) as soon as the
 * upload's last byte arrives; a refusal then (an unreadable header, say) FAILS it with the reason. An upload deleted
 * or expired first fails its job, saying so; a restart finds the jobs still waiting and goes on waiting.
 *
 * <p>A job whose image is read in the order it is stored (a JPEG, a PNG, a TIFF: {@link ImageSources#readsArriving})
 * does not wait for the last byte (a TIFF whose directory is at its end waits for that): once the upload's first quarter megabyte has come, it is taken in while the rest
 * arrives (issue 27). Its work directory gets a second name for the upload's file (a hard link: the upload goes on
 * appending to it), its decoder waits for each byte it reads, and its patches are processed as they are sliced; the
 * last byte only ends its upload stage. A paused upload pauses the slicing, a deleted or expired one fails the job,
 * a restart follows it again. {@code lip.arriving-slicings} bounds how many do so at once.
 */
final class AwaitedUploads implements UploadEvents {
    private static final Logger log = LoggerFactory.getLogger(AwaitedUploads.class);
    static final String EXPIRED = "The upload expired before its last byte arrived (lip.upload-expiry): send the "
            + "image again.";
    static final String DELETED = "The upload was deleted before its last byte arrived.";
    private final Jobs jobs;
    private final JobIntake intake;
    private final TusUploads uploads;
    private final JobSlicing slicing;
    /** The intake runs apart from the request that brought the last byte: that request is answered at once. */
    private final ExecutorService taking = Executors.newCachedThreadPool(JobMonitor.daemon("upload-intake"));
    /** Jobs taken in while their upload arrives, and of those, the ones whose work directory links the upload's bytes. */
    private final Set<String> arriving = ConcurrentHashMap.newKeySet();
    private final Set<String> linked = ConcurrentHashMap.newKeySet();
    /** Jobs being taken in at their last byte. */
    private final Set<String> takingIn = ConcurrentHashMap.newKeySet();

    AwaitedUploads(Jobs jobs, JobIntake intake, TusUploads uploads, JobSlicing slicing) {
        this.jobs = jobs;
        this.intake = intake;
        this.uploads = uploads;
        this.slicing = slicing;
    }

    /** The declared length of the job's upload while the job slices it as it arrives; 0 otherwise. */
    long arrivingLength(Job job) {
        String upload = job.awaitedUpload();
        if (upload == null || job.state() == JobState.RECEIVING) {
            return 0;
        }
        return uploads.receiving(upload).map(TusUploads.Receiving::length).orElse(0L);
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
            String upload = job.awaitedUpload();
            if (upload == null || job.state().isTerminal()) {
                continue;
            }
            if (job.state() != JobState.RECEIVING) {
                // taken in while it arrived: its slicing follows the upload again (JobRecovery)
                arriving.add(job.id());
                linked.add(job.id());
            }
            switch (uploads.state(upload)) {
                case FINISHED -> finished(upload);
                case GONE -> jobs.fail(job, EXPIRED);
                case RECEIVING -> log.info("job {}: still waits for upload {}", job.id(), upload);
            }
        }
    }

    /** The job waiting for the upload, or slicing it while it arrives. */
    private Job awaiting(String uploadId) {
        for (Job job : jobs.all()) {
            if (uploadId.equals(job.awaitedUpload()) && !job.state().isTerminal()) {
                return job;
            }
        }
        return null;
    }

    @Override
    public void received(String uploadId) {
        Job job = awaiting(uploadId);
        if (job == null || job.state() != JobState.RECEIVING || arriving.contains(job.id())) {
            return;
        }
        if (!slicing.reserveArriving()) {
            return; // all places taken: this job waits for its last byte
        }
        if (!arriving.add(job.id())) {
            slicing.releaseArriving();
            return;
        }
        taking.submit(() -> takeArriving(job, uploadId));
    }

    /** Takes the job in while its upload arrives, when its image is read in order; else it waits for the last byte. */
    private void takeArriving(Job job, String uploadId) {
        boolean started = false; // taken in, or refused: the job no longer waits for the last byte
        boolean slotHeld = true; // until the slicing has it
        try {
            TusUploads.Receiving r = uploads.receiving(uploadId).orElse(null);
            if (r != null && readsInOrder(r, uploadId) && canLink(r.data(), jobs.directory(job.id()).dir())) {
                Submission submission = job.pendingSubmission();
                intake.proceed(job, submission, new JobIntake.ImageArrival() {
                    @Override
                    public Path arrive(Job j, JobDirectory dir) {
                        return r.data();
                    }

                    @Override
                    public long arrivingLength() {
                        return r.length();
                    }

                    @Override
                    public void keep(JobDirectory dir) throws IOException {
                        synchronized (job) {
                            Files.createLink(dir.uploadFile(), r.data());
                            linked.add(job.id());
                            if (uploads.state(uploadId) == TusUploads.State.FINISHED) {
                                release(job, uploadId); // it came while the header was read
                            }
                        }
                    }
                }, true);
                started = true;
                slotHeld = false;
                noteArrival(job, r);
            } else {
                log.info("job {}: waits for the last byte of upload {} (only a JPEG, PNG or TIFF whose length is known is read while it arrives)",
                        job.id(), uploadId);
            }
        } catch (Exception e) {
            log.info("job {}: upload {} refused while arriving: {}", job.id(), uploadId, e.getMessage());
            started = job.state().isTerminal(); // refused: FAILED with the reason, nothing to wait for
        } finally {
            if (slotHeld) {
                slicing.releaseArriving();
            }
            if (!started) {
                boolean finished;
                synchronized (job) {
                    arriving.remove(job.id());
                    finished = uploads.state(uploadId) == TusUploads.State.FINISHED;
                }
                if (finished) {
                    finished(uploadId); // its last byte came meanwhile, and found it busy
                }
            }
        }
    }

    /** Says how much had arrived when slicing began (the upload's own file may be gone by now: the job's link is read). */
    private void noteArrival(Job job, TusUploads.Receiving r) {
        long had;
        try {
            had = Files.size(jobs.directory(job.id()).uploadFile());
        } catch (IOException e) {
            had = r.length(); // sliced already, and removed
        }
        job.note(had < r.length() ? "slicing began while the image was still arriving (" + mb(had) + " of "
                + mb(r.length()) + ")" : "slicing began with the image's last byte: its header (a TIFF's directory, "
                + "say) is at its end");
        jobs.save(job);
    }

    private static String mb(long bytes) {
        return bytes < (10 << 20) ? (bytes >> 10) + " KB" : (bytes >> 20) + " MB";
    }

    /**
     * Whether the upload starts like an image read in the order it is stored. Its first bytes may still be in the
     * upload library's buffer when the request has read more: they are waited for, a few seconds at most.
     */
    private boolean readsInOrder(TusUploads.Receiving r, String uploadId) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        try {
            while (Files.size(r.data()) < Math.min(dev.lip.formats.source.ImageFormat.HEADER_BYTES, r.length())) {
                if (System.nanoTime() > deadline || uploads.state(uploadId) != TusUploads.State.RECEIVING) {
                    return false;
                }
                Thread.sleep(10);
            }
            return ImageSources.readsArriving(r.data());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether the job's directory can hold a second name for the upload's file: not when uploads are kept on another
     * file system (lip.upload-dir), where the job waits for the last byte and moves the file as before.
     */
    private static boolean canLink(Path data, Path jobDir) {
        Path check = jobDir.resolve(".link-check");
        try {
            Files.deleteIfExists(check);
            Files.createLink(check, data);
            return true;
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        } finally {
            try {
                Files.deleteIfExists(check);
            } catch (IOException e) {
                // a name of the upload's bytes left in the job's directory goes with the job
            }
        }
    }

    /** The upload's last byte came for a job that holds its bytes: the upload is forgotten, the job's file stays. */
    private void release(Job job, String uploadId) {
        job.uploadTaken();
        job.endStage(Job.UPLOAD);
        jobs.save(job);
        arriving.remove(job.id());
        linked.remove(job.id());
        try {
            uploads.release(uploadId);
        } catch (IOException | RuntimeException e) {
            log.warn("job {}: upload {} arrived, but its record could not be removed: {}", job.id(), uploadId, e.toString());
        }
        log.info("job {}: upload {} has arrived", job.id(), uploadId);
    }

    @Override
    public void finished(String uploadId) {
        Job job = awaiting(uploadId);
        if (job == null) {
            return; // an upload without a job: POST /api/v1/jobs?upload=ID makes one
        }
        synchronized (job) {
            if (!uploadId.equals(job.awaitedUpload()) || job.state().isTerminal()) {
                return; // taken meanwhile: an intake reading it as it arrived has released it
            }
            if (arriving.contains(job.id())) {
                if (linked.contains(job.id())) {
                    release(job, uploadId);
                }
                return; // else its intake sees the upload finished when it links it, or takes it as below if it gives up
            }
            if (!takingIn.add(job.id())) {
                return; // the last byte was announced twice (the event, and an arriving intake that gave up)
            }
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
            } finally {
                takingIn.remove(job.id());
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
            if (!job.state().isTerminal() && job.awaitedUpload() != null
                    && uploads.state(job.awaitedUpload()) == TusUploads.State.GONE) {
                jobs.fail(job, EXPIRED);
            }
        }
    }

    void close() {
        taking.shutdownNow();
    }
}
