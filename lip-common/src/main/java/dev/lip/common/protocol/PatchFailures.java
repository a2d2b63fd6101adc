package dev.lip.common.protocol;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the protocol does when a patch cannot be processed: the reason beside the patch in {@code failed/}, the count
 * of attempts in {@code attempts/}, and entries that are not patches moved to the quarantine. One job's; from
 * {@link JobDirectory#failures()}.
 */
public final class PatchFailures {
    static final int MAX_REASON_BYTES = 4096;
    private static final int MAX_COUNTER_BYTES = 16;

    private final JobDirectory job;

    PatchFailures(JobDirectory job) {
        this.job = job;
    }

    /** Records that a patch could not be processed: its reason goes to {@code failed/<name>.error}, the patch beside it. */
    public void fail(PatchName patch, String reason) throws IOException {
        JobDirectory.writeAtomically(job.failed().resolve(patch.fileName() + ".error"), reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try {
            JobDirectory.moveAtomically(job.claimed().resolve(patch.fileName()), job.failed().resolve(patch.fileName()));
        } catch (NoSuchFileException ignored) {
            // The claim was taken back meanwhile; the .error file still records the failure.
        }
    }

    /**
     * Fails a claimed patch whose file is not a regular file (a link, a FIFO): it is moved to the quarantine and an
     * empty file takes its place in {@code failed/}, so that slicer-api finds the failure like any other.
     *
     * @return where the claimed entry went
     */
    public Path failUnsafe(PatchName patch, String reason) throws IOException {
        Path moved = job.quarantine(job.claimed().resolve(patch.fileName()));
        JobDirectory.writeAtomically(job.failed().resolve(patch.fileName() + ".error"), reason.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        JobDirectory.writeAtomically(job.failed().resolve(patch.fileName()), new byte[0]);
        return moved;
    }

    /**
     * Records a failed attempt at a claimed patch. Below {@code maxAttempts} the patch goes back to {@code pending/}
     * for another try (a passing fault: a full disk, a worker short of memory); at {@code maxAttempts} it is failed
     * for good with {@code reason}, which fails the job.
     *
     * @return true when the patch failed for good
     */
    public boolean failAttempt(PatchName patch, String reason, int maxAttempts) throws IOException {
        Path counter = job.attempts().resolve(patch.fileName());
        int attempts = previousAttempts(counter, maxAttempts) + 1;
        JobDirectory.writeAtomically(counter, Integer.toString(attempts).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (attempts < maxAttempts) {
            try {
                JobDirectory.moveAtomically(job.claimed().resolve(patch.fileName()), job.pending().resolve(patch.fileName()));
            } catch (NoSuchFileException e) {
                // taken back after its lease, or quarantined: nothing to queue again
            }
            return false;
        }
        fail(patch, reason + (maxAttempts > 1 ? " (failed " + attempts + " times)" : ""));
        return true;
    }

    /** How often the patch has failed so far, read as {@link #failAttempt} reads it (for a delivery's attempt number). */
    public int attemptsSoFar(PatchName patch, int maxAttempts) throws IOException {
        return previousAttempts(job.attempts().resolve(patch.fileName()), maxAttempts);
    }

    /**
     * The count in an attempts file. One that is not a small number (a wrapped or damaged counter, a directory or
     * link in its place) counts as used up: retrying a patch for ever is worse than failing its job with a reason.
     */
    private int previousAttempts(Path counter, int maxAttempts) throws IOException {
        if (!Files.exists(counter, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        try {
            String text = new String(SafeFiles.readSmall(counter, MAX_COUNTER_BYTES), java.nio.charset.StandardCharsets.US_ASCII).trim();
            int n = Integer.parseInt(text);
            if (n >= 0 && n < maxAttempts) {
                return n;
            }
        } catch (NoSuchFileException e) {
            return 0;
        } catch (SafeFiles.UnsafeFileException e) {
            job.quarantine(counter);
        } catch (NumberFormatException e) {
            // damaged
        }
        return Math.max(0, maxAttempts - 1);
    }

    /**
     * Why a patch failed, as its processor wrote it: at most 4 KB, from a regular file. Anything else in its place
     * is quarantined and reported as such, never opened (a FIFO there once blocked slicer-api's scheduler).
     */
    public Optional<String> failureReason(PatchName patch) throws IOException {
        Path file = job.failed().resolve(patch.fileName() + ".error");
        try {
            byte[] text = SafeFiles.readSmall(file, MAX_REASON_BYTES);
            return Optional.of(SafeFiles.withoutPaths(new String(text, java.nio.charset.StandardCharsets.UTF_8).strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (SafeFiles.UnsafeFileException e) {
            job.quarantine(file);
            return Optional.of("its failure reason could not be read (" + e.getMessage() + ")");
        }
    }
}
