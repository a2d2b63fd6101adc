package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Issue 24: bilevel, 2 and 4-bit greys and the 3, 10 and 12-bit samples of scientific cameras were refused (some as
 * "damaged"), though GDAL and libvips read them. Each is made here as the field's tools write them and read as
 * GDAL decodes it: samples up to 7 bits scaled to 0-255 (MinIsWhite ones inverted, white high, as libvips shows
 * them), 9 to 15 bits kept as they are in 16-bit samples.
 */
class PackedSamplesFilesTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "vips tiffsave GREY OUT --bitdepth 1                                       | 1  | false",
            "vips tiffsave GREY OUT --bitdepth 1 --miniswhite                          | 1  | true",
            "vips tiffsave GREY OUT --bitdepth 1 --compression lzw --predictor none   | 1  | false",
            "vips tiffsave GREY OUT --bitdepth 1 --tile --tile-width 64 --tile-height 64 --compression deflate --predictor none | 1 | false",
            "vips tiffsave GREY OUT --bitdepth 2                                       | 2  | false",
            "vips tiffsave GREY OUT --bitdepth 4 --compression deflate --predictor none | 4 | false",
            "vips tiffsave GREY OUT --bitdepth 4 --miniswhite                          | 4  | true",
            "gdal_translate -q -co NBITS=1 -co COMPRESS=PACKBITS -b 1 -scale 0 255 0 1 IN OUT | 1 | false",
            "gdal_translate -q -co NBITS=3 -scale 0 255 0 7 IN OUT                    | 3  | false",
            "gdal_translate -q -co NBITS=4 -co INTERLEAVE=BAND -co TILED=YES -scale 0 255 0 15 IN OUT | 4 | false",
            "gdal_translate -q -co NBITS=7 -co COMPRESS=ZSTD -scale 0 255 0 127 IN OUT | 7  | false",
            "gdal_translate -q -ot UInt16 -co NBITS=10 -scale 0 255 0 1023 IN OUT      | 10 | false",
            "gdal_translate -q -ot UInt16 -co NBITS=12 -co COMPRESS=LZW -scale 0 255 0 4095 IN OUT | 12 | false",
            "gdal_translate -q -ot UInt16 -co NBITS=12 -co TILED=YES -co COMPRESS=DEFLATE -scale 0 255 0 4095 IN OUT | 12 | false",
            "gdal_translate -q -ot UInt32 -co NBITS=20 -scale 0 255 0 1048575 IN OUT   | 20 | false",
            "gdal_translate -q -ot UInt32 -co NBITS=24 -co INTERLEAVE=BAND -co COMPRESS=DEFLATE -scale 0 255 0 16777215 IN OUT | 24 | false",
            "gdal_translate -q -ot UInt32 -co NBITS=31 -co TILED=YES -co COMPRESS=LZW -scale 0 255 0 2147483647 IN OUT | 31 | false"})
    void packedSamplesAreWhatGdalDecodes(String command, int bits, boolean minIsWhite) throws Exception {
        String tool = command.split(" ")[0];
        Assumptions.assumeTrue(FieldTools.installed(tool) && FieldTools.installed("gdal_translate"),
                tool + " or GDAL is not installed");
        Path in = dir.resolve("in.png");
        SampleImage.generate(203, 131, 3, 8, 3).writePng(in);
        Path grey = dir.resolve("grey.png");
        SampleImage.generate(203, 131, 1, 8, 3).writePng(grey);
        Path out = dir.resolve("out.tif");
        FieldTools.make(command.replace("GREY", grey.toString()), in, out);
        byte[] gdal = FieldTools.gdalPixels(out);
        byte[] expected = gdal.clone();
        if (bits < 8) {
            int max = (1 << bits) - 1;
            for (int i = 0; i < gdal.length; i++) {
                int v = gdal[i] & 0xFF;
                expected[i] = (byte) ((minIsWhite ? max - v : v) * 255 / max);
            }
        }
        assertArrayEquals(expected, Decoded.rows(out), command);
    }

    /**
     * Fax-compressed bilevel scans (CCITT Group 3, 2-D Group 3 and Group 4, as tiffcp and vips write them) are
     * decoded by the JDK's reader as black-and-white RGB: the same pixels as the uncompressed scan, which the test
     * above holds to GDAL's decoding.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"tiffcp -c g3 IN OUT | false", "tiffcp -c g3:2d IN OUT | false",
            "tiffcp -c g4 IN OUT | false", "vips tiffsave GREY OUT --bitdepth 1 --compression ccittfax4 | false",
            "vips tiffsave GREY OUT --bitdepth 1 --compression ccittfax4 --miniswhite | true"})
    void faxCompressedScansAreTheScansPixels(String command, boolean minIsWhite) throws Exception {
        String tool = command.split(" ")[0];
        Assumptions.assumeTrue(FieldTools.installed(tool) && FieldTools.installed("vips"), tool + " or libvips is not installed");
        Path grey = dir.resolve("grey.png");
        SampleImage.generate(203, 131, 1, 8, 3).writePng(grey);
        Path plain = dir.resolve("plain.tif");
        FieldTools.run("vips", "tiffsave", grey.toString(), plain.toString(), "--bitdepth", "1");
        Path fax = dir.resolve("fax.tif");
        FieldTools.make(command.replace("GREY", grey.toString()), plain, fax);
        byte[] scan = Decoded.rows(plain);
        byte[] expected = new byte[scan.length * 3];
        for (int i = 0; i < scan.length; i++) {
            expected[3 * i] = expected[3 * i + 1] = expected[3 * i + 2] = scan[i]; // white high, MinIsWhite or not
        }
        assertArrayEquals(expected, Decoded.rows(fax), command);
    }

    /** Damaged bilevel and 12-bit files give their rows or a sentence, never made-up rows or a crash. */
    @org.junit.jupiter.api.Test
    void damagedPackedFilesGiveASentenceOrRows() throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed");
        Path in = dir.resolve("in.png");
        SampleImage.generate(160, 120, 3, 8, 4).writePng(in);
        for (String command : new String[]{"gdal_translate -q -co NBITS=1 -co COMPRESS=LZW -b 1 -scale 0 255 0 1 IN OUT",
                "gdal_translate -q -co NBITS=1 -co COMPRESS=CCITTFAX4 -b 1 -scale 0 255 0 1 IN OUT",
                "gdal_translate -q -ot UInt16 -co NBITS=12 -co TILED=YES -co BLOCKXSIZE=32 -co BLOCKYSIZE=32 -co COMPRESS=DEFLATE -scale 0 255 0 4095 IN OUT"}) {
            Path out = dir.resolve("good.tif");
            FieldTools.make(command, in, out);
            byte[] good = java.nio.file.Files.readAllBytes(out);
            java.util.List<String> outcomes = Decoded.outcomes(dir, "damaged.tif", 100, 7, (i, random) -> i % 3 == 0
                    ? java.util.Arrays.copyOf(good, 300 + random.nextInt(good.length - 300))
                    : Decoded.flipBits(good, 300, random), "The TIFF", "This TIFF", "TIFF");
            org.junit.jupiter.api.Assertions.assertTrue(Decoded.failures(outcomes) > 0, command + ": some damage is found");
        }
    }
}
