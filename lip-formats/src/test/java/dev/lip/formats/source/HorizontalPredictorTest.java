package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The C predictor gives what the definition gives (TIFF 6.0, section 14), for every band count and odd widths. */
class HorizontalPredictorTest {
    @TempDir
    Path dir;

    /** The definition, one sample at a time. */
    private static void reference(byte[] b, int rows, int rowBytes, int bands) {
        for (int y = 0; y < rows; y++) {
            for (int i = y * rowBytes + bands; i < (y + 1) * rowBytes; i++) {
                b[i] = (byte) (b[i] + b[i - bands]);
            }
        }
    }

    @Test
    void undoesTheDifferencesAsTheDefinitionDoes() {
        Assumptions.assumeTrue(HorizontalPredictor.available(), "liblippredict was not built (no C compiler)");
        Random r = new Random(27);
        for (int bands = 1; bands <= 5; bands++) {
            for (int width : new int[]{1, 2, 7, 512, 1001}) {
                int rows = 1 + r.nextInt(9);
                int rowBytes = width * bands;
                byte[] block = new byte[rows * rowBytes + r.nextInt(5)]; // a reused buffer may be longer
                r.nextBytes(block);
                byte[] expected = block.clone();
                reference(expected, rows, rowBytes, bands);
                HorizontalPredictor.undo8(block, rows, rowBytes, bands);
                assertArrayEquals(expected, block, bands + " bands, " + width + " wide");
            }
        }
    }

    /** RGB rows go five pixels a step through SSSE3 where the CPU has it: every width around the steps and the tail. */
    @Test
    void rgbRowsOfEveryWidthUpToSixtyFourPixels() {
        Assumptions.assumeTrue(HorizontalPredictor.available(), "liblippredict was not built (no C compiler)");
        Random r = new Random(28);
        for (int width = 1; width <= 64; width++) {
            int rows = 1 + r.nextInt(4);
            int rowBytes = width * 3;
            byte[] block = new byte[rows * rowBytes + r.nextInt(17)];
            r.nextBytes(block);
            byte[] expected = block.clone();
            reference(expected, rows, rowBytes, 3);
            HorizontalPredictor.undo8(block, rows, rowBytes, 3);
            assertArrayEquals(expected, block, width + " RGB pixels wide");
        }
    }

    @Test
    void aBlockThatDoesNotFitIsRefusedBeforeTheCCodeSeesIt() {
        Assumptions.assumeTrue(HorizontalPredictor.available(), "liblippredict was not built (no C compiler)");
        assertThrows(IllegalArgumentException.class, () -> HorizontalPredictor.undo8(new byte[100], 10, 11, 3));
        assertThrows(IllegalArgumentException.class, () -> HorizontalPredictor.undo8(new byte[100], 1, 10, 0));
    }

    /**
     * GDAL's deflate TIFFs with a predictor decode to GDAL's pixels every way: inflated and undone in native memory,
     * the C loop on a Java array, and the Java loop.
     */
    @ParameterizedTest(name = "{0} bands")
    @ValueSource(ints = {1, 3, 4})
    void gdalsPredictedTiffsDecodeToGdalsPixelsEitherWay(int bands) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path in = dir.resolve("in.png");
        SampleImage.generate(333, 211, bands, 8, 31).writePng(in);
        Path tif = dir.resolve("predicted.tif");
        FieldTools.make("gdal_translate -q -co TILED=YES -co BLOCKXSIZE=64 -co BLOCKYSIZE=64 -co COMPRESS=DEFLATE "
                + "-co PREDICTOR=2 IN OUT", in, tif);
        byte[] gdal = FieldTools.gdalPixels(tif);
        assertArrayEquals(gdal, Decoded.rows(tif), "inflated and undone in native memory (or Java where not built)");
        System.setProperty("lip.libdeflate", "false");
        try {
            assertArrayEquals(gdal, Decoded.rows(tif), "the JDK's inflate, then the C loop on the Java array");
        } finally {
            System.clearProperty("lip.libdeflate");
        }
        System.setProperty("lip.native-predictor", "false");
        try {
            assertArrayEquals(gdal, Decoded.rows(tif), "the Java loop");
        } finally {
            System.clearProperty("lip.native-predictor");
        }
    }
}
