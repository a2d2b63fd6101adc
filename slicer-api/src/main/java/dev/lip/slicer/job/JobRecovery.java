package dev.lip.slicer.job;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.SafeFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a restarted slicer-api does with the jobs a previous run left, state by state, before it takes requests. A job
 * caught slicing resumes slicing from its stored upload: what was published stays, processed results too; only a
 * missing upload fails it (a damaged one fails when it is read, with what is wrong). A job that was being stitched
 * goes back to PROCESSED so that its stitch starts over; every other state is taken up as saved. A job still
 * receiving its upload has no status yet ({@link JobRepository} removes it: the client was never told it exists).
 * Results a killed run was still writing are removed.
 */
final class JobRecovery {
    private static final Logger log = LoggerFactory.getLogger(JobRecovery.class);
    static final String INTERRUPTED_UPLOAD = "slicer-api restarted while the job's image was being received; "
            + "submit the image again (lip upload resumes where it stopped).";
    static final String SLICED_TWICE = "slicer-api stopped twice while slicing this job without the slicing getting "
            + "any further, so it is not tried again; submit the image again if the image was not the cause.";
    /**
     * Left in a job's directory when recovery resumes its slicing, holding how many patches were in the work
     * directory then: a restart that finds no more than that ends the job, so that nothing can keep the service in a
     * crash loop, while a slicing interrupted after progress (a node drained, an operator's kill) resumes every time.
     */
    static final String RESUMED_MARK = ".slicing-resumed";
    static final String MISSING_UPLOAD = "slicer-api restarted while the job was being sliced, and the uploaded image "
            + "is no longer in the work directory; submit the image again.";

    private final Jobs jobs;
    private final JobRepository repository;
    private final Path resultDir;
    private final Consumer<Job> resumeSlicing;

    JobRecovery(Jobs jobs, JobRepository repository, Path resultDir, Consumer<Job> resumeSlicing) {
        this.jobs = jobs;
        this.repository = repository;
        this.resultDir = resultDir;
        this.resumeSlicing = resumeSlicing;
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
                case RECEIVING -> {
                    if (job.awaitedUpload() == null) { // a job waiting for its resumable upload waits on
                        jobs.fail(job, INTERRUPTED_UPLOAD);
                    }
                }
                case SLICING -> {
                    Path input = jobs.input(job);
                    Path upload = jobs.directory(job.id()).uploadFile();
                    // the work directory is not trusted (no links followed there); a source file is the user's own
                    Path mark = jobs.directory(job.id()).dir().resolve(RESUMED_MARK);
                    long patches = patchesInWorkDirectory(job);
                    // (a job slicing an upload still arriving may have sliced nothing new: it waits for bytes)
                    if (patches <= resumedAt(mark) && job.awaitedUpload() == null) {
                        // No crash loop: whatever stopped the service while this job was slicing may be the job
                        jobs.fail(job, SLICED_TWICE);
                    } else if (input.equals(upload) ? SafeFiles.isRegularFile(upload) : Files.isRegularFile(input)) {
                        Files.writeString(mark, Long.toString(patches));
                        resumeSlicing.accept(job);
                    } else {
                        jobs.fail(job, MISSING_UPLOAD);
                    }
                }
                case STITCHING -> {
                    job.setState(JobState.PROCESSED); // its stitch starts over
                    jobs.save(job);
                }
                case DONE -> {
                    if (!Files.isRegularFile(jobs.resultFile(job.id()))) {
                        // a DONE job promises a download: one whose file went is not DONE any more
                        job.resultLost("The result file " + jobs.resultFile(job.id()).getFileName() + " was removed "
                                + "while the service was stopped; process the image again for a new one.");
                        jobs.save(job);
                    }
                }
                default -> {
                }
            }
            log.info("recovered job {} ({})", job.id(), job.state());
        }
        return loaded;
    }

    /** Each sliced patch is in exactly one of pending, claimed, done or failed. */
    private long patchesInWorkDirectory(Job job) throws IOException {
        JobDirectory dir = jobs.directory(job.id());
        long n = 0;
        for (Path d : List.of(dir.pending(), dir.claimed(), dir.done(), dir.failed())) {
            if (SafeFiles.isDirectory(d)) {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(d)) {
                    for (Path ignored : entries) {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    /** The patches there were at the last resume, or -1 for none. */
    private static long resumedAt(Path mark) {
        try {
            return Long.parseLong(new String(SafeFiles.readSmall(mark, 32), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
