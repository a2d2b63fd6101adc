package dev.lip.formats.source;

import java.io.IOException;
import java.nio.file.Path;

/** JPEG (baseline and progressive): SOI then a marker, {@code FF D8 FF}. */
public final class JpegFormat implements ImageFormat {
    @Override
    public String name() {
        return "JPEG";
    }

    @Override
    public boolean recognises(byte[] h, int n) {
        return n >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF;
    }

    /** Its rows are decoded in the order the file stores them, so slicing follows an upload's bytes. */
    @Override
    public boolean readsArriving() {
        return true;
    }

    @Override
    public ImageSource open(Path file, SourceLimits limits) throws IOException {
        return JpegSource.open(file, limits.wholeDecodeMaxPixels());
    }

    /** A baseline JPEG spends at least 2 bits on an 8 x 8 block, a progressive one at least 1: 512 pixels a byte. */
    @Override
    public long maxPixelsPerByte() {
        return 512;
    }
}
