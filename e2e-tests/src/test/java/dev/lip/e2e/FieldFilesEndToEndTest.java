package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files as GDAL writes them, through the whole tool: a georeferenced GeoTIFF in GDAL's modern encodings comes back as
 * an exact mask that {@code gdalinfo} places where the input is (same coordinate system, same geotransform).
 */
@ExtendWith(Trio.Started.class)
class FieldFilesEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-a_srs EPSG:32633 -a_ullr 500000 5000000 500640 4999520 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=2",
            "-a_srs EPSG:4326 -a_ullr 10.5 47.25 11.14 46.77 -co TILED=YES -co COMPRESS=WEBP -co WEBP_LOSSLESS=TRUE"})
    void aGeoTiffComesBackExactAndInPlace(String options, Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && FieldTools.installed("gdalinfo"), "GDAL is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(640, 480, 3, 8, 21);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("in.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        cmd.addAll(List.of(options.split("\\s+")));
        cmd.addAll(List.of(png.toString(), in.toString()));
        FieldTools.run(cmd);
        Path out = dir.resolve("out.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "128");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, out, options);
        JsonNode a = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", in.toString())));
        JsonNode b = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", out.toString())));
        assertTrue(a.path("coordinateSystem").path("wkt").asText().contains("EPSG"), a.toString());
        assertEquals(a.path("coordinateSystem").path("wkt").asText(), b.path("coordinateSystem").path("wkt").asText());
        assertEquals(a.path("geoTransform"), b.path("geoTransform"));
        // the default result is a Cloud Optimized GeoTIFF: 640x480 in tiles of 128 has levels of 320, 160 and 80
        assertEquals(3, b.path("bands").path(0).path("overviews").size(), b.toString());
        String python = FieldTools.gdalPython();
        if (python != null) {
            String verdict = FieldTools.run(List.of(python, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", out.toString()));
            assertTrue(verdict.contains("is a valid cloud optimized GeoTIFF") && !verdict.toLowerCase().contains("warning"), verdict);
        }
    }

    /**
     * The result's layout is the job's choice: an OME-TIFF pyramid (SubIFDs, OME-XML with the slide's pixel size) that
     * libvips reads level by level, or one level as before; an unknown format is refused naming the choices.
     */
    @org.junit.jupiter.api.Test
    void theResultFormatIsChosenPerJob(Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && FieldTools.installed("gdalinfo")
                && FieldTools.installed("vipsheader"), "GDAL or libvips is not installed: apt-get install gdal-bin libvips-tools");
        SampleImage img = SampleImage.generate(600, 350, 3, 8, 25);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("slide.tif");
        FieldTools.run(List.of("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-mo",
                "TIFFTAG_IMAGEDESCRIPTION=Aperio Image Library v12.0.15 |AppMag = 40|MPP = 0.2500", png.toString(), in.toString()));
        Path ome = dir.resolve("mask.ome.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", ome.toString(), "-q", "--tile-size", "128",
                "--result-format", "ome-tiff");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, ome, "OME-TIFF's full resolution");
        // 600x350 in tiles of 128: 300x175, 150x88, 75x44
        assertEquals("3", FieldTools.run(List.of("vipsheader", "-f", "n-subifds", ome.toString())).trim());
        String xml = FieldTools.run(List.of("vipsheader", "-f", "image-description", ome.toString()));
        assertTrue(xml.contains("<OME ") && xml.contains("SizeX=\"600\" SizeY=\"350\"")
                && xml.contains("PhysicalSizeX=\"0.25\" PhysicalSizeXUnit=\"µm\""), xml);

        Path single = dir.resolve("mask.tif");
        r = trio.client("process", in.toString(), "-o", single.toString(), "-q", "--tile-size", "128", "--result-format", "tiff");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, single, "one level");
        JsonNode info = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", single.toString())));
        assertEquals(0, info.path("bands").path(0).path("overviews").size(), info.toString());

        Trio.Run bad = trio.client("process", in.toString(), "-o", dir.resolve("x.tif").toString(), "-q",
                "--result-format", "png");
        assertEquals(1, bad.exitCode());
        // in the client's words: the flag, not the REST field (issue 26)
        assertTrue(bad.stderr().contains("Unknown --result-format 'png'. Valid result formats: cog, ome-tiff, tiff."), bad.stderr());
    }

    /** A four-band 16-bit scene (R, G, B, NIR) thresholded on its fourth band alone, as `--param band=4` asks. */
    @org.junit.jupiter.api.Test
    void oneBandOfAMultispectralSceneIsThresholded(Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(400, 300, 3, 8, 23);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("rgbn.tif");
        // band 4 (the "NIR") is the PNG's band 2, scaled to 16 bits
        FieldTools.run(List.of("gdal_translate", "-q", "-ot", "UInt16", "-scale", "0", "255", "0", "65535", "-b", "1", "-b", "2",
                "-b", "3", "-b", "2", "-co", "COMPRESS=LZW", "-co", "PREDICTOR=2", "-a_srs", "EPSG:32633",
                "-a_ullr", "500000", "5000000", "504000", "4997000", png.toString(), in.toString()));
        Path out = dir.resolve("nir-mask.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "64",
                "--param", "band=4", "--param", "threshold=40000");
        assertEquals(0, r.exitCode(), r.stderr());
        byte[] expected = new byte[img.width * img.height];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (byte) (img.samples[i * 3 + 1] * 257 >= 40000 ? 255 : 0);
        }
        Masks.assertMaskEquals(expected, img.width, img.height, out, "band 4 of an RGBN scene");
        Trio.Run bad = trio.client("process", in.toString(), "-o", dir.resolve("x.tif").toString(), "-q",
                "--param", "band=5");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.stderr().contains("band must be between 1 and 4"), bad.stderr());
    }

    /** An Aperio-like slide (a JPEG-tiled TIFF whose description states the MPP): the result keeps the pixel size. */
    @org.junit.jupiter.api.Test
    void aSlidesPixelSizeIsTheResultsResolution(Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && FieldTools.installed("gdalinfo"), "GDAL is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(512, 384, 3, 8, 22);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("slide.tif");
        FieldTools.run(List.of("gdal_translate", "-q", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-mo",
                "TIFFTAG_IMAGEDESCRIPTION=Aperio Image Library v12.0.15 |AppMag = 40|MPP = 0.2500", png.toString(), in.toString()));
        Path out = dir.resolve("slide-mask.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "128");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, out, "slide");
        JsonNode md = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", out.toString()))).path("metadata").path("");
        assertEquals("3 (pixels/cm)", md.path("TIFFTAG_RESOLUTIONUNIT").asText(), md.toString());
        assertEquals(40_000, md.path("TIFFTAG_XRESOLUTION").asDouble(), 0.01, "0.25 µm a pixel");
        assertEquals(40_000, md.path("TIFFTAG_YRESOLUTION").asDouble(), 0.01);
    }

    /**
     * A float32 elevation model as GDAL writes one (floating-point predictor, NaN pixels, nodata -9999): thresholded on
     * the values it holds, inverted, with its NaN and nodata pixels 0 all the same, exactly as computed from GDAL's own
     * decoding of the file; without a threshold, and with otsu, a sentence saying why.
     */
    @org.junit.jupiter.api.Test
    void aFloatElevationModelIsThresholdedOnItsValuesKeepingNodataOut(Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && FieldTools.installed("gdalinfo"), "GDAL is not installed: apt-get install gdal-bin");
        int w = 700, h = 450;
        Path scene = dir.resolve("scene.tif");
        FieldTools.floatScene(scene, w, h);
        Path in = dir.resolve("dem.tif");
        FieldTools.run(List.of("gdal_translate", "-q", "-b", "1", "-a_srs", "EPSG:32633", "-a_ullr", "500000", "5000000",
                "507000", "4995500", "-co", "TILED=YES", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=3", scene.toString(), in.toString()));
        Path raw = dir.resolve("dem.raw");
        FieldTools.run(List.of("gdal_translate", "-q", "-of", "ENVI", in.toString(), raw.toString()));
        java.nio.ByteBuffer values = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(raw)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        byte[] expected = new byte[w * h];
        int missing = 0;
        for (int i = 0; i < expected.length; i++) {
            float v = values.getFloat(i * 4);
            boolean none = Float.isNaN(v) || v == -9999f;
            missing += none ? 1 : 0;
            expected[i] = (byte) (none || v >= 250.5f ? 0 : 255);
        }
        assertTrue(missing > 1000, "the scene has NaN and nodata pixels: " + missing);
        Path out = dir.resolve("dem-mask.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "128",
                "--param", "threshold=250.5", "--param", "invert=true");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(expected, w, h, out, "float32 DEM below 250.5");
        JsonNode a = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", in.toString())));
        JsonNode b = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", out.toString())));
        assertEquals(a.path("geoTransform"), b.path("geoTransform"));
        assertTrue(b.path("bands").path(0).path("noDataValue").isMissingNode(), "0 is a value in a mask, not nodata");

        Trio.Run noThreshold = trio.client("process", in.toString(), "-o", dir.resolve("x.tif").toString(), "-q");
        assertEquals(1, noThreshold.exitCode());
        assertTrue(noThreshold.stderr().contains("threshold is required for images of float32 samples"), noThreshold.stderr());
        Trio.Run otsu = trio.client("process", in.toString(), "-o", dir.resolve("y.tif").toString(), "-q", "--algorithm", "otsu");
        assertEquals(1, otsu.exitCode());
        assertTrue(otsu.stderr().contains("otsu works on the 8-bit luma of 8 or 16-bit unsigned images"), otsu.stderr());
    }

    /**
     * A Philips TIFF (a vendor only OpenSlide reads here), made with GDAL as OpenSlide recognises one: read through
     * OpenSlide's C library by slicer-api, thresholded exactly as GDAL decodes the slide, its pixel size kept.
     */
    @org.junit.jupiter.api.Test
    void aPhilipsSlideIsReadThroughOpenSlide(Trio trio) throws Exception {
        for (String tool : List.of("gdal_translate", "gdaladdo", "gdalinfo", "openslide-show-properties")) {
            Assumptions.assumeTrue(FieldTools.installed(tool), tool + " is not installed: apt-get install gdal-bin openslide-tools libopenslide0");
        }
        SampleImage img = SampleImage.generate(600, 420, 3, 8, 24);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("slide.tiff");
        FieldTools.philipsSlide(png, in);
        Path level0 = dir.resolve("level0.png");
        FieldTools.run(List.of("gdal_translate", "-q", "-of", "PNG", in.toString(), level0.toString()));
        java.awt.image.BufferedImage gdal = javax.imageio.ImageIO.read(level0.toFile());
        byte[] expected = new byte[img.width * img.height];
        for (int i = 0; i < expected.length; i++) {
            int rgb = gdal.getRGB(i % img.width, i / img.width);
            int luma = 299 * (rgb >> 16 & 0xFF) + 587 * (rgb >> 8 & 0xFF) + 114 * (rgb & 0xFF);
            expected[i] = (byte) (luma >= 128_000 ? 255 : 0);
        }
        Path out = dir.resolve("slide-mask.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "128");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(expected, img.width, img.height, out, "Philips slide through OpenSlide");
        JsonNode md = JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", out.toString()))).path("metadata").path("");
        assertEquals(40_000, md.path("TIFFTAG_XRESOLUTION").asDouble(), 0.01, "0.25 µm a pixel: " + md);
    }

    /**
     * Issue 24, through the whole tool: layouts only libtiff's RGBA interface reads (CIELab, YCbCr without JPEG,
     * old-style JPEG) come back as the mask of GDAL's decoding; before, CIELab was DONE with 71-81% of pixels wrong.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"cielab", "ycbcr", "ojpeg"})
    void layoutsOnlyLibtiffReadsComeBackAsGdalsMask(String kind, Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && java.nio.file.Files.isExecutable(Path.of("/usr/bin/convert")),
                "GDAL or ImageMagick is not installed: apt-get install gdal-bin imagemagick");
        SampleImage img = SampleImage.generate(330, 250, 3, 8, 25);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve(kind + ".tif");
        switch (kind) {
            case "cielab" -> FieldTools.run(List.of("gdal_translate", "-q", "-co", "PHOTOMETRIC=CIELAB", "-co", "TILED=YES",
                    "-co", "BLOCKXSIZE=128", "-co", "BLOCKYSIZE=128", "-co", "COMPRESS=DEFLATE", png.toString(), in.toString()));
            case "ycbcr" -> FieldTools.run(List.of("/usr/bin/convert", png.toString(), "-colorspace", "YCbCr", "-compress",
                    "lzw", in.toString()));
            default -> {
                Path jfif = dir.resolve("in.jpg");
                FieldTools.run(List.of("gdal_translate", "-q", "-of", "JPEG", png.toString(), jfif.toString()));
                java.nio.file.Files.write(in, dev.lip.formats.testing.OldStyleJpeg.of(
                        java.nio.file.Files.readAllBytes(jfif), img.width, img.height));
            }
        }
        byte[] rgb = FieldTools.gdalPixels(in);
        int bands = rgb.length / (img.width * img.height);
        byte[] expected = new byte[img.width * img.height];
        for (int i = 0; i < expected.length; i++) {
            int luma = 299 * (rgb[i * bands] & 0xFF) + 587 * (rgb[i * bands + 1] & 0xFF) + 114 * (rgb[i * bands + 2] & 0xFF);
            expected[i] = (byte) (luma >= 128_000 ? 255 : 0);
        }
        Path out = dir.resolve(kind + "-mask.tif");
        Trio.Run r = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "64");
        assertEquals(0, r.exitCode(), r.stderr());
        Masks.assertMaskEquals(expected, img.width, img.height, out, kind + " through libtiff");
    }
}
