package dev.lip.common.protocol;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The work directory is not trusted: links are never followed, special files never opened, reads are bounded. */
class SafeWorkDirectoryTest {
    @TempDir
    Path work;
    @TempDir
    Path outside;

    private final PatchName patch = new PatchName(0, 0);

    private JobDirectory job() throws IOException {
        JobDirectory j = new JobDirectory(work, "job-1");
        j.createDirectories();
        return j;
    }

    private JobDirectory claimed(String counter) throws IOException {
        JobDirectory j = job();
        PatchFile.write(j.pending().resolve(patch.fileName()), new PixelRegion(new Rect(0, 0, 4, 4), 1, 8));
        j.claim(patch).orElseThrow();
        if (counter != null) {
            Files.writeString(j.attempts().resolve(patch.fileName()), counter);
        }
        return j;
    }

    @Test
    void aWrappedOrDamagedAttemptsCounterFailsThePatchInsteadOfRetryingForEver() throws IOException {
        assertTrue(claimed("2147483647").failures().failAttempt(patch, "boom", 3), "a counter past the maximum");
        Files.walk(work).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertTrue(claimed("-5").failures().failAttempt(patch, "boom", 3), "a negative counter");
        Files.walk(work).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        assertFalse(claimed("1").failures().failAttempt(patch, "boom", 3), "an honest count below the maximum retries");
    }

    @Test
    void aDirectoryWhereTheCounterBelongsIsQuarantinedAndThePatchDoesNotStayClaimed() throws IOException {
        JobDirectory j = claimed(null);
        Files.createDirectories(j.attempts().resolve(patch.fileName()).resolve("sub"));
        assertTrue(j.failures().failAttempt(patch, "boom", 3));
        assertFalse(Files.exists(j.claimed().resolve(patch.fileName())), "not stuck in claimed/");
        assertTrue(Files.exists(j.failed().resolve(patch.fileName())));
        assertTrue(Files.isDirectory(work.resolve(SafeFiles.QUARANTINE)));
    }

    @Test
    void failureReasonsAreBoundedAndNeverReadThroughLinks() throws IOException {
        JobDirectory j = job();
        Path secret = Files.writeString(outside.resolve("secret.txt"), "outside text");
        Files.createSymbolicLink(j.failed().resolve(patch.fileName() + ".error"), secret);
        String reason = j.failures().failureReason(patch).orElseThrow();
        assertFalse(reason.contains("outside text"), reason);
        assertTrue(reason.contains("could not be read"), reason);

        Files.writeString(j.failed().resolve(patch.fileName() + ".error"), "x".repeat(100_000));
        assertTrue(j.failures().failureReason(patch).orElseThrow().contains("more than"), "a 100 KB reason is refused, not read");

        Files.writeString(j.failed().resolve(patch.fileName() + ".error"), "failed reading /tmp/x/y/z.onnx");
        assertEquals("failed reading the file", j.failures().failureReason(patch).orElseThrow());
    }

