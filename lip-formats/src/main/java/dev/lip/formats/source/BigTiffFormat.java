package dev.lip.formats.source;

import java.io.IOException;
import java.nio.file.Path;

/** BigTIFF: as TIFF with version 43 and 64-bit offsets (read with AlgART, see {@link BigTiffSource}). */
public final class BigTiffFormat implements ImageFormat {
    @Override
    public String name() {
        return "BigTIFF";
    }

    @Override
    public boolean recognises(byte[] h, int n) {
        return TiffFormat.magic(h, n) == 43;
    }

    /**
     * As a classic TIFF (see {@link TiffFormat#readsArriving}): AlgART is given the directory once it is in (its blocks
     * are read by our block reader, which waits for each, or checked whole by {@link BlockEndCheck} before AlgART
     * decodes them).
     */
    @Override
    public boolean readsArriving() {
        return true;
    }

    @Override
    public ImageSource open(Path file, SourceLimits limits) throws IOException {
        return BigTiffSource.open(file, limits.pixelLimit());
    }

    @Override
    public long maxPixelsPerByte() {
        return 65536;
    }
}
