package dev.lip.formats.source;

/**
 * How a TIFF or BigTIFF stores its first image, as its directory says, whichever library read the directory (the
 * JDK's reader for TIFF, AlgART for BigTIFF): the seam between reading a directory and reading its blocks. A block
 * is a tile, or a strip of {@code blockHeight} full rows. {@code jpegTables} are the JPEGTables shared by JPEG
 * blocks (tag 347), or null.
 */
record TiffLayout(int width, int height, boolean tiled, int blockWidth, int blockHeight, long[] offsets,
                  long[] byteCounts, int compression, int photometric, int bands, int bitsPerSample, int predictor,
                  int planar, int sampleFormat, boolean bigEndian, byte[] jpegTables) {

    /**
     * The samples' format, or null for one not read here (float16, 64-bit integers, complex). SampleFormat 4
     * ("undefined") is read as unsigned, as libtiff does.
     */
    dev.lip.common.pixels.SampleFormat format() {
        if (viaLibTiff()) {
            return dev.lip.common.pixels.SampleFormat.of(8, 1);
        }
        return dev.lip.common.pixels.SampleFormat.of(readBits(), sampleFormat == 4 ? 1 : sampleFormat);
    }

    /**
     * Signed 8-bit samples (GDAL's Int8, SampleFormat 2), which travel as int16 with their values kept: no format
     * of their own through patches and algorithms, and -128..127 compare as the file means them (not as 128..255).
     */
    boolean isInt8() {
        return bitsPerSample == 8 && sampleFormat == 2 && !viaLibTiff();
    }

    /**
     * Grey or RGB unsigned samples of 1 to 7, 9 to 15 or 17 to 31 bits, packed without padding inside a row (bilevel
     * scans, 2 and 4-bit greys, the 10 and 12-bit samples of scientific cameras, GDAL's NBITS=20 or 24):
     * {@link TiffBlockReader} widens them to 8, 16 or 32 bits.
     */
    boolean isPacked() {
        return bitsPerSample >= 1 && bitsPerSample <= 31 && bitsPerSample != 8 && bitsPerSample != 16
                && (sampleFormat == 1 || sampleFormat == 4) && (photometric == 0 || photometric == 1 || photometric == 2);
    }

    /**
     * 8-bit CMYK (PhotometricInterpretation Separated, four samples), which {@link TiffBlockReader} converts to RGB as
     * libtiff's RGBA interface does, and so GDAL: {@code R = (255 - K) (255 - C) / 255}, and alike for G and B.
     */
    boolean isCmyk8() {
        return photometric == 5 && bands == 4 && bitsPerSample == 8 && (sampleFormat == 1 || sampleFormat == 4);
    }

    /**
     * 8-bit CIE L*a*b*, YCbCr that is not JPEG-compressed (uncompressed, LZW, deflate..., any subsampling) and
     * old-style JPEG: read through libtiff's RGBA interface ({@link LibTiff}), as GDAL reads these very layouts, so
     * they come out as 8-bit RGB (RGBA with an extra sample) exactly as GDAL gives them.
     */
    boolean viaLibTiff() {
        return needsLibTiff() && bitsPerSample == 8 && (sampleFormat == 1 || sampleFormat == 4);
    }

    /** Layouts no reader here but libtiff's RGBA interface gives exact pixels of, whatever their bits. */
    boolean needsLibTiff() {
        return photometric == 8 || photometric == 6 && compression != TiffCompression.JPEG
                || compression == TiffCompression.OLD_JPEG;
    }

    /** Bands of a pixel as read: CMYK's four become RGB's three; libtiff's RGBA gives RGB, or RGBA with extra samples. */
    int readBands() {
        if (viaLibTiff()) {
            return bands > (photometric == 0 || photometric == 1 ? 1 : 3) ? 4 : 3;
        }
        return isCmyk8() ? 3 : bands;
    }

    /** Bits of a sample as read: packed samples widened to 8 (up to 7 bits), 16 (9 to 15) or 32, the others as stored. */
    int readBits() {
        if (isInt8()) {
            return 16;
        }
        return !isPacked() ? bitsPerSample : bitsPerSample < 8 ? 8 : bitsPerSample < 16 ? 16 : 32;
    }

    /** Whether the samples are other than the 8 or 16-bit unsigned integers every reader here decodes. */
    boolean isWide() {
        if (photometric == 3 && bitsPerSample <= 8) {
            return false; // palette indices of 1, 2, 4 or 8 bits, which the JDK's reader expands
        }
        dev.lip.common.pixels.SampleFormat f = format();
        return f == null || !f.isUnsignedSmall();
    }

    int across() {
        return (width + blockWidth - 1) / blockWidth;
    }

    int down() {
        return (height + blockHeight - 1) / blockHeight;
    }

    /**
     * Whether the offsets describe exactly the blocks of the image: one set for chunky samples, one set a band for
     * planar ones (PlanarConfiguration 2, GDAL's INTERLEAVE=BAND).
     */
    boolean blocksMatch() {
        long perPlane = (long) across() * down();
        return blockWidth > 0 && blockHeight > 0 && (planar == 1 && perPlane == offsets.length
                || planar == 2 && perPlane * bands == offsets.length) && byteCounts.length >= offsets.length;
    }

    boolean isPlanar() {
        return planar == 2;
    }

    /** Rows of block row {@code r}: tiles are padded to full size, the last strip is shorter. */
    int rowsOf(int r) {
        return tiled ? blockHeight : Math.min(blockHeight, height - r * blockHeight);
    }

    String unit() {
        return tiled ? "tile" : "strip";
    }
}
