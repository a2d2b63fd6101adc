package dev.lip.formats.source;

import dev.lip.formats.testing.TestTiffs;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each source must deliver exactly the samples of a known image, for every pixel layout it claims to read. */
class ImageSourcesTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    @TempDir
    Path dir;

    /** All rows as one sample array, as the slicer would see them. */
    static int[] streamAll(ImageSource src) throws IOException {
        ImageInfo info = src.info();
        int perRow = info.width() * info.bands();
        int[] all = new int[perRow * info.height()];
        boolean[] seen = new boolean[info.height()];
        src.streamRows((y, row) -> {
            assertFalse(seen[y], "row " + y + " delivered twice");
            seen[y] = true;
            PixelRegion r = new PixelRegion(new Rect(0, y, info.width(), 1), info.bands(), info.bitsPerSample(),
                    Arrays.copyOf(row, perRow * info.bitsPerSample() / 8));
            for (int i = 0; i < perRow; i++) {
                all[y * perRow + i] = r.sample(i / info.bands(), 0, i % info.bands());
            }
        });
        for (int y = 0; y < seen.length; y++) {
            assertTrue(seen[y], "row " + y + " never delivered");
        }
        return all;
    }

    static int[] samples(PixelRegion r) {
        int[] out = new int[r.width() * r.height() * r.bands()];
        for (int i = 0; i < out.length; i++) {
            int px = i / r.bands();
            out[i] = r.sample(px % r.width(), px / r.width(), i % r.bands());
        }
        return out;
    }

    private void assertStreams(Path file, SampleImage expected, String format) throws IOException {
        try (ImageSource src = SOURCES.open(file)) {
            ImageInfo info = src.info();
            assertEquals(expected.width, info.width());
            assertEquals(expected.height, info.height());
            assertEquals(expected.bands, info.bands());
            assertEquals(expected.bits, info.bitsPerSample());
            assertTrue(info.format().startsWith(format), info.format());
            assertArrayEquals(expected.samples, streamAll(src));
        }
    }

    @ParameterizedTest(name = "PNG {0} bands {1}-bit")
    @CsvSource({"1,8", "2,8", "3,8", "4,8", "1,16", "2,16", "3,16", "4,16"})
    void pngEveryLayout(int bands, int bits) throws IOException {
        SampleImage img = SampleImage.generate(101, 77, bands, bits, 7);
        Path f = dir.resolve("i.png");
        img.writePng(f);
        assertStreams(f, img, "PNG");
    }

    @Test
    void pngPaletteIsExpandedWithAndWithoutTransparency() throws IOException {
        for (boolean alpha : new boolean[]{false, true}) {
            SampleImage img = SampleImage.palette(90, 61, 200, alpha, 3);
            Path f = dir.resolve("p.png");
            img.writePng(f);
            assertStreams(f, img, "PNG");
        }
    }

    @Test
    void interlacedPngStreamsUnderItsBudgetAndIsRefusedAbove() throws IOException {
        SampleImage img = SampleImage.generate(123, 45, 3, 8, 19);
        Path f = dir.resolve("adam7.png");
        javax.imageio.ImageWriter w = javax.imageio.ImageIO.getImageWritersByFormatName("png").next();
        javax.imageio.ImageWriteParam p = w.getDefaultWriteParam();
        p.setProgressiveMode(javax.imageio.ImageWriteParam.MODE_DEFAULT);
        try (var out = javax.imageio.ImageIO.createImageOutputStream(f.toFile())) {
            w.setOutput(out);
            w.write(null, new javax.imageio.IIOImage(img.toBufferedImage(), null, null), p);
        }
        assertStreams(f, img, "PNG (interlaced)");
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> new ImageSources(4000).open(f));
        assertTrue(e.getMessage().contains("interlaced"), e.getMessage());
    }

    @ParameterizedTest(name = "TIFF {0} bands {1}-bit {2} tile {3}")
    @CsvSource({"3,8,,0", "3,8,LZW,0", "3,8,Deflate,0", "3,8,PackBits,0", "3,8,,64", "3,8,LZW,64", "3,8,Deflate,32",
            "1,8,PackBits,32", "1,16,Deflate,0", "1,16,LZW,64", "3,16,Deflate,64", "4,8,LZW,0", "2,8,Deflate,32"})
    void tiffEveryLayoutStripsAndTiles(int bands, int bits, String compression, int tile) throws IOException {
        SampleImage img = SampleImage.generate(201, 133, bands, bits, 11);
        Path f = dir.resolve("i.tif");
        img.writeTiff(f, compression, tile);
        assertStreams(f, img, "TIFF");
        try (ImageSource src = SOURCES.open(f)) {
            assertEquals(tile > 0, src.supportsRegions());
            if (tile > 0) {
                Rect r = new Rect(50, 17, 101, 90);
                assertArrayEquals(samples(img.region(r)), samples(src.readRegion(r)));
            }
        }
    }

    @Test
    void formatsAreRegisteredProvidersThatRecogniseContentNotNames() throws IOException {
        // slides only OpenSlide reads are TIFFs: that format is asked before the TIFF ones
        assertEquals(java.util.List.of("JPEG", "PNG", "whole-slide image", "TIFF", "BigTIFF"),
                ImageSources.formats().stream().map(ImageFormat::name).toList());
        SampleImage img = SampleImage.generate(40, 30, 3, 8, 2);
        Path png = dir.resolve("really-a-png.jpg");
        img.writePng(png);
        assertEquals("PNG", ImageSources.sniff(png).orElseThrow().name());
        Path big = dir.resolve("b.png");
        TestTiffs.writeBigTiff(img, big, 16);
        assertEquals("BigTIFF", ImageSources.sniff(big).orElseThrow().name());
        Path text = dir.resolve("t.tif");
        Files.writeString(text, "II* but then text");
        assertTrue(ImageSources.sniff(text).isEmpty());
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> new ImageSources(SourceLimits.NONE).open(text));
        assertEquals("The upload is not an image we can read: expected JPEG, PNG, TIFF or BigTIFF.", e.getMessage());
    }

    @Test
    void tiffPaletteIsExpanded() throws IOException {
        SampleImage img = SampleImage.palette(120, 80, 256, false, 5);
        Path f = dir.resolve("p.tif");
        img.writeTiff(f, "LZW", 0);
        assertStreams(f, img, "TIFF");
    }

    @Test
    void jpegCompressedTiffMatchesTheJdkDecoder() throws IOException {
        SampleImage img = SampleImage.generate(160, 96, 3, 8, 9);
        Path f = dir.resolve("j.tif");
        img.writeTiff(f, "JPEG", 32);
        assertStreams(f, SampleImage.decode(f), "TIFF");
    }

    @ParameterizedTest(name = "BigTIFF {0} bands {1}-bit")
    @CsvSource({"3,8", "1,16", "4,8", "3,16"})
    void bigTiffRegionsAndRows(int bands, int bits) throws IOException {
        SampleImage img = SampleImage.generate(150, 100, bands, bits, 13);
        Path f = dir.resolve("b.tif");
        TestTiffs.writeBigTiff(img, f, 48);
        assertStreams(f, img, "BigTIFF");
        try (ImageSource src = SOURCES.open(f)) {
            assertTrue(src.supportsRegions());
            Rect r = new Rect(40, 30, 100, 61);
            assertArrayEquals(samples(img.region(r)), samples(src.readRegion(r)));
        }
    }

    @ParameterizedTest(name = "JPEG {0} bands progressive={1}")
    @CsvSource({"3,false", "1,false", "3,true", "1,true"})
    void jpegRowsEqualTheJdkDecodingOfTheWholeFile(int bands, boolean progressive) throws IOException {
        SampleImage img = SampleImage.generate(333, 211, bands, 8, 17);
        Path f = dir.resolve("i.jpg");
        img.writeJpeg(f, progressive, 0.9f);
        assertStreams(f, SampleImage.decode(f), "JPEG");
    }

    @Test
    void progressiveJpegAboveThePixelBudgetIsRefusedWithAReason() throws IOException {
        SampleImage img = SampleImage.generate(100, 100, 3, 8, 1);
        Path f = dir.resolve("p.jpg");
        img.writeJpeg(f, true, 0.9f);
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> new ImageSources(5000).open(f));
        assertTrue(e.getMessage().contains("progressive"), e.getMessage());
    }

    @Test
    void notAnImageIsRefusedAtOpen() throws IOException {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "just some text, not an image");
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(f));
        assertTrue(e.getMessage().contains("JPEG, PNG, TIFF"), e.getMessage());
    }

    @Test
    void truncatedFilesFailWithAReasonNotAHang() throws IOException {
        SampleImage img = SampleImage.generate(300, 200, 3, 8, 21);
        Path png = dir.resolve("t.png");
        img.writePng(png);
        Path jpg = dir.resolve("t.jpg");
        img.writeJpeg(jpg, false, 0.9f);
        Path tif = dir.resolve("t.tif");
        img.writeTiff(tif, "Deflate", 0);
        for (Path f : new Path[]{png, jpg, tif}) {
            byte[] all = Files.readAllBytes(f);
            Files.write(f, Arrays.copyOf(all, all.length / 2));
            IOException e = assertThrows(IOException.class, () -> {
                try (ImageSource src = SOURCES.open(f)) {
                    streamAll(src);
                }
            }, f.toString());
            assertTrue(e instanceof UnreadableImageException, f + ": " + e);
        }
    }
    /** Issue 23: 200,000 chained directories held ~280 MB in OpenSlide's detection; now refused before it. */
    @Test
    void aTiffChainingMoreThanAThousandDirectoriesIsRefusedFromItsStructure() throws IOException {
        int n = 1200;
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 + n * (2 + 12 + 4) + 16).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        for (int i = 0; i < n; i++) {
            int at = b.position();
            b.putShort((short) 1).putShort((short) 256).putShort((short) 3).putInt(1).putInt(1); // ImageWidth 1
            b.putInt(i == n - 1 ? 0 : at + 18);
        }
        Path tiff = dir.resolve("chain.tif");
        Files.write(tiff, Arrays.copyOf(b.array(), b.position()));
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(tiff).close());
        assertTrue(e.getMessage().contains("more than 1000 directories"), e.getMessage());
    }

    /** Issue 23: a 1.2 MB progressive 10000² JPEG took 970 MB of libjpeg's memory; its header says what it would. */
    @Test
    void aProgressiveJpegWhoseCoefficientsWouldNotFitIsRefusedFromItsHeader() throws IOException {
        // SOI, SOF2 10000 x 10000 with three components at 4:2:0, EOI: nothing but the header is read
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC2, 0, 17, 8, 0x27, 0x10, 0x27, 0x10, 3,
                1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, (byte) 0xFF, (byte) 0xD9};
        Path file = dir.resolve("progressive.jpg");
        Files.write(file, jpeg);
        UnreadableImageException e = assertThrows(UnreadableImageException.class,
                () -> new ImageSources(new SourceLimits(Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE)).open(file).close());
        assertTrue(e.getMessage().contains("286 MB") && e.getMessage().contains("progressive"), e.getMessage());
    }

    /** Issue 23: a 548 KB ZSTD TIFF claiming 100000² wrote 3.4 GB of patches; lip.max-expansion bounds it. */
    @Test
    void anImageDecodingToFarMoreThanItsFileIsRefused() throws IOException {
        Path png = dir.resolve("flat.png");
        SampleImage flat = SampleImage.generate(400, 300, 1, 8, 3);
        java.util.Arrays.fill(flat.samples, 7);
        flat.writePng(png);
        UnreadableImageException e = assertThrows(UnreadableImageException.class,
                () -> new ImageSources(new SourceLimits(Long.MAX_VALUE, Long.MAX_VALUE, 20)).open(png).close());
        assertTrue(e.getMessage().contains("lip.max-expansion"), e.getMessage());
        new ImageSources(new SourceLimits(Long.MAX_VALUE, Long.MAX_VALUE, 4096)).open(png).close();
    }
}
