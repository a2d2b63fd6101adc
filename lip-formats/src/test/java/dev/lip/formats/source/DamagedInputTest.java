package dev.lip.formats.source;

import dev.lip.formats.testing.TestTiffs;
import dev.lip.common.testing.CraftedFiles;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged files fail with a sentence, from their header where it shows, and never yield rows that are not there. */
class DamagedInputTest {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    /** Opens and streams every row; returns the failure's message, or fails the test if it succeeded. */
    private String failure(Path file) {
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> {
            try (ImageSource s = SOURCES.open(file)) {
                s.streamRows((y, row) -> { });
            }
        });
        assertFalse(e.getMessage().contains(dir.toString()), "the message names a path: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void aPngWhoseDataEndsAfterOneRowFailsNamingTheRowInsteadOfRepeatingIt() throws IOException {
        Path png = write("short.png", CraftedFiles.pngWithRows(300, 200, 1, 7));
        try (ImageSource s = SOURCES.open(png)) {
            assertEquals(200, s.info().height()); // the header alone does not show it: the data could hold 200 rows
        }
        String why = failure(png);
        assertTrue(why.contains("ends at row 1 of 200"), why);
    }

    @Test
    void aCompletePngStillStreamsEveryRow() throws IOException {
        Path png = write("full.png", CraftedFiles.pngWithRows(300, 200, 200, 7));
        try (ImageSource s = SOURCES.open(png)) {
            int[] rows = {0};
            s.streamRows((y, row) -> rows[0]++);
            assertEquals(200, rows[0]);
        }
    }

    @Test
    void aTinyPngClaimingNinetyThousandSquaredIsRefusedFromItsHeader() throws IOException {
        byte[] png = CraftedFiles.pngWithRows(90000, 90000, 0, 1);
        assertTrue(png.length < 300, "crafted PNG is " + png.length + " bytes");
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(write("bomb.png", png)));
        assertTrue(e.getMessage().contains("cannot hold that many rows"), e.getMessage());
    }

    @Test
    void anIhdrDeclaringTwoGigabytesIsRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] png = CraftedFiles.png(300, 200, 2, 0x7fffffffL, new byte[16]);
        UnreadableImageException e = assertThrows(UnreadableImageException.class, () -> SOURCES.open(write("ihdr.png", png)));
        assertTrue(e.getMessage().contains("IHDR"), e.getMessage());
    }

    @Test
    void aPngCutInsideItsDataIsRefused() throws IOException {
        byte[] full = CraftedFiles.pngWithRows(300, 200, 200, 3);
        String why = failure(write("cut.png", Arrays.copyOf(full, full.length / 2)));
        assertTrue(why.contains("truncated"), why);
    }

    @ParameterizedTest(name = "{0}: tag {1} = {2}")
    @CsvSource({"Deflate, 324, 0", "Deflate, 324, 99999999", "Deflate, 325, 0", "Deflate, 325, 1",
            "LZW, 325, 1", "LZW, 325, 0", "PackBits, 325, 1", "PackBits, 324, 0"})
    void tiffTilesThatPointNowhereAreRefused(String compression, int tag, long value) throws IOException {
        Path good = dir.resolve("good.tif");
        SampleImage.generate(64, 64, 1, 8, 5).writeTiff(good, compression, 32);
        Path bad = write("bad.tif", CraftedFiles.tiffWithTag(Files.readAllBytes(good), tag, value));
        String why = failure(bad);
        // Offsets past the end are already refused by the JDK reader as it reads the directory.
        assertTrue(why.contains("tile 0 of 4") || why.contains("Data segment out of stream"), why);
    }

    /**
     * The JDK's reader leaves what it could not decode of a block as zeros (grey for JPEG), for every compression:
     * deflate and uncompressed blocks are read by our own reader, which requires every byte of every block; the
     * others are checked for a whole stream before the JDK decodes them.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"Deflate, 32, tile 1 of 4", "Deflate, 0, strip 1 of", "ZLib, 32, tile 1 of 4",
            "LZW, 32, tile 1 of 4", "LZW, 0, strip 1 of", "PackBits, 32, tile 1 of 4", "PackBits, 0, strip 1 of",
            "JPEG, 32, tile 1 of 4", "JPEG, 0, strip 1 of"})
    void aBlockWhoseDataEndsEarlyFailsInsteadOfGivingZeros(String compression, int tile, String what) throws IOException {
        Path good = dir.resolve("good.tif");
        SampleImage.generate(64, 64, 3, 8, 5).writeTiff(good, compression, tile);
        byte[] bytes = Files.readAllBytes(good);
        int countTag = tile > 0 ? 325 : 279;
        long count = CraftedFiles.tiffTag(bytes, countTag, 1);
        String why = failure(write("half.tif", CraftedFiles.tiffWithTag(bytes, countTag, 1, count / 2)));
        assertTrue(why.contains(what) && why.contains("ends early"), why);
    }

    @Test
    void aBigTiffTileWhoseDataEndsEarlyFailsInsteadOfHanging() throws IOException {
        Path good = dir.resolve("good-big.tif");
        TestTiffs.writeBigTiff(SampleImage.generate(64, 64, 3, 8, 5), good, 32);
        byte[] bytes = Files.readAllBytes(good);
        long count = CraftedFiles.tiffTag(bytes, 325, 1);
        String why = failure(write("half-big.tif", CraftedFiles.tiffWithTag(bytes, 325, 1, count / 2)));
        assertTrue(why.contains("tile 1 of 4") && why.contains("ends early"), why);
    }

    @Test
    void packBitsDataTheDecoderCannotFinishFailsInsteadOfGivingZeros() throws IOException {
        Path good = dir.resolve("good.tif");
        SampleImage.generate(64, 64, 1, 8, 5).writeTiff(good, "PackBits", 32);
        // Every tile points at the first tile's bytes but claims only 2 of them: in the file, decodable, too short.
        byte[] b = CraftedFiles.tiffWithTag(Files.readAllBytes(good), 325, 2);
        String why = failure(write("short.tif", b));
        assertTrue(why.contains("damaged"), why);
    }

    @Test
    void aJpegCutShortFailsInsteadOfBeingPaddedWithGrey() throws IOException {
        Path good = dir.resolve("good.jpg");
        SampleImage.generate(256, 256, 3, 8, 5).writeJpeg(good, false, 0.9f);
        byte[] full = Files.readAllBytes(good);
        String why = failure(write("cut.jpg", Arrays.copyOf(full, full.length * 2 / 3)));
        assertTrue(why.contains("truncated or corrupt"), why);
    }
}
