package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deflate tiles and strips through libdeflate: exactly GDAL's pixels for what GDAL writes, and for damaged blocks
 * the same outcome (the same sentence, or the same pixels) as the JDK's Inflater gives, which decodes them when the
 * library is missing.
 */
class LibdeflateTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    @TempDir
    Path dir;

    @AfterEach
    void bothPathsAgain() {
        System.clearProperty("lip.libdeflate");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"-co TILED=YES -co COMPRESS=DEFLATE", "-co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2",
            "-co COMPRESS=DEFLATE -co BLOCKYSIZE=40", "-co TILED=YES -co COMPRESS=DEFLATE -co ZLEVEL=9 -co BIGTIFF=YES",
            "-co TILED=YES -co COMPRESS=DEFLATE -co INTERLEAVE=BAND"})
    void gdalsDeflateBlocksAreWhatGdalDecodesThroughEitherInflater(String options) throws Exception {
        Assumptions.assumeTrue(Libdeflate.available(), "libdeflate0 is not installed: apt-get install libdeflate0");
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path png = dir.resolve("in.png");
        SampleImage.generate(301, 203, 3, 8, 4).writePng(png);
        Path tif = dir.resolve("deflate.tif");
        FieldTools.make("gdal_translate -q " + options + " IN OUT", png, tif);
        byte[] expected = FieldTools.gdalPixels(tif);
        for (String libdeflate : List.of("true", "false")) {
            System.setProperty("lip.libdeflate", libdeflate);
            assertArrayEquals(expected, Decoded.rows(tif), "as GDAL decodes " + options + ", libdeflate " + libdeflate);
        }
    }

    @Test
    void damagedBlocksGiveTheSameSentenceOrPixelsThroughEitherInflater() throws Exception {
        Assumptions.assumeTrue(Libdeflate.available(), "libdeflate0 is not installed: apt-get install libdeflate0");
        Path good = dir.resolve("good.tif");
        SampleImage.generate(128, 96, 3, 8, 9).writeTiff(good, "Deflate", 32);
        Decoded.Damage damage = Decoded.tiffTiles(Files.readAllBytes(good), 12);
        System.setProperty("lip.libdeflate", "true");
        List<String> libdeflate = Decoded.outcomes(dir, "damaged.tif", 200, 2, damage, "The TIFF");
        System.setProperty("lip.libdeflate", "false");
        assertEquals(Decoded.outcomes(dir, "damaged.tif", 200, 2, damage, "The TIFF"), libdeflate);
        long failed = Decoded.failures(libdeflate);
        assertTrue(failed > 50, "most damage is found: " + failed + " of 200");
    }
}
