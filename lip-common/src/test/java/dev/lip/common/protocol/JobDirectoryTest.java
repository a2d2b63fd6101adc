package dev.lip.common.protocol;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobDirectoryTest {
    @TempDir
    Path work;

    private JobDirectory job() throws IOException {
        JobDirectory j = new JobDirectory(work, "job-1");
        j.createDirectories();
        return j;
    }

    private void pending(JobDirectory j, PatchName p) throws IOException {
        PatchFile.write(j.pending().resolve(p.fileName()), new PixelRegion(new Rect(0, 0, 4, 4), 1, 8));
    }

    @Test
    void manifestRoundTrips() throws IOException {
        JobDirectory j = job();
        TileGrid g = new TileGrid(1001, 777, 256, 8);
        JobManifest m = new JobManifest(1, "job-1", new ImageInfo(1001, 777, 3, 8, "PNG"), JobManifest.GridSpec.of(g),
                "threshold", Map.of("threshold", "128", "invert", "false"), Map.of());
        j.writeManifest(m);
        assertEquals(m, j.readManifest().orElseThrow());
        assertEquals(g, j.readManifest().orElseThrow().tileGrid());
    }

    @Test
    void exactlyOneOfManyConcurrentClaimersWinsEachPatch() throws Exception {
        JobDirectory j = job();
        List<PatchName> all = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            PatchName p = new PatchName(i / 20, i % 20);
            all.add(p);
            pending(j, p);
        }
        ConcurrentLinkedQueue<PatchName> won = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (PatchName p : all) {
                        if (j.claim(p).isPresent()) {
                            won.add(p);
                        }
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(200, won.size());
        assertEquals(200, won.stream().distinct().count());
        assertEquals(0, j.count(j.pending()));
        assertEquals(200, j.count(j.claimed()));
    }

    @Test
    void publishMovesTheResultIntoDoneAndReleasesTheClaim() throws IOException {
        JobDirectory j = job();
        PatchName p = new PatchName(2, 3);
        pending(j, p);
        assertTrue(j.claim(p).isPresent());
        PixelRegion result = new PixelRegion(new Rect(0, 0, 2, 2), 1, 8);
        j.publish(p, tmp -> PatchFile.write(tmp, result));
        assertEquals(List.of(p), j.list(j.done()));
        assertEquals(0, j.count(j.claimed()));
        try (var files = Files.list(j.done())) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
        assertEquals(result, PatchFile.read(j.done().resolve(p.fileName())));
    }

    @Test
    void failRecordsTheReason() throws IOException {
        JobDirectory j = job();
        PatchName p = new PatchName(0, 0);
        pending(j, p);
        j.claim(p);
        j.failures().fail(p, "boom");
        assertEquals(List.of(p), j.list(j.failed()));
        assertEquals(Optional.of("boom"), j.failures().failureReason(p));
    }

    @Test
    void aFailingPatchIsRetriedThenFailedForGood() throws IOException {
        JobDirectory j = job();
        PatchName p = new PatchName(1, 1);
        pending(j, p);
        for (int attempt = 1; attempt < 3; attempt++) {
            assertTrue(j.claim(p).isPresent());
            assertFalse(j.failures().failAttempt(p, "broken", 3));
            assertEquals(List.of(p), j.list(j.pending()), "back in the queue after attempt " + attempt);
        }
        assertTrue(j.claim(p).isPresent());
        assertTrue(j.failures().failAttempt(p, "broken", 3));
        assertEquals(List.of(p), j.list(j.failed()));
        assertEquals(Optional.of("broken (failed 3 times)"), j.failures().failureReason(p));
    }

    @Test
    void expiredClaimsReturnToPendingButLiveOnesStay() throws IOException {
        JobDirectory j = job();
        PatchName dead = new PatchName(0, 0);
        PatchName live = new PatchName(0, 1);
        pending(j, dead);
        pending(j, live);
        j.claim(dead);
        j.claim(live);
        Files.setLastModifiedTime(j.claimed().resolve(dead.fileName()), FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        assertEquals(1, j.reclaimExpired(30_000));
        assertEquals(List.of(dead), j.list(j.pending()));
        assertEquals(List.of(live), j.list(j.claimed()));
        j.renewClaim(live);
    }

    @Test
    void jobIdsThatCouldEscapeTheWorkDirectoryAreRefused() {
        assertFalse(JobDirectory.isValidJobId("../etc"));
        assertFalse(JobDirectory.isValidJobId(".."));
        assertFalse(JobDirectory.isValidJobId("a/b"));
        assertFalse(JobDirectory.isValidJobId(""));
        assertFalse(JobDirectory.isValidJobId(null));
        assertTrue(JobDirectory.isValidJobId("0f1e2d3c-aaaa-4bbb-8ccc-123456789abc"));
        assertThrows(IllegalArgumentException.class, () -> new JobDirectory(work, "../x"));
    }

    @Test
    void patchNamesParseBack() {
        assertEquals(Optional.of(new PatchName(12, 345)), PatchName.parse("r12-c345.patch"));
        assertEquals(Optional.empty(), PatchName.parse(".r1-c2.patch.tmp"));
        assertEquals(Optional.empty(), PatchName.parse("r1-c2.patch.error"));
    }
}
