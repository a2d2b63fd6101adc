package dev.lip.common.geometry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TileGridTest {

    @Test
    void gridCountsTilesOfSizesThatDoNotDivideTheImage() {
        TileGrid g = new TileGrid(1001, 777, 256, 0);
        assertEquals(4, g.columns());
        assertEquals(4, g.rows());
        assertEquals(16, g.tileCount());
        Tile last = g.tile(3, 3);
        assertEquals(new Rect(768, 768, 233, 9), last.core());
        assertEquals(last.core(), last.patch());
    }

    @Test
    void haloIsClippedAtTheImageEdges() {
        TileGrid g = new TileGrid(1001, 777, 256, 10);
        Tile corner = g.tile(0, 0);
        assertEquals(new Rect(0, 0, 256, 256), corner.core());
        assertEquals(new Rect(0, 0, 266, 266), corner.patch());
        assertEquals(0, corner.coreOffsetX());
        Tile inner = g.tile(1, 1);
        assertEquals(new Rect(246, 246, 276, 276), inner.patch());
        assertEquals(10, inner.coreOffsetX());
        assertEquals(10, inner.coreOffsetY());
        Tile edge = g.tile(3, 3);
        assertEquals(new Rect(758, 758, 243, 19), edge.patch());
    }

    @ParameterizedTest
    @CsvSource({"1001,777,16,0", "1001,777,256,17", "5,3,16,16", "4096,4096,512,64", "1,1,16,0", "513,1,512,512", "100,90,16,40"})
    void coresPartitionTheImageAndPatchesContainTheirCores(int w, int h, int tile, int overlap) {
        TileGrid g = new TileGrid(w, h, tile, overlap);
        long area = 0;
        for (int r = 0; r < g.rows(); r++) {
            for (int c = 0; c < g.columns(); c++) {
                Tile t = g.tile(r, c);
                area += t.core().area();
                assertTrue(t.patch().contains(t.core()));
                assertTrue(new Rect(0, 0, w, h).contains(t.patch()));
                assertEquals(Math.max(0, t.core().x() - overlap), t.patch().x());
                assertEquals(Math.min(w, t.core().right() + overlap), t.patch().right());
                if (c > 0) {
                    assertEquals(g.tile(r, c - 1).core().right(), t.core().x());
                }
                if (r > 0) {
                    assertEquals(g.tile(r - 1, c).core().bottom(), t.core().y());
                }
            }
        }
        assertEquals((long) w * h, area);
    }

    @Test
    void rowBandCoversEveryPatchOfTheRow() {
        TileGrid g = new TileGrid(300, 300, 128, 20);
        assertEquals(new Rect(0, 108, 300, 168), g.rowBand(1));
        assertEquals(new Rect(0, 236, 300, 64), g.rowBand(2));
    }

    @Test
    void refusesTileSizesThatAreNotMultiplesOf16OrAbsurd() {
        assertNotNull(TileGrid.tileSizeProblem(100));
        assertNotNull(TileGrid.tileSizeProblem(0));
        assertNotNull(TileGrid.tileSizeProblem(-16));
        assertNotNull(TileGrid.tileSizeProblem(1 << 30));
        assertNull(TileGrid.tileSizeProblem(512));
        assertNotNull(TileGrid.overlapProblem(-1, 512));
        assertNotNull(TileGrid.overlapProblem(513, 512));
        assertNotNull(TileGrid.overlapProblem(512, 512));
        assertNull(TileGrid.overlapProblem(511, 512));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(10, 10, 100, 0));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(0, 10, 16, 0));
        assertThrows(IllegalArgumentException.class, () -> new TileGrid(10, 10, 16, TileGrid.MAX_OVERLAP + 1));
    }
}
