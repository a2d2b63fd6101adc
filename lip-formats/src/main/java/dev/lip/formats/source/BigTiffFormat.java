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

    @Override
    public ImageSource open(Path file, SourceLimits limits) throws IOException {
        return BigTiffSource.open(file, limits.pixelLimit());
    }

    @Override
    public long maxPixelsPerByte() {
        return 65536;
    }
}
