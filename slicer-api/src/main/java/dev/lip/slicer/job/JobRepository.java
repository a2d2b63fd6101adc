package dev.lip.slicer.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.SafeFiles;
import dev.lip.common.protocol.WorkTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs as they are kept on disk: each job's view in {@code temp/<job>/status.json}, written atomically on every
 * change, read back when the service starts. What to do with a job found half-way (fail it, start its stitch over)
 * is the caller's decision; this class only stores and loads, and clears what a killed run left unfinished.
 */
final class JobRepository {
    /** status.json holds a job's view: a few KB; a larger one is not ours. */
    private static final int MAX_STATUS_BYTES = 1 << 20;
    private static final Logger log = LoggerFactory.getLogger(JobRepository.class);

    private final Path workDir;
    private final ObjectMapper json;

    /** Directories under the work directory that are the service's own and never a job's (results, uploads). */
    private final java.util.Set<Path> notJobs = new java.util.HashSet<>();

    JobRepository(Path workDir, ObjectMapper json, java.util.Collection<Path> notJobs) {
        this.workDir = workDir;
        this.json = json;
        notJobs.forEach(p -> this.notJobs.add(p.toAbsolutePath().normalize()));
    }

    void save(Job job) {
        JobDirectory dir = new JobDirectory(workDir, job.id());
        if (!SafeFiles.isDirectory(dir.dir())) {
            return; // cancelled and removed
        }
        try {
            JobDirectory.writeAtomically(dir.statusFile(), json.writeValueAsBytes(job.view()));
        } catch (IOException e) {
            log.warn("job {}: cannot save its status: {}", job.id(), e.toString());
        }
    }

    /**
     * The jobs a previous run left, as they were last saved. On the way, finishes removals it did not finish and
     * removes uploads it was still receiving (never accepted: nothing else would ever remove them).
     */
    List<Job> loadAll() throws IOException {
        List<Job> found = new ArrayList<>();
        WorkTrees.finishRemovals(workDir);
        for (JobDirectory d : JobDirectory.all(workDir)) {
            Path status = d.statusFile();
            if (notJobs.contains(d.dir().toAbsolutePath().normalize())) {
                continue; // the result directory inside the work directory (run.sh's temp/results), say
            }
            if (!Files.exists(status, LinkOption.NOFOLLOW_LINKS)) {
                if (onlyAnUpload(d)) {
                    log.info("removing {}: an upload that a previous run did not finish receiving", d.jobId());
                    WorkTrees.remove(d.dir());
                } else {
                    log.warn("leaving {} alone: named like a job's directory, but neither a job nor an upload",
                            d.dir());
                }
                continue;
            }
            try {
                found.add(new Job(json.readValue(SafeFiles.readSmall(status, MAX_STATUS_BYTES), JobView.class)));
            } catch (IOException | RuntimeException e) {
                log.warn("cannot recover the job in {}: {}", d.jobId(), e.toString());
            }
        }
        return found;
    }

    /** Whether the directory holds nothing but an upload being received (and its temporary files). */
    private static boolean onlyAnUpload(JobDirectory d) throws IOException {
        try (var entries = Files.newDirectoryStream(d.dir())) {
            for (Path e : entries) {
                String name = e.getFileName().toString();
                if (!name.equals(JobDirectory.UPLOAD) && !name.startsWith(".")) {
                    return false;
                }
            }
        }
        return true;
    }
}
