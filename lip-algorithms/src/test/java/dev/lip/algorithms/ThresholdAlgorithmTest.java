package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ThresholdAlgorithmTest {
    private static int one(int bands, int bits, int threshold, boolean invert, int... samples) {
        PixelRegion p = new PixelRegion(new Rect(0, 0, 1, 1), bands, bits);
        for (int b = 0; b < bands; b++) {
            p.setSample(0, 0, b, samples[b]);
        }
        return ThresholdAlgorithm.threshold(p, p.bounds(), threshold, invert).sample(0, 0, 0);
    }

    @Test
    void greyBoundaryIsInclusive() {
        assertEquals(255, one(1, 8, 128, false, 128));
        assertEquals(0, one(1, 8, 128, false, 127));
        assertEquals(0, one(1, 8, 128, true, 128));
        assertEquals(255, one(1, 8, 128, true, 127));
        assertEquals(255, one(1, 16, 32768, false, 32768));
        assertEquals(0, one(1, 16, 32768, false, 32767));
    }

    @Test
    void rgbWeightedSumExactlyOnTheBoundaryIsForeground() {
        // 299*128 + 587*128 + 114*128 = 128000 exactly; a float pipeline gets 127.99999999999999 here.
        assertEquals(255, one(3, 8, 128, false, 128, 128, 128));
    }

    @Test
    void rgbSumsOneBelowAndAtTheBoundary() {
        int below = -1, at = -1;
        // 299 R + 587 G + 114 B = 127999 and = 128000 with integer samples
        outer:
        for (int r = 0; r < 256; r++) {
            for (int g = 0; g < 256; g++) {
                int rest = 127999 - 299 * r - 587 * g;
                if (rest >= 0 && rest % 114 == 0 && rest / 114 < 256 && below < 0) {
                    below = r << 16 | g << 8 | rest / 114;
                }
                rest = 128000 - 299 * r - 587 * g;
                if (rest >= 0 && rest % 114 == 0 && rest / 114 < 256 && r != 128 && at < 0) {
                    at = r << 16 | g << 8 | rest / 114;
                }
                if (below >= 0 && at >= 0) {
                    break outer;
                }
            }
        }
        assertEquals(0, one(3, 8, 128, false, below >> 16, below >> 8 & 255, below & 255));
        assertEquals(255, one(3, 8, 128, false, at >> 16, at >> 8 & 255, at & 255));
    }

    @Test
    void alphaIsIgnored() {
        assertEquals(255, one(2, 8, 100, false, 100, 0));
        assertEquals(0, one(4, 8, 128, false, 10, 10, 10, 255));
        assertEquals(255, one(4, 16, 32768, false, 40000, 40000, 40000, 0));
    }

    @Test
    void onlyTheCoreOfAPatchWithAHaloIsProcessed() {
        SampleImage img = SampleImage.generate(90, 70, 3, 8, 4);
        TileGrid grid = new TileGrid(90, 70, 32, 7);
        byte[] reference = img.thresholdMask(128, false);
        ThresholdAlgorithm alg = new ThresholdAlgorithm();
        PatchKernel kernel = alg.forJob(alg.settings(alg.resolve(Map.of(), new ImageInfo(90, 70, 3, 8, "test"))), Map.of());
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                PixelRegion out = kernel.process(img.region(t.patch()), t);
                assertEquals(t.core(), out.bounds());
                byte[] expected = new byte[(int) t.core().area()];
                for (int y = 0; y < t.core().height(); y++) {
                    System.arraycopy(reference, (t.core().y() + y) * 90 + t.core().x(), expected, y * t.core().width(), t.core().width());
                }
                assertArrayEquals(expected, out.data(), "tile " + r + "," + c);
            }
        }
    }

    @Test
    void parametersAreValidatedWithDefaultsFromTheBitDepth() {
        ThresholdAlgorithm spec = new ThresholdAlgorithm();
        assertEquals("128", spec.resolve(Map.of(), new ImageInfo(1, 1, 1, 8, "x")).get("threshold"));
        assertEquals("32768", spec.resolve(Map.of(), new ImageInfo(1, 1, 1, 16, "x")).get("threshold"));
        assertThrows(IllegalArgumentException.class, () -> spec.resolve(Map.of("threshold", "abc"), new ImageInfo(1, 1, 1, 8, "x")));
        assertThrows(IllegalArgumentException.class, () -> spec.resolve(Map.of("threshold", "300"), new ImageInfo(1, 1, 1, 8, "x")));
        assertThrows(IllegalArgumentException.class, () -> spec.resolve(Map.of("invert", "maybe"), new ImageInfo(1, 1, 1, 8, "x")));
    }
}
