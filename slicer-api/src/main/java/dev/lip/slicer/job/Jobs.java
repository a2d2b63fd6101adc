package dev.lip.slicer.job;

import dev.lip.common.protocol.Completions;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.JobManifest;
import dev.lip.common.protocol.WorkTrees;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs this service knows, and what every change of one does on disk: saved to {@code status.json} (through
 * {@link JobRepository}), its patches removed when it ends, its files removed when it goes. The orchestrators
 * ({@link JobSlicing}, {@link JobProgress}, {@link JobStitching}) and {@link JobService} share it.
 */
final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    private final Path workDir;
    private final Path resultDir;
    private final JobRepository repository;
    private final Map<String, Job> byId = new ConcurrentHashMap<>();
    /** Per running job: the one record of which results are published, fed by the monitor, read by the stitch. */
    private final Map<String, Completions> completions = new ConcurrentHashMap<>();

    Jobs(Path workDir, Path resultDir, JobRepository repository) {
        this.workDir = workDir;
        this.resultDir = resultDir;
        this.repository = repository;
    }

    void add(Job job) {
        byId.put(job.id(), job);
    }

    /** @throws JobException for a malformed id or an unknown job */
    Job find(String id) {
        if (!JobDirectory.isValidJobId(id)) {
            throw JobException.invalid("'" + id + "' is not a job id.");
        }
        Job job = byId.get(id);
        if (job == null) {
            throw JobException.notFound("There is no job with id " + id + ".");
        }
        return job;
    }

    Collection<Job> all() {
        return byId.values();
    }

    JobDirectory directory(String id) {
        return new JobDirectory(workDir, id);
    }

    /**
     * The image the job slices: its upload (or the object copied from storage) in its directory, or the file it
     * names in place ({@code file://} sources, which are never removed).
     */
    Path input(Job job) {
        String source = job.source();
        return source != null && source.startsWith("file:") ? Path.of(java.net.URI.create(source))
                : directory(job.id()).uploadFile();
    }

    Path resultFile(String id) {
        return resultDir.resolve(id + ".tif");
    }

    /** Which of the job's patches have a published result; the job must have its grid. */
    Completions completions(Job job) {
        return completions.computeIfAbsent(job.id(), id -> new Completions(directory(id), job.grid()));
    }

    void save(Job job) {
        repository.save(job);
    }

    static JobManifest manifest(Job job, Map<String, Object> jobValues) {
        return new JobManifest(JobManifest.PROTOCOL_VERSION, job.id(), job.image(), JobManifest.GridSpec.of(job.grid()),
                job.algorithm(), job.parameters(), jobValues);
    }

    /** Fails the job with a sentence, unless it has ended already; saves it and removes its patches. */
    void fail(Job job, String why) {
        // what a job's status says is read by whoever can see the job: no server paths, whatever the source
        String reason = dev.lip.common.protocol.SafeFiles.withoutPaths(why);
        if (job.fail(reason)) {
            log.warn("job {} failed: {}", job.id(), reason);
            save(job);
            cleanPatches(job);
        }
    }

    /** Removes patches and the upload once a job has ended; the manifest and status stay as its record. */
    void cleanPatches(Job job) {
        completions.remove(job.id());
        JobDirectory dir = directory(job.id());
        for (Path p : List.of(dir.pending(), dir.claimed(), dir.done(), dir.failed(), dir.attempts(), dir.uploadFile())) {
            if (job.state() == JobState.FAILED && p.equals(dir.failed())) {
                continue; // keep the failed patches and their reasons for inspection
            }
            WorkTrees.remove(p);
        }
    }

    /** Forgets a job and removes its work files and its result. */
    void remove(String id) {
        byId.remove(id);
        completions.remove(id);
        removeFiles(id);
    }

    void removeFiles(String id) {
        if (!WorkTrees.remove(directory(id).dir()) || !WorkTrees.remove(resultFile(id))) {
            log.warn("job {}: some of its files could not be removed", id);
        }
    }
}
