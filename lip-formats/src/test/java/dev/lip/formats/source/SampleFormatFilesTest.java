package dev.lip.formats.source;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Signed, 32-bit and floating-point TIFFs as GDAL and libvips write them (elevation models, probability maps, radar
 * and satellite products): every predictor (none, horizontal on 16, 32 and 64 bits, floating point), every lossless
 * compression, both byte orders, chunky and planar. Each is decoded to exactly the bytes GDAL itself decodes from the
 * same file (its raw ENVI dump), NaN pixels included, and keeps the nodata value gdalinfo reports.
 */
class SampleFormatFilesTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WIDTH = 301, HEIGHT = 203;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gdal_translate -q -b 1 IN OUT                                                          | float32 | 1",
            "gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3 IN OUT            | float32 | 3",
            "gdal_translate -q -co COMPRESS=LZW -co PREDICTOR=3 IN OUT                              | float32 | 3",
            "gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3 IN OUT | float32 | 3",
            "gdal_translate -q -co ENDIANNESS=BIG -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3 IN OUT | float32 | 3",
            "gdal_translate -q -co INTERLEAVE=BAND -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=3 IN OUT | float32 | 3",
            "gdal_translate -q -co ENDIANNESS=BIG -co COMPRESS=PACKBITS IN OUT                      | float32 | 3",
            "gdal_translate -q -ot Float64 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=2 IN OUT   | float64 | 3",
            "gdal_translate -q -ot Float64 -co COMPRESS=DEFLATE -co PREDICTOR=3 IN OUT              | float64 | 3",
            "gdal_translate -q -ot Int16 -co COMPRESS=DEFLATE -co PREDICTOR=2 IN OUT                | int16   | 3",
            "gdal_translate -q -ot Int16 -co ENDIANNESS=BIG -co TILED=YES -co COMPRESS=LZW -co PREDICTOR=2 IN OUT | int16 | 3",
            "gdal_translate -q -ot UInt32 -scale -1000 1000 0 4000000000 -co TILED=YES -co COMPRESS=LZW -co PREDICTOR=2 IN OUT | uint32 | 3",
            "gdal_translate -q -ot Int32 -co COMPRESS=PACKBITS IN OUT                               | int32   | 3",
            "gdal_translate -q -ot Int32 -co ENDIANNESS=BIG -co INTERLEAVE=BAND -co COMPRESS=ZSTD -co PREDICTOR=2 IN OUT | int32 | 3",
            "vips tiffsave IN OUT --tile --compression deflate --predictor float                    | float32 | 3",
            "vips tiffsave IN OUT --compression lzw --predictor float                               | float32 | 3",
            "vips tiffsave IN OUT --tile --bigtiff --compression deflate --predictor float          | float32 | 3"})
    void wideSamplesAreReadAsGdalReadsThem(String command, String format, int bands) throws Exception {
        Path out = make(command);
        byte[] reference = gdalSamples(out);
        JsonNode band = JSON.readTree(FieldTools.run("gdalinfo", "-json", out.toString())).path("bands").path(0);
        try (ImageSource src = SOURCES.open(out)) {
            assertEquals(SampleFormat.ofLabel(format), src.info().sampleFormat());
            assertEquals(bands, src.info().bands());
            assertEquals(WIDTH, src.info().width());
            if (band.has("noDataValue")) {
                assertEquals(band.get("noDataValue").asDouble(), Double.parseDouble(src.info().nodata()));
            } else {
                assertEquals(null, src.info().nodata());
            }
            assertArrayEquals(reference, streamed(src), "every row as GDAL decodes it");
            if (src.supportsRegions()) {
                int pixel = bands * src.info().sampleFormat().bytes();
                for (Rect r : List.of(new Rect(0, 0, 64, 64), new Rect(250, 150, 51, 53), new Rect(100, 37, 130, 91))) {
                    PixelRegion region = src.readRegion(r);
                    for (int y = 0; y < r.height(); y++) {
                        int from = ((r.y() + y) * WIDTH + r.x()) * pixel;
                        assertArrayEquals(Arrays.copyOfRange(reference, from, from + r.width() * pixel),
                                Arrays.copyOfRange(region.data(), y * r.width() * pixel, (y + 1) * r.width() * pixel),
                                "row " + y + " of " + r);
                    }
                }
            }
        }
    }

    /**
     * Issue 24: signed 8-bit samples (GDAL's Int8, or PIXELTYPE=SIGNEDBYTE before GDAL 3.7) were refused; they are
     * read as int16 holding the same values, -128 to 127, whatever the predictor and interleaving. GDAL's dump gives
     * the stored bytes (GDAL 3.6 reports them as Byte), so the reference is that dump sign-extended.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"gdal_translate -q -ot Byte -scale -1000 1000 0 255 -co PIXELTYPE=SIGNEDBYTE IN OUT",
            "gdal_translate -q -ot Byte -scale -1000 1000 0 255 -co PIXELTYPE=SIGNEDBYTE -co COMPRESS=LZW -co PREDICTOR=2 IN OUT",
            "gdal_translate -q -ot Byte -scale -1000 1000 0 255 -co PIXELTYPE=SIGNEDBYTE -co INTERLEAVE=BAND -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2 IN OUT"})
    void signedBytesAreReadAsInt16OfTheirValues(String command) throws Exception {
        Path out = make(command);
        assertTrue(FieldTools.run("tiffinfo", out.toString()).contains("signed integer"), "a signed 8-bit TIFF");
        byte[] stored = gdalSamples(out);
        byte[] expected = new byte[stored.length * 2];
        for (int i = 0; i < stored.length; i++) {
            expected[2 * i] = stored[i];
            expected[2 * i + 1] = (byte) (stored[i] >> 7);
        }
        try (ImageSource src = SOURCES.open(out)) {
            assertEquals(SampleFormat.INT16, src.info().sampleFormat());
            assertArrayEquals(expected, streamed(src));
        }
    }

    @Test
    void layoutsNotReadAreRefusedNamingWhatIsRead() throws Exception {
        Path jpeg = make("gdal_translate -q -ot Int16 -co TILED=YES -co COMPRESS=LERC IN OUT");
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(jpeg).close());
        assertTrue(e.getMessage().contains("LERC"), e.getMessage());
        Path complex = make("gdal_translate -q -ot CFloat32 IN OUT");
        e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(complex).close());
        assertTrue(e.getMessage().startsWith("TIFF images with 64-bit complex samples are not read"), e.getMessage());
    }

    /** The source's rows, top to bottom, as one array. */
    private static byte[] streamed(ImageSource src) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        int[] next = {0};
        src.streamRows((y, row) -> {
            assertEquals(next[0]++, y);
            all.write(row, 0, WIDTH * src.info().bands() * src.info().sampleFormat().bytes());
        });
        return all.toByteArray();
    }

    /** What GDAL decodes from {@code file}: its raw dump, pixel-interleaved, in this machine's (little-endian) order. */
    private byte[] gdalSamples(Path file) throws Exception {
        Path raw = dir.resolve("reference.raw");
        FieldTools.run("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP", file.toString(), raw.toString());
        assertTrue(Files.readString(dir.resolve("reference.hdr")).contains("byte order = 0"), "little-endian dump");
        return Files.readAllBytes(raw);
    }

    /** Runs a command with IN the float scene GDAL wrote (see {@link FieldTools#floatScene}) and OUT its output. */
    private Path make(String command) throws Exception {
        String tool = command.split(" ")[0];
        Assumptions.assumeTrue(FieldTools.installed(tool) && FieldTools.installed("gdal_translate"),
                tool + " is not installed: apt-get install libvips-tools gdal-bin");
        Path in = dir.resolve("scene.tif");
        if (!Files.exists(in)) {
            FieldTools.floatScene(in, WIDTH, HEIGHT);
        }
        Path out = dir.resolve("out.tif");
        Files.deleteIfExists(out);
        List<String> cmd = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
            cmd.add(word.equals("IN") ? in.toString() : word.equals("OUT") ? out.toString() : word);
        }
        FieldTools.run(cmd);
        return out;
    }
}
