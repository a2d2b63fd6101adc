package dev.lip.slicer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.JobManifest;
import dev.lip.common.protocol.WorkTrees;
import dev.lip.common.protocol.PatchName;
import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.slicing.Slicer;
import dev.lip.slicer.source.ImageSource;
import dev.lip.slicer.source.ImageSources;
import dev.lip.slicer.source.Messages;
import dev.lip.slicer.source.UnreadableImageException;
import dev.lip.slicer.stitching.Stitcher;
import dev.lip.slicer.upload.UploadReceiver;
import jakarta.annotation.PreDestroy;
import org.apache.commons.io.FileUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Owns the jobs: takes uploads, slices them, follows processing through the work directory, stitches on request.
 * It is the only writer of job state; each change is saved to {@code temp/<job>/status.json} so that a restarted
 * service picks its jobs up again.
 */
@Service
public class JobService {
    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    private static final String UPLOAD_FILE = "upload.bin";

    private final LipProperties props;
    private final ImageSources sources;
    private final Stitcher stitcher;
    private final ObjectMapper json;
    private final UploadReceiver uploads;
    private final JobRepository repository;
    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final DiskSpace disk;
    private final ExecutorService slicers = Executors.newFixedThreadPool(2, JobMonitor.daemon("slicer"));
    /** One thread a stitching job: a stitch that waits for results must not hold up another job's. */
    private final ExecutorService stitchers = Executors.newCachedThreadPool(JobMonitor.daemon("stitcher"));
    private volatile long lastReclaim;
    private volatile boolean reclaimThisPass;
    private final JobMonitor<Job> monitor;

    public JobService(LipProperties props, Stitcher stitcher, ObjectMapper json, UploadReceiver uploads) throws IOException {
        this.props = props;
        this.uploads = uploads;
        this.repository = new JobRepository(props.tempDir(), json);
        this.stitcher = stitcher;
        this.json = json;
        this.sources = new ImageSources(props.progressiveJpegMaxPixels(), props.maxPixels());
        this.disk = new DiskSpace(props.tempDir(), props.minFreeBytes());
        Files.createDirectories(props.tempDir());
        Files.createDirectories(props.resultDir());
        recover();
        this.monitor = new JobMonitor<>(props.monitorInterval(), props.monitorStepDeadline(), this::activeJobs, Job::id,
                this::followQuietly, System::currentTimeMillis);
        monitor.start();
    }

    /**
     * Receives an upload: streams the body to disk, reads the image header, and starts slicing. Unreadable images
     * are refused here when their header shows it; damage further in fails the job later.
     */
    public JobView create(Submission submission, InputStream body) throws IOException {
        String id = UUID.randomUUID().toString();
        JobDirectory dir = new JobDirectory(props.tempDir(), id);
        Job job = new Job(id, submission.algorithm());
        Files.createDirectories(dir.dir());
        jobs.put(id, job);
        try {
            Path upload = dir.dir().resolve(UPLOAD_FILE);
            long bytes = uploads.receive(body, upload, () -> job.state() == JobState.CANCELLED);
            if (bytes == 0) {
                throw JobException.invalid("The request body is empty: send the image as the request body, "
                        + "or as a multipart/form-data part named 'image'.");
            }
            job.endStage(Job.UPLOAD);
            ImageInfo info;
            try (ImageSource source = sources.open(upload)) {
                info = source.info();
            } catch (UnreadableImageException e) {
                throw JobException.invalid(e.getMessage());
            }
            Algorithm algorithm = Algorithms.byName(submission.algorithm()).orElseThrow();
            Map<String, String> resolved;
            try {
                resolved = algorithm.resolve(submission.algorithmParameters(), info);
            } catch (IllegalArgumentException e) {
                throw JobException.invalid(e.getMessage());
            }
            int halo = algorithm.requiredHalo(resolved);
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
            checkLimits(id, info, grid, algorithm.blend(resolved).blends());
            job.configure(info, grid, resolved);
            dir.createDirectories();
            JobStatistics statistics = new JobStatistics(algorithm.requiredStatistics());
            if (statistics.isEmpty()) {
                // Patches are claimable as soon as they are written: processing overlaps slicing.
                dir.writeManifest(manifest(job, Map.of()));
            } else {
                job.note("patches are processed once slicing has gathered " + algorithm.requiredStatistics());
            }
            job.setState(JobState.SLICING);
            job.startStage(Job.SLICING);
            job.startStage(Job.PROCESSING);
            save(job);
            slicers.submit(() -> slice(job, dir, upload, algorithm, statistics));
            log.info("job {}: {} {}x{} {}-band {}-bit, {} patches of {} (+{} halo), {} {}", id, info.format(),
                    info.width(), info.height(), info.bands(), info.bitsPerSample(), grid.tileCount(),
                    grid.tileSize(), grid.overlap(), submission.algorithm(), resolved);
            return job.view();
        } catch (RuntimeException | IOException e) {
            abandon(id, dir);
            throw e;
        } catch (Error e) {
            // Allocation is bounded before it happens (header checks), so this is our fault, but the job must not
            // stay RECEIVING with its upload on disk.
            abandon(id, dir);
            log.error("job {}: refused after an error reading the upload", id, e);
            throw new JobException(JobException.Kind.INTERNAL,
                    "The service could not read this image's header within its memory; its log has the details.");
        }
    }

