package dev.lip.formats.tiff;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * What a viewer reads: while a pyramid is written, every tile it has stored (full resolution as it arrives, reduced
 * levels as their rows complete) and no other; once finished, every tile of every level from the file, each equal
 * to the reference pyramid computed from the full-resolution mask.
 */
class TileArchiveTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}x{1}, tiles of {2}, {3}")
    @CsvSource({"700, 500, 64, COG", "300, 90, 16, OME_TIFF", "1, 1, 16, COG", "129, 64, 64, OME_TIFF"})
    void storedTilesAreReadableWhileWritingAndEveryTileFromTheFinishedFile(int width, int height, int tile,
                                                                          ResultLayout layout) throws Exception {
        byte[] full = PyramidWriterTest.mask(width, height, false);
        List<byte[]> reference = PyramidWriterTest.reference(full, width, height, tile, Reduction.MEAN);
        int expectedLevels = reference.size();
        Path out = dir.resolve("result.tif");
        Deflater deflater = new Deflater(6);
        int across = (width + tile - 1) / tile, down = (height + tile - 1) / tile;
        try (PyramidWriter w = new PyramidWriter(out, width, height, tile, layout, Reduction.MEAN,
                new Placement(null, null), 6)) {
            assertEquals(expectedLevels, w.levels());
            for (int r = 0; r < down; r++) {
                for (int c = 0; c < across; c++) {
                    assertNull(w.tile(0, c, r), "tile " + c + "," + r + " before it is written");
                    Rect rect = new Rect(c * tile, r * tile, Math.min(tile, width - c * tile), Math.min(tile, height - r * tile));
                    PixelRegion p = new PixelRegion(rect, 1, 8);
                    for (int y = 0; y < rect.height(); y++) {
                        System.arraycopy(full, (rect.y() + y) * width + rect.x(), p.data(), y * rect.width(), rect.width());
                    }
                    w.writeTile(r, c, p, TiledTiffWriter.encodeTile(p, tile, TiledTiffWriter.COMPRESSION_DEFLATE, deflater));
                    assertTile(reference.get(0), width, height, tile, c, r, w.tile(0, c, r), "live level 0");
                    if (r == 1 && c == across - 1 && w.levels() > 1) {
                        // two rows done: the first row of level 1 is stored, the second is not
                        assertTile(reference.get(1), (width + 1) / 2, (height + 1) / 2, tile, 0, 0, w.tile(1, 0, 0), "live level 1");
                        assertNull(w.tile(1, 0, 1), "level 1's second row before its rows of level 0");
                    }
                }
            }
            int lw = width, lh = height;
            for (int k = 0; k < w.levels(); k++) { // all written: every level is there before the file is
                for (int r = 0; r * tile < lh; r++) {
                    for (int c = 0; c * tile < lw; c++) {
                        assertTile(reference.get(k), lw, lh, tile, c, r, w.tile(k, c, r), "live level " + k);
                    }
                }
                lw = (lw + 1) / 2;
                lh = (lh + 1) / 2;
            }
        }
        try (PyramidReader file = new PyramidReader(out)) {
            assertEquals(expectedLevels, file.levels());
            assertEquals(tile, file.tileSize());
            int lw = width, lh = height;
            for (int k = 0; k < file.levels(); k++) {
                assertEquals(lw, file.width(k));
                assertEquals(lh, file.height(k));
                for (int r = 0; r * tile < lh; r++) {
                    for (int c = 0; c * tile < lw; c++) {
                        assertTile(reference.get(k), lw, lh, tile, c, r, file.tile(k, c, r), "file level " + k);
                    }
                }
                assertNull(file.tile(k, (lw + tile - 1) / tile, 0), "past the right edge");
                lw = (lw + 1) / 2;
                lh = (lh + 1) / 2;
            }
        }
    }

    /** The tile's pixels inside the level equal the reference's (the padding past the edge is not compared). */
    private static void assertTile(byte[] level, int width, int height, int tile, int c, int r, byte[] got, String what) {
        assertNotNull(got, what + " tile " + c + "," + r);
        assertEquals(tile * tile, got.length, what);
        for (int y = 0; y < tile && r * tile + y < height; y++) {
            for (int x = 0; x < tile && c * tile + x < width; x++) {
                assertEquals(level[(r * tile + y) * width + c * tile + x], got[y * tile + x],
                        what + " tile " + c + "," + r + " pixel " + x + "," + y);
            }
        }
    }
}
