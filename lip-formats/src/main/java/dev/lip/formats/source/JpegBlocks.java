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
     * The length of a block's complete JPEG stream: the tables without their end (EOI) followed by the block without
     * its start (SOI); the block's own length when there are no tables.
     */
    static int length(byte[] tables, int count) {
        return hasTables(tables) && count >= 2 ? tables.length - 2 + count - 2 : count;
    }

    /**
     * Writes the block's complete stream into {@code out}, which holds at least {@link #length} bytes; a file without
     * tables needs no splice (its blocks are complete streams already: decode them where they are).
     */
    static void splice(byte[] tables, byte[] block, int count, byte[] out) {
        int head = tables.length - 2; // without EOI (FFD9)
        System.arraycopy(tables, 0, out, 0, head);
        System.arraycopy(block, 2, out, head, count - 2);
    }

    static boolean hasTables(byte[] tables) {
        return tables != null && tables.length >= 4;
    }

    /** Whether the layout's JPEG blocks are what TurboJPEG decodes here: 8-bit grey or RGB/YCbCr, chunky. */
    static boolean reads(TiffLayout l) {
        boolean colour = l.bands() == 1 && l.photometric() == 1 || l.bands() == 3 && (l.photometric() == 2 || l.photometric() == 6);
        return TurboJpeg.available() && colour && l.bitsPerSample() == 8 && (l.sampleFormat() == 1 || l.sampleFormat() == 4)
                && !l.isPlanar() && l.predictor() == 1;
    }
}
