package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ForegroundTest {

    /** One row of pixels, {@code bands} values each. */
    private static PixelRegion row(SampleFormat format, int bands, double... values) {
        PixelRegion p = new PixelRegion(new Rect(0, 0, values.length / bands, 1), bands, format);
        for (int i = 0; i < values.length; i++) {
            p.setValue(i / bands, 0, i % bands, values[i]);
        }
        return p;
    }

    private static int[] mask(Foreground rule, PixelRegion p) {
        PixelRegion m = rule.mask(p, p.bounds());
        int[] out = new int[m.width()];
        for (int x = 0; x < out.length; x++) {
            out[x] = m.sample(x, 0, 0);
        }
        return out;
    }

    @Test
    void floatSamplesCompareAsTheyAreAndNanOrNodataIsZeroEvenInverted() {
        PixelRegion dem = row(SampleFormat.FLOAT32, 1, 0.5, 0.49999997, Float.NaN, -9999, 1e30, -0.0);
        assertArrayEquals(new int[]{255, 0, 0, 0, 255, 0}, mask(new Foreground(0.5, -1, -9999.0, false), dem));
        assertArrayEquals(new int[]{0, 255, 0, 0, 0, 255}, mask(new Foreground(0.5, -1, -9999.0, true), dem));
        // without a nodata value -9999 is a value like any other
        assertArrayEquals(new int[]{0, 255, 0, 255, 0, 255}, mask(new Foreground(0.5, -1, null, true), dem));
    }

    @Test
    void everyIntegerWidthIsExact() {
        assertArrayEquals(new int[]{255, 0, 255}, mask(new Foreground(-300, -1, null, false),
                row(SampleFormat.INT16, 1, -300, -301, 32767)));
        assertArrayEquals(new int[]{255, 0}, mask(new Foreground(4294967295.0, -1, null, false),
                row(SampleFormat.UINT32, 1, 4294967295.0, 4294967294.0)));
        assertArrayEquals(new int[]{0, 255}, mask(new Foreground(-2147483647, -1, null, false),
                row(SampleFormat.INT32, 1, -2147483648, -2147483647)));
        // float64 keeps what float32 cannot: 1 + 2^-40 is above 1
        assertArrayEquals(new int[]{255, 0}, mask(new Foreground(1 + Math.pow(2, -40), -1, null, false),
                row(SampleFormat.FLOAT64, 1, 1 + Math.pow(2, -40), 1)));
    }

    @Test
    void aBandOrTheLumaOfBandsOneToThree() {
        // 4 bands: R, G, B, NIR
        PixelRegion p = row(SampleFormat.FLOAT32, 4, 0.2, 0.2, 0.2, 0.9, 0.8, 0.8, 0.8, 0.1);
        assertArrayEquals(new int[]{255, 0}, mask(new Foreground(0.5, 3, null, false), p), "band 4");
        assertArrayEquals(new int[]{0, 255}, mask(new Foreground(0.5, -1, null, false), p), "luma");
        // the luma's pixel is missing only when R, G and B all are
        PixelRegion rgb = row(SampleFormat.INT16, 3, 0, 0, 0, 0, 100, 0);
        assertArrayEquals(new int[]{0, 0}, mask(new Foreground(10, -1, 0.0, true), rgb));
        assertArrayEquals(new int[]{0, 255}, mask(new Foreground(10, -1, 0.0, false), rgb));
    }

    @Test
    void eightBitImagesGiveTheSameMaskOnEitherPathSaveTheirNodataPixels() {
        Random random = new Random(7);
        PixelRegion p = new PixelRegion(new Rect(3, 5, 40, 30), 3, 8);
        random.nextBytes(p.data());
        Rect area = new Rect(10, 10, 20, 20);
        PixelRegion fast = new Foreground(128, -1, null, true).mask(p, area);
        // a nodata value no pixel has sends every pixel through the general path
        PixelRegion general = new Foreground(128, -1, 1000.0, true).mask(p, area);
        assertEquals(fast, general);
        PixelRegion band = new Foreground(77, 1, 1000.0, false).mask(p, area);
        assertEquals(new Foreground(77, 1, null, false).mask(p, area), band);
    }
}
