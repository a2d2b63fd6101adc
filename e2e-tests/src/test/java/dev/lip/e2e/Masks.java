package dev.lip.e2e;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Reads a result TIFF with the JDK's reader (independent of our writer) and compares it pixel by pixel. */
final class Masks {
    private Masks() {
    }

    static void assertMaskEquals(byte[] expected, int width, int height, Path result, String what) throws IOException {
        Raster r;
        try (ImageInputStream in = ImageIO.createImageInputStream(result.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                fail(what + ": the result is not a readable image");
            }
            ImageReader reader = readers.next();
            reader.setInput(in);
            assertEquals("tif", reader.getOriginatingProvider().getFileSuffixes()[0].substring(0, 3), what + ": not a TIFF");
            assertEquals(true, reader.isImageTiled(0), what + ": the result must be tiled");
            r = reader.read(0).getRaster();
        }
        assertEquals(width, r.getWidth(), what + ": width");
        assertEquals(height, r.getHeight(), what + ": height");
        assertEquals(1, r.getNumBands(), what + ": bands");
        int[] px = r.getPixels(0, 0, width, height, (int[]) null);
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < px.length; i++) {
            if (px[i] != (expected[i] & 0xFF)) {
                if (first < 0) {
                    first = i;
                }
                mismatches++;
            }
        }
        if (mismatches > 0) {
            fail(what + ": " + mismatches + " of " + px.length + " pixels differ from the whole-image reference, the first at ("
                    + first % width + "," + first / width + "): got " + px[first] + ", expected " + (expected[first] & 0xFF));
        }
    }
}
