package dev.lip.formats.source;

import dev.lip.common.testing.CraftedFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the sources make of a file, for the tests of each decoder: every row, and files damaged at random. */
final class Decoded {
    private static final ImageSources SOURCES = new ImageSources(100_000_000L);

    private Decoded() {
    }

    /** Every row of the file through its source, back to back. */
    static byte[] rows(Path file) throws IOException {
        try (ImageSource src = SOURCES.open(file)) {
            int rowBytes = src.info().width() * src.info().bands() * src.info().bitsPerSample() / 8;
            byte[] all = new byte[rowBytes * src.info().height()];
            src.streamRows((y, row) -> System.arraycopy(row, 0, all, y * rowBytes, rowBytes));
            return all;
        }
    }

    /** One case's damage to a good file. */
    @FunctionalInterface
    interface Damage {
        byte[] apply(int i, Random random);
    }

    /**
     * Reads {@code cases} damaged copies of a file (seeded, so the same each run). Each must give every row or fail
     * with a sentence that starts with one of {@code starts} and names no exception; any other throwable fails the
     * test, a crash of the JVM ends it.
     *
     * @return each case's outcome: "rows" and a hash of them, or the sentence
     */
    static List<String> outcomes(Path dir, String name, int cases, long seed, Damage damage, String... starts)
            throws IOException {
        Random random = new Random(seed);
        List<String> outcomes = new ArrayList<>();
        Path file = dir.resolve(name);
        for (int i = 0; i < cases; i++) {
            Files.write(file, damage.apply(i, random));
            try {
                outcomes.add("rows " + Arrays.hashCode(rows(file)));
            } catch (UnreadableImageException e) {
                String why = e.getMessage();
                assertTrue(Arrays.stream(starts).anyMatch(why::startsWith), "case " + i + ": " + why);
                assertFalse(why.contains("Exception"), "case " + i + ": " + why);
                outcomes.add(why);
            }
        }
        return outcomes;
    }

    /** How many of the outcomes are failures. */
    static long failures(List<String> outcomes) {
        return outcomes.stream().filter(o -> !o.startsWith("rows ")).count();
    }

    /** A copy with one to eight bits flipped at or after {@code from}. */
    static byte[] flipBits(byte[] bytes, int from, Random random) {
        byte[] damaged = bytes.clone();
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
            int at = from + random.nextInt(bytes.length - from);
            damaged[at] ^= (byte) (1 << random.nextInt(8));
        }
        return damaged;
    }

    /** For a tiled TIFF of {@code tiles} tiles: every third case one tile's data cut short, else bits flipped. */
    static Damage tiffTiles(byte[] bytes, int tiles) {
        int first = (int) CraftedFiles.tiffTag(bytes, 324, 0);
        return (i, random) -> {
            if (i % 3 == 0) {
                int tile = random.nextInt(tiles);
                long count = CraftedFiles.tiffTag(bytes, 325, tile);
                return CraftedFiles.tiffWithTag(bytes, 325, tile, random.nextInt((int) count));
            }
            return flipBits(bytes, first, random);
        };
    }
}
