package dev.lip.common.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/** Damaged and hostile files made byte by byte, as an attacker or a broken writer would. */
public final class CraftedFiles {
    private CraftedFiles() {
    }

    /**
     * An 8-bit RGB PNG whose header says {@code width x height} but whose (complete, valid) zlib stream holds only
     * {@code rowsOfData} rows; random samples, so the data does not compress below a row's size.
     */
    public static byte[] pngWithRows(int width, int height, int rowsOfData, long seed) throws IOException {
        byte[] raw = new byte[rowsOfData * (1 + width * 3)];
        new Random(seed).nextBytes(raw);
        for (int r = 0; r < rowsOfData; r++) {
            raw[r * (1 + width * 3)] = 0; // filter: none
        }
        Deflater d = new Deflater();
        d.setInput(raw);
        d.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] buf = new byte[65536];
        while (!d.finished()) {
            z.write(buf, 0, d.deflate(buf));
        }
        return png(width, height, 2, 13, z.toByteArray());
    }

    /** A PNG of the given IHDR and one IDAT chunk; {@code ihdrLength} other than 13 makes a damaged header. */
    public static byte[] png(int width, int height, int colourType, long ihdrLength, byte[] idat) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) colourType)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array(), ihdrLength);
        chunk(out, "IDAT", idat, idat.length);
        chunk(out, "IEND", new byte[0], 0);
        return bytes.toByteArray();
    }

    private static void chunk(DataOutputStream out, String type, byte[] data, long declaredLength) throws IOException {
        out.writeInt((int) declaredLength);
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /**
     * A copy of a classic TIFF with every value of one tag (TileOffsets 324, TileByteCounts 325, StripOffsets 273,
     * StripByteCounts 279) set to {@code value}.
     */
    public static byte[] tiffWithTag(byte[] tiff, int tag, long value) {
        byte[] b = tiff.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = bb.getInt(4);
        int entries = bb.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < entries; i++) {
            int e = ifd + 2 + i * 12;
            if ((bb.getShort(e) & 0xFFFF) != tag) {
                continue;
            }
            int type = bb.getShort(e + 2);
            int count = bb.getInt(e + 4);
            int size = type == 3 ? 2 : 4;
            int at = count * size <= 4 ? e + 8 : bb.getInt(e + 8);
            for (int k = 0; k < count; k++) {
                if (size == 2) {
                    bb.putShort(at + 2 * k, (short) value);
                } else {
                    bb.putInt(at + 4 * k, (int) value);
                }
            }
            return b;
        }
        throw new IllegalArgumentException("the TIFF has no tag " + tag);
    }
}
