package dev.lip.formats.source;

import java.io.IOException;
import java.nio.file.Path;

/** PNG: the 8-byte signature {@code 89 50 4E 47 0D 0A 1A 0A}. */
public final class PngFormat implements ImageFormat {
    @Override
    public String name() {
        return "PNG";
    }

    @Override
    public boolean recognises(byte[] h, int n) {
        return n >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G';
    }

    /** Its rows are decoded in the order the file stores them, so slicing follows an upload's bytes. */
    @Override
    public boolean readsArriving() {
        return true;
    }

    @Override
    public ImageSource open(Path file, SourceLimits limits) throws IOException {
        return PngSource.open(file, limits.wholeDecodeMaxPixels() / 4, limits.pixelLimit());
    }

    /** PNG is bounded much more tightly by its compressed data ({@link PngStructure}); this is only a backstop. */
    @Override
    public long maxPixelsPerByte() {
        return 65536;
    }
}