    /** Forgets a job that was never accepted, with its files. */
    private void abandon(String id, JobDirectory dir) {
        jobs.remove(id);
        disk.release(id);
        WorkTrees.remove(dir.dir());
    }

    /**
     * Refuses an image whose patches need more space than the disk holds beside what the jobs accepted before it
     * will write; otherwise reserves that space until slicing ends. (Too many pixels are refused by the sources,
     * from the header alone.)
     */
    private void checkLimits(String id, ImageInfo info, TileGrid grid, boolean blends) throws IOException {
        long needed = DiskSpace.estimate(info, grid, blends);
        java.util.OptionalLong short_ = disk.reserve(id, needed);
        if (short_.isPresent()) {
            throw new JobException(JobException.Kind.INSUFFICIENT_STORAGE, "Slicing this image needs about "
                    + (needed >> 20) + " MiB in the work directory but only " + short_.getAsLong() + " MiB are free "
                    + "beside what accepted jobs will still write (keeping lip.min-free-bytes = " + props.minFreeBytes()
                    + " free). Try again when running jobs have finished.");
        }
    }

    private JobManifest manifest(Job job, Map<String, Object> jobValues) {
        return new JobManifest(JobManifest.PROTOCOL_VERSION, job.id(), job.image(), JobManifest.GridSpec.of(job.grid()),
                job.algorithm(), job.parameters(), jobValues);
    }

    private void slice(Job job, JobDirectory dir, Path upload, Algorithm algorithm, JobStatistics statistics) {
        try (ImageSource source = sources.open(upload)) {
            new Slicer(props.effectiveSliceThreads()).slice(source, () -> sources.open(upload), job.grid(), dir, statistics,
                    new Slicer.Progress() {
                @Override
                public void patchWritten(dev.lip.common.geometry.Tile tile) {
                    job.sliced.incrementAndGet();
                }

                @Override
                public boolean cancelled() {
                    return job.state().isTerminal();
                }
            });
            if (!statistics.isEmpty()) {
                // Job-wide values are final now; the manifest makes the patches claimable.
                Map<String, Object> values = new java.util.LinkedHashMap<>(algorithm.jobValues(job.parameters(), statistics));
                job.setJobValues(Map.copyOf(values));
                values.put("lumaHistogram", statistics.lumaHistogram());
                dir.writeManifest(manifest(job, values));
            }
            job.endStage(Job.SLICING);
            if (job.finishSlicing()) {
                save(job);
            }
            Files.deleteIfExists(upload);
        } catch (Slicer.SlicingCancelledException e) {
            log.info("job {}: slicing stopped, the job is {}", job.id(), job.state());
        } catch (UnreadableImageException e) {
            failJob(job, e.getMessage());
        } catch (OutOfMemoryError e) {
            failJob(job, "The image needs more memory to slice than this service has; use smaller tiles or a tiled TIFF.");
        } catch (Exception | Error e) {
            log.error("job {}: slicing failed", job.id(), e);
            failJob(job, "Slicing failed: " + Messages.of(e));
        } finally {
            disk.release(job.id());
        }
    }

    private void failJob(Job job, String reason) {
        if (job.fail(reason)) {
            log.warn("job {} failed: {}", job.id(), reason);
            save(job);
            cleanPatches(job);
        }
    }

