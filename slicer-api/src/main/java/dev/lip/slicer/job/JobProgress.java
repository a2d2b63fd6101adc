package dev.lip.slicer.job;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.protocol.SafeFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;

/**
 * What the periodic monitor does ({@link JobMonitor} runs it): for each active job, checks its directory is still
 * what the protocol puts there, takes back expired claims, fails the job on a failed patch, counts results and
 * moves it on when all are in; and removes jobs past the retention.
 */
final class JobProgress {
    private static final Logger log = LoggerFactory.getLogger(JobProgress.class);

    private final Jobs jobs;
    private final JobStitching stitching;
    private final Duration leaseTimeout;
    private final Duration retention;
    private final java.time.Clock clock;
    private volatile long lastReclaim;
    private volatile boolean reclaimThisPass;

    /** @param clock for the retention (leases compare file times with the system clock, as other processes do) */
    JobProgress(Jobs jobs, JobStitching stitching, Duration leaseTimeout, Duration retention, java.time.Clock clock) {
        this.jobs = jobs;
        this.stitching = stitching;
        this.leaseTimeout = leaseTimeout;
        this.retention = retention;
        this.clock = clock;
    }

    /** The jobs to follow in the next pass; decides once per pass whether it also takes back expired claims. */
    List<Job> activeJobs() {
        reclaimThisPass = System.currentTimeMillis() - lastReclaim > leaseTimeout.toMillis() / 4;
        if (reclaimThisPass) {
            lastReclaim = System.currentTimeMillis();
        }
        return jobs.all().stream().filter(job -> {
            JobState state = job.state();
            return state == JobState.SLICING || state == JobState.PROCESSING || state == JobState.PROCESSED;
        }).toList();
    }

    /** One job's step: never throws, a problem with one job must not stop the others. */
    void follow(Job job) {
        try {
            follow(job, reclaimThisPass);
        } catch (Exception e) {
            log.warn("job {}: cannot read its patch directories: {}", job.id(), e.toString());
        }
    }

    private void follow(Job job, boolean reclaim) throws IOException {
        JobDirectory dir = jobs.directory(job.id());
        try {
            dir.verify();
        } catch (SafeFiles.UnsafeFileException e) {
            jobs.fail(job, "The job's work directory was tampered with: " + e.getMessage() + ".");
            return;
        }
        if (reclaim) {
            int n = dir.reclaimExpired(leaseTimeout.toMillis());
            if (n > 0) {
                log.warn("job {}: {} claims expired (a processor died?) and were queued again", job.id(), n);
            }
        }
        List<PatchName> failed = dir.list(dir.failed());
        job.failed = failed.size();
        if (!failed.isEmpty()) {
            PatchName first = failed.stream().min(Comparator.comparing(PatchName::row).thenComparing(PatchName::column)).get();
            String reason = dir.failures().failureReason(first).orElse("no reason recorded");
            jobs.fail(job, "Patch " + first + " failed: " + reason);
            return;
        }
        job.processed = jobs.completions(job).refresh();
        if (job.slicingFinished && job.processed >= job.total()) {
            if (job.advance(JobState.PROCESSING, JobState.PROCESSED)) {
                job.endStage(Job.PROCESSING);
                jobs.save(job);
            }
            if (job.resultRequested() && job.advance(JobState.PROCESSED, JobState.STITCHING)) {
                jobs.save(job); // the stitch, running since the result was asked for, is finishing
            }
        }
        stitching.startIfReady(job);
    }

    /**
     * Removes jobs older than the retention: their work files, their status and their result. Ended jobs, and
     * processed ones whose result nobody asked for: those would otherwise keep their patches on disk for ever.
     */
    void removeExpired() {
        if (retention.isZero() || retention.isNegative()) {
            return;
        }
        Instant oldest = clock.instant().minus(retention);
        for (Job job : List.copyOf(jobs.all())) {
            JobView v = job.view();
            boolean idle = v.state().isTerminal() || (v.state() == JobState.PROCESSED && !v.resultRequested());
            if (idle && v.updatedAt().isBefore(oldest)) {
                jobs.remove(job.id());
                log.info("job {}: removed after the retention of {}", job.id(), retention);
            }
        }
    }
}
