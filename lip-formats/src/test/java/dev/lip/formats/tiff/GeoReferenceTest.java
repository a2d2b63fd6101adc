package dev.lip.formats.tiff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.source.ImageSource;
import dev.lip.formats.source.ImageSources;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A GeoTIFF's georeference reaches the result: the tags GDAL wrote are read from the input and written into a result
 * of the same grid, and {@code gdalinfo -json} (made and read at test time by GDAL itself) prints the same coordinate
 * system and geotransform for both.
 */
class GeoReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-a_srs EPSG:32633 -a_ullr 500000 5000000 500301 4999797 -co TILED=YES",
            "-a_srs EPSG:4326 -a_ullr 10.5 47.25 10.801 47.047",
            "-a_srs EPSG:3857 -a_ullr 0 100 301 -103 -co BIGTIFF=YES -co TILED=YES -co COMPRESS=DEFLATE"})
    void theResultHasTheInputsCoordinateSystemAndGeotransform(String options) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && FieldTools.installed("gdalinfo"), "GDAL is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(301, 203, 3, 8, 5);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("in.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        cmd.addAll(List.of(options.trim().split("\\s+")));
        cmd.addAll(List.of(png.toString(), in.toString()));
        FieldTools.run(cmd);

        GeoTiffTags tags;
        try (ImageSource src = new ImageSources(1_000_000).open(in)) {
            tags = src.placement().georeference();
        }
        assertNotNull(tags, "the GeoTIFF tags were read");
        Path out = dir.resolve("out.tif");
        try (TiledTiffWriter w = new TiledTiffWriter(out, 301, 203, 128, 1, 8, TiledTiffWriter.COMPRESSION_DEFLATE,
                options.contains("BIGTIFF"))) {
            Deflater d = new Deflater(1);
            for (int r = 0; r < w.tilesDown(); r++) {
                for (int c = 0; c < w.tilesAcross(); c++) {
                    Rect rect = new Rect(c * 128, r * 128, Math.min(128, 301 - c * 128), Math.min(128, 203 - r * 128));
                    w.writeTile(r, c, TiledTiffWriter.encodeTile(new PixelRegion(rect, 1, 8), 128, TiledTiffWriter.COMPRESSION_DEFLATE, d));
                }
            }
            w.placement(new Placement(tags, null));
        }
        JsonNode a = gdalinfo(in);
        JsonNode b = gdalinfo(out);
        assertTrue(a.path("coordinateSystem").path("wkt").asText().length() > 20, a.toString());
        assertEquals(a.path("coordinateSystem").path("wkt").asText(), b.path("coordinateSystem").path("wkt").asText());
        assertEquals(a.path("geoTransform"), b.path("geoTransform"));
        assertEquals(a.path("cornerCoordinates"), b.path("cornerCoordinates"));
    }

    @org.junit.jupiter.api.Test
    void anImageWithoutGeoreferenceHasNone() throws Exception {
        SampleImage img = SampleImage.generate(40, 30, 3, 8, 5);
        Path in = dir.resolve("plain.tif");
        img.writeTiff(in, "LZW", 16);
        try (ImageSource src = new ImageSources(1_000_000).open(in)) {
            assertEquals(Placement.NONE, src.placement());
        }
    }

    private JsonNode gdalinfo(Path file) throws Exception {
        return JSON.readTree(FieldTools.run(List.of("gdalinfo", "-json", file.toString())));
    }



    /** A pixel size stated by resolution tags or an Aperio MPP comes back as the result's resolution, in pixels/cm. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "-mo TIFFTAG_XRESOLUTION=20000 -mo TIFFTAG_YRESOLUTION=25000 -mo TIFFTAG_RESOLUTIONUNIT=3 ; 0.5  ; 0.4",
            "-mo TIFFTAG_XRESOLUTION=2540 -mo TIFFTAG_YRESOLUTION=2540 -mo TIFFTAG_RESOLUTIONUNIT=2   ; 10   ; 10",
            "-mo TIFFTAG_IMAGEDESCRIPTION=Aperio~Image~Library~v12.0.15~|AppMag~=~20|MPP~=~0.2520 -co TILED=YES ; 0.252 ; 0.252"})
    void thePixelSizeReachesTheResult(String options, double micronsX, double micronsY) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate") && FieldTools.installed("gdalinfo"), "GDAL is not installed: apt-get install gdal-bin");
        SampleImage img = SampleImage.generate(64, 48, 3, 8, 5);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        Path in = dir.resolve("in.tif");
        List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q"));
        for (String word : options.trim().split("\\s+")) {
            cmd.add(word.replace('~', ' ')); // ~ stands for a space inside one argument
        }
        cmd.addAll(List.of(png.toString(), in.toString()));
        FieldTools.run(cmd);
        PixelSize size;
        try (ImageSource src = new ImageSources(1_000_000).open(in)) {
            size = src.placement().pixelSize();
        }
        assertNotNull(size, "the pixel size was read");
        assertEquals(micronsX, size.micronsX(), 1e-9);
        assertEquals(micronsY, size.micronsY(), 1e-9);
        Path out = dir.resolve("out.tif");
        try (TiledTiffWriter w = new TiledTiffWriter(out, 64, 48, 64, 1, 8, TiledTiffWriter.COMPRESSION_DEFLATE, false)) {
            w.writeTile(0, 0, TiledTiffWriter.encodeTile(new PixelRegion(new Rect(0, 0, 64, 48), 1, 8), 64,
                    TiledTiffWriter.COMPRESSION_DEFLATE, new Deflater(1)));
            w.placement(new Placement(null, size));
        }
        JsonNode md = gdalinfo(out).path("metadata").path("");
        assertEquals("3 (pixels/cm)", md.path("TIFFTAG_RESOLUTIONUNIT").asText(), md.toString());
        assertEquals(10_000 / micronsX, md.path("TIFFTAG_XRESOLUTION").asDouble(), 0.01);
        assertEquals(10_000 / micronsY, md.path("TIFFTAG_YRESOLUTION").asDouble(), 0.01);
    }
}
