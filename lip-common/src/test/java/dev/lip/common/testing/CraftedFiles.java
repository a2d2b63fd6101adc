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
        return tiffWithTag(tiff, tag, -1, value);
    }

    /**
     * As {@link #tiffWithTag(byte[], int, long)}, for the value at {@code index} only (-1: all of them); classic
     * TIFF or BigTIFF.
     */
    public static byte[] tiffWithTag(byte[] tiff, int tag, int index, long value) {
        byte[] b = tiff.clone();
        ByteBuffer bb = ByteBuffer.wrap(b).order(b[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        boolean big = bb.getShort(2) == 43;
        long ifd = big ? bb.getLong(8) : bb.getInt(4);
        long entries = big ? bb.getLong((int) ifd) : bb.getShort((int) ifd) & 0xFFFF;
        int first = (int) ifd + (big ? 8 : 2);
        int entryBytes = big ? 20 : 12;
        for (int i = 0; i < entries; i++) {
            int e = first + i * entryBytes;
            if ((bb.getShort(e) & 0xFFFF) != tag) {
                continue;
            }
            int type = bb.getShort(e + 2);
            long count = big ? bb.getLong(e + 4) : bb.getInt(e + 4);
            int size = type == 3 ? 2 : type == 16 ? 8 : 4;
            int inline = big ? 8 : 4;
            int valueAt = e + (big ? 12 : 8);
            int at = count * size <= inline ? valueAt : (int) (big ? bb.getLong(valueAt) : bb.getInt(valueAt));
            for (int k = 0; k < count; k++) {
                if (index >= 0 && k != index) {
                    continue;
                }
                switch (size) {
                    case 2 -> bb.putShort(at + 2 * k, (short) value);
                    case 8 -> bb.putLong(at + 8 * k, value);
                    default -> bb.putInt(at + 4 * k, (int) value);
                }
            }
            return b;
        }
        throw new IllegalArgumentException("the TIFF has no tag " + tag);
    }

    /** The value at {@code index} of a SHORT, LONG or LONG8 tag of a classic TIFF or BigTIFF. */
    public static long tiffTag(byte[] tiff, int tag, int index) {
        ByteBuffer bb = ByteBuffer.wrap(tiff).order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        boolean big = bb.getShort(2) == 43;
        long ifd = big ? bb.getLong(8) : bb.getInt(4);
        long entries = big ? bb.getLong((int) ifd) : bb.getShort((int) ifd) & 0xFFFF;
        int first = (int) ifd + (big ? 8 : 2);
        for (int i = 0; i < entries; i++) {
            int e = first + i * (big ? 20 : 12);
            if ((bb.getShort(e) & 0xFFFF) == tag) {
                int type = bb.getShort(e + 2);
                long count = big ? bb.getLong(e + 4) : bb.getInt(e + 4);
                int size = type == 3 ? 2 : type == 16 ? 8 : 4;
                int valueAt = e + (big ? 12 : 8);
                int at = count * size <= (big ? 8 : 4) ? valueAt : (int) (big ? bb.getLong(valueAt) : bb.getInt(valueAt));
                return switch (size) {
                    case 2 -> bb.getShort(at + 2 * index) & 0xFFFF;
                    case 8 -> bb.getLong(at + 8 * index);
                    default -> bb.getInt(at + 4 * index) & 0xFFFFFFFFL;
                };
            }
        }
        throw new IllegalArgumentException("the TIFF has no tag " + tag);
    }
}
