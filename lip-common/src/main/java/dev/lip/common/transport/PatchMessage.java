package dev.lip.common.transport;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;

/**
 * What the patch queue carries: a reference to one patch, never its pixels (the claim-check pattern). The patch's
 * bytes are in the {@link PatchStore} under {@code patchKey}; its result goes under {@code resultKey}, fixed by job
 * and patch, so a duplicate delivery writes the same key with the same bytes. As JSON (docs/protocol.md, "Patch
 * messages"): {@code {"version":1,"job":"…","row":3,"col":7,"patchKey":"…","resultKey":"…"}}.
 */
public record PatchMessage(int version, String job, int row, int col, String patchKey, String resultKey) {
    public static final int VERSION = 1;

    public PatchMessage {
        if (!JobDirectory.isValidJobId(job)) {
            throw new IllegalArgumentException("not a job id: " + job);
        }
        if (row < 0 || col < 0) {
            throw new IllegalArgumentException("a patch's row and column are not negative");
        }
        PatchKeys.check(patchKey);
        PatchKeys.check(resultKey);
    }

    /** The message of a patch whose bytes were put under {@link PatchKeys#patch}. */
    public static PatchMessage of(String job, PatchName patch) {
        return new PatchMessage(VERSION, job, patch.row(), patch.column(), PatchKeys.patch(job, patch),
                PatchKeys.result(job, patch));
    }

    public PatchName patch() {
        return new PatchName(row, col);
    }

    /** Unique for a job's patch: what the broker's duplicate detection and a consumer's idempotence key on. */
    public String id() {
        return job + "/" + patch().fileName();
    }
}
