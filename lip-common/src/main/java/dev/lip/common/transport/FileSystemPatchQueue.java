package dev.lip.common.transport;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The work-directory protocol (docs/protocol.md) as a {@link PatchQueue}: a patch is waiting while its file is in
 * {@code pending/}; a consumer claims it by renaming it into {@code claimed/} (the rename is the lock between any
 * number of processes), acknowledges by removing the claim once the result is in {@code done/}, and fails it through
 * {@code attempts/} and {@code failed/}. A claim whose holder died is taken back when its lease expires
 * ({@link JobDirectory#reclaimExpired}, slicer-api's monitor); one whose consumer closes is given back at once.
 * Publishing is the store's put into {@code pending/}: there is nothing more to send. Paired with
 * {@link FileSystemPatchStore} on the same directory.
 */
public final class FileSystemPatchQueue implements PatchQueue {
    private static final long POLL_MILLIS = 50;

    private final Path workDir;
    private final int maxAttempts;
    /** Jobs seen ended, passed over by name (an idle consumer with many retained jobs must cost nothing). */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();

    public FileSystemPatchQueue(Path workDir, int maxAttempts) {
        this.workDir = workDir.toAbsolutePath().normalize();
        this.maxAttempts = maxAttempts;
    }

    @Override
    public void publish(PatchMessage message) throws IOException {
        JobDirectory job = new JobDirectory(workDir, message.job());
        String name = message.patch().fileName();
        for (Path state : new Path[]{job.pending(), job.claimed(), job.done(), job.failed()}) {
            if (Files.exists(state.resolve(name), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return; // waiting, or published before and taken since: once is enough
            }
        }
        throw new IOException("patch " + message.id() + " is not in the work directory's pending/: put it first");
    }

    @Override
    public Consumer consumer() {
        return new FsConsumer();
    }

    @Override
    public long waiting(String job) {
        return new JobDirectory(workDir, job).count(new JobDirectory(workDir, job).pending());
    }

    @Override
    public long waiting() throws IOException {
        long n = 0;
        for (JobDirectory job : JobDirectory.claimableJobs(workDir, ended)) {
            n += job.count(job.pending());
        }
        return n;
    }

    @Override
    public List<DeadLetter> deadLetters(String job) throws IOException {
        JobDirectory dir = new JobDirectory(workDir, job);
        List<DeadLetter> out = new ArrayList<>();
        for (PatchName p : dir.list(dir.failed())) {
            String reason = dir.failures().failureReason(p).orElse("it failed (no reason was recorded)");
            out.add(new DeadLetter(PatchMessage.of(job, p), reason));
        }
        return out;
    }

    /** Results in the {@code done/} of jobs that take patches, each announced once to this reader. */
    @Override
    public Completions completions() {
        Set<String> announced = new java.util.HashSet<>();
        java.util.ArrayDeque<PatchMessage> found = new java.util.ArrayDeque<>();
        return new Completions() {
            @Override
            public Optional<Completion> next(Duration wait) throws IOException, InterruptedException {
                long deadline = System.nanoTime() + wait.toNanos();
                while (found.isEmpty()) {
                    for (JobDirectory job : JobDirectory.claimableJobs(workDir, ended)) {
                        for (PatchName p : job.list(job.done())) {
                            PatchMessage m = PatchMessage.of(job.jobId(), p);
                            if (announced.add(m.id())) {
                                found.add(m);
                            }
                        }
                    }
                    if (found.isEmpty()) {
                        if (System.nanoTime() >= deadline) {
                            return Optional.empty();
                        }
                        Thread.sleep(POLL_MILLIS);
                    }
                }
                PatchMessage m = found.poll();
                return Optional.of(new Completion() {
                    @Override
                    public PatchMessage message() {
                        return m;
                    }

                    @Override
                    public void acknowledge() {
                    }
                });
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void purge(String job) throws IOException {
        JobDirectory dir = new JobDirectory(workDir, job);
        for (Path state : new Path[]{dir.pending(), dir.failed()}) {
            for (PatchName p : dir.list(state)) {
                Files.deleteIfExists(state.resolve(p.fileName()));
                Files.deleteIfExists(state.resolve(p.fileName() + ".error"));
            }
        }
    }

    @Override
    public void close() {
    }

    private final class FsConsumer implements Consumer {
        private FsDelivery unsettled;

        @Override
        public Optional<Delivery> receive(Duration wait) throws IOException, InterruptedException {
            if (unsettled != null) {
                throw new IllegalStateException("the previous delivery (" + unsettled.message.id() + ") is not settled");
            }
            long deadline = System.nanoTime() + wait.toNanos();
            while (true) {
                Optional<Delivery> d = claimOne();
                if (d.isPresent() || System.nanoTime() >= deadline) {
                    return d;
                }
                Thread.sleep(Math.max(1, Math.min(POLL_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
            }
        }

        /** The oldest job's first pending patch this consumer wins the rename of. */
        private Optional<Delivery> claimOne() throws IOException {
            for (JobDirectory job : JobDirectory.claimableJobs(workDir, ended)) {
                if (job.hasEnded()) {
                    ended.add(job.jobId());
                    continue;
                }
                for (PatchName p : job.list(job.pending())) {
                    if (job.claim(p).isPresent()) {
                        PatchMessage m = new PatchMessage(PatchMessage.VERSION, job.jobId(), p.row(), p.column(),
                                job.jobId() + "/claimed/" + p.fileName(), PatchKeys.result(job.jobId(), p));
                        unsettled = new FsDelivery(this, job, p, m, job.failures().attemptsSoFar(p, maxAttempts) + 1);
                        return Optional.of(unsettled);
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() throws IOException {
            if (unsettled != null) {
                unsettled.giveBack();
            }
        }
    }

    private final class FsDelivery implements Delivery {
        private final FsConsumer consumer;
        private final JobDirectory job;
        private final PatchName patch;
        private final PatchMessage message;
        private final int attempt;

        FsDelivery(FsConsumer consumer, JobDirectory job, PatchName patch, PatchMessage message, int attempt) {
            this.consumer = consumer;
            this.job = job;
            this.patch = patch;
            this.message = message;
            this.attempt = attempt;
        }

        @Override
        public PatchMessage message() {
            return message;
        }

        @Override
        public int attempt() {
            return attempt;
        }

        @Override
        public void acknowledge() throws IOException {
            settled();
            Files.deleteIfExists(job.claimed().resolve(patch.fileName()));
        }

        @Override
        public boolean fail(String reason) throws IOException {
            settled();
            return job.failures().failAttempt(patch, reason, maxAttempts);
        }

        @Override
        public void renew() throws IOException {
            job.renewClaim(patch);
        }

        /** Back to pending/ without counting an attempt: the consumer closed, nothing failed. */
        void giveBack() throws IOException {
            settled();
            try {
                Files.move(job.claimed().resolve(patch.fileName()), job.pending().resolve(patch.fileName()),
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (NoSuchFileException e) {
                // the job was removed, or the claim taken back after its lease
            }
        }

        private void settled() {
            if (consumer.unsettled != this) {
                throw new IllegalStateException("delivery of " + message.id() + " was settled already");
            }
            consumer.unsettled = null;
        }
    }

    /** In the work directory, where slicer-api reads them ({@link dev.lip.common.protocol.ProcessorRoster}). */
    @Override
    public void announce(dev.lip.common.protocol.ProcessorRoster.Announcement a) throws IOException {
        dev.lip.common.protocol.ProcessorRoster.announce(workDir, a);
    }

    @Override
    public List<dev.lip.common.protocol.ProcessorRoster.Announcement> announced(Duration maxAge) {
        return dev.lip.common.protocol.ProcessorRoster.current(workDir, maxAge);
    }
}
