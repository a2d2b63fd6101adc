package dev.lip.slicer.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DiskSpaceTest {
    @TempDir
    Path work;

    @Test
    void acceptedJobsKeepTheirSpaceUntilReleased() throws Exception {
        long usable = Files.getFileStore(work).getUsableSpace();
        DiskSpace disk = new DiskSpace(work, usable - (100L << 20)); // 100 MiB to give out
        assertTrue(disk.reserve("a", 60L << 20).isEmpty(), "the first job fits");
        assertFalse(disk.reserve("b", 60L << 20).isEmpty(), "the second does not fit beside the first");
        assertTrue(disk.reserve("c", 20L << 20).isEmpty(), "a smaller one does");
        assertEquals(80L << 20, disk.reservedBytes());
        disk.release("a");
        disk.release("a"); // idempotent
        assertTrue(disk.reserve("b", 60L << 20).isEmpty(), "once the first has sliced, the second fits");
    }
}
