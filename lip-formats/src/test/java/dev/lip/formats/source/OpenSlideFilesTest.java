package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Slides read through OpenSlide's C library (JNA), made here with GDAL the way scanners lay them out and recognised by
 * OpenSlide itself: an Aperio-like slide read through both paths, the project's TIFF path and OpenSlide, compared
 * with each other and with the whole image; a Philips TIFF (a vendor only OpenSlide reads here) read through
 * OpenSlide with its pixel size; and, where the library is missing, a refusal naming it.
 */
class OpenSlideFilesTest {
    private static final SourceLimits LIMITS = new SourceLimits(1L << 40, 1_000_000);

    @TempDir
    Path dir;

    @BeforeEach
    void tools() {
        for (String tool : List.of("gdal_translate", "gdaladdo", "openslide-show-properties")) {
            Assumptions.assumeTrue(FieldTools.installed(tool), tool + " is not installed: apt-get install gdal-bin openslide-tools");
        }
        Assumptions.assumeTrue(OpenSlideLibrary.get() != null, "OpenSlide's C library is not installed: apt-get install libopenslide0");
    }

    @Test
    void aLosslessAperioSlideGivesTheSamePixelsThroughBothPathsAndTheWholeImage() throws Exception {
        SampleImage img = SampleImage.generate(700, 500, 3, 8, 41);
        Path slide = slide(img, "COMPRESS=DEFLATE", "Aperio Image Library v12.0.15 |AppMag = 20|MPP = 0.499");
        assertTrue(FieldTools.run("openslide-show-properties", slide.toString()).contains("openslide.vendor: 'aperio'"));
        try (ImageSource tiff = new ImageSources(LIMITS).open(slide);
             ImageSource openslide = OpenSlideSource.open(OpenSlideLibrary.get(), slide.toFile().toPath(), "Aperio", LIMITS.pixelLimit())) {
            assertTrue(tiff.info().format().startsWith("TIFF"), "Aperio is read by the project's TIFF path: " + tiff.info());
            assertEquals(0.499, openslide.placement().pixelSize().micronsX(), 1e-9);
            assertEquals(tiff.placement().pixelSize(), openslide.placement().pixelSize());
            int[] expected = new int[700 * 500 * 3];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = img.samples[i];
            }
            for (Rect r : List.of(new Rect(0, 0, 700, 500), new Rect(255, 255, 2, 2), new Rect(600, 380, 100, 120))) {
                PixelRegion a = tiff.readRegion(r);
                PixelRegion b = openslide.readRegion(r);
                assertEquals(a, b, "both paths at " + r);
                for (int y = 0; y < r.height(); y++) {
                    for (int x = 0; x < r.width(); x++) {
                        for (int band = 0; band < 3; band++) {
                            assertEquals(img.samples[((r.y() + y) * 700 + r.x() + x) * 3 + band], b.sample(x, y, band));
                        }
                    }
                }
            }
        }
    }

    @Test
    void aJpegAperioSlideThroughOpenSlideIsWhatGdalDecodesAndCloseToTheTiffPath() throws Exception {
        SampleImage img = SampleImage.generate(700, 500, 3, 8, 31);
        Path slide = slide(img, "COMPRESS=JPEG", "Aperio Image Library v12.0.15 |AppMag = 20|MPP = 0.499");
        BufferedImage gdal = gdalLevel0(slide);
        try (ImageSource tiff = new ImageSources(LIMITS).open(slide);
             ImageSource openslide = OpenSlideSource.open(OpenSlideLibrary.get(), slide, "Aperio", LIMITS.pixelLimit())) {
            Rect all = new Rect(0, 0, 700, 500);
            PixelRegion a = tiff.readRegion(all);
            PixelRegion b = openslide.readRegion(all);
            long sum = 0;
            int max = 0;
            for (int y = 0; y < 500; y++) {
                for (int x = 0; x < 700; x++) {
                    int rgb = gdal.getRGB(x, y);
                    for (int band = 0; band < 3; band++) {
                        // OpenSlide and GDAL both decode with libjpeg-turbo: the same bytes
                        assertEquals((rgb >> (16 - 8 * band)) & 0xFF, b.sample(x, y, band), "at " + x + "," + y);
                        int d = Math.abs(a.sample(x, y, band) - b.sample(x, y, band));
                        sum += d;
                        max = Math.max(max, d);
                    }
                }
            }
            double mean = sum / (700.0 * 500 * 3);
            if (TurboJpeg.available()) { // the TIFF path decodes with libjpeg-turbo too
                assertEquals(0, max, "the TIFF path against OpenSlide: mean difference " + mean);
            }
            // the JDK's JPEG decoder (IJG 6b), without libturbojpeg0, rounds its IDCT and chroma upsampling differently
            assertTrue(mean < 1.0 && max <= 8, "the TIFF path against OpenSlide: mean difference " + mean + ", max " + max);
        }
    }

    @Test
    void aPhilipsSlideIsReadThroughOpenSlideWithItsPixelSize() throws Exception {
        SampleImage img = SampleImage.generate(640, 480, 3, 8, 43);
        Path slide = philips(img);
        assertTrue(FieldTools.run("openslide-show-properties", slide.toString()).contains("openslide.vendor: 'philips'"));
        BufferedImage gdal = gdalLevel0(slide);
        try (ImageSource src = new ImageSources(LIMITS).open(slide)) {
            assertEquals("whole-slide image (Philips TIFF, OpenSlide)", src.info().format());
            assertEquals(640, src.info().width());
            assertEquals(480, src.info().height());
            assertEquals(0.25, src.placement().pixelSize().micronsX(), 1e-9);
            assertEquals(0.25, src.placement().pixelSize().micronsY(), 1e-9);
            PixelRegion region = src.readRegion(new Rect(200, 100, 300, 250));
            int[] got = new int[300 * 250];
            int[] want = new int[300 * 250];
            for (int y = 0; y < 250; y++) {
                for (int x = 0; x < 300; x++) {
                    got[y * 300 + x] = region.sample(x, y, 0) << 16 | region.sample(x, y, 1) << 8 | region.sample(x, y, 2);
                    want[y * 300 + x] = gdal.getRGB(200 + x, 100 + y) & 0xFFFFFF;
                }
            }
            assertArrayEquals(want, got, "level 0 as GDAL decodes it");
        }
    }

    @Test
    void withoutTheLibraryAVendorSlideIsRefusedNamingIt() throws Exception {
        Path slide = philips(SampleImage.generate(64, 64, 3, 8, 1));
        UnreadableImageException e = assertThrows(UnreadableImageException.class,
                () -> OpenSlideFormat.open(slide, LIMITS, null));
        assertEquals("This is a Philips TIFF slide, which is read through OpenSlide's C library, and the library is not "
                + "installed on this server (Debian and Ubuntu: apt-get install libopenslide0).", e.getMessage());
    }

    /** A JPEG- or deflate-tiled pyramid (gdaladdo's overviews) with the vendor's ImageDescription. */
    private Path slide(SampleImage img, String compression, String description, String... more) throws Exception {
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path slide = dir.resolve("slide.tif");
        List<String> cmd = new java.util.ArrayList<>(List.of("gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256",
                "-co", "BLOCKYSIZE=256", "-co", compression, "-mo", "TIFFTAG_IMAGEDESCRIPTION=" + description));
        cmd.addAll(List.of(more));
        cmd.addAll(List.of(png.toString(), slide.toString()));
        FieldTools.run(cmd);
        FieldTools.run("gdaladdo", "-q", slide.toString(), "2", "4");
        return slide;
    }

    private Path philips(SampleImage img) throws Exception {
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path slide = dir.resolve("slide.tiff");
        FieldTools.philipsSlide(png, slide);
        return slide;
    }

    private BufferedImage gdalLevel0(Path slide) throws Exception {
        Path reference = dir.resolve("level0.png");
        FieldTools.run("gdal_translate", "-q", "-of", "PNG", slide.toString(), reference.toString());
        return ImageIO.read(reference.toFile());
    }
}
