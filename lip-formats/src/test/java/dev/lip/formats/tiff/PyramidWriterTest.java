package dev.lip.formats.tiff;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pyramids of odd sizes (not multiples of the tile, one tile wide, one pixel) written tile by tile and read back,
 * every level, by GDAL (COG) and libvips (OME-TIFF's SubIFDs), against a reference pyramid computed here from the
 * full-resolution level; GDAL's COG validator and OpenSlide judge the files.
 */
class PyramidWriterTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}x{1}, tiles of {2}, {3}")
    @CsvSource({
            "700, 500, 256, MEAN",
            "1000, 37, 64, MEAN",
            "256, 1000, 256, NEAREST",
            "1, 1, 16, MEAN",
            "1033, 1, 16, MEAN",
            "515, 515, 32, NEAREST"})
    void everyLevelOfACogIsTheReducedLevelAbove(int width, int height, int tile, Reduction reduction) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        byte[] full = mask(width, height, reduction == Reduction.NEAREST);
        Path out = dir.resolve("result.tif");
        int levels = write(out, full, width, height, tile, ResultLayout.COG, reduction);
        List<byte[]> reference = reference(full, width, height, tile, reduction);
        assertEquals(reference.size(), levels);
        int w = width, h = height;
        for (int k = 0; k < levels; k++) {
            Path raw = dir.resolve("level" + k + ".raw");
            List<String> cmd = new ArrayList<>(List.of("gdal_translate", "-q", "-of", "ENVI"));
            if (k > 0) {
                cmd.addAll(List.of("-ovr", Integer.toString(k - 1)));
            }
            cmd.addAll(List.of(out.toString(), raw.toString()));
            FieldTools.run(cmd);
            byte[] got = Files.readAllBytes(raw);
            if (got.length == 2 && reference.get(k).length == 1) {
                got = new byte[]{got[0]}; // GDAL's ENVI driver writes a one-pixel band as two bytes
            }
            assertArrayEquals(reference.get(k), got, "level " + k + " (" + w + "x" + h + ")");
            w = (w + 1) / 2;
            h = (h + 1) / 2;
        }
        String python = FieldTools.gdalPython();
        if (python != null) {
            String verdict = FieldTools.run(python, "-m", "osgeo_utils.samples.validate_cloud_optimized_geotiff", out.toString());
            assertTrue(verdict.contains("is a valid cloud optimized GeoTIFF") && !verdict.toLowerCase().contains("warning"),
                    verdict);
        }
        if (FieldTools.installed("vips")) {
            // libvips reads a COG's levels as pages
            assertEquals(Integer.toString(levels), FieldTools.run("vipsheader", "-f", "n-pages", out.toString()).trim());
            Path raw = dir.resolve("vips-last.raw");
            FieldTools.run("vips", "rawsave", out + "[page=" + (levels - 1) + "]", raw.toString());
            assertArrayEquals(reference.get(levels - 1), Files.readAllBytes(raw), "the smallest level through libvips");
        }
        if (FieldTools.installed("openslide-show-properties")) {
            String props = FieldTools.run("openslide-show-properties", out.toString());
            assertTrue(props.contains("openslide.level-count: '" + levels + "'"), props);
        }
    }

    @ParameterizedTest(name = "{0}x{1}, tiles of {2}")
    @CsvSource({"700, 500, 128", "1, 1, 16", "300, 90, 16"})
    void anOmeTiffHasItsReducedLevelsAsSubIfdsAndItsPixelSizeInOmeXml(int width, int height, int tile) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("vips") && FieldTools.installed("vipsheader"),
                "libvips is not installed: apt-get install libvips-tools");
        byte[] full = mask(width, height, false);
        Path out = dir.resolve("result.ome.tif");
        int levels = write(out, full, width, height, tile, ResultLayout.OME_TIFF, Reduction.MEAN);
        List<byte[]> reference = reference(full, width, height, tile, Reduction.MEAN);
        if (levels > 1) { // libvips sets no n-subifds field where there are none
            assertEquals(Integer.toString(levels - 1), FieldTools.run("vipsheader", "-f", "n-subifds", out.toString()).trim());
        }
        for (int k = 0; k < levels; k++) {
            Path raw = dir.resolve("level" + k + ".raw");
            String source = out + (k == 0 ? "" : "[subifd=" + (k - 1) + "]");
            FieldTools.run("vips", "rawsave", source, raw.toString());
            assertArrayEquals(reference.get(k), Files.readAllBytes(raw), "level " + k);
        }
        String xml = FieldTools.run("vipsheader", "-f", "image-description", out.toString());
        assertTrue(xml.contains("SizeX=\"" + width + "\" SizeY=\"" + height + "\""), xml);
        assertTrue(xml.contains("PhysicalSizeX=\"0.25\" PhysicalSizeXUnit=\"µm\""), xml);
        javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.trim().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** Writes the mask tile by tile, in row-major order, as the stitcher does; returns the level count. */
    static int write(Path out, byte[] full, int width, int height, int tile, ResultLayout layout,
                             Reduction reduction) throws Exception {
        Placement placement = new Placement(null, new PixelSize(0.25, 0.25));
        Deflater deflater = new Deflater(6);
        try (PyramidWriter w = new PyramidWriter(out, width, height, tile, layout, reduction, placement, 6)) {
            for (int r = 0; r * tile < height; r++) {
                for (int c = 0; c * tile < width; c++) {
                    Rect rect = new Rect(c * tile, r * tile, Math.min(tile, width - c * tile), Math.min(tile, height - r * tile));
                    PixelRegion p = new PixelRegion(rect, 1, 8);
                    for (int y = 0; y < rect.height(); y++) {
                        System.arraycopy(full, (rect.y() + y) * width + rect.x(), p.data(), y * rect.width(), rect.width());
                    }
                    w.writeTile(r, c, p, TiledTiffWriter.encodeTile(p, tile, TiledTiffWriter.COMPRESSION_DEFLATE, deflater));
                }
            }
            return w.levels();
        }
    }

    /** The pyramid by its rule, level by level from the full resolution, until a level fits one tile. */
    static List<byte[]> reference(byte[] full, int width, int height, int tile, Reduction reduction) {
        List<byte[]> out = new ArrayList<>(List.of(full));
        int w = width, h = height;
        byte[] level = full;
        while (w > tile || h > tile) {
            int ow = (w + 1) / 2, oh = (h + 1) / 2;
            byte[] next = new byte[ow * oh];
            for (int y = 0; y < oh; y++) {
                for (int x = 0; x < ow; x++) {
                    if (reduction == Reduction.NEAREST) {
                        next[y * ow + x] = level[2 * y * w + 2 * x];
                        continue;
                    }
                    int sum = 0, n = 0;
                    for (int dy = 0; dy < 2 && 2 * y + dy < h; dy++) {
                        for (int dx = 0; dx < 2 && 2 * x + dx < w; dx++) {
                            sum += level[(2 * y + dy) * w + 2 * x + dx] & 0xFF;
                            n++;
                        }
                    }
                    next[y * ow + x] = (byte) Math.round((double) sum / n);
                }
            }
            out.add(next);
            level = next;
            w = ow;
            h = oh;
        }
        return out;
    }

    /** Blobs (a mask) or a few labels, with enough noise that every reduction rounds somewhere. */
    static byte[] mask(int width, int height, boolean labels) {
        Random random = new Random(width * 31L + height);
        byte[] m = new byte[width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean on = Math.sin(x / 23.0) * Math.cos(y / 17.0) > 0.2 ^ random.nextInt(10) == 0;
                m[y * width + x] = (byte) (labels ? (on ? 1 + (x / 50) % 3 : 0) : on ? 255 : 0);
            }
        }
        return m;
    }
}
