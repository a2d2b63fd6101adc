package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Files written by the field's own tools at their defaults pass every structural check the sources make of damaged
 * input (directories, tile offsets, pixels per byte) and decode to the very samples they were made from. Made at
 * test time with libvips and GDAL; skipped, saying so, only where the tool is not installed (.ci/run installs both).
 */
class FieldToolFilesTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "vips tiffsave IN OUT                                                        | true",
            "vips tiffsave IN OUT --tile --compression deflate --predictor horizontal   | true",
            "vips tiffsave IN OUT --tile --bigtiff --compression lzw                     | true",
            "vips tiffsave IN OUT --tile --compression jpeg                              | false",
            "vips tiffsave IN OUT --compression lzw                                      | true",
            "vips tiffsave IN OUT --tile --compression lzw --predictor horizontal        | true",
            "vips tiffsave IN OUT --tile --bigtiff --compression deflate --predictor horizontal | true",
            "vips tiffsave IN OUT --tile --bigtiff --compression jpeg                    | false",
            "vips jpegsave IN OUT                                                        | false",
            "vips pngsave IN OUT                                                         | true",
            "gdal_translate -q IN OUT                                                    | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE IN OUT                 | true",
            "gdal_translate -q -co COMPRESS=LZW -co PREDICTOR=2 IN OUT                   | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=JPEG IN OUT                    | false",
            "gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=ZSTD IN OUT    | true",
            "gdal_translate -q -co COMPRESS=ZSTD -co PREDICTOR=2 IN OUT                  | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=2 IN16 OUT  | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=WEBP -co WEBP_LOSSLESS=TRUE IN OUT | true",
            "gdal_translate -q -co COMPRESS=WEBP -co WEBP_LOSSLESS=TRUE IN OUT           | true",
            "gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=WEBP -co WEBP_LOSSLESS=TRUE IN OUT | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=WEBP IN OUT                    | false",
            "gdal_translate -q -a_srs EPSG:4326 -a_ullr 0 10 7 5 -co TILED=YES IN OUT    | true",
            "vips tiffsave IN16 OUT --tile --compression deflate --predictor horizontal | true",
            "vips tiffsave IN16 OUT --compression deflate                               | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2 IN16 OUT | true",
            "gdal_translate -q -co COMPRESS=LZW -co PREDICTOR=2 IN16 OUT                 | true",
            "gdal_translate -q -co TILED=YES -co COMPRESS=LZW -co PREDICTOR=2 IN16 OUT   | true",
            "vips tiffsave IN16 OUT --tile --compression lzw --predictor horizontal     | true",
            "vips tiffsave IN16 OUT --compression lzw --predictor horizontal            | true",
            "gdal_translate -q -co INTERLEAVE=BAND -co COMPRESS=ZSTD IN OUT              | true",
            "gdal_translate -q -co INTERLEAVE=BAND -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2 IN16 OUT | true",
            "gdal_translate -q -co INTERLEAVE=BAND -co COMPRESS=LZW -co PREDICTOR=2 IN16 OUT | true",
            "gdal_translate -q -co INTERLEAVE=BAND -co COMPRESS=LZW IN OUT               | true",
            "gdal_translate -q -co INTERLEAVE=BAND -co COMPRESS=PACKBITS IN OUT          | true",
            "gdal_translate -q -co INTERLEAVE=BAND -co TILED=YES -co COMPRESS=PACKBITS IN OUT | true",
            "gdal_translate -q -co BIGTIFF=YES -co INTERLEAVE=BAND -co TILED=YES -co COMPRESS=DEFLATE IN OUT | true"})
    void filesTheFieldWritesAreReadExactly(String command, String lossless) throws Exception {
        // IN16: 16-bit samples, whose horizontal predictor (the tools' default) the JDK's reader refuses.
        SampleImage img = SampleImage.generate(301, 203, 3, command.contains("IN16") ? 16 : 8, 11);
        Path out = make(command, img, command.contains("jpegsave") ? "out.jpg" : command.contains("pngsave") ? "out.png" : "out.tif");
        try (ImageSource src = SOURCES.open(out)) {
            assertEquals(301, src.info().width());
            assertEquals(203, src.info().height());
            int[] samples = ImageSourcesTest.streamAll(src);
            if (Boolean.parseBoolean(lossless)) {
                assertArrayEquals(img.samples, samples);
            } else {
                assertEquals(img.samples.length, samples.length);
                double err = 0;
                for (int i = 0; i < samples.length; i++) {
                    err += Math.abs(samples[i] - img.samples[i]);
                }
                assertEquals(0, err / samples.length, 30, "a lossy copy stays close: " + Arrays.toString(Arrays.copyOf(samples, 6)));
            }
        }
    }

    /**
     * A field file with one block's byte count halved (its data then ends early inside the file): every path,
     * our block reader and the checks before the JDK's and AlgART's decoders, fails with a sentence instead of
     * giving zeros, grey or (AlgART on deflate) hanging.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "vips tiffsave IN OUT --tile --compression deflate --predictor horizontal   | 325",
            "vips tiffsave IN OUT --tile --bigtiff --compression deflate                 | 325",
            "vips tiffsave IN OUT --tile --bigtiff --compression lzw                     | 325",
            "vips tiffsave IN OUT --tile --bigtiff --compression jpeg                    | 325",
            "vips tiffsave IN OUT --tile --compression jpeg                              | 325",
            "gdal_translate -q -co COMPRESS=LZW -co PREDICTOR=2 IN OUT                   | 279",
            "gdal_translate -q -co COMPRESS=DEFLATE IN OUT                               | 279",
            "gdal_translate -q -co TILED=YES -co COMPRESS=LZW IN OUT                     | 325",
            "gdal_translate -q -co INTERLEAVE=BAND -co COMPRESS=PACKBITS IN OUT          | 279"})
    void fieldFilesWithABlockCutShortFail(String command, int countTag) throws Exception {
        Path out = make(command, SampleImage.generate(301, 203, 3, 8, 11), "out.tif");
        byte[] bytes = java.nio.file.Files.readAllBytes(out);
        long count = dev.lip.common.testing.CraftedFiles.tiffTag(bytes, countTag, 1);
        Path cut = dir.resolve("cut.tif");
        java.nio.file.Files.write(cut, dev.lip.common.testing.CraftedFiles.tiffWithTag(bytes, countTag, 1, count / 2));
        UnreadableImageException e = org.junit.jupiter.api.Assertions.assertThrows(UnreadableImageException.class, () -> {
            try (ImageSource src = SOURCES.open(cut)) {
                src.streamRows((y, row) -> { });
            }
        });
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("1 of") && e.getMessage().contains("ends early"),
                e.getMessage());
    }

    /**
     * Multispectral files as GDAL writes them: four (R, G, B, NIR) or six 16-bit bands, with the horizontal predictor,
     * every band read exactly (band b holds the PNG's band b mod 3, scaled by 257).
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gdal_translate -q -ot UInt16 -scale 0 255 0 65535 -b 1 -b 2 -b 3 -b 1 -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2 IN OUT | 4",
            "gdal_translate -q -ot UInt16 -scale 0 255 0 65535 -b 1 -b 2 -b 3 -b 1 -co COMPRESS=LZW -co PREDICTOR=2 IN OUT | 4",
            "gdal_translate -q -ot UInt16 -scale 0 255 0 65535 -b 1 -b 2 -b 3 -b 1 -b 2 -b 3 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=2 IN OUT | 6",
            "gdal_translate -q -ot UInt16 -scale 0 255 0 65535 -b 1 -b 2 -b 3 -b 1 -b 2 -b 3 -co BIGTIFF=YES -co TILED=YES -co COMPRESS=DEFLATE IN OUT | 6"})
    void multispectralFilesAreReadBandForBand(String command, int bands) throws Exception {
        SampleImage img = SampleImage.generate(301, 203, 3, 8, 17);
        Path out = make(command, img, "out.tif");
        try (ImageSource src = SOURCES.open(out)) {
            assertEquals(bands, src.info().bands());
            assertEquals(16, src.info().bitsPerSample());
            int[] samples = ImageSourcesTest.streamAll(src);
            int[] expected = new int[img.width * img.height * bands];
            for (int i = 0; i < img.width * img.height; i++) {
                for (int b = 0; b < bands; b++) {
                    expected[i * bands + b] = img.samples[i * 3 + b % 3] * 257;
                }
            }
            assertArrayEquals(expected, samples);
        }
    }

    /**
     * Compressions no reader here decodes are refused when the file is opened (at upload, a 400), naming the
     * compression, never accepted and failed once slicing has started.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "gdal_translate -q -co TILED=YES -co COMPRESS=LERC IN OUT                    | LERC (code 34887)",
            "gdal_translate -q -co COMPRESS=LZMA IN OUT                                  | LZMA (code 34925)"})
    void compressionsNotReadAreRefusedWhenOpenedNamingThem(String command, String named) throws Exception {
        Path out = make(command, SampleImage.generate(64, 48, 3, 8, 3), "out.tif");
        UnreadableImageException e = org.junit.jupiter.api.Assertions.assertThrows(UnreadableImageException.class,
                () -> SOURCES.open(out).close());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains(named), e.getMessage());
    }

    /**
     * Runs a tool's command line with IN (or IN16) standing for a PNG of {@code img} and OUT for the file it
     * writes; skips the test, saying why, where the tool is not installed.
     */
    private Path make(String command, SampleImage img, String outName) throws Exception {
        String tool = command.split(" ")[0];
        Assumptions.assumeTrue(FieldTools.installed(tool), tool + " is not installed: apt-get install libvips-tools gdal-bin");
        Path in = dir.resolve("in.png");
        img.writePng(in);
        Path out = dir.resolve(outName);
        List<String> cmd = new ArrayList<>();
        for (String word : command.trim().split("\\s+")) {
            cmd.add(word.equals("IN") || word.equals("IN16") ? in.toString() : word.equals("OUT") ? out.toString() : word);
        }
        FieldTools.run(cmd);
        return out;
    }

}
