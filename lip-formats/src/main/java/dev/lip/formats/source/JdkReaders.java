package dev.lip.formats.source;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import java.io.IOException;
import java.util.Iterator;

/**
 * Picks the JDK's own ImageIO reader for a format, never a plugin that happens to be on the class path: the JPEG
 * row forwarding and the TIFF region reads depend on how the JDK readers behave.
 */
final class JdkReaders {
    private JdkReaders() {
    }

    static ImageReader get(String format, String className) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            if (r.getClass().getName().equals(className)) {
                return r;
            }
        }
        throw new IOException("the JDK " + format + " reader is missing from this Java runtime");
    }
}
