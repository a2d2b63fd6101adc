package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Files read while they arrive (issue 27): a JPEG and a PNG written a little at a time by another thread, as an
 * upload writes them, decode to exactly the rows of the whole file, and rows come out before the last byte is
 * written; a TIFF is opened only once it is whole; an arriving file that turns out damaged or short is a sentence.
 */
class ArrivalTest {
    @TempDir
    Path dir;

    private final ExecutorService writer = Executors.newSingleThreadExecutor();

    /** Writes {@code bytes} to {@code file} in pieces of {@code piece} bytes, pausing between them. */
    private Future<?> arrive(byte[] bytes, Path file, int piece, AtomicLong written) {
        return arrive(bytes, file, piece, written, bytes.length, new java.util.concurrent.CountDownLatch(0));
    }

    /** As above, holding back what follows the first {@code hold} bytes until {@code go} opens (30 s at most). */
    private Future<?> arrive(byte[] bytes, Path file, int piece, AtomicLong written, int hold,
                             java.util.concurrent.CountDownLatch go) {
        return writer.submit(() -> {
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.APPEND)) {
                boolean held = false;
                for (int at = 0; at < bytes.length; at += piece) {
                    if (at >= hold && !held) {
                        go.await(30, TimeUnit.SECONDS);
                        held = true;
                    }
                    int n = Math.min(piece, bytes.length - at);
                    if (at < hold) {
                        n = Math.min(n, hold - at);
                    }
                    out.write(bytes, at, n);
                    out.flush();
                    written.addAndGet(n);
                    Thread.sleep(2);
                    at += n - piece; // the loop adds a piece
                }
            }
            return null;
        });
    }

    /** Decodes an arriving copy of {@code whole}; returns the rows, and checks the first came before the last byte. */
    private byte[] decodeWhileArriving(Path whole, int piece) throws Exception {
        return decodeWhileArriving(whole, piece, true);
    }

    /** @param early whether a row must come out before the last byte (else only the pixels are checked) */
    private byte[] decodeWhileArriving(Path whole, int piece, boolean early) throws Exception {
        byte[] bytes = Files.readAllBytes(whole);
        Path file = dir.resolve("arriving-" + whole.getFileName());
        Files.write(file, Arrays.copyOf(bytes, 64)); // what a job starts from: the first bytes only
        AtomicLong written = new AtomicLong(64);
        Arrival.expect(file, bytes.length);
        try {
            // nine tenths are written, the rest only once a row has come out (or after 30 s; a small COG's first
            // band of full-resolution tiles ends at four fifths of it, after its overview)
            java.util.concurrent.CountDownLatch firstRow = new java.util.concurrent.CountDownLatch(1);
            Future<?> writing = arrive(Arrays.copyOfRange(bytes, 64, bytes.length), file, piece, written,
                    early ? bytes.length * 9 / 10 : bytes.length, firstRow);
            AtomicLong firstRowAt = new AtomicLong(-1);
            byte[] rows;
            try (ImageSource src = new ImageSources(100_000_000L).open(file)) {
                int rowBytes = src.info().width() * src.info().bands() * src.info().bitsPerSample() / 8;
                rows = new byte[rowBytes * src.info().height()];
                byte[] all = rows;
                if (src.supportsRegions()) {
                    // as the slicer reads a TIFF: a band of rows at a time, by region
                    int band = 64;
                    for (int y = 0; y < src.info().height(); y += band) {
                        int h = Math.min(band, src.info().height() - y);
                        dev.lip.common.pixels.PixelRegion r = src.readRegion(
                                new dev.lip.common.geometry.Rect(0, y, src.info().width(), h));
                        firstRowAt.compareAndSet(-1, written.get());
                        firstRow.countDown();
                        System.arraycopy(r.data(), 0, all, y * rowBytes, h * rowBytes);
                    }
                } else {
                    src.streamRows((y, row) -> {
                        firstRowAt.compareAndSet(-1, written.get());
                        firstRow.countDown();
                        System.arraycopy(row, 0, all, y * rowBytes, rowBytes);
                    });
                }
            }
            writing.get(30, TimeUnit.SECONDS);
            assertTrue(!early || firstRowAt.get() < bytes.length, "the first row came after " + firstRowAt.get() + " of "
                    + bytes.length + " bytes, not before the last");
            return rows;
        } finally {
            Arrival.forget(file);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jpeg", "png", "png 16-bit"})
    void aFileReadWhileItArrivesDecodesToTheWholeFilesRows(String kind) throws Exception {
        SampleImage img = SampleImage.generate(900, 700, 3, kind.contains("16") ? 16 : 8, 41);
        Path whole = dir.resolve(kind.startsWith("jpeg") ? "whole.jpg" : "whole.png");
        if (kind.startsWith("jpeg")) {
            img.writeJpeg(whole, false, 0.9f);
        } else {
            img.writePng(whole);
        }
        assertArrayEquals(Decoded.rows(whole), decodeWhileArriving(whole, 16 << 10), kind);
    }

    @Test
    void aPngGdalWritesWithItsChunksIsReadWhileItArrives() throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path in = dir.resolve("in.png");
        SampleImage.generate(700, 500, 3, 8, 5).writePng(in);
        Path png = dir.resolve("gdal.png");
        FieldTools.make("gdal_translate -q -of PNG IN OUT", in, png);
        assertArrayEquals(FieldTools.gdalPixels(png), decodeWhileArriving(png, 8 << 10));
    }

    /** TIFFs whose directory comes first (GDAL's, tiled or striped, and a COG) are read as their blocks arrive. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE IN OUT",
            "gdal_translate -q -co COMPRESS=LZW IN OUT", "gdal_translate -q -of COG -co COMPRESS=DEFLATE IN OUT",
            "gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=DEFLATE IN OUT",
            "gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=LZW -co PREDICTOR=2 IN OUT"})
    void aTiffWhoseDirectoryComesFirstIsReadAsItArrives(String command) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path in = dir.resolve("in.png");
        SampleImage.generate(900, 700, 3, 8, 8).writePng(in);
        Path tif = dir.resolve("gdal.tif");
        FieldTools.make(command, in, tif);
        // a striped TIFF is read in bands of 32 MB of rows (TiffSource.BAND_BYTES): this small one is one band, read
        // as its strips arrive but handed out once all are in
        boolean striped = !command.contains("TILED") && !command.contains("COG");
        // a BigTIFF's LZW blocks with a predictor are AlgART's to decode, which reads the file once it is whole
        boolean algart = command.contains("BIGTIFF") && command.contains("PREDICTOR");
        assertArrayEquals(FieldTools.gdalPixels(tif), decodeWhileArriving(tif, 16 << 10, !striped && !algart), command);
    }

    /**
     * BigTIFFs GDAL writes (directory first) with JPEG tiles, which libjpeg-turbo decodes, equal the whole file's
     * decoding; one whose overviews gdaladdo appended after the pixels (the first directory points past the data) is
     * read as its full-resolution tiles arrive too: only the first directory is read.
     */
    @ParameterizedTest(name = "overviews {0}")
    @ValueSource(booleans = {false, true})
    void aBigTiffWhoseDirectoryComesFirstIsReadAsItArrives(boolean overviews) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path in = dir.resolve("in.png");
        SampleImage.generate(1100, 900, 3, 8, 9).writePng(in);
        Path tif = dir.resolve("big.tif");
        FieldTools.make("gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=JPEG -co PHOTOMETRIC=YCBCR IN OUT", in, tif);
        if (overviews) {
            FieldTools.make("gdaladdo -q -r average IN 2 4", tif, tif);
        }
        assertArrayEquals(Decoded.rows(tif), decodeWhileArriving(tif, 16 << 10), "overviews " + overviews);
    }

    /** libvips (like libtiff) writes the directory after the image data: such a TIFF is opened once it is whole. */
    @Test
    void aTiffWhoseDirectoryIsAtItsEndIsOpenedOnceItHasArrived() throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("vips"), "libvips is not installed: apt-get install libvips-tools");
        Path in = dir.resolve("in.png");
        SampleImage.generate(300, 200, 3, 8, 6).writePng(in);
        Path whole = dir.resolve("whole.tif");
        FieldTools.make("vips tiffsave IN OUT --tile --compression deflate", in, whole);
        byte[] bytes = Files.readAllBytes(whole);
        Path file = dir.resolve("arriving.tif");
        Files.write(file, Arrays.copyOf(bytes, 64));
        Arrival.expect(file, bytes.length);
        try {
            AtomicLong written = new AtomicLong(64);
            Future<?> writing = arrive(Arrays.copyOfRange(bytes, 64, bytes.length), file, 4096, written);
            try (ImageSource src = new ImageSources(100_000_000L).open(file)) {
                assertTrue(written.get() > bytes.length - 4096, "opened before its directory arrived: at "
                        + written.get() + " of " + bytes.length);
                assertEquals(300, src.info().width());
            }
            writing.get(30, TimeUnit.SECONDS);
            assertArrayEquals(Decoded.rows(whole), Decoded.rows(file));
        } finally {
            Arrival.forget(file);
        }
    }

    /**
     * A file whose bytes have all arrived but end early, or arrive damaged, is refused with a sentence, as the whole
     * file is: the declared length ends the waiting, never a hang or made-up rows.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"jpg", "png"})
    void anArrivingFileCutShortOrDamagedIsASentence(String ext) throws Exception {
        SampleImage img = SampleImage.generate(600, 400, 3, 8, 7);
        Path whole = dir.resolve("whole." + ext);
        if (ext.equals("jpg")) {
            img.writeJpeg(whole, false, 0.9f);
        } else {
            img.writePng(whole);
        }
        byte[] bytes = Files.readAllBytes(whole);
        Random random = new Random(11);
        for (int i = 0; i < 12; i++) {
            byte[] damaged = i % 2 == 0 ? Arrays.copyOf(bytes, bytes.length / 3 + random.nextInt(bytes.length / 2))
                    : bytes.clone();
            if (i % 2 == 1) {
                for (int k = 0; k < 8; k++) {
                    damaged[200 + random.nextInt(damaged.length - 200)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            Path file = dir.resolve("damaged-" + i + "." + ext);
            Files.write(file, Arrays.copyOf(damaged, 64));
            Arrival.expect(file, damaged.length);
            try {
                arrive(Arrays.copyOfRange(damaged, 64, damaged.length), file, 8192, new AtomicLong());
                ImageSources sources = new ImageSources(100_000_000L);
                if (i % 2 == 0) {
                    IOException e = assertThrows(IOException.class, () -> {
                        try (ImageSource src = sources.open(file)) {
                            src.streamRows((y, row) -> { });
                        }
                    }, "cut at " + damaged.length + " of " + bytes.length);
                    assertFalse(e.getMessage() == null || e.getMessage().isBlank());
                } else {
                    try (ImageSource src = sources.open(file)) {
                        src.streamRows((y, row) -> { }); // every row, or a sentence: both are fine
                    } catch (UnreadableImageException e) {
                        assertFalse(e.getMessage().isBlank());
                    }
                }
            } finally {
                Arrival.forget(file);
            }
        }
    }
}
