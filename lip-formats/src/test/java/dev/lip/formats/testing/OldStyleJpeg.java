package dev.lip.formats.testing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * An old-style JPEG TIFF (compression 6) as old scanners and cameras wrote it: a little-endian TIFF with one strip
 * holding a whole JFIF stream, YCbCr, with JPEGInterchangeFormat and its length pointing at the stream. No tool of
 * today writes old-style JPEG, so tests make it from a JPEG a field tool wrote.
 */
public final class OldStyleJpeg {
    private OldStyleJpeg() {
    }

    /** @param jpeg a whole baseline JPEG of {@code width x height}, 4:2:0 (libjpeg's default) */
    public static byte[] of(byte[] jpeg, int width, int height) {
        int[][] entries = {{256, 3, 1, width}, {257, 3, 1, height}, {258, 3, 3, -1}, {259, 3, 1, 6}, {262, 3, 1, 6},
                {273, 4, 1, -2}, {277, 3, 1, 3}, {278, 3, 1, height}, {279, 4, 1, jpeg.length}, {513, 4, 1, -2},
                {514, 4, 1, jpeg.length}, {530, 3, 2, 2 | 2 << 16}, {284, 3, 1, 1}};
        java.util.Arrays.sort(entries, java.util.Comparator.comparingInt(e -> e[0]));
        int ifd = 8;
        int bits = ifd + 2 + entries.length * 12 + 4;
        int data = bits + 6;
        ByteBuffer b = ByteBuffer.allocate(data + jpeg.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd).putShort((short) entries.length);
        for (int[] e : entries) {
            // -1: BitsPerSample's three values after the directory; -2: the stream's offset
            b.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
            b.putInt(e[3] == -1 ? bits : e[3] == -2 ? data : e[3]);
        }
        b.putInt(0).putShort((short) 8).putShort((short) 8).putShort((short) 8).put(jpeg);
        return b.array();
    }
}
