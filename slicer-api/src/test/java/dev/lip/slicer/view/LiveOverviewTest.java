package dev.lip.slicer.view;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class LiveOverviewTest {
    @TempDir
    Path dir;

    /** 5000×3000 in tiles of 512: the overview is 4 times smaller (1250×750, within 2048). */
    @Test
    void coarseTilesShowTheTilesAddedSoFarAndNothingElse() {
        LiveOverview o = new LiveOverview(5000, 3000, 1, 2048);
        assertEquals(2, o.shift());
        assertNull(o.tile(3, 0, 0, 512), "nothing added yet");
        byte[] tile = new byte[512 * 512];
        Arrays.fill(tile, (byte) 200);
        o.add(0, 0, 512, 512, tile); // the top-left tile, all 200
        // level 3 (625×375): its one tile across spans the whole image; the top-left 64×64 is the tile added
        LiveOverview.Pixels p = o.tile(3, 0, 0, 512);
        assertNotNull(p);
        assertEquals(512, p.width());
        assertEquals(375, p.height());
        assertEquals(200, p.data()[0] & 0xFF);
        assertEquals(200, p.data()[63 * 512 + 63] & 0xFF);
        assertEquals(0, p.data()[64] & 0xFF, "not added: black");
        assertEquals(0, p.data()[64 * 512] & 0xFF);
        assertNull(o.tile(1, 0, 0, 512), "finer than the overview: the pyramid's own tiles or nothing");
        assertNull(o.tile(3, 1, 0, 512), "nothing of that tile is known");
    }

    @Test
    void aBlockSplitBetweenTilesTakesTheMeanOfThePartSeen() {
        LiveOverview o = new LiveOverview(100, 10, 3, 25); // 4 times smaller: blocks of 4×4
        byte[] rgb = new byte[6 * 4 * 3];
        for (int i = 0; i < 6 * 4; i++) {
            rgb[3 * i] = (byte) (i % 6 < 2 ? 10 : 30); // columns 0-1 red 10, 2-5 red 30
        }
        o.add(2, 0, 6, 4, rgb); // columns 2..7: block 0 gets columns 2-3, block 1 columns 4-7
        LiveOverview.Pixels p = o.tile(2, 0, 0, 64);
        assertEquals(10, p.data()[0] & 0xFF, "block 0: the part seen (columns 2-3)");
        assertEquals(30, p.data()[3] & 0xFF, "block 1");
    }

    @Test
    void itIsSavedWholeAndReadBackAndAnythingElseIsRefused() throws IOException {
        LiveOverview o = new LiveOverview(3000, 2000, 3, 1024);
        byte[] rgb = new byte[256 * 256 * 3];
        Arrays.fill(rgb, (byte) 77);
        o.add(1024, 512, 256, 256, rgb);
        Path file = dir.resolve("sketch.raw");
        o.save(file);
        LiveOverview back = LiveOverview.load(file, 16 << 20);
        assertArrayEquals(o.tile(2, 0, 0, 1024).data(), back.tile(2, 0, 0, 1024).data());

        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 1));
        assertThrows(IOException.class, () -> LiveOverview.load(file, 16 << 20));
        Files.write(file, "not an overview at all, just text".getBytes());
        assertThrows(IOException.class, () -> LiveOverview.load(file, 16 << 20));
        bytes[12] = 7; // seven channels
        Files.write(file, bytes);
        assertThrows(IOException.class, () -> LiveOverview.load(file, 16 << 20));
    }
}
