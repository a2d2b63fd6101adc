package dev.lip.formats.source;

/**
 * Widens TIFF samples of 1 to 7, 9 to 15 or 17 to 31 bits, packed most significant bit first with each row starting on a byte
 * (TIFF 6.0, BitsPerSample and FillOrder 1), to the 8 or 16-bit samples the rest of the service reads. Up to 7 bits
 * they are scaled to 0-255 (a 1-bit scan's ink is 255, a 4-bit grey's 15 is 255), as libvips reads them and as
 * low-bit PNG greys are read here; 9 to 15 bits keep their values in 16-bit samples and 17 to 31 bits in 32-bit ones,
 * as GDAL and libvips read them.
 * MinIsWhite (PhotometricInterpretation 0) bilevel and low-bit greys are inverted so that white is high, as libvips
 * and GDAL's colour table for them show them. No library here decodes these layouts; the loop is the whole codec.
 */
final class PackedSamples {
    private PackedSamples() {
    }

    /** Bytes of one packed row of {@code samples} samples. */
    static int rowBytes(int samples, int bits) {
        return (int) (((long) samples * bits + 7) / 8);
    }

    /**
     * @param in         {@code rows} packed rows of {@code rowBytes} bytes
     * @param minIsWhite invert low-bit samples (up to 7 bits)
     * @param out        receives {@code rows x samples} samples of 8 bits, or 16 or 32 little-endian
     */
    static void widen(byte[] in, int rows, int rowBytes, int samples, int bits, boolean minIsWhite, byte[] out) {
        int max = (1 << bits) - 1;
        int bytes = bits < 8 ? 1 : bits < 16 ? 2 : 4;
        for (int y = 0; y < rows; y++) {
            long bit = (long) y * rowBytes * 8;
            int o = y * samples * bytes;
            for (int i = 0; i < samples; i++, bit += bits) {
                int v = 0;
                for (int k = 0; k < bits; k++) {
                    long b = bit + k;
                    v = v << 1 | (in[(int) (b >>> 3)] >>> (7 - (int) (b & 7))) & 1;
                }
                if (bytes == 4) {
                    out[o++] = (byte) v;
                    out[o++] = (byte) (v >>> 8);
                    out[o++] = (byte) (v >>> 16);
                    out[o++] = (byte) (v >>> 24);
                } else if (bytes == 2) {
                    out[o++] = (byte) v;
                    out[o++] = (byte) (v >>> 8);
                } else {
                    out[o++] = (byte) ((minIsWhite ? max - v : v) * 255 / max);
                }
            }
        }
    }
}