    /**
     * The jobs the monitor follows in its next pass (see {@link JobMonitor}); decides once per pass whether the
     * pass also takes back expired claims.
     */
    private List<Job> activeJobs() {
        reclaimThisPass = System.currentTimeMillis() - lastReclaim > props.leaseTimeout().toMillis() / 4;
        if (reclaimThisPass) {
            lastReclaim = System.currentTimeMillis();
        }
        return jobs.values().stream().filter(job -> {
            JobState state = job.state();
            return state == JobState.SLICING || state == JobState.PROCESSING || state == JobState.PROCESSED;
        }).toList();
    }

    /** Follows one job through the work directory: counts results, takes back expired claims, starts stitching. */
    private void followQuietly(Job job) {
        try {
            follow(job, reclaimThisPass);
        } catch (Exception e) {
            log.warn("job {}: cannot read its patch directories: {}", job.id(), e.toString());
        }
    }

    /** Whether the monitor keeps up: health reports it. */
    public JobMonitor.Health monitorHealth() {
        return monitor.health();
    }

    private void follow(Job job, boolean reclaim) throws IOException {
        JobDirectory dir = directory(job.id());
        try {
            dir.verify();
        } catch (dev.lip.common.protocol.SafeFiles.UnsafeFileException e) {
            failJob(job, "The job's work directory was tampered with: " + e.getMessage() + ".");
            return;
        }
        if (reclaim) {
            int n = dir.reclaimExpired(props.leaseTimeout().toMillis());
            if (n > 0) {
                log.warn("job {}: {} claims expired (a processor died?) and were queued again", job.id(), n);
            }
        }
        List<PatchName> failed = dir.list(dir.failed());
        job.failed = failed.size();
        if (!failed.isEmpty()) {
            PatchName first = failed.stream().min(Comparator.comparing(PatchName::row).thenComparing(PatchName::column)).get();
            String reason = dir.failureReason(first).orElse("no reason recorded");
            failJob(job, "Patch " + first + " failed: " + reason);
            return;
        }
        job.processed = dir.count(dir.done());
        if (job.slicingFinished && job.processed >= job.total()) {
            if (job.advance(JobState.PROCESSING, JobState.PROCESSED)) {
                job.endStage(Job.PROCESSING);
                save(job);
            }
            if (job.resultRequested() && job.advance(JobState.PROCESSED, JobState.STITCHING)) {
                save(job); // the stitch, running since the result was asked for, is finishing
            }
        }
        startStitch(job);
    }

    /**
     * Removes jobs older than the retention: their work files, their status and their result. Ended jobs, and
     * processed ones whose result nobody asked for: those would otherwise keep their patches on disk for ever.
     */
    @Scheduled(fixedDelayString = "${lip.retention-check-interval:1h}", initialDelayString = "${lip.retention-check-interval:1h}")
    public void removeExpiredJobs() {
        if (props.retention().isZero() || props.retention().isNegative()) {
            return;
        }
        java.time.Instant oldest = java.time.Instant.now().minus(props.retention());
        for (Job job : jobs.values()) {
            JobView v = job.view();
            boolean idle = v.state().isTerminal() || (v.state() == JobState.PROCESSED && !v.resultRequested());
            if (idle && v.updatedAt().isBefore(oldest)) {
                jobs.remove(job.id());
                WorkTrees.remove(directory(job.id()).dir());
                WorkTrees.remove(resultFile(job.id()));
                log.info("job {}: removed after the retention of {}", job.id(), props.retention());
            }
        }
    }

    public JobView requestResult(String id) {
        Job job = find(id);
        synchronized (job) {
            JobState s = job.state();
            if (s == JobState.FAILED || s == JobState.CANCELLED) {
                throw JobException.conflict("The job is " + s + ", so there is no result to stitch"
                        + (job.error() != null ? ": " + job.error() : "."));
            }
            job.requestResult();
        }
        save(job);
        startStitch(job);
        return job.view();
    }

