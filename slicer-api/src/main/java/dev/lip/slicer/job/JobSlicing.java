package dev.lip.slicer.job;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobStatistic;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.slicing.Slicer;
import dev.lip.slicer.slicing.PreviewPyramid;
import dev.lip.formats.source.ImageSource;
import dev.lip.formats.source.ImageSources;
import dev.lip.formats.source.Messages;
import dev.lip.formats.source.UnreadableImageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * Slices accepted jobs, two at a time: every patch written to {@code pending/} as it is cut, then the job-wide values
 * (for algorithms that need statistics of the whole image) and the manifest that makes those patches claimable.
 * Any failure, an {@code Error} too, fails the job with a sentence; the job's disk reservation ends with its slicing.
 */
final class JobSlicing implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobSlicing.class);

    private final Jobs jobs;
    private final ImageSources sources;
    private final DiskSpace disk;
    private final int sliceThreads;
    private final ExecutorService slicers = Executors.newFixedThreadPool(2, JobMonitor.daemon("slicer"));

    JobSlicing(Jobs jobs, ImageSources sources, DiskSpace disk, int sliceThreads) {
        this.jobs = jobs;
        this.sources = sources;
        this.disk = disk;
        this.sliceThreads = sliceThreads;
    }

    void start(Job job, JobDirectory dir, Path upload, JobStatistics statistics) {
        slicers.submit(() -> slice(job, dir, upload, statistics, p -> false));
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
        slicers.submit(() -> slice(job, dir, jobs.input(job), new JobStatistics(wanted), dir::isPublished));
    }

    private static void removeTemporaryFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> tmp = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : tmp) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void slice(Job job, JobDirectory dir, Path upload, JobStatistics statistics, Predicate<PatchName> published) {
        PreviewPyramid preview = null;
        try (ImageSource source = sources.open(upload)) {
            Slicer slicer = new Slicer(sliceThreads);
            // the preview is written on a first slicing only: a resumed one skips the patches it published before
            if (job.preview() && PreviewPyramid.supports(source.info()) && !Files.exists(dir.preview())) {
                preview = new PreviewPyramid(dir.preview(), source.info(), job.grid().tileSize());
                slicer.withCores(preview::add);
            }
            slicer.slice(source, () -> sources.open(upload), job.grid(), dir, statistics,
                    new Slicer.Progress() {
                        @Override
                        public void patchWritten(dev.lip.common.geometry.Tile tile) {
                            job.sliced.incrementAndGet();
                        }

                        @Override
                        public boolean cancelled() {
                            return job.state().isTerminal();
                        }
                    }, published);
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
        } catch (Slicer.SlicingCancelledException e) {
            log.info("job {}: slicing stopped, the job is {}", job.id(), job.state());
        } catch (UnreadableImageException e) {
            jobs.fail(job, e.getMessage());
        } catch (OutOfMemoryError e) {
            jobs.fail(job, "The image needs more memory to slice than this service has; use smaller tiles or a tiled TIFF.");
        } catch (Exception | Error e) {
            log.error("job {}: slicing failed", job.id(), e);
            jobs.fail(job, "Slicing failed: " + Messages.of(e));
        } finally {
            if (preview != null) {
                preview.close();
            }
            disk.release(job.id());
        }
    }

    @Override
    public void close() {
        slicers.shutdownNow();
    }
}
