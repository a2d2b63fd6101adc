package dev.lip.formats.source;

/**
 * TIFF's LZW (TIFF 6.0, section 13: codes of 9 to 12 bits, most significant bit first, Clear 256, EndOfInformation
 * 257, the code width growing one code early). Written here because the JDK's decoder is internal to its TIFF
 * reader, which refuses 16-bit samples with the horizontal predictor (libvips' and GDAL's default for LZW), and
 * TwelveMonkeys' decoder is not public API; the algorithm is small and fixed. Used by {@link TiffBlockReader} for the
 * layouts the JDK cannot read.
 */
final class TiffLzw {
    private static final int CLEAR = 256, END = 257, FIRST_FREE = 258, MAX_CODES = 4096;

    private final int[] prefix = new int[MAX_CODES];
    private final byte[] suffix = new byte[MAX_CODES];
    private final byte[] first = new byte[MAX_CODES];
    private final int[] length = new int[MAX_CODES];

    TiffLzw() {
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
            first[i] = (byte) i;
            length[i] = 1;
        }
    }

    /**
     * Decodes {@code in[0..inLength)} into {@code out}, at most {@code outLength} bytes.
     *
     * @return the bytes written; fewer than {@code outLength} when the data ends early
     * @throws UnreadableImageException when a code refers to no entry (the data is damaged)
     */
    int decode(byte[] in, int inLength, byte[] out, int outLength) throws UnreadableImageException {
        int next = FIRST_FREE;
        int width = 9;
        int old = -1;
        long buffer = 0;
        int bits = 0;
        int pos = 0;
        int produced = 0;
        while (produced < outLength) {
            while (bits < width) {
                if (pos >= inLength) {
                    return produced;
                }
                buffer = (buffer << 8) | (in[pos++] & 0xFF);
                bits += 8;
            }
            int code = (int) (buffer >>> (bits - width)) & ((1 << width) - 1);
            bits -= width;
            if (code == END) {
                return produced;
            }
            if (code == CLEAR) {
                next = FIRST_FREE;
                width = 9;
                old = -1;
                continue;
            }
            if (old == -1) {
                if (code > 255) {
                    throw new UnreadableImageException("its LZW data starts with code " + code + " after a Clear");
                }
                out[produced++] = (byte) code;
                old = code;
                continue;
            }
            int added;
            if (code < next) {
                produced = write(code, out, produced, outLength);
                added = add(old, first[code], next);
            } else if (code == next) {
                added = add(old, first[old], next);
                produced = write(code, out, produced, outLength);
            } else {
                throw new UnreadableImageException("its LZW data uses code " + code + " before it is defined");
            }
            if (added >= 0) {
                next++;
                if (next == (1 << width) - 1 && width < 12) {
                    width++; // one code early, as TIFF's LZW does
                }
            }
            old = code;
        }
        return produced;
    }

    /** @return the new entry's code, or -1 when the table is full (a Clear must come next) */
    private int add(int prefixCode, byte last, int code) {
        if (code >= MAX_CODES) {
            return -1;
        }
        prefix[code] = prefixCode;
        suffix[code] = last;
        first[code] = first[prefixCode];
        length[code] = length[prefixCode] + 1;
        return code;
    }

    /** Writes the string of {@code code}, cut at {@code limit}. */
    private int write(int code, byte[] out, int at, int limit) {
        int n = length[code];
        int end = at + n;
        int c = code;
        for (int i = end - 1; i >= at; i--) {
            if (i < limit) {
                out[i] = suffix[c];
            }
            c = prefix[c];
        }
        return Math.min(end, limit);
    }
}
