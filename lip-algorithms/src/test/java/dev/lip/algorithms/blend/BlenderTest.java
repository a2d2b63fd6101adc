package dev.lip.algorithms.blend;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PixelRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Blending tile by tile, as the stitcher does, against a whole-array implementation written here: every window adds
 * its weighted prediction into image-sized sums, in row-major window order, then each pixel is divided.
 */
class BlenderTest {

    /** A prediction that differs from window to window, so how windows are weighted shows in the result. */
    static float predict(Tile t, int x, int y, int ch) {
        return (float) (0.5 + 0.4 * Math.sin(x * 0.07 + y * 0.05 + ch) + 0.08 * Math.cos(t.row() * 3.1 + t.column() * 1.7 + ch));
    }

    static PixelRegion prediction(Tile t, int channels, boolean samePerWindow) {
        PixelRegion p = new PixelRegion(t.patch(), channels, PixelRegion.FLOAT_BITS);
        Tile anyTile = new Tile(0, 0, t.core(), t.patch());
        for (int y = 0; y < t.patch().height(); y++) {
            for (int x = 0; x < t.patch().width(); x++) {
                for (int ch = 0; ch < channels; ch++) {
                    p.setFloatSample(x, y, ch, predict(samePerWindow ? anyTile : t, t.patch().x() + x, t.patch().y() + y, ch));
                }
            }
        }
        return p;
    }

    static void quantise(double[] v, int channels, byte[] out) {
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int ch = 0; ch < channels; ch++) {
                s += v[i * channels + ch];
            }
            out[i] = (byte) Math.round(Math.min(1, Math.max(0, s / channels)) * 255);
        }
    }

    static byte[] wholeArrayReference(int w, int h, TileGrid grid, Blend blend, int channels, boolean same) {
        double[] base = new double[w * h * channels];
        double[] sum = new double[w * h * channels];
        double[] weight = new double[w * h];
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                PixelRegion p = prediction(t, channels, same);
                Rect b = t.patch();
                for (int y = b.y(); y < b.bottom(); y++) {
                    for (int x = b.x(); x < b.right(); x++) {
                        double wt = blend.weight(grid, t, x, y);
                        int i = y * w + x;
                        for (int ch = 0; ch < channels; ch++) {
                            double v = p.floatSample(x - b.x(), y - b.y(), ch);
                            if (weight[i] == 0) {
                                base[i * channels + ch] = v;
                            } else {
                                sum[i * channels + ch] += wt * (v - base[i * channels + ch]);
                            }
                        }
                        weight[i] += wt;
                    }
                }
            }
        }
        double[] mean = new double[w * h * channels];
        for (int i = 0; i < w * h; i++) {
            for (int ch = 0; ch < channels; ch++) {
                mean[i * channels + ch] = base[i * channels + ch] + sum[i * channels + ch] / weight[i];
            }
        }
        byte[] out = new byte[w * h];
        quantise(mean, channels, out);
        return out;
    }

    static byte[] tileByTile(int w, int h, TileGrid grid, Blend blend, int channels, boolean same) throws IOException {
        byte[] out = new byte[w * h];
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                PixelRegion core = Blender.blendCore(grid, t, blend,
                        (nb, area) -> prediction(nb, channels, same).crop(area), BlenderTest::quantise);
                assertEquals(t.core(), core.bounds());
                for (int y = 0; y < core.height(); y++) {
                    System.arraycopy(core.data(), y * core.width(), out, (core.bounds().y() + y) * w + core.bounds().x(), core.width());
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}x{1} tile {2} overlap {3} {4} sigma {5}, {6} channel(s)")
    @CsvSource({"100,70,32,8,gaussian,0.125,1", "100,70,32,16,gaussian,0.3,2", "100,70,16,15,constant,0,1",
            "100,70,48,0,gaussian,0.125,1", "65,33,16,40,gaussian,0.125,1", "65,33,16,40,constant,0,3",
            "130,90,64,32,gaussian,0.05,1", "17,200,16,5,gaussian,1,2"})
    void equalsTheWholeArrayReference(int w, int h, int tile, int overlap, String mode, double sigma, int channels) throws IOException {
        TileGrid grid = new TileGrid(w, h, tile, overlap);
        Blend blend = new Blend(Blend.Mode.valueOf(mode.toUpperCase()), sigma);
        byte[] expected = wholeArrayReference(w, h, grid, blend, channels, false);
        assertArrayEquals(expected, tileByTile(w, h, grid, blend, channels, false));
        if (overlap > 0) {
            // The windows' predictions differ, so blending must change some pixels compared with cropping each core.
            byte[] cropped = wholeArrayReference(w, h, new TileGrid(w, h, tile, 0), Blend.CROP, channels, false);
            assertTrue(!Arrays.equals(expected, cropped), "blending changed nothing");
        }
    }

    @Test
    void aPredictionThatIsTheSameInEveryWindowComesOutUnchangedForAnyTiling() throws IOException {
        int w = 90, h = 61;
        byte[] expected = wholeArrayReference(w, h, new TileGrid(w, h, 16, 0), Blend.CROP, 2, true);
        for (int tile : new int[]{16, 32, 48, 96}) {
            for (int overlap : new int[]{0, 3, 15}) {
                for (Blend blend : new Blend[]{new Blend(Blend.Mode.GAUSSIAN, 0.125), new Blend(Blend.Mode.CONSTANT, 0),
                        new Blend(Blend.Mode.GAUSSIAN, 0.02)}) {
                    assertArrayEquals(expected, tileByTile(w, h, new TileGrid(w, h, tile, overlap), blend, 2, true),
                            "tile " + tile + " overlap " + overlap + " " + blend);
                }
            }
        }
    }

    @Test
    void gaussianWeightsPeakAtTheWindowCentreAndFallAsDocumented() {
        TileGrid grid = new TileGrid(1000, 1000, 64, 16); // windows of 96 pixels
        Blend blend = new Blend(Blend.Mode.GAUSSIAN, 0.125); // sigma 12 pixels
        Tile t = grid.tile(2, 3); // core x 192..255, window x 176..271, centre 223.5
        assertEquals(blend.axisWeight(grid, 192, 223), blend.axisWeight(grid, 192, 224), 0);
        assertEquals(Math.exp(-0.5 * 0.5 * 0.5 / 144), blend.axisWeight(grid, 192, 224), 1e-15);
        assertEquals(Math.exp(-12.5 * 12.5 / (2 * 12 * 12)), blend.axisWeight(grid, 192, 236), 1e-15); // 12.5 pixels out
        assertEquals(blend.axisWeight(grid, 192, 176), blend.axisWeight(grid, 192, 271), 0);
        assertEquals(Blend.MIN_AXIS_WEIGHT, blend.axisWeight(grid, 192, 900), 0);
        assertEquals(blend.axisWeight(grid, 192, 200) * blend.axisWeight(grid, 128, 150), blend.weight(grid, t, 200, 150), 0);
        assertEquals(1.0, new Blend(Blend.Mode.CONSTANT, 0).weight(grid, t, 5, 900), 0);
    }
}
