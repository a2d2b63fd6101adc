package dev.lip.slicer.view;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PreviewStretchTest {
    @TempDir
    Path dir;

    @Test
    void theLogScaleKeepsLowValuesApartAndSpansTheRange() {
        assertEquals(0, PreviewStretch.LOG16[0] & 0xFF);
        assertEquals(255, PreviewStretch.LOG16[65535] & 0xFF);
        // a scene of values up to 4000, nearly black with the high byte (0-15), takes most of the 8 bits
        assertTrue((PreviewStretch.LOG16[4000] & 0xFF) > 180, "4000 -> " + (PreviewStretch.LOG16[4000] & 0xFF));
        assertTrue((PreviewStretch.LOG16[100] & 0xFF) - (PreviewStretch.LOG16[50] & 0xFF) >= 10);
        for (int v = 1; v < 65536; v++) {
            assertTrue((PreviewStretch.LOG16[v] & 0xFF) >= (PreviewStretch.LOG16[v - 1] & 0xFF), "monotonic at " + v);
        }
    }

    @Test
    void theCutIsTheSecondAndNinetyEighthPercentileWithoutZeros() throws Exception {
        long[] h = new long[256];
        h[0] = 1_000_000; // a no-data border
        for (int v = 100; v < 200; v++) {
            h[v] = 10;
        }
        assertArrayEquals(new int[]{101, 197}, PreviewStretch.cut(h));
        assertNull(PreviewStretch.cut(new long[256]));
        PreviewStretch.save(dir, h);
        assertArrayEquals(new int[]{101, 197}, PreviewStretch.saved(dir));
        assertNull(PreviewStretch.saved(dir.resolve("nowhere")));
    }

    @Test
    void aTileIsStretchedOverTheWholeRange() throws Exception {
        BufferedImage grey = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                grey.getRaster().setSample(x, y, 0, 100 + x); // 100..163
            }
        }
        byte[] jpeg = dev.lip.slicer.slicing.PreviewLayout.encodeImage(grey);
        BufferedImage out = ImageIO.read(new ByteArrayInputStream(PreviewStretch.apply(jpeg, new int[]{100, 163})));
        assertTrue(out.getRaster().getSample(0, 32, 0) < 12, "the low end goes to black");
        assertTrue(out.getRaster().getSample(63, 32, 0) > 243, "the high end to white");
    }
}
