package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * JPEG tiles through libjpeg-turbo: the same pixels as the JDK's decoder gives for tiles it writes itself (grey, and
 * RGB from YCbCr), exactly what GDAL gives for tiles GDAL writes (RGB and YCbCr, tiles and strips), and damaged tiles
 * (bits flipped, data cut short) a sentence or pixels, never a crash of the JVM or a hang.
 */
class TurboJpegTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-co TILED=YES -co COMPRESS=JPEG", "-co TILED=YES -co COMPRESS=JPEG -co PHOTOMETRIC=YCBCR",
            "-co COMPRESS=JPEG -co PHOTOMETRIC=YCBCR", "-co COMPRESS=JPEG -co BLOCKYSIZE=40", "-co TILED=YES -co COMPRESS=JPEG -b 1"})
    void gdalsJpegTilesAreWhatGdalDecodes(String options) throws Exception {
        Assumptions.assumeTrue(TurboJpeg.available(), "libturbojpeg0 is not installed: apt-get install libturbojpeg0");
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path png = dir.resolve("in.png");
        SampleImage.generate(301, 203, 3, 8, 4).writePng(png);
        Path tif = dir.resolve("jpeg.tif");
        FieldTools.make("gdal_translate -q " + options + " IN OUT", png, tif);
        byte[] expected = FieldTools.gdalPixels(tif);
        try (ImageSource src = SOURCES.open(tif)) {
            PixelRegion all = src.readRegion(new Rect(0, 0, 301, 203));
            assertArrayEquals(expected, all.data(), "as GDAL decodes " + options);
        }
    }

    @Test
    void damagedTilesGiveASentenceOrPixelsNeverACrash() throws Exception {
        Assumptions.assumeTrue(TurboJpeg.available(), "libturbojpeg0 is not installed: apt-get install libturbojpeg0");
        Path good = dir.resolve("good.tif");
        SampleImage.generate(128, 96, 3, 8, 9).writeTiff(good, "JPEG", 32);
        List<String> outcomes = Decoded.outcomes(dir, "damaged.tif", 300, 1,
                Decoded.tiffTiles(Files.readAllBytes(good), 12), "The TIFF");
        long failed = Decoded.failures(outcomes);
        assertTrue(failed > 50, "most damage is found: " + failed + " of 300");
    }
}
