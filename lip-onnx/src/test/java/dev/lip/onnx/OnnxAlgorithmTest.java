package dev.lip.onnx;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.Kernel;
import dev.lip.algorithms.PatchKernel;
import dev.lip.algorithms.blend.Blend;
import dev.lip.algorithms.blend.Blender;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import dev.lip.onnx.testing.OnnxReferences;
import dev.lip.onnx.testing.TestModels;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static dev.lip.common.testing.PixelAssertions.assertSamePixels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The onnx algorithm run patch by patch, as processor and stitcher run it (patches in a random order, several per
 * call, overlapping predictions blended tile by tile), against the test models run on the whole image.
 */
class OnnxAlgorithmTest {
    /** Luma-like weights in 1/1024: output = (77 R + 150 G + 29 B) / 256 / 1024, exactly, in 0..~0.996. */
    static final byte[] POINTWISE = TestModels.pointwise(3, 2, new float[]{77, 150, 29, -29, -150, -77},
            new float[]{0, 65280}, 1f / (256 * 256));
    /** A 5x5 convolution with small integer weights, one output channel. */
    static final byte[] CONV5 = TestModels.conv5(-1, -1);

    @TempDir
    Path models;
    final Algorithm onnx = Algorithms.byName("onnx").orElseThrow();
    final Kernel kernel = Algorithms.kernel("onnx").orElseThrow();

    @BeforeEach
    void models() throws Exception {
        TestModels.write(models, "pointwise.onnx", POINTWISE);
        TestModels.write(models, "conv5.onnx", CONV5);
        TestModels.write(models, "conv5-fixed64.onnx",
                TestModels.conv5(64, -1));
        TestModels.write(models, "conv5-batch1.onnx",
                TestModels.conv5(-1, 1));
        kernel.configure(Map.of("models-dir", models.toString(), "inference-threads", "2"));
    }

