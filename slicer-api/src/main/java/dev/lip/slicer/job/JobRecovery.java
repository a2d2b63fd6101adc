package dev.lip.slicer.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a restarted slicer-api does with the jobs a previous run left, state by state, before it takes requests: a job
 * that was being uploaded or sliced fails with a sentence (its upload is not resumed yet), one that was being stitched
 * goes back to PROCESSED so that its stitch starts over, every other state is taken up as saved. Results a killed run
 * was still writing are removed.
 */
final class JobRecovery {
    private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);
    static final String INTERRUPTED_UPLOAD = "slicer-api restarted while the job was being uploaded or sliced; "
            + "submit the image again.";

    private final Jobs jobs;
    private final JobRepository repository;
    private final Path resultDir;

    JobRecovery(Jobs jobs, JobRepository repository, Path resultDir) {
        this.jobs = jobs;
        this.repository = repository;
        this.resultDir = resultDir;
    }

    /** @return the jobs taken up, now in the registry */
    List<Job> recover() throws IOException {
        if (Files.isDirectory(resultDir)) {
            try (DirectoryStream<Path> partial = Files.newDirectoryStream(resultDir, ".*.tmp")) {
                for (Path p : partial) {
                    Files.deleteIfExists(p);
                }
            }
        }
        List<Job> loaded = repository.loadAll();
        for (Job job : loaded) {
            jobs.add(job);
            switch (job.state()) {
                case RECEIVING, SLICING -> jobs.fail(job, INTERRUPTED_UPLOAD);
                case STITCHING -> {
                    job.setState(JobState.PROCESSED); // its stitch starts over
                    jobs.save(job);
                }
                default -> {
                }
            }
            log.info("recovered job {} ({})", job.id(), job.state());
        }
        return loaded;
    }
}
