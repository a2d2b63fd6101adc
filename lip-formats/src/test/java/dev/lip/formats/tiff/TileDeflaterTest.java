package dev.lip.formats.tiff;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Result tiles deflated by libdeflate or the JDK's zlib inflate back to exactly their pixels, as any reader does. */
class TileDeflaterTest {
    @AfterEach
    void bothPathsAgain() {
        System.clearProperty("lip.libdeflate");
    }

    @ParameterizedTest(name = "libdeflate {0}, level {1}")
    @CsvSource({"true, 1", "true, 6", "true, 9", "false, 1", "false, 6"})
    void tilesInflateBackToTheirPixels(boolean libdeflate, int level) throws Exception {
        System.setProperty("lip.libdeflate", Boolean.toString(libdeflate));
        Random random = new Random(level);
        byte[] mask = new byte[512 * 512]; // large uniform regions, as a threshold mask
        for (int i = 0; i < mask.length; i++) {
            mask[i] = (byte) (((i % 512) / 97 + (i / 512) / 61) % 2 == 0 ? 255 : 0);
        }
        byte[] noise = new byte[512 * 512];
        random.nextBytes(noise);
        try (TileDeflater deflater = new TileDeflater(level)) {
            ByteBuffer a = deflater.deflate(mask);
            ByteBuffer b = deflater.deflate(noise); // the first tile's bytes must survive the second call
            assertTrue(a.remaining() < mask.length / 20, "a mask compresses: " + a.remaining() + " bytes");
            assertArrayEquals(mask, inflate(a, mask.length));
            assertArrayEquals(noise, inflate(b, noise.length));
        }
    }

    private static byte[] inflate(ByteBuffer zlib, int size) throws Exception {
        Inflater inflater = new Inflater();
        byte[] in = new byte[zlib.remaining()];
        zlib.duplicate().get(in);
        inflater.setInput(in);
        byte[] out = new byte[size];
        int n = 0;
        while (n < size && !inflater.finished()) {
            n += inflater.inflate(out, n, size - n);
        }
        assertTrue(inflater.finished(), "the stream ends, with its checksum");
        inflater.end();
        return out;
    }
}
