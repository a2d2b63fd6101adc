package dev.lip.algorithms;

import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.References;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static dev.lip.common.testing.PixelAssertions.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The contract of every algorithm: processing patch by patch, with the halo the algorithm asks for, and keeping the
 * cores gives exactly what a straightforward whole-image implementation (written here, independently) gives, for any
 * tile size and overlap, including tiles smaller than the window, and at the image's edges and corners.
 */
class TiledEqualsWholeImageTest {

    /** Runs an algorithm the way the services do, tile by tile, and assembles the cores. */
    static byte[] tiled(Algorithm alg, SampleImage img, int tileSize, int requestedOverlap, Map<String, String> given) {
        ImageInfo info = new ImageInfo(img.width, img.height, img.bands, img.bits, "test");
        JobSettings settings = alg.settings(alg.resolve(given, info));
        int overlap = Math.max(requestedOverlap, settings.halo());
        TileGrid grid = new TileGrid(img.width, img.height, tileSize, overlap);
        Map<String, Object> values = Map.of();
        if (!alg.requiredStatistics().isEmpty()) {
            JobStatistics stats = new JobStatistics(alg.requiredStatistics());
            for (int r = 0; r < grid.rows(); r++) {
                for (int c = 0; c < grid.columns(); c++) {
                    Tile t = grid.tile(r, c);
                    stats.add(img.region(t.patch()), t.core());
                }
            }
            values = settings.jobValues(stats);
        }
        PatchKernel kernel = Algorithms.kernel(alg.name()).orElseThrow().forJob(settings, values);
        byte[] out = new byte[img.width * img.height];
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                PixelRegion res = kernel.process(img.region(t.patch()), t);
                assertEquals(t.core(), res.bounds());
                for (int y = 0; y < t.core().height(); y++) {
                    System.arraycopy(res.data(), y * t.core().width(), out, (t.core().y() + y) * img.width + t.core().x(), t.core().width());
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "otsu {0}x{1} {2} bands {3}-bit, tile {4}")
    @CsvSource({"97,61,3,8,16", "97,61,3,8,64", "130,77,1,8,32", "130,77,1,16,48", "101,99,4,16,16"})
    void otsu(int w, int h, int bands, int bits, int tile) {
        SampleImage img = SampleImage.generate(w, h, bands, bits, w + bands + bits);
        assertSamePixels(References.otsu(img), tiled(new OtsuAlgorithm(), img, tile, 0, Map.of()), w, "otsu");
    }

    @ParameterizedTest(name = "adaptive r={4} C={5}, tile {2}, overlap {3}")
    @CsvSource({"83,71,16,0,15,0", "83,71,16,5,3,2.5", "83,71,32,32,7,-4", "83,71,48,0,1,0", "60,50,16,0,40,0.125",
            "83,71,96,0,15,-1.5", "40,90,16,16,25,10"})
    void adaptive(int w, int h, int tile, int overlap, int r, String c) {
        SampleImage img = SampleImage.generate(w, h, 3, 8, r);
        Map<String, String> p = new HashMap<>(Map.of("radius", Integer.toString(r), "offset", c));
        assertSamePixels(References.adaptive(img, r, Double.parseDouble(c)), tiled(new AdaptiveAlgorithm(), img, tile, overlap, p), w,
                "adaptive r=" + r);
    }

    @ParameterizedTest(name = "morphology {0} r={1} tile {2}")
    @CsvSource({"opening,1,16", "closing,1,16", "opening,3,32", "closing,5,16", "opening,9,48", "closing,12,16"})
    void morphology(String op, int r, int tile) {
        SampleImage img = SampleImage.generate(77, 69, 1, 8, r);
        Map<String, String> p = Map.of("operation", op, "radius", Integer.toString(r), "threshold", "120");
        assertSamePixels(References.morphology(img, 120, op.equals("opening"), r), tiled(new MorphologyAlgorithm(), img, tile, 0, p), 77,
                "morphology " + op + " r=" + r);
    }

    @ParameterizedTest(name = "threshold tile {0} overlap {1}")
    @CsvSource({"16,0", "32,7", "64,64"})
    void threshold(int tile, int overlap) {
        SampleImage img = SampleImage.generate(75, 53, 3, 16, 3);
        assertSamePixels(img.thresholdMask(32768, false), tiled(new ThresholdAlgorithm(), img, tile, overlap, Map.of()), 75, "threshold");
    }

    /** One band of a multispectral image alone (band=5 of six 16-bit bands), inverted or not. */
    @ParameterizedTest(name = "band {0}, invert {1}, tile {2}")
    @CsvSource({"5,false,16", "1,true,32", "6,false,64"})
    void thresholdOfOneBand(int band, boolean invert, int tile) {
        SampleImage img = SampleImage.generate(75, 53, 6, 16, 4);
        int t = 30000;
        byte[] expected = new byte[img.width * img.height];
        for (int y = 0; y < img.height; y++) {
            for (int x = 0; x < img.width; x++) {
                boolean on = img.sample(x, y, band - 1) >= t;
                expected[y * img.width + x] = (byte) (on != invert ? 255 : 0);
            }
        }
        Map<String, String> p = Map.of("band", Integer.toString(band), "threshold", Integer.toString(t),
                "invert", Boolean.toString(invert));
        assertSamePixels(expected, tiled(new ThresholdAlgorithm(), img, tile, 0, p), 75, "band " + band);
    }
}
