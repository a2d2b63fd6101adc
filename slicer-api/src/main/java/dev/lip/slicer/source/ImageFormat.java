package dev.lip.slicer.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The input formats we read, recognised by their first bytes, never by a file name a client chose. */
public enum ImageFormat {
    JPEG, PNG, TIFF, BIGTIFF;

    public static Optional<ImageFormat> sniff(Path file) throws IOException {
        byte[] h = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(h, 0, h.length);
        }
        if (n >= 3 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF) {
            return Optional.of(JPEG);
        }
        if (n >= 8 && (h[0] & 0xFF) == 0x89 && h[1] == 'P' && h[2] == 'N' && h[3] == 'G') {
            return Optional.of(PNG);
        }
        if (n >= 4 && ((h[0] == 'I' && h[1] == 'I' && h[3] == 0) || (h[0] == 'M' && h[1] == 'M' && h[2] == 0))) {
            int magic = h[0] == 'I' ? h[2] : h[3];
            if (magic == 42) {
                return Optional.of(TIFF);
            }
            if (magic == 43) {
                return Optional.of(BIGTIFF);
            }
        }
        return Optional.empty();
    }
}
