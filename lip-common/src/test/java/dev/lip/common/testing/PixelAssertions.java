package dev.lip.common.testing;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.fail;

/** Byte-for-byte comparison of one-band 8-bit images, failing with how many pixels differ and where the first is. */
public final class PixelAssertions {
    private PixelAssertions() {
    }

    public static void assertSamePixels(byte[] expected, byte[] actual, int width, String what) {
        if (Arrays.equals(expected, actual)) {
            return;
        }
        if (expected.length != actual.length) {
            fail(what + ": " + actual.length + " pixels, expected " + expected.length);
        }
        int diff = 0, first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                diff++;
                first = first < 0 ? i : first;
            }
        }
        fail(what + ": " + diff + " pixels differ, first at (" + first % width + "," + first / width + "): expected "
                + (expected[first] & 0xFF) + ", got " + (actual[first] & 0xFF));
    }
}
