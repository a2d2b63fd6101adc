package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The input's preview: which levels are stored for which image sizes (bounded memory), every stored tile there
 * with its level's geometry and the image's colours, and finer levels enlarged from the first stored one.
 */
class PreviewPyramidTest {
    @TempDir
    Path dir;

    @Test
    void theFirstStoredLevelKeepsTheGatheredRowsWithinTheBudget() {
        assertEquals(1, PreviewLayout.firstStored(20000, 20000, 512, 3)); // 30 MB of rows at half resolution
        assertEquals(3, PreviewLayout.firstStored(50000, 50000, 512, 3)); // 77 MB at half, 38 at a quarter
        assertEquals(4, PreviewLayout.firstStored(200000, 200000, 512, 3));
        assertEquals(1, PreviewLayout.firstStored(50000, 50000, 128, 1));
        assertEquals(1, PreviewLayout.firstStored(2, 1, 16, 3));
        assertEquals(0, PreviewLayout.firstStored(1, 1, 16, 3));
    }

    @Test
    void everyStoredLevelIsThereAndFinerOnesAreItsPixelsEnlarged() throws Exception {
        int w = 1000, h = 617, t = 128;
        SampleImage img = smooth(w, h);
        TileGrid grid = new TileGrid(w, h, t, 0);
        Path preview = dir.resolve("preview");
        try (PreviewPyramid p = new PreviewPyramid(preview, new ImageInfo(w, h, 3, 8, "PNG"), t)) {
            for (int r = 0; r < grid.rows(); r++) {
                for (int c = 0; c < grid.columns(); c++) {
                    Tile tile = grid.tile(r, c);
                    PixelRegion region = img.region(tile.patch());
                    p.add(region, tile);
                }
            }
        }
        assertFalse(Files.exists(preview.resolve("0")), "full resolution is not stored");
        int lw = w, lh = h;
        for (int k = 0; lw > 1 || lh > 1 || k == 0; k++) {
            if (k >= 1) {
                for (int r = 0; r * t < lh; r++) {
                    for (int c = 0; c * t < lw; c++) {
                        BufferedImage tile = ImageIO.read(PreviewLayout.tileFile(preview, k, c, r).toFile());
                        assertEquals(Math.min(t, lw - c * t), tile.getWidth(), "level " + k + " tile " + c + "," + r);
                        assertEquals(Math.min(t, lh - r * t), tile.getHeight(), "level " + k + " tile " + c + "," + r);
                        if (tile.getWidth() < 16 || tile.getHeight() < 16) {
                            continue; // JPEG's halved chroma blurs the colours of images of a few pixels
                        }
                        // a pixel near the tile's middle shows the image there (JPEG of a smooth image: close)
                        int x = tile.getWidth() / 2, y = tile.getHeight() / 2;
                        int ix = Math.min(w - 1, ((c * t + x) << k) + (1 << k) / 2), iy = Math.min(h - 1, ((r * t + y) << k) + (1 << k) / 2);
                        assertEquals(img.sample(ix, iy, 0), tile.getRGB(x, y) >> 16 & 0xFF, 8, "level " + k + " red");
                    }
                }
            }
            if (lw == 1 && lh == 1) {
                break;
            }
            lw = (lw + 1) / 2;
            lh = (lh + 1) / 2;
        }
        // full resolution: the half-resolution tile's quarter, doubled
        byte[] jpeg = PreviewLayout.enlargedTile(preview, 1, 0, t, w, h, 7, 4);
        BufferedImage corner = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertEquals(w - 7 * t, corner.getWidth());
        assertEquals(h - 4 * t, corner.getHeight());
        assertEquals(img.sample(7 * t + 50, 4 * t + 40, 1), corner.getRGB(50, 40) >> 8 & 0xFF, 8, "green, enlarged");
        assertTrue(PreviewLayout.enlargedTile(dir.resolve("elsewhere"), 1, 0, t, w, h, 0, 0) == null);
    }

    /** Gradients without noise, so that a JPEG of any level is close to the image. */
    private static SampleImage smooth(int w, int h) {
        int[] s = new int[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = (y * w + x) * 3;
                s[i] = x * 255 / w;
                s[i + 1] = y * 255 / h;
                s[i + 2] = 128;
            }
        }
        return SampleImage.of(w, h, 3, 8, s);
    }
}
