package dev.lip.formats.source;

import java.io.IOException;
import java.nio.file.Path;

/** Classic TIFF and BigTIFF: byte order {@code II} or {@code MM}, then 42 (TIFF) or 43 (BigTIFF). */
public final class TiffFormat implements ImageFormat {
    @Override
    public String name() {
        return "TIFF";
    }

    @Override
    public boolean recognises(byte[] h, int n) {
        return magic(h, n) == 42;
    }

    /**
     * Its directory is read where it is and its blocks as the slicer reaches them, so a TIFF whose directory comes
     * first (GDAL's, a COG) is sliced as it arrives; one whose directory is at its end (libtiff's and libvips'
     * default) starts when the directory arrives.
     */
    @Override
    public boolean readsArriving() {
        return true;
    }

    @Override
    public ImageSource open(Path file, SourceLimits limits) throws IOException {
        return TiffSource.open(file, limits.pixelLimit());
    }

    /** CCITT fax codes a blank row of a bilevel TIFF in a few bits; 65536 pixels a byte is well above it. */
    @Override
    public long maxPixelsPerByte() {
        return 65536;
    }

    /** The TIFF version number after the byte-order mark, or -1 when there is none. */
    static int magic(byte[] h, int n) {
        if (n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[3] == 0) || (h[0] == 'M' && h[1] == 'M' && h[2] == 0))) {
            return h[0] == 'I' ? h[2] : h[3];
        }
        return -1;
    }
}
