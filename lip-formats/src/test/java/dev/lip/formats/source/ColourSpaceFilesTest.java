package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 24, never a wrong mask: TIFFs whose samples are not grey or RGB (CMYK, CIELab), old-style JPEG and a
 * RowsPerStrip the JDK's reader misreads were read as something else (71-81% of pixels wrong, or all zero). Each is
 * made here with GDAL, as the field writes them, and is either read exactly as GDAL decodes it or refused with a
 * sentence that names what it is.
 */
class ColourSpaceFilesTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    @TempDir
    Path dir;

    private Path made(String command) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path in = dir.resolve("in.png");
        SampleImage.generate(160, 120, 3, 8, 6).writePng(in);
        Path out = dir.resolve("out.tif");
        FieldTools.make(command, in, out);
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gdal_translate -q -ot UInt16 -b 1 -b 2 -b 3 -b 1 -co PHOTOMETRIC=CMYK IN OUT | CMYK",
            "gdal_translate -q -b 1 -b 2 -b 3 -b 1 -b 1 -co PHOTOMETRIC=CMYK -co ALPHA=YES IN OUT | CMYK",
            "/usr/bin/convert IN -colorspace Lab -depth 16 OUT | L*a*b*"})
    void colourSpacesThatAreNotRgbAreRefusedByName(String command, String name) throws Exception {
        Path tiff = made(command);
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(tiff).close());
        assertTrue(e.getMessage().contains(name) && e.getMessage().contains("colour"), e.getMessage());
    }

    /**
     * Issue 24: CIELab was read as if L, a and b were R, G and B, and YCbCr without JPEG compression failed as
     * damaged; both now go through libtiff's RGBA interface, as GDAL reads them, and give GDAL's R, G and B exactly.
     * Made by GDAL and by ImageMagick, striped and tiled, uncompressed, deflate and LZW.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"gdal_translate -q -co PHOTOMETRIC=CIELAB IN OUT",
            "gdal_translate -q -co PHOTOMETRIC=CIELAB -co TILED=YES -co BLOCKXSIZE=64 -co BLOCKYSIZE=48 -co COMPRESS=DEFLATE IN OUT",
            "/usr/bin/convert IN -colorspace Lab OUT",
            "/usr/bin/convert IN -colorspace YCbCr OUT",
            "/usr/bin/convert IN -colorspace YCbCr -compress lzw OUT",
            "/usr/bin/convert IN -colorspace YCbCr -define tiff:tile-geometry=64x64 OUT"})
    void cielabAndUncompressedYcbcrAreWhatGdalDecodes(String command) throws Exception {
        Assumptions.assumeTrue(LibTiff.available(), "libtiff6 is not installed");
        Assumptions.assumeTrue(!command.startsWith("/usr/bin/convert") || Files.isExecutable(Path.of("/usr/bin/convert")),
                "ImageMagick is not installed: apt-get install imagemagick");
        Path tiff = made(command);
        assertArrayEquals(rgbOf(tiff), Decoded.rows(tiff), command);
    }

    /** GDAL's decoding as R, G, B: it opens these layouts as RGBA (opaque) or RGB. */
    private static byte[] rgbOf(Path tiff) throws Exception {
        byte[] pixels = FieldTools.gdalPixels(tiff);
        String info = FieldTools.run("gdalinfo", tiff.toString());
        if (!info.contains("ColorInterp=Alpha")) {
            return pixels;
        }
        byte[] rgb = new byte[pixels.length / 4 * 3];
        for (int p = 0; p < pixels.length / 4; p++) {
            System.arraycopy(pixels, 4 * p, rgb, 3 * p, 3);
        }
        return rgb;
    }

    /**
     * Issue 24: 8-bit CMYK was refused (contiguous) or read as RGB (planar); now converted as libtiff's RGBA
     * interface converts it, which is how GDAL opens it (RGBA, opaque): GDAL's R, G and B exactly.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"gdal_translate -q -b 1 -b 2 -b 3 -b 1 -co PHOTOMETRIC=CMYK IN OUT",
            "gdal_translate -q -b 1 -b 2 -b 3 -b 1 -co PHOTOMETRIC=CMYK -co INTERLEAVE=BAND IN OUT",
            "gdal_translate -q -b 1 -b 2 -b 3 -b 1 -co PHOTOMETRIC=CMYK -co TILED=YES -co COMPRESS=DEFLATE IN OUT",
            "gdal_translate -q -b 1 -b 2 -b 3 -b 1 -co PHOTOMETRIC=CMYK -co COMPRESS=LZW -co PREDICTOR=2 IN OUT"})
    void eightBitCmykIsConvertedAsGdalConvertsIt(String command) throws Exception {
        Path tiff = made(command);
        byte[] rgba = FieldTools.gdalPixels(tiff);
        byte[] rgb = new byte[rgba.length / 4 * 3];
        for (int p = 0; p < rgba.length / 4; p++) {
            System.arraycopy(rgba, 4 * p, rgb, 3 * p, 3);
        }
        assertArrayEquals(rgb, Decoded.rows(tiff), command);
    }

    /**
     * Issue 24: lossy WebP tiles decoded by TwelveMonkeys differed from GDAL's decoding on 0.4-1.3% of thresholded
     * pixels; through libwebp, the library libtiff and GDAL use, they are GDAL's pixels exactly.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"gdal_translate -q -co TILED=YES -co COMPRESS=WEBP IN OUT",
            "gdal_translate -q -co COMPRESS=WEBP IN OUT",
            "gdal_translate -q -co TILED=YES -co COMPRESS=WEBP -co WEBP_LEVEL=40 IN OUT",
            "gdal_translate -q -b 1 -b 2 -b 3 -b 1 -co TILED=YES -co COMPRESS=WEBP -co ALPHA=YES IN OUT"})
    void lossyWebPIsWhatGdalDecodes(String command) throws Exception {
        Assumptions.assumeTrue(LibWebP.available(), "libwebp7 is not installed");
        Path tiff = made(command);
        assertArrayEquals(FieldTools.gdalPixels(tiff), Decoded.rows(tiff), command);
    }

    /** libwebp is native code: 200 damaged WebP-tiled files each give rows or a sentence, never a crash. */
    @Test
    void damagedWebPTilesGiveASentenceOrRows() throws Exception {
        Assumptions.assumeTrue(LibWebP.available(), "libwebp7 is not installed");
        byte[] good = Files.readAllBytes(made("gdal_translate -q -co TILED=YES -co BLOCKXSIZE=64 -co BLOCKYSIZE=64 "
                + "-co COMPRESS=WEBP IN OUT"));
        java.util.List<String> outcomes = Decoded.outcomes(dir, "damaged.tif", 200, 5,
                (i, random) -> Decoded.flipBits(good, 400, random), "The TIFF", "This TIFF", "TIFF");
        assertTrue(Decoded.failures(outcomes) > 0, "some damage is found");
    }

    @Test
    void rowsPerStripPastTheImageIsOneStripAndAMisreadValueIsRefused() throws Exception {
        Path planar = made("gdal_translate -q -co INTERLEAVE=BAND -co BLOCKYSIZE=120 IN OUT"); // one strip a plane
        byte[] expected = FieldTools.gdalPixels(planar);
        assertArrayEquals(expected, Decoded.rows(planar), "as GDAL wrote it");
        for (long rows : new long[]{1_000_000L, 0xFFFFFFFFL}) {
            Path f = withRowsPerStrip(planar, rows);
            assertArrayEquals(expected, Decoded.rows(f), "RowsPerStrip " + rows);
        }
        // over 2^31: the JDK's reader took it as negative and decoded zeros; our block reader reads it as one strip
        Path misread = withRowsPerStrip(planar, (1L << 31) + 1);
        assertArrayEquals(expected, Decoded.rows(misread), "RowsPerStrip 2^31 + 1");
        // a layout only the JDK's reader decodes (a palette, as ImageMagick writes one) is refused instead
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/convert")), "ImageMagick is not installed");
        Path palette = dir.resolve("palette.tif");
        FieldTools.run("/usr/bin/convert", dir.resolve("in.png").toString(), "-colors", "16", "-type", "Palette",
                palette.toString());
        Path rgb = dir.resolve("palette-rgb.raw");
        FieldTools.run("gdal_translate", "-q", "-expand", "rgb", "-of", "ENVI", "-co", "INTERLEAVE=BIP", palette.toString(),
                rgb.toString());
        assertArrayEquals(Files.readAllBytes(rgb), Decoded.rows(palette), "a 4-bit palette as GDAL expands it");
        Path paletteMisread = withRowsPerStrip(palette, (1L << 31) + 1);
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(paletteMisread).close());
        assertTrue(e.getMessage().contains("RowsPerStrip is over 2^31"), e.getMessage());
    }

    /** Issue 24: a float32 TIFF without a PhotometricInterpretation was refused, its sentence blaming the compression. */
    @Test
    void aTiffWithoutPhotometricIsReadAsGdalReadsIt() throws Exception {
        Path tiff = made("gdal_translate -q -ot Float32 IN OUT");
        byte[] b = Files.readAllBytes(tiff);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int ifd = buf.getInt(4);
        int n = Short.toUnsignedInt(buf.getShort(ifd));
        int kept = 0;
        for (int i = 0; i < n; i++) { // the directory without its tag 262
            int at = ifd + 2 + i * 12;
            if (Short.toUnsignedInt(buf.getShort(at)) != 262) {
                System.arraycopy(b, at, b, ifd + 2 + kept++ * 12, 12);
            }
        }
        buf.putShort(ifd, (short) kept).putInt(ifd + 2 + kept * 12, 0);
        Path none = dir.resolve("no-photometric.tif");
        Files.write(none, b);
        assertArrayEquals(Decoded.rows(tiff), Decoded.rows(none));
    }

    /**
     * Issue 24: old-style JPEG (compression 6) was decoded by the JDK's reader with 0.25-0.46% of pixels unlike
     * libtiff's; now libtiff decodes it, as GDAL does. The file is what old scanners and cameras wrote: one strip
     * holding a whole JFIF stream that JPEGInterchangeFormat points at. A new-style JPEG TIFF merely relabelled 6,
     * which libtiff (and so GDAL) cannot decode, is a sentence.
     */
    @Test
    void oldStyleJpegIsWhatLibtiffDecodes() throws Exception {
        Assumptions.assumeTrue(LibTiff.available(), "libtiff6 is not installed");
        Path jfif = made("gdal_translate -q -of JPEG IN OUT");
        Path old = dir.resolve("ojpeg.tif");
        Files.write(old, dev.lip.formats.testing.OldStyleJpeg.of(Files.readAllBytes(jfif), 160, 120));
        assertArrayEquals(FieldTools.gdalPixels(old).length == 160 * 120 * 4 ? rgbOf(old) : FieldTools.gdalPixels(old),
                Decoded.rows(old));

        Path relabelled = withTag(made("gdal_translate -q -co COMPRESS=JPEG IN OUT"), 259, 3, 6);
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> Decoded.rows(relabelled));
        assertTrue(e.getMessage().contains("cannot be decoded (libtiff)"), e.getMessage());
    }

    private Path withRowsPerStrip(Path tiff, long rows) throws Exception {
        return withTag(tiff, 278, 4, rows);
    }

    /** The file with one entry of its first directory set to a single value of this type. */
    private Path withTag(Path tiff, int tag, int type, long value) throws Exception {
        byte[] b = Files.readAllBytes(tiff);
        ByteBuffer buf = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = buf.getInt(4);
        int n = Short.toUnsignedInt(buf.getShort(ifd));
        for (int i = 0; i < n; i++) {
            int at = ifd + 2 + i * 12;
            if (Short.toUnsignedInt(buf.getShort(at)) == tag) {
                buf.putShort(at + 2, (short) type).putInt(at + 4, 1);
                if (type == 3) {
                    buf.putShort(at + 8, (short) value).putShort(at + 10, (short) 0);
                } else {
                    buf.putInt(at + 8, (int) value);
                }
            }
        }
        Path out = dir.resolve(tag + "-" + value + ".tif");
        Files.write(out, b);
        return out;
    }

    /**
     * Greys as libtiff's own tools and libvips write them: tiff2bw (RGB to an 8-bit grey, MinIsBlack) and libvips'
     * 8-bit MinIsWhite, each read as GDAL decodes it.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"tiff2bw", "vips-miniswhite"})
    void eightBitGreysFromLibtiffAndLibvipsAreWhatGdalDecodes(String tool) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("tiff2bw") && FieldTools.installed("vips"),
                "libtiff-tools or libvips is not installed");
        Path rgb = made("gdal_translate -q IN OUT");
        Path grey = dir.resolve(tool + ".tif");
        if (tool.equals("tiff2bw")) {
            FieldTools.run("tiff2bw", rgb.toString(), grey.toString());
        } else {
            FieldTools.run("vips", "colourspace", rgb.toString(), grey + "[miniswhite]", "b-w");
        }
        assertTrue(FieldTools.run("tiffinfo", grey.toString()).contains("Bits/Sample: 8"), "an 8-bit grey");
        assertArrayEquals(FieldTools.gdalPixels(grey), Decoded.rows(grey), tool);
    }
}
