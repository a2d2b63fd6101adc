package dev.lip.algorithms;

import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.SampleFormat;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AlgorithmsTest {
    private static final ImageInfo RGB8 = new ImageInfo(10, 10, 3, 8, "test");

    @Test
    void allAlgorithmsAreFoundByServiceLoader() {
        assertEquals("adaptive, morphology, onnx, otsu, threshold", Algorithms.names());
        // onnx's kernel lives in lip-onnx, with ONNX Runtime; every other kernel is here
        assertEquals(List.of("adaptive", "morphology", "otsu", "threshold"),
                Algorithms.kernels().stream().map(Kernel::name).toList());
        assertTrue(Algorithms.byName("otsu").isPresent());
        assertTrue(Algorithms.byName("nope").isEmpty());
    }

    @Test
    void parametersAreValidatedWithSentences() {
        Algorithm adaptive = Algorithms.byName("adaptive").orElseThrow();
        assertEquals(Map.of("radius", "15", "offset", "0"), adaptive.resolve(Map.of(), RGB8));
        assertEquals("-2.5", adaptive.resolve(Map.of("offset", "-2.50"), RGB8).get("offset"));
        assertEquals(15, adaptive.settings(adaptive.resolve(Map.of(), RGB8)).halo());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> adaptive.resolve(Map.of("radius", "0"), RGB8));
        assertTrue(e.getMessage().contains("radius must be between 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> adaptive.resolve(Map.of("offset", "1.2345"), RGB8));
        assertThrows(IllegalArgumentException.class, () -> adaptive.resolve(Map.of("offset", "abc"), RGB8));

        Algorithm morphology = Algorithms.byName("morphology").orElseThrow();
        assertEquals(6, morphology.settings(morphology.resolve(Map.of("radius", "3"), RGB8)).halo());
        e = assertThrows(IllegalArgumentException.class, () -> morphology.resolve(Map.of("operation", "erode"), RGB8));
        assertTrue(e.getMessage().contains("opening, closing"), e.getMessage());
    }

    @Test
    void aBandMustBeOneOfTheImages() {
        Algorithm threshold = Algorithms.byName("threshold").orElseThrow();
        ImageInfo six = new ImageInfo(10, 10, 6, 16, "test");
        assertEquals(new ThresholdAlgorithm.Settings(new Foreground(2500, 5, null, false)),
                threshold.settings(threshold.resolve(Map.of("band", "6", "threshold", "2500"), six)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> threshold.resolve(Map.of("band", "7"), six));
        assertTrue(e.getMessage().contains("band must be between 1 and 6"), e.getMessage());
        assertEquals(new ThresholdAlgorithm.Settings(new Foreground(128, -1, null, false)), threshold.settings(threshold.resolve(Map.of(), RGB8)),
                "no band: the luma");
    }

    @Test
    void floatImagesNeedAThresholdAndKeepTheFilesNodata() {
        Algorithm threshold = Algorithms.byName("threshold").orElseThrow();
        ImageInfo dem = new ImageInfo(10, 10, 1, SampleFormat.FLOAT32, "test", "-9999");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> threshold.resolve(Map.of(), dem));
        assertTrue(e.getMessage().startsWith("threshold is required for images of float32 samples"), e.getMessage());
        Map<String, String> resolved = threshold.resolve(Map.of("threshold", "0.25"), dem);
        assertEquals(Map.of("threshold", "0.25", "nodata", "-9999", "invert", "false"), resolved);
        assertEquals(new ThresholdAlgorithm.Settings(new Foreground(0.25, -1, -9999.0, false)), threshold.settings(resolved));
        assertEquals("nan", threshold.resolve(Map.of("threshold", "1", "nodata", "NaN"), dem).get("nodata"));
        assertTrue(!threshold.resolve(Map.of("threshold", "1", "nodata", "none"), dem).containsKey("nodata"),
                "none: no nodata value, even where the file has one");
        e = assertThrows(IllegalArgumentException.class, () -> threshold.resolve(Map.of("threshold", "1e400x"), dem));
        assertTrue(e.getMessage().contains("threshold must be a number"), e.getMessage());
        // an 8-bit image keeps its integer threshold and its default
        assertEquals("128", threshold.resolve(Map.of(), RGB8).get("threshold"));
    }

    @Test
    void otsuAndAdaptiveRefuseSamplesWithoutAFixedRange() {
        ImageInfo int32 = new ImageInfo(10, 10, 1, SampleFormat.INT32, "test", null);
        for (String name : List.of("otsu", "adaptive")) {
            Algorithm a = Algorithms.byName(name).orElseThrow();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.resolve(Map.of(), int32));
            assertTrue(e.getMessage().startsWith(name + " works on the 8-bit luma of 8 or 16-bit unsigned images; this "
                    + "image has int32 samples"), e.getMessage());
        }
    }

    @Test
    void settingsAreParsedOnceIntoTypedRecords() {
        Algorithm adaptive = Algorithms.byName("adaptive").orElseThrow();
        assertEquals(new AdaptiveAlgorithm.Settings(7, -2500), adaptive.settings(adaptive.resolve(
                Map.of("radius", "7", "offset", "-2.5"), RGB8)));
        Algorithm morphology = Algorithms.byName("morphology").orElseThrow();
        assertEquals(new MorphologyAlgorithm.Settings(new Foreground(100, -1, null, false), false, 2), morphology.settings(morphology.resolve(
                Map.of("threshold", "100", "operation", "closing", "radius", "2"), RGB8)));
    }

    @Test
    void aKernelRefusesAnotherAlgorithmsSettingsAndOtsuNeedsItsThreshold() {
        Kernel threshold = Algorithms.kernel("threshold").orElseThrow();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> threshold.forJob(new OtsuAlgorithm.Settings(), Map.of()));
        assertTrue(e.getMessage().contains("OtsuAlgorithm$Settings settings instead of dev.lip.algorithms.ThresholdAlgorithm$Settings"), e.getMessage());
        Kernel otsu = Algorithms.kernel("otsu").orElseThrow();
        e = assertThrows(IllegalStateException.class, () -> otsu.forJob(new OtsuAlgorithm.Settings(), Map.of()));
        assertTrue(e.getMessage().contains("no Otsu threshold"), e.getMessage());
    }
}