    @Test
    void claimsAndLeasesNeverTouchALinksTarget() throws IOException {
        JobDirectory j = job();
        Path secret = Files.writeString(outside.resolve("secret.bin"), "x");
        FileTime old = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(secret, old);
        Files.createSymbolicLink(j.pending().resolve(patch.fileName()), secret);
        j.claim(patch).orElseThrow();
        assertThrows(SafeFiles.UnsafeFileException.class, () -> j.renewClaim(patch)); // refused, never followed
        assertEquals(old, Files.getLastModifiedTime(secret));
        assertThrows(SafeFiles.UnsafeFileException.class, () -> PatchFile.read(j.claimed().resolve(patch.fileName())));
        j.failures().failUnsafe(patch, "a link");
        assertTrue(Files.isRegularFile(j.failed().resolve(patch.fileName()), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertEquals("x", Files.readString(secret));
    }

    @Test
    void verifyRefusesAStateDirectoryThatIsALinkAndMovesItAside() throws IOException {
        JobDirectory j = job();
        Files.delete(j.done());
        Files.createSymbolicLink(j.done(), outside);
        SafeFiles.UnsafeFileException e = assertThrows(SafeFiles.UnsafeFileException.class, j::verify);
        assertTrue(e.getMessage().contains("done was not a directory"), e.getMessage());
        assertFalse(Files.exists(j.done(), java.nio.file.LinkOption.NOFOLLOW_LINKS));

        Path linkedJob = work.resolve("job-2");
        Files.createSymbolicLink(linkedJob, outside);
        assertFalse(JobDirectory.isJobDirectory(linkedJob));
        assertThrows(SafeFiles.UnsafeFileException.class, () -> new JobDirectory(work, "job-2").verify());
    }

    @Test
    void aFifoIsNeverOpened() throws Exception {
        JobDirectory j = job();
        Path fifo = j.failed().resolve(patch.fileName() + ".error");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        // Opening it would block this test for ever; the check refuses it first.
        assertTrue(j.failures().failureReason(patch).orElseThrow().contains("special file"));
        assertFalse(Files.exists(fifo, java.nio.file.LinkOption.NOFOLLOW_LINKS), "moved to the quarantine");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        assertThrows(SafeFiles.UnsafeFileException.class, () -> SafeFiles.readSmall(fifo, 10));
    }

    /** Issue 23: what reaches a client names no server path, but keeps the user's own references. */
    @Test
    void textsForClientsLoseServerPathsButKeepUrls() {
        assertEquals("Invalid TIFF: the file", SafeFiles.withoutPaths("Invalid TIFF: temp/4f3a-1/upload.bin"));
        assertEquals("the file is damaged", SafeFiles.withoutPaths("/proc/self/fd/7 is damaged"));
        assertEquals("There is no object s3://bucket/a/b.tif.", SafeFiles.withoutPaths("There is no object s3://bucket/a/b.tif."));
        assertEquals("file:///data/slides/x.svs is not inside", SafeFiles.withoutPaths("file:///data/slides/x.svs is not inside"));
        assertEquals("a b", SafeFiles.withoutPaths("a\u0000b"));
        assertEquals("JPEG/PNG and application/problem+json", SafeFiles.withoutPaths("JPEG/PNG and application/problem+json"));
    }

    /** Issue 23: a FIFO left as a pending patch blocked a processor's worker for ever when its claim set its time. */
    @Test
    void aFifoLeftAsAPendingPatchIsClaimedWithoutBeingOpened() throws Exception {
        JobDirectory j = job();
        Path fifo = j.pending().resolve(patch.fileName());
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
        java.util.Optional<Path> claim = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                java.time.Duration.ofSeconds(10), () -> j.claim(patch));
        assertTrue(claim.isPresent());
        assertThrows(SafeFiles.UnsafeFileException.class, () -> SafeFiles.touch(claim.get(), 0));
        assertThrows(SafeFiles.UnsafeFileException.class, () -> j.renewClaim(patch));
    }

    /** Issue 27: a job whose pending/ is gone has ended; jobs named as ended are passed over without a look. */
    @Test
    void endedJobsAreKnownByTheirMissingPendingAndPassedOverByName() throws IOException {
        for (String id : new String[]{"job-running", "job-ended"}) {
            new JobDirectory(work, id).createDirectories();
            Files.writeString(work.resolve(id).resolve(JobDirectory.MANIFEST), "{}");
        }
        JobDirectory ended = new JobDirectory(work, "job-ended");
        Files.delete(ended.pending());
        assertTrue(ended.hasEnded());
        assertFalse(new JobDirectory(work, "job-running").hasEnded());
        assertEquals(java.util.Set.of("job-running", "job-ended"), JobDirectory.claimableJobs(work).stream()
                .map(JobDirectory::jobId).collect(java.util.stream.Collectors.toSet()));
        assertEquals(java.util.List.of("job-running"), JobDirectory.claimableJobs(work, java.util.Set.of("job-ended"))
                .stream().map(JobDirectory::jobId).toList());
    }

    @Test
    void claimableJobsAreRealDirectoriesWithAManifestOldestFirst() throws IOException {
        for (String id : new String[]{"job-new", "job-old", "job-bare"}) {
            new JobDirectory(work, id).createDirectories();
        }
        Files.writeString(work.resolve("job-new").resolve(JobDirectory.MANIFEST), "{}");
        Files.writeString(work.resolve("job-old").resolve(JobDirectory.MANIFEST), "{}");
        Files.setLastModifiedTime(work.resolve("job-old").resolve(JobDirectory.MANIFEST), FileTime.fromMillis(1_000_000L));
        Files.createSymbolicLink(work.resolve("job-link"), work.resolve("job-new"));
        Files.createDirectories(work.resolve(".trash-1"));
        assertEquals(java.util.List.of("job-old", "job-new"),
                JobDirectory.claimableJobs(work).stream().map(JobDirectory::jobId).toList());

        JobDirectory j = new JobDirectory(work, "job-new");
        j.addPending(patch, new PixelRegion(new Rect(0, 0, 3, 2), 1, 8));
        assertEquals(java.util.List.of(patch), j.list(j.pending()));
        try (var names = Files.list(j.pending())) {
            assertEquals(1, names.count(), "no temporary file is left");
        }
    }

    @Test
    void aManifestLargerThanAnyRealOneIsRefusedNotRead() throws IOException {
        JobDirectory j = job();
        Files.write(j.manifestFile(), new byte[JobDirectory.MAX_MANIFEST_BYTES + 1]);
        assertThrows(SafeFiles.UnsafeFileException.class, j::readManifest);
    }
}
