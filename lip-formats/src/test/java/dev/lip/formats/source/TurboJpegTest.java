package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.CraftedFiles;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

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
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gdal_translate", "-q"));
        cmd.addAll(java.util.List.of(options.split(" ")));
        cmd.addAll(java.util.List.of(png.toString(), tif.toString()));
        FieldTools.run(cmd);
        Path raw = dir.resolve("gdal.raw");
        FieldTools.run("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP", tif.toString(), raw.toString());
        try (ImageSource src = SOURCES.open(tif)) {
            PixelRegion all = src.readRegion(new Rect(0, 0, 301, 203));
            assertArrayEquals(Files.readAllBytes(raw), all.data(), "as GDAL decodes " + options);
        }
    }

    @Test
    void damagedTilesGiveASentenceOrPixelsNeverACrash() throws Exception {
        Assumptions.assumeTrue(TurboJpeg.available(), "libturbojpeg0 is not installed: apt-get install libturbojpeg0");
        Path good = dir.resolve("good.tif");
        SampleImage.generate(128, 96, 3, 8, 9).writeTiff(good, "JPEG", 32);
        byte[] bytes = Files.readAllBytes(good);
        long first = CraftedFiles.tiffTag(bytes, 324, 0);
        Random random = new Random(1);
        int failed = 0;
        for (int i = 0; i < 300; i++) {
            byte[] damaged = bytes.clone();
            if (i % 3 == 0) { // a tile's data cut short
                int tile = random.nextInt(12);
                long count = CraftedFiles.tiffTag(bytes, 325, tile);
                damaged = CraftedFiles.tiffWithTag(bytes, 325, tile, random.nextInt((int) count));
            } else {
                for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
                    int at = (int) first + random.nextInt((int) (bytes.length - first));
                    damaged[at] ^= (byte) (1 << random.nextInt(8));
                }
            }
            Path f = dir.resolve("damaged.tif");
            Files.write(f, damaged);
            try (ImageSource src = SOURCES.open(f)) {
                src.streamRows((y, row) -> { });
            } catch (UnreadableImageException e) {
                failed++;
                assertTrue(e.getMessage().startsWith("The TIFF") && !e.getMessage().contains("Exception"), e.getMessage());
            } catch (Exception e) {
                fail("case " + i + ": " + e, e);
            }
        }
        assertTrue(failed > 50, "most damage is found: " + failed + " of 300");
    }
}
