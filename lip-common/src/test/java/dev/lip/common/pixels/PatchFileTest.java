package dev.lip.common.pixels;

import dev.lip.common.geometry.Rect;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PatchFileTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsEveryLayout() throws IOException {
        for (int bands = 1; bands <= 4; bands++) {
            for (int bits : new int[]{8, 16}) {
                SampleImage img = SampleImage.generate(37, 21, bands, bits, bands * 100 + bits);
                PixelRegion r = img.region(new Rect(3, 4, 30, 15));
                Path f = dir.resolve("p" + bands + "-" + bits + ".patch");
                PatchFile.write(f, r);
                PixelRegion back = PatchFile.read(f);
                assertEquals(r, back);
                assertEquals(img.sample(3 + 29, 4 + 14, bands - 1), back.sample(29, 14, bands - 1));
                assertEquals(PatchFile.HEADER_SIZE + 30 * 15 * bands * bits / 8, Files.size(f));
            }
        }
    }

    @Test
    void floatSamplesRoundTripAndRegionsReadOnlyTheirPart() throws IOException {
        PixelRegion r = new PixelRegion(new Rect(100, 200, 13, 9), 2, PixelRegion.FLOAT_BITS);
        for (int y = 0; y < 9; y++) {
            for (int x = 0; x < 13; x++) {
                r.setFloatSample(x, y, 0, x * 0.25f - y);
                r.setFloatSample(x, y, 1, Float.intBitsToFloat(0x3f800000 + x * 31 + y));
            }
        }
        Path f = dir.resolve("f.patch");
        PatchFile.write(f, r);
        assertEquals(r, PatchFile.read(f));
        assertEquals(PatchFile.HEADER_SIZE + 13 * 9 * 2 * 4, Files.size(f));
        ByteBuffer raw = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(32, raw.getShort(26));
        assertEquals(-8f + 12 * 0.25f, raw.getFloat(PatchFile.HEADER_SIZE + (8 * 13 + 12) * 8));

        Rect part = new Rect(104, 203, 5, 4);
        PixelRegion sub = PatchFile.readRegion(f, part);
        assertEquals(r.crop(part), sub);
        assertEquals(r.floatSample(8, 6, 1), sub.floatSample(4, 3, 1));
        assertThrows(IOException.class, () -> PatchFile.readRegion(f, new Rect(99, 200, 5, 4)));
    }

    @Test
    void headerIsLittleEndianAsDocumented() throws IOException {
        PixelRegion r = new PixelRegion(new Rect(512, 1024, 2, 1), 1, 16);
        r.setSample(1, 0, 0, 0x1234);
        Path f = dir.resolve("x.patch");
        PatchFile.write(f, r);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals('L', b.get(0));
        assertEquals(1, b.getInt(4));
        assertEquals(512, b.getInt(8));
        assertEquals(1024, b.getInt(12));
        assertEquals(2, b.getInt(16));
        assertEquals(1, b.getInt(20));
        assertEquals(1, b.getShort(24));
        assertEquals(16, b.getShort(26));
        assertEquals(0x1234, b.getShort(34));
    }

    @Test
    void refusesTruncatedOrForeignFiles() throws IOException {
        PixelRegion r = new PixelRegion(new Rect(0, 0, 10, 10), 3, 8);
        Path f = dir.resolve("t.patch");
        PatchFile.write(f, r);
        byte[] all = Files.readAllBytes(f);
        Files.write(f, java.util.Arrays.copyOf(all, all.length - 1));
        assertThrows(IOException.class, () -> PatchFile.read(f));
        Files.writeString(f, "hello, this is not a patch file at all");
        assertThrows(IOException.class, () -> PatchFile.read(f));
    }

    /** A patch store keeps bytes: they are the file's bytes exactly, and are checked as a file is. */
    @Test
    void bytesAreTheFilesBytesAndAreCheckedAlike() throws IOException {
        SampleImage img = SampleImage.generate(37, 21, 3, 16, 5);
        PixelRegion r = img.region(new Rect(3, 4, 30, 15));
        Path f = dir.resolve("b.patch");
        PatchFile.write(f, r);
        byte[] bytes = PatchFile.toBytes(r);
        org.junit.jupiter.api.Assertions.assertArrayEquals(Files.readAllBytes(f), bytes);
        assertEquals(r, PatchFile.fromBytes(bytes, "b.patch"));
        assertThrows(IOException.class, () -> PatchFile.fromBytes(java.util.Arrays.copyOf(bytes, bytes.length - 1), "x"));
        assertThrows(IOException.class, () -> PatchFile.fromBytes(new byte[10], "x"));
        assertThrows(IOException.class, () -> PatchFile.fromBytes("not a patch file, but long enough".getBytes(), "x"));
    }
}