    /** Patch by patch in a shuffled order and in batches, then stitched tile by tile as the stitcher does. */
    static byte[] tiled(Algorithm alg, SampleImage img, int tileSize, int overlap, Map<String, String> given) throws Exception {
        JobSettings settings = alg.settings(alg.resolve(given, new ImageInfo(img.width, img.height, img.bands, img.bits, "test")));
        PatchKernel kernel = Algorithms.kernel(alg.name()).orElseThrow().forJob(settings, Map.of());
        TileGrid grid = new TileGrid(img.width, img.height, tileSize, overlap);
        List<Tile> order = new ArrayList<>();
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                order.add(grid.tile(r, c));
            }
        }
        Collections.shuffle(order, new Random(tileSize * 31L + overlap));
        Map<Tile, PixelRegion> results = new HashMap<>();
        int batch = settings.batchSize();
        for (int i = 0; i < order.size(); i += batch) {
            List<Tile> tiles = order.subList(i, Math.min(order.size(), i + batch));
            List<PixelRegion> patches = tiles.stream().map(t -> img.region(t.patch())).toList();
            List<PixelRegion> out = kernel.processBatch(patches, tiles);
            for (int k = 0; k < tiles.size(); k++) {
                results.put(tiles.get(k), out.get(k));
            }
        }
        Blend blend = settings.blend();
        byte[] image = new byte[img.width * img.height];
        for (Tile t : order) {
            PixelRegion core = blend.blends()
                    ? Blender.blendCore(grid, t, blend, (nb, area) -> results.get(nb).crop(area),
                    settings::finish)
                    : results.get(t);
            assertEquals(t.core(), core.bounds());
            for (int y = 0; y < core.height(); y++) {
                System.arraycopy(core.data(), y * core.width(), image, (t.core().y() + y) * img.width + t.core().x(), core.width());
            }
        }
        return image;
    }

    static Map<String, String> params(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("scale", "1"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void aPointwiseModelGivesTheSameResultForEveryTileSizeOverlapAndBlend() throws Exception {
        SampleImage img = SampleImage.generate(101, 77, 3, 8, 11);
        byte[] whole = OnnxReferences.wholeImage(POINTWISE, img);
        for (int tile : new int[]{16, 32, 48, 112}) {
            for (int overlap : new int[]{0, 1, 8, 15}) {
                for (String blend : new String[]{"gaussian", "constant", "crop"}) {
                    assertSamePixels(whole, tiled(onnx, img, tile, overlap, params("model", "pointwise.onnx", "blend", blend,
                            "batch", String.valueOf(1 + tile % 3))), img.width, "tile " + tile + " overlap " + overlap + " " + blend);
                }
            }
        }
    }

    @ParameterizedTest(name = "tile {0}, overlap {1}")
    @CsvSource({"16,2", "16,15", "32,2", "48,7", "64,0"})
    void aConvolutionWithCropAndEnoughOverlapEqualsTheModelOnTheWholeImage(int tile, int overlap) throws Exception {
        SampleImage img = SampleImage.generate(93, 70, 3, 8, 23);
        byte[] whole = OnnxReferences.wholeImage(CONV5, img);
        byte[] tiled = tiled(onnx, img, tile, overlap, params("model", "conv5.onnx", "blend", "crop"));
        if (overlap >= 2 || tile >= 93) {
            assertSamePixels(whole, tiled, img.width, "conv5 crop");
        } else {
            assertFalse(Arrays.equals(whole, tiled), "without a halo the seams must show (else this test proves nothing)");
        }
    }

    @Test
    void withoutEnoughHaloTheSeamsShow() throws Exception {
        SampleImage img = SampleImage.generate(93, 70, 3, 8, 23);
        assertFalse(Arrays.equals(OnnxReferences.wholeImage(CONV5, img),
                tiled(onnx, img, 32, 1, params("model", "conv5.onnx", "blend", "crop"))));
    }

    @ParameterizedTest(name = "tile {0}, overlap {1}, {2} sigma {3}, batch {4}")
    @CsvSource({"16,8,gaussian,0.125,1", "32,12,gaussian,0.125,3", "32,12,constant,0.125,2", "48,4,gaussian,0.3,1",
            "16,15,gaussian,0.05,4"})
    void blendedConvolutionEqualsTheWholeArrayReference(int tile, int overlap, String mode, double sigma, int batch) throws Exception {
        SampleImage img = SampleImage.generate(90, 75, 3, 8, 41);
        Blend blend = mode.equals("constant") ? new Blend(Blend.Mode.CONSTANT, 0) : new Blend(Blend.Mode.GAUSSIAN, sigma);
        byte[] expected = OnnxReferences.blended(CONV5, img, new TileGrid(img.width, img.height, tile, overlap), blend);
        byte[] actual = tiled(onnx, img, tile, overlap, params("model", "conv5.onnx", "blend", mode, "sigma",
                String.valueOf(sigma), "batch", String.valueOf(batch)));
        assertSamePixels(expected, actual, img.width, "blended conv5");
        assertFalse(Arrays.equals(expected, OnnxReferences.wholeImage(CONV5, img)),
                "these windows are too small for the 5x5 model's context to agree; blending must show");
    }

    @Test
    void fixedInputSizesArePaddedAndFixedBatchesRunInChunks() throws Exception {
        SampleImage img = SampleImage.generate(70, 50, 3, 8, 3);
        byte[] whole = OnnxReferences.wholeImage(CONV5, img);
        assertSamePixels(whole, tiled(onnx, img, 32, 8, params("model", "conv5-fixed64.onnx", "blend", "crop", "batch", "3")),
                img.width, "fixed 64x64 input");
        assertSamePixels(whole, tiled(onnx, img, 16, 4, params("model", "conv5-batch1.onnx", "blend", "crop", "batch", "5")),
                img.width, "fixed batch of 1");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tiled(onnx, img, 64, 8, params("model", "conv5-fixed64.onnx", "blend", "crop")));
        assertTrue(e.getMessage().contains("of 64 pixels, but patches are") && e.getMessage().contains("at most 64"), e.getMessage());
    }

    @Test
    void labelsAreTheLargestChannelAndMaskCutsAtTheCutoff() throws Exception {
        SampleImage img = SampleImage.generate(40, 30, 3, 8, 7);
        byte[] labels = tiled(onnx, img, 16, 4, params("model", "pointwise.onnx", "output", "labels"));
        byte[] mask = tiled(onnx, img, 16, 4, params("model", "pointwise.onnx", "output", "mask", "cutoff", "0.4"));
        byte[] prob1 = tiled(onnx, img, 16, 4, params("model", "pointwise.onnx", "channel", "1"));
        int ones = 0;
        for (int y = 0; y < img.height; y++) {
            for (int x = 0; x < img.width; x++) {
                int r = img.sample(x, y, 0), g = img.sample(x, y, 1), b = img.sample(x, y, 2);
                double c0 = (77 * r + 150 * g + 29 * b) / 65536.0;
                double c1 = (65280 - 29 * r - 150 * g - 77 * b) / 65536.0;
                int i = y * img.width + x;
                assertEquals(c1 > c0 ? 1 : 0, labels[i], "label at " + x + "," + y);
                assertEquals(c0 >= 0.4 ? 255 : 0, mask[i] & 0xFF, "mask at " + x + "," + y);
                assertEquals(Math.round(c1 * 255), prob1[i] & 0xFF, "channel 1 at " + x + "," + y);
                ones += labels[i];
            }
        }
        assertTrue(ones > 0 && ones < img.width * img.height, "both labels occur");
    }

    @Test
    void activationsApplyBeforeBlending() throws Exception {
        SampleImage img = SampleImage.generate(40, 30, 3, 8, 9);
        byte[] sig = tiled(onnx, img, 16, 4, params("model", "pointwise.onnx", "activation", "sigmoid"));
        byte[] soft = tiled(onnx, img, 16, 4, params("model", "pointwise.onnx", "activation", "softmax", "channel", "1"));
        for (int y = 0; y < img.height; y++) {
            for (int x = 0; x < img.width; x++) {
                int r = img.sample(x, y, 0), g = img.sample(x, y, 1), b = img.sample(x, y, 2);
                double c0 = (77 * r + 150 * g + 29 * b) / 65536.0;
                double c1 = (65280 - 29 * r - 150 * g - 77 * b) / 65536.0;
                int i = y * img.width + x;
                assertEquals(Math.round((float) (1 / (1 + Math.exp(-c0))) * 255.0), sig[i] & 0xFF, 1e-9);
                assertEquals(Math.round((float) (Math.exp(c1) / (Math.exp(c0) + Math.exp(c1))) * 255.0), soft[i] & 0xFF, 1e-9);
            }
        }
    }

    @Test
    void badParametersAndMissingModelsAreRefusedWithASentence() {
        ImageInfo rgb = new ImageInfo(100, 100, 3, 8, "test");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> onnx.resolve(Map.of(), rgb))
                .getMessage().startsWith("model is required"));
        for (String bad : new String[]{"../etc/passwd", "/abs.onnx", "a/b.onnx", "..onnx", ""}) {
            assertThrows(IllegalArgumentException.class, () -> onnx.resolve(Map.of("model", bad), rgb), bad);
        }
        assertTrue(assertThrows(IllegalArgumentException.class, () -> onnx.resolve(Map.of("model", "m.onnx", "mean", "1,2"), rgb))
                .getMessage().contains("needs 1 or 3 values"));
        assertThrows(IllegalArgumentException.class, () -> onnx.resolve(Map.of("model", "m.onnx", "std", "0"), rgb));
        assertThrows(IllegalArgumentException.class, () -> onnx.resolve(Map.of("model", "m.onnx", "blend", "max"), rgb));
        assertThrows(IllegalArgumentException.class, () -> onnx.resolve(Map.of("model", "m.onnx", "scale", "1/0"), rgb));
        assertEquals("1/65535", onnx.resolve(Map.of("model", "m.onnx"), new ImageInfo(9, 9, 1, 16, "t")).get("scale"));
        assertEquals("0.485,0.456,0.406", onnx.resolve(Map.of("model", "m.onnx", "mean", "0.485, 0.456,0.406"), rgb).get("mean"));

        Map<String, String> params = onnx.resolve(Map.of("model", "absent.onnx"), rgb);
        TileGrid grid = new TileGrid(100, 100, 64, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> kernel.forJob(onnx.settings(params), Map.of()));
        // The job error reaches API clients: it names the model and the setting, not the directory or its files.
        assertTrue(e.getMessage().contains("there is no model 'absent.onnx'") && e.getMessage().contains("lip.models-dir")
                && !e.getMessage().contains(models.toString()) && !e.getMessage().contains("conv5.onnx"), e.getMessage());
        Map<String, String> wrongChannel = onnx.resolve(Map.of("model", "conv5.onnx", "channel", "3"), rgb);
        e = assertThrows(IllegalArgumentException.class, () -> kernel.forJob(onnx.settings(wrongChannel), Map.of())
                .process(new PixelRegion(grid.tile(0, 0).patch(), 3, 8), grid.tile(0, 0)));
        assertTrue(e.getMessage().contains("has 1 output channel(s)"), e.getMessage());
        Map<String, String> gray = onnx.resolve(Map.of("model", "conv5.onnx", "channels", "gray"), rgb);
        // a model that cannot take the job's input is refused once per job, before any patch
        e = assertThrows(IllegalArgumentException.class, () -> kernel.forJob(onnx.settings(gray), Map.of()));
        assertTrue(e.getMessage().contains("takes 3 input channel(s), the job feeds 1"), e.getMessage());
    }
}
