package dev.lip.processor.work;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.Kernel;
import dev.lip.algorithms.PatchKernel;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.JobManifest;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the processor knows of each job it works on, read once: the manifest, the algorithm's parsed settings and the
 * kernel prepared for the job (a model loaded, say). A job that cannot be prepared (an algorithm this processor does
 * not have, a model that is missing) is not remembered, so each batch fails with the reason and a fix by the operator
 * (the model copied in) takes effect on the next try.
 */
final class PreparedJobs {
    /** One job, ready to process. */
    record PreparedJob(JobManifest manifest, JobSettings settings, PatchKernel kernel) {
    }

    private final Map<String, JobManifest> manifests = new ConcurrentHashMap<>();
    private final Map<String, PreparedJob> prepared = new ConcurrentHashMap<>();

    /** The job's manifest; empty while slicer-api has not written it (the job's patches are not claimable yet). */
    Optional<JobManifest> manifest(JobDirectory job) throws IOException {
        JobManifest m = manifests.get(job.jobId());
        if (m == null) {
            Optional<JobManifest> read = job.readManifest();
            if (read.isEmpty()) {
                return read;
            }
            m = read.get();
            manifests.put(job.jobId(), m);
        }
        return Optional.of(m);
    }

    /**
     * The job ready to process.
     *
     * @throws IllegalArgumentException or IllegalStateException with the reason the job cannot run here
     */
    PreparedJob prepare(JobDirectory job) throws IOException {
        PreparedJob p = prepared.get(job.jobId());
        if (p != null) {
            return p;
        }
        return prepare(manifest(job).orElseThrow(() -> new java.nio.file.NoSuchFileException("manifest")));
    }

    /** The job of this manifest ready to process (the manifest read from a patch store). */
    PreparedJob prepare(JobManifest m) {
        PreparedJob p = prepared.get(m.jobId());
        if (p != null) {
            return p;
        }
        Algorithm algorithm = Algorithms.byName(m.algorithm()).orElseThrow(() -> unknown(m.algorithm()));
        Kernel kernel = Algorithms.kernel(m.algorithm()).orElseThrow(() -> unknown(m.algorithm()));
        JobSettings settings = algorithm.settings(m.parameters());
        p = new PreparedJob(m, settings, kernel.forJob(settings, m.jobValues() == null ? Map.of() : m.jobValues()));
        prepared.put(m.jobId(), p);
        return p;
    }

    /** Patches a call for the job; 1 while it is unknown or unusable (its batch then fails with the reason). */
    int batchSize(String jobId) {
        PreparedJob p = prepared.get(jobId);
        if (p != null) {
            return p.settings().batchSize();
        }
        JobManifest m = manifests.get(jobId);
        if (m == null) {
            return 1;
        }
        try {
            return Algorithms.byName(m.algorithm()).map(a -> a.settings(m.parameters()).batchSize()).orElse(1);
        } catch (RuntimeException e) {
            return 1;
        }
    }

    /** Whether the job is ready (its kernel prepared), so its manifest need not be fetched again. */
    boolean isPrepared(String jobId) {
        return prepared.containsKey(jobId);
    }

    PreparedJob prepared(String jobId) {
        return prepared.get(jobId);
    }

    /** Forgets one job (gone from the store). */
    void forget(String jobId) {
        manifests.remove(jobId);
        prepared.remove(jobId);
    }

    /** Forgets jobs that are gone from the work directory. */
    void retainOnly(Set<String> alive) {
        manifests.keySet().retainAll(alive);
        prepared.keySet().retainAll(alive);
    }

    private static IllegalArgumentException unknown(String algorithm) {
        return new IllegalArgumentException("this processor does not know the algorithm '" + algorithm
                + "' (it knows " + String.join(", ", Algorithms.kernels().stream().map(Kernel::name).toList()) + ")");
    }
}