    /**
     * Starts writing the result as soon as it is asked for and the patches are claimable (the manifest is written),
     * even while slicing and processing go on: each output tile waits for the results it needs, so compressing the
     * result overlaps the other stages instead of following them. Once every tile is written, every patch was
     * processed, and the job moves on to DONE.
     */
    private void startStitch(Job job) {
        JobState s = job.state();
        if (!job.resultRequested() || (s != JobState.SLICING && s != JobState.PROCESSING && s != JobState.PROCESSED
                && s != JobState.STITCHING) || !Files.isRegularFile(directory(job.id()).manifestFile())
                || !job.stitchStarted.compareAndSet(false, true)) {
            return;
        }
        job.startStage(Job.STITCHING);
        stitchers.submit(() -> {
            JobDirectory dir = directory(job.id());
            Path result = resultFile(job.id());
            try {
                long bytes = stitcher.stitch(dir, job.grid(), Algorithms.byName(job.algorithm()).orElseThrow(),
                        job.parameters(), result, () -> job.state().isTerminal());
                // Every tile is written, so every patch was processed; the slicer thread may still be a step behind.
                job.awaitSlicing();
                synchronized (job) {
                    job.processed = job.total();
                    if (job.advance(JobState.PROCESSING, JobState.PROCESSED)) {
                        job.endStage(Job.PROCESSING);
                    }
                    job.advance(JobState.PROCESSED, JobState.STITCHING);
                    job.resultWritten(bytes);
                    job.endStage(Job.STITCHING);
                    if (!job.advance(JobState.STITCHING, JobState.DONE)) {
                        return;
                    }
                }
                save(job);
                cleanPatches(job);
                log.info("job {}: done, {} bytes in {}", job.id(), bytes, result);
            } catch (Stitcher.StitchAbortedException | InterruptedException e) {
                log.info("job {}: stitching stopped, the job is {}", job.id(), job.state());
            } catch (Exception e) {
                log.error("job {}: stitching failed", job.id(), e);
                failJob(job, "Stitching failed: " + Messages.of(e));
            }
        });
    }

    public Path resultFile(String id) {
        return props.resultDir().resolve(id + ".tif");
    }

    public JobView get(String id) {
        return find(id).view();
    }

    public List<JobView> list() {
        return jobs.values().stream().map(Job::view)
                .sorted(Comparator.comparing(JobView::createdAt)).toList();
    }

    /** Cancels a job and removes its work files; a finished job's result is removed too. */
    public JobView cancel(String id) {
        Job job = find(id);
        synchronized (job) {
            if (job.state().canMoveTo(JobState.CANCELLED)) {
                job.setState(JobState.CANCELLED);
            }
        }
        WorkTrees.remove(directory(id).dir());
        disk.release(id);
        try {
            Files.deleteIfExists(resultFile(id));
        } catch (IOException e) {
            log.warn("job {}: cannot remove the result: {}", id, e.toString());
        }
        return job.view();
    }

    private Job find(String id) {
        if (!JobDirectory.isValidJobId(id)) {
            throw JobException.invalid("'" + id + "' is not a job id.");
        }
        Job job = jobs.get(id);
        if (job == null) {
            throw JobException.notFound("There is no job with id " + id + ".");
        }
        return job;
    }

    private JobDirectory directory(String id) {
        return new JobDirectory(props.tempDir(), id);
    }

    private void save(Job job) {
        repository.save(job);
    }

    /** Removes patches and the upload once a job has ended; the manifest and status stay as its record. */
    private void cleanPatches(Job job) {
        JobDirectory dir = directory(job.id());
        for (Path p : List.of(dir.pending(), dir.claimed(), dir.done(), dir.failed(), dir.attempts(), dir.dir().resolve(UPLOAD_FILE))) {
            if (job.state() == JobState.FAILED && p.equals(dir.failed())) {
                continue; // keep the failed patches and their reasons for inspection
            }
            WorkTrees.remove(p);
        }
    }

    /** Picks up the jobs a previous run of the service left in the work directory. */
    private void recover() throws IOException {
        if (Files.isDirectory(props.resultDir())) {
            // Results a killed run was still writing: their jobs start stitching again.
            try (DirectoryStream<Path> partial = Files.newDirectoryStream(props.resultDir(), ".*.tmp")) {
                for (Path p : partial) {
                    Files.deleteIfExists(p);
                }
            }
        }
        for (Job job : repository.loadAll()) {
            jobs.put(job.id(), job);
            switch (job.state()) {
                case RECEIVING, SLICING -> failJob(job, "slicer-api restarted while the job was being "
                        + "uploaded or sliced; submit the image again.");
                case STITCHING -> job.setState(JobState.PROCESSED); // its stitch starts over
                default -> {
                }
            }
            log.info("recovered job {} ({})", job.id(), job.state());
        }
    }

    @PreDestroy
    void shutdown() {
        monitor.close();
        slicers.shutdownNow();
        stitchers.shutdownNow();
    }
}
