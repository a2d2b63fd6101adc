package dev.lip.formats.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** One field of a TIFF directory as the writers here write it: a tag, a field type and its values. */
record TiffEntry(int tag, int kind, long[] values) {
    static final int ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5, DOUBLE = 12, IFD = 13, LONG8 = 16, IFD8 = 18;

    /** One unsigned rational, to a thousandth (numerator and denominator kept as two values). */
    static TiffEntry rational(int tag, double value) {
        long numerator = Math.min(0xFFFFFFFFL, Math.round(value * 1000));
        return new TiffEntry(tag, RATIONAL, new long[]{numerator, 1000});
    }

    /** Doubles kept as their bits: written as 8 bytes, like LONG8. */
    static TiffEntry doubles(int tag, double[] v) {
        return new TiffEntry(tag, DOUBLE, Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray());
    }

    /** A NUL-terminated string, ISO 8859-1 (as GeoTIFF's ASCII is). */
    static TiffEntry ascii(int tag, String text) {
        return bytes(tag, (text + "\0").getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A NUL-terminated UTF-8 string: OME-XML's encoding, written in an ASCII field as Bio-Formats does. */
    static TiffEntry utf8(int tag, String text) {
        return bytes(tag, (text + "\0").getBytes(StandardCharsets.UTF_8));
    }

    private static TiffEntry bytes(int tag, byte[] b) {
        long[] v = new long[b.length];
        for (int i = 0; i < b.length; i++) {
            v[i] = b[i];
        }
        return new TiffEntry(tag, ASCII, v);
    }

    static TiffEntry shorts(int tag, long... v) {
        return new TiffEntry(tag, SHORT, v);
    }

    static TiffEntry longs(int tag, long... v) {
        return new TiffEntry(tag, LONG, v);
    }

    /** Offsets and byte counts: LONG in TIFF, LONG8 in BigTIFF. */
    static TiffEntry offsets(int tag, long[] v, boolean bigTiff) {
        return new TiffEntry(tag, bigTiff ? LONG8 : LONG, v);
    }

    /** Offsets of directories (SubIFDs): IFD in TIFF, IFD8 in BigTIFF. */
    static TiffEntry directories(int tag, long[] v, boolean bigTiff) {
        return new TiffEntry(tag, bigTiff ? IFD8 : IFD, v);
    }

    int count() {
        return kind == RATIONAL ? values.length / 2 : values.length;
    }

    int valueSize() {
        return switch (kind) {
            case ASCII -> 1;
            case SHORT -> 2;
            case LONG, RATIONAL, IFD -> 4;
            default -> 8;
        };
    }

    /** The values, little-endian. */
    ByteBuffer bytes() {
        int size = valueSize();
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            switch (size) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.flip();
    }
}
