package dev.lip.formats.source;

/**
 * TIFF's predictors for samples wider than 16 bits, undone in place into little-endian samples. Predictor 3 (Adobe's
 * Technical Note 3, GDAL's PREDICTOR=3 for float rasters) stores each row's samples split into byte planes, most
 * significant byte first whatever the file's byte order, and then differences the bytes, each from the byte
 * {@code samplesPerPixel} before it. Predictor 2 on 32 or 64-bit samples differences whole samples as integers
 * (modulo 2^bits, as libtiff does, floats included). Neither the JDK's reader nor AlgART undoes them for every width.
 */
final class FloatingPointPredictor {
    private FloatingPointPredictor() {
    }

    /**
     * @param rowBytes bytes of one row of the block: its width times {@code spp} times {@code width}
     * @param spp      samples a pixel in this block (1 for a plane of a planar image)
     * @param width    bytes a sample: 2, 4 or 8
     */
    static void undo(byte[] block, int rows, int rowBytes, int spp, int width) {
        byte[] row = new byte[rowBytes];
        int samples = rowBytes / width;
        for (int y = 0; y < rows; y++) {
            int base = y * rowBytes;
            for (int i = base + spp; i < base + rowBytes; i++) {
                block[i] += block[i - spp];
            }
            System.arraycopy(block, base, row, 0, rowBytes);
            for (int k = 0; k < samples; k++) {
                for (int b = 0; b < width; b++) {
                    // byte plane b holds the b-th most significant byte; little-endian puts it at width - 1 - b
                    block[base + k * width + (width - 1 - b)] = row[b * samples + k];
                }
            }
        }
    }

    /** Predictor 2 on little-endian 32 or 64-bit samples: a running sum per band, wrapping as integers do. */
    static void undoWideDifferencing(byte[] block, int rows, int rowBytes, int spp, int width) {
        int step = spp * width;
        for (int y = 0; y < rows; y++) {
            int base = y * rowBytes;
            for (int i = base + step; i < base + rowBytes; i += width) {
                long sum = read(block, i, width) + read(block, i - step, width);
                for (int b = 0; b < width; b++) {
                    block[i + b] = (byte) (sum >>> (8 * b));
                }
            }
        }
    }

    private static long read(byte[] block, int at, int width) {
        long v = 0;
        for (int b = width - 1; b >= 0; b--) {
            v = v << 8 | (block[at + b] & 0xFF);
        }
        return v;
    }
}
