package dev.lip.processor.work;

import dev.lip.common.geometry.TileGrid;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Leases: a held claim is renewed and survives slicer-api's reclaim; a dropped one expires and is pending again. */
class ClaimHeartbeatTest {
    @TempDir
    Path work;

    @Test
    void heldClaimsAreRenewedAndOthersExpire() throws Exception {
        TileGrid grid = new TileGrid(40, 16, 32, 0);
        JobDirectory job = WorkDirs.job(work, WorkDirs.randomId(new Random(3)), grid, "threshold", Map.of());
        PatchName kept = new PatchName(0, 0), dropped = new PatchName(0, 1);
        job.claim(kept).orElseThrow();
        job.claim(dropped).orElseThrow();
        FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(job.claimed().resolve(kept.fileName()), old);
        Files.setLastModifiedTime(job.claimed().resolve(dropped.fileName()), old);

        ClaimHeartbeat heartbeat = new ClaimHeartbeat(work);
        heartbeat.hold(new WorkItem(job.jobId(), kept));
        heartbeat.hold(new WorkItem(job.jobId(), dropped));
        heartbeat.release(new WorkItem(job.jobId(), dropped));
        heartbeat.renewAll();

        assertEquals(1, job.reclaimExpired(30_000), "only the claim no one renewed expired");
        assertEquals(java.util.List.of(dropped), job.list(job.pending()));
        assertEquals(java.util.List.of(kept), job.list(job.claimed()));
    }
}
