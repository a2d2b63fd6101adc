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
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whole JPEGs row by row through libjpeg-turbo's scanline API: exactly the pixels GDAL decodes for JPEGs libvips
 * and GDAL write at their defaults (and a few other layouts), the same as the JDK's decoder, which runs without the
 * native library; damaged files (bits flipped, cut short) a sentence or every row, never a crash of the JVM.
 */
class JpegScanlinesTest {
    @TempDir
    Path dir;

    @AfterEach
    void bothDecodersAgain() {
        System.clearProperty("lip.jpeg-scanlines");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vips jpegsave IN OUT", "vips jpegsave IN OUT --Q 90 --interlace",
            "vips jpegsave IN OUT --subsample-mode off", "vips jpegsave IN[bands=1] OUT",
            "gdal_translate -q -of JPEG IN OUT", "gdal_translate -q -of JPEG -co QUALITY=95 -b 2 IN OUT"})
    void fieldJpegsAreWhatGdalDecodesThroughEitherDecoder(String command) throws Exception {
        Assumptions.assumeTrue(JpegScanlines.available(),
                "liblipjpeg was not built (needs gcc and libjpeg62-turbo-dev at build time)");
        String tool = command.split(" ")[0];
        Assumptions.assumeTrue(FieldTools.installed(tool), tool + " is not installed");
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path png = dir.resolve("in.png");
        SampleImage.generate(301, 203, 3, 8, 4).writePng(png);
        Path input = png;
        if (command.contains("IN[bands=1]")) { // a grey JPEG: vips extract_band first
            input = dir.resolve("grey.png");
            FieldTools.run("vips", "extract_band", png.toString(), input.toString(), "0");
        }
        Path jpg = dir.resolve("out.jpg");
        FieldTools.make(command.replace("IN[bands=1]", "IN"), input, jpg);
        byte[] expected = FieldTools.gdalPixels(jpg);
        for (String scanlines : List.of("true", "false")) {
            System.setProperty("lip.jpeg-scanlines", scanlines);
            assertArrayEquals(expected, Decoded.rows(jpg), command + ", libjpeg-turbo " + scanlines);
        }
    }

    @Test
    void damagedJpegsGiveASentenceOrEveryRowNeverACrash() throws Exception {
        Assumptions.assumeTrue(JpegScanlines.available(),
                "liblipjpeg was not built (needs gcc and libjpeg62-turbo-dev at build time)");
        Path good = dir.resolve("good.jpg");
        SampleImage.generate(160, 120, 3, 8, 9).writeJpeg(good, false, 0.9f);
        byte[] bytes = Files.readAllBytes(good);
        int scan = sosOffset(bytes);
        Decoded.Damage damage = (i, random) -> i % 3 == 0
                ? Arrays.copyOf(bytes, 2 + random.nextInt(bytes.length - 2)) // cut short in the header or the data
                : Decoded.flipBits(bytes, scan, random);
        List<String> outcomes = Decoded.outcomes(dir, "damaged.jpg", 300, 3, damage, "The JPEG", "Not a JPEG", "The image");
        long failed = Decoded.failures(outcomes);
        assertTrue(failed > 100, "most damage is found: " + failed + " of 300");
        // The JDK's decoder judges each file alike: the same rows, or a failure too (its sentences differ). Damage
        // that leaves entropy data over after the last row fails both (libjpeg warns only at the end of the image).
        System.setProperty("lip.jpeg-scanlines", "false");
        List<String> jdk = Decoded.outcomes(dir, "damaged.jpg", 300, 3, damage, "The JPEG", "Not a JPEG", "The image");
        for (int i = 0; i < outcomes.size(); i++) {
            boolean rows = outcomes.get(i).startsWith("rows ");
            assertEquals(rows ? outcomes.get(i) : "a failure", jdk.get(i).startsWith("rows ") ? jdk.get(i) : "a failure",
                    "case " + i + ": " + outcomes.get(i) + " / the JDK: " + jdk.get(i));
        }
    }

    /** Where the entropy-coded data starts: damage after it hits pixels, not the header. */
    private static int sosOffset(byte[] jpeg) {
        for (int i = 2; i + 1 < jpeg.length; i++) {
            if ((jpeg[i] & 0xFF) == 0xFF && (jpeg[i + 1] & 0xFF) == 0xDA) {
                return i + 2 + ((jpeg[i + 2] & 0xFF) << 8 | jpeg[i + 3] & 0xFF);
            }
        }
        throw new IllegalArgumentException("no SOS");
    }

    /**
     * Issue 24: arithmetic-coded JPEGs (SOF9, SOF10), which libjpeg-turbo decodes and the JDK's decoder does not, were
     * refused. jpegtran re-codes a JPEG's coefficients without touching them, so the arithmetic copy must give
     * exactly the Huffman original's pixels.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "jpegtran {0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-arithmetic", "-arithmetic -progressive"})
    void arithmeticCodedJpegsAreTheOriginalsPixels(String options) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(JpegScanlines.available(), "liblipjpeg was not built");
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.lip.formats.testing.FieldTools.installed("jpegtran"),
                "jpegtran is not installed: apt-get install libjpeg-turbo-progs");
        java.nio.file.Path original = dir.resolve("original.jpg");
        dev.lip.common.testing.SampleImage.generate(333, 211, 3, 8, 21).writeJpeg(original, false, 0.85f);
        java.nio.file.Path arithmetic = dir.resolve("arithmetic.jpg");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("jpegtran"));
        cmd.addAll(java.util.List.of(options.split(" ")));
        cmd.addAll(java.util.List.of("-outfile", arithmetic.toString(), original.toString()));
        dev.lip.formats.testing.FieldTools.run(cmd);
        org.junit.jupiter.api.Assertions.assertArrayEquals(Decoded.rows(original), Decoded.rows(arithmetic), options);
    }

    /**
     * Issue 24: CMYK and YCCK JPEGs (as ImageMagick writes them, Adobe's inverted CMYK) were refused; libjpeg-turbo
     * decodes them to CMYK and they are converted to RGB as GDAL converts them, so exactly GDAL's pixels.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"-colorspace CMYK", "-colorspace CMYK -interlace JPEG"})
    void cmykJpegsAreWhatGdalDecodes(String options) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(JpegScanlines.available(), "liblipjpeg was not built");
        java.nio.file.Path magick = java.nio.file.Path.of("/usr/bin/convert"); // not a stand-in earlier on the PATH
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(magick)
                        && dev.lip.formats.testing.FieldTools.installed("gdal_translate"),
                "ImageMagick or GDAL is not installed: apt-get install imagemagick gdal-bin");
        java.nio.file.Path png = dir.resolve("in.png");
        dev.lip.common.testing.SampleImage.generate(257, 143, 3, 8, 22).writePng(png);
        java.nio.file.Path cmyk = dir.resolve("cmyk.jpg");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(magick.toString(), png.toString()));
        cmd.addAll(java.util.List.of(options.split(" ")));
        cmd.add(cmyk.toString());
        dev.lip.formats.testing.FieldTools.run(cmd);
        org.junit.jupiter.api.Assertions.assertArrayEquals(dev.lip.formats.testing.FieldTools.gdalPixels(cmyk),
                Decoded.rows(cmyk), options);
    }

    /** Issue 24: a 12-bit JPEG (GDAL writes them for 12-bit cameras) is refused naming its samples' bits. */
    @Test
    void twelveBitJpegsAreRefusedNamingThem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.lip.formats.testing.FieldTools.installed("gdal_translate"),
                "GDAL is not installed: apt-get install gdal-bin");
        java.nio.file.Path png = dir.resolve("in.png");
        dev.lip.common.testing.SampleImage.generate(120, 80, 3, 8, 23).writePng(png);
        java.nio.file.Path jpeg = dir.resolve("twelve.jpg");
        dev.lip.formats.testing.FieldTools.run("gdal_translate", "-q", "-of", "JPEG", "-ot", "UInt16", "-scale", "0",
                "255", "0", "4095", png.toString(), jpeg.toString());
        UnreadableImageException e = org.junit.jupiter.api.Assertions.assertThrows(UnreadableImageException.class,
                () -> Decoded.rows(jpeg));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("This JPEG has 12-bit samples"), e.getMessage());
    }
}
