package dev.lip.common.transport;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PackedPatchTest {

    private static byte[] mask(int size, long seed) {
        Random random = new Random(seed);
        PixelRegion region = new PixelRegion(new Rect(512, 1024, size, size), 1, 8);
        byte[] data = region.data();
        for (int y = 0; y < size; y++) { // blobs: runs along rows, as a threshold of a photograph gives
            for (int x = 0; x < size; x++) {
                data[y * size + x] = (byte) (((x / 37 + y / 29 + random.nextInt(50) / 49) % 2) * 255);
            }
        }
        return PatchFile.toBytes(region);
    }

    @Test
    void aMaskIsDeflatedAndComesBackByteForByte() throws IOException {
        byte[] file = mask(512, 1);
        byte[] packed = PackedPatch.pack(file);
        assertTrue(packed.length * 4 < file.length, "packed " + packed.length + " of " + file.length);
        assertArrayEquals(file, PackedPatch.unpack(packed, "k", 1 << 20));
    }

    @Test
    void whatDoesNotHalveIsStoredAsItIsAndReadAsItIs() throws IOException {
        PixelRegion noise = new PixelRegion(new Rect(0, 0, 256, 256), 3, 8);
        new Random(2).nextBytes(noise.data());
        byte[] file = PatchFile.toBytes(noise);
        assertSame(file, PackedPatch.pack(file));
        assertSame(file, PackedPatch.unpack(file, "k", 1 << 20));
        byte[] tiny = {1, 2, 3};
        assertSame(tiny, PackedPatch.unpack(tiny, "k", 1 << 20));
    }

    @Test
    void damageIsASentenceNeverAnAllocationOfWhatTheBytesClaim() {
        byte[] packed = PackedPatch.pack(mask(256, 3));
        byte[] cut = Arrays.copyOf(packed, packed.length / 2);
        IOException e = assertThrows(IOException.class, () -> PackedPatch.unpack(cut, "job/results/r0_c0", 1 << 20));
        assertTrue(e.getMessage().contains("job/results/r0_c0 is damaged"), e.getMessage());

        byte[] trailing = Arrays.copyOf(packed, packed.length + 10);
        assertThrows(IOException.class, () -> PackedPatch.unpack(trailing, "k", 1 << 20));

        byte[] garbled = packed.clone();
        for (int i = 12; i < garbled.length; i += 7) {
            garbled[i] ^= 0x5A;
        }
        assertThrows(IOException.class, () -> PackedPatch.unpack(garbled, "k", 1 << 20));

        byte[] huge = packed.clone(); // claims 4 GB
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1);
        e = assertThrows(IOException.class, () -> PackedPatch.unpack(huge, "k", 1 << 20));
        assertTrue(e.getMessage().contains("more than a patch can have"), e.getMessage());

        byte[] longer = packed.clone(); // claims more than it inflates to
        ByteBuffer.wrap(longer).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 1 << 20);
        assertThrows(IOException.class, () -> PackedPatch.unpack(longer, "k", 1 << 20));
    }
}
