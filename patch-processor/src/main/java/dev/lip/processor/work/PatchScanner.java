package dev.lip.processor.work;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.protocol.SafeFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds pending patches and queues them, oldest job first. A job whose files are damaged or not what the protocol
 * puts there (a malformed manifest, a link for a directory) is skipped, said once in the log: one bad job must not
 * stop the others, nor fill the log on every pass.
 */
final class PatchScanner {
    private static final Logger log = LoggerFactory.getLogger(PatchScanner.class);

    private final Path workDir;
    private final WorkQueue queue;
    private final PreparedJobs jobs;
    /**
     * Jobs seen ended (no {@code pending/} left), passed over by name on every later pass: retained finished jobs
     * cost an idle processor a directory listing, not a look at each (bench/idle-processor.sh).
     */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private static final int MAX_ENDED = 100_000;
    /** Jobs skipped for damaged files, already reported in the log. */
    private final Set<String> unusable = ConcurrentHashMap.newKeySet();

    PatchScanner(Path workDir, WorkQueue queue, PreparedJobs jobs) {
        this.workDir = workDir;
        this.queue = queue;
        this.jobs = jobs;
    }

    /** @return how many patches were queued by this pass */
    int scanOnce() throws IOException {
        List<JobDirectory> claimable = JobDirectory.claimableJobs(workDir, ended);
        Set<String> alive = new HashSet<>();
        claimable.forEach(j -> alive.add(j.jobId()));
        jobs.retainOnly(alive);
        unusable.retainAll(alive);
        if (ended.size() > MAX_ENDED) {
            ended.clear(); // removed jobs' names would pile up; one pass looks at the others again
        }
        int found = 0;
        for (JobDirectory job : claimable) {
            if (job.hasEnded()) {
                ended.add(job.jobId());
                continue;
            }
            try {
                job.verify();
                if (jobs.manifest(job).isEmpty()) {
                    continue;
                }
            } catch (IOException | RuntimeException e) {
                if (unusable.add(job.jobId())) {
                    log.warn("job {} is skipped: {}", job.jobId(), SafeFiles.withoutPaths(e.toString()));
                }
                continue;
            }
            for (PatchName p : job.list(job.pending())) {
                WorkItem item = new WorkItem(job.jobId(), p);
                if (queue.contains(item)) {
                    continue;
                }
                if (!queue.offer(item)) {
                    return found;
                }
                found++;
            }
        }
        return found;
    }
}
