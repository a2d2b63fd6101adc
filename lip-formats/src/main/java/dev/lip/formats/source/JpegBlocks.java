package dev.lip.formats.source;

/**
 * JPEG tiles and strips of a TIFF, decoded by libjpeg-turbo ({@link TurboJpeg}): each block's stream is made whole
 * with the file's JPEGTables (tag 347: the quantisation and Huffman tables that libtiff, GDAL and scanners store once
 * for all blocks) and decoded to RGB (from YCbCr or RGB, as the stream says) or grey. Written here because no Java
 * library takes TurboJPEG blocks with shared tables; the splice is the one TIFF Technical Note 2 describes.
 */
final class JpegBlocks {
    private JpegBlocks() {
    }

    /**
     * The block's complete JPEG stream: the tables without their end (EOI) followed by the block without its start
     * (SOI); the block as it is when there are no tables.
     *
     * @return the stream's length in {@code out}, which is grown when too small (the caller keeps it)
     */
    static byte[] splice(byte[] tables, byte[] block, int count) {
        if (tables == null || tables.length < 4 || count < 2) {
            return java.util.Arrays.copyOf(block, count);
        }
        int head = tables.length - 2; // without EOI (FFD9)
        byte[] out = new byte[head + count - 2];
        System.arraycopy(tables, 0, out, 0, head);
        System.arraycopy(block, 2, out, head, count - 2);
        return out;
    }

    /** Whether the layout's JPEG blocks are what TurboJPEG decodes here: 8-bit grey or RGB/YCbCr, chunky. */
    static boolean reads(TiffLayout l) {
        boolean colour = l.bands() == 1 && l.photometric() == 1 || l.bands() == 3 && (l.photometric() == 2 || l.photometric() == 6);
        return TurboJpeg.available() && colour && l.bitsPerSample() == 8 && (l.sampleFormat() == 1 || l.sampleFormat() == 4)
                && !l.isPlanar() && l.predictor() == 1;
    }
}
