package dev.lip.processor.work;

import dev.lip.common.protocol.JobDirectory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The claims this processor holds, renewed together (every third of the lease timeout) so that a live worker keeps
 * its lease however long a patch takes, and a killed one's claims expire and are queued again by slicer-api.
 */
final class ClaimHeartbeat {
    private final Path workDir;
    private final Set<WorkItem> held = ConcurrentHashMap.newKeySet();

    ClaimHeartbeat(Path workDir) {
        this.workDir = workDir;
    }

    void hold(WorkItem item) {
        held.add(item);
    }

    void release(WorkItem item) {
        held.remove(item);
    }

    int held() {
        return held.size();
    }

    /** Renews every claim held. */
    void renewAll() {
        for (WorkItem item : held) {
            try {
                new JobDirectory(workDir, item.jobId()).renewClaim(item.patch());
            } catch (IOException e) {
                // published, failed or cancelled meanwhile
            }
        }
    }
}
