package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import dev.lip.formats.tiff.PixelSize;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An Aperio-like slide, made here the way the issue describes (GDAL: JPEG tiles in YCbCr, an {@code Aperio Image
 * Library ... |MPP = ...} description, overviews by gdaladdo) and recognised as such by OpenSlide itself, is read
 * through the project's own TIFF path: level 0 whole, its pixels as GDAL decodes them (JPEG decoders may differ by a
 * step), and its pixel size.
 */
class SlideFilesTest {
    @TempDir
    Path dir;

    @Test
    void anAperioLikeSlideIsReadAtLevelZeroWithItsPixelSize() throws Exception {
        for (String tool : List.of("gdal_translate", "gdaladdo", "openslide-show-properties")) {
            Assumptions.assumeTrue(FieldTools.installed(tool),
                    tool + " is not installed: apt-get install gdal-bin openslide-tools");
        }
        SampleImage img = SampleImage.generate(700, 500, 3, 8, 31);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path slide = dir.resolve("slide.tif");
        FieldTools.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256", "-co",
                "COMPRESS=JPEG", "-co", "PHOTOMETRIC=YCBCR", "-mo",
                "TIFFTAG_IMAGEDESCRIPTION=Aperio Image Library v12.0.15 |AppMag = 20|MPP = 0.499", png.toString(), slide.toString());
        FieldTools.run("gdaladdo", "-q", slide.toString(), "2", "4");
        String properties = FieldTools.run("openslide-show-properties", slide.toString());
        assertTrue(properties.contains("openslide.vendor: 'aperio'") && properties.contains("openslide.level-count: '3'"),
                "OpenSlide takes it for an Aperio slide of three levels: " + properties);

        Path reference = dir.resolve("level0.png");
        FieldTools.run("gdal_translate", "-q", "-of", "PNG", slide.toString(), reference.toString()); // GDAL's decode of level 0
        BufferedImage ref = ImageIO.read(reference.toFile());
        // both decoders: libjpeg-turbo, as GDAL decodes (the same bytes), and the JDK's, the fallback without it
        assertLevel0(slide, ref, true);
        assertLevel0(slide, ref, false);
    }

    private static void assertLevel0(Path slide, BufferedImage ref, boolean turbo) throws Exception {
        System.setProperty("lip.turbojpeg", Boolean.toString(turbo));
        try (ImageSource src = new ImageSources(1_000_000).open(slide)) {
            assertEquals(700, src.info().width());
            assertEquals(500, src.info().height());
            assertEquals(3, src.info().bands());
            PixelSize size = src.placement().pixelSize();
            assertNotNull(size);
            assertEquals(0.499, size.micronsX(), 1e-12);
            PixelRegion all = src.readRegion(new Rect(0, 0, 700, 500));
            long sum = 0;
            int max = 0;
            for (int y = 0; y < 500; y++) {
                for (int x = 0; x < 700; x++) {
                    int rgb = ref.getRGB(x, y);
                    for (int b = 0; b < 3; b++) {
                        int d = Math.abs(all.sample(x, y, b) - ((rgb >> (16 - 8 * b)) & 0xFF));
                        sum += d;
                        max = Math.max(max, d);
                    }
                }
            }
            double mean = sum / (700.0 * 500 * 3);
            if (turbo && TurboJpeg.available()) {
                assertEquals(0, max, "libjpeg-turbo decodes level 0 as GDAL does: mean difference " + mean);
            }
            assertTrue(mean < 1.0 && max <= 8, "level 0 as GDAL decodes it: mean difference " + mean + ", max " + max);
        } finally {
            System.clearProperty("lip.turbojpeg");
        }
    }

    /**
     * An OME-TIFF's pixel size: the OME-XML in the first ImageDescription (as Bio-Formats and QuPath write it, with
     * PhysicalSizeX/Y and their unit) is the pixel size, whatever the resolution tags say; a unit other than µm is
     * converted, and an XML without sizes falls back to the resolution tags.
     */
    @Test
    void anOmeTiffsPhysicalSizeIsItsPixelSize() throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "gdal_translate is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(300, 200, 3, 8, 5);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        String ome = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><OME xmlns=\"http://www.openmicroscopy.org/Schemas/OME/2016-06\" "
                + "Creator=\"OME Bio-Formats 6.11.1\"><Image ID=\"Image:0\" Name=\"slide\"><Pixels BigEndian=\"false\" "
                + "DimensionOrder=\"XYCZT\" ID=\"Pixels:0\" Interleaved=\"true\" PhysicalSizeX=\"0.2201\" PhysicalSizeXUnit=\"µm\" "
                + "PhysicalSizeY=\"0.2202\" PhysicalSizeYUnit=\"µm\" SignificantBits=\"8\" SizeC=\"3\" SizeT=\"1\" SizeX=\"300\" "
                + "SizeY=\"200\" SizeZ=\"1\" Type=\"uint8\"><Channel ID=\"Channel:0:0\" SamplesPerPixel=\"3\"/>"
                + "<TiffData IFD=\"0\" PlaneCount=\"1\"/></Pixels></Image></OME>";
        Path tiff = dir.resolve("slide.ome.tif");
        // resolution tags that say something else (72 dpi, a writer's default): the OME-XML wins
        FieldTools.run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-mo", "TIFFTAG_RESOLUTIONUNIT=2",
                "-mo", "TIFFTAG_XRESOLUTION=72", "-mo", "TIFFTAG_YRESOLUTION=72", "-mo", "TIFFTAG_IMAGEDESCRIPTION=" + ome,
                png.toString(), tiff.toString());
        try (ImageSource src = new ImageSources(1_000_000).open(tiff)) {
            assertEquals(new PixelSize(0.2201, 0.2202), src.placement().pixelSize());
        }
        Path nm = dir.resolve("nm.ome.tif");
        FieldTools.run("gdal_translate", "-q", "-mo", "TIFFTAG_IMAGEDESCRIPTION=" + ome.replace("µm", "nm")
                .replace("0.2201", "220.1").replace("0.2202", "220.2"), png.toString(), nm.toString());
        try (ImageSource src = new ImageSources(1_000_000).open(nm)) {
            PixelSize size = src.placement().pixelSize();
            assertEquals(0.2201, size.micronsX(), 1e-12);
            assertEquals(0.2202, size.micronsY(), 1e-12);
        }
    }
}
