package dev.lip.algorithms;

import dev.lip.common.pixels.PixelRegion;

/**
 * Luma in integers, so that results never depend on floating-point rounding. Alpha is ignored; palettes arrive
 * expanded to RGB.
 */
public final class Luma {
    private Luma() {
    }

    /**
     * Refuses images the 8-bit floor luma does not describe: int16, 32 and 64-bit samples have no fixed range to
     * bring to 256 levels (a float DEM's values may span -400 to 8848, or 0 to 1), and guessing one would make the
     * result depend on the guess. Their users name the value with {@code threshold}.
     */
    static void requireLumaImage(dev.lip.common.pixels.ImageInfo image, String algorithm) {
        if (!image.sampleFormat().isUnsignedSmall()) {
            throw new IllegalArgumentException(algorithm + " works on the 8-bit luma of 8 or 16-bit unsigned images; "
                    + "this image has " + image.sampleFormat().label() + " samples, which have no fixed range to bring to "
                    + "256 levels. Use threshold with the value you want (threshold=..., and band=N for one band).");
        }
    }

    /** {@code 299 R + 587 G + 114 B} of an RGB pixel, {@code 1000 × sample} of a grey one: luma times 1000, exact. */
    public static int luma1000(PixelRegion p, int x, int y) {
        if (p.bands() >= 3) {
            return 299 * p.sample(x, y, 0) + 587 * p.sample(x, y, 1) + 114 * p.sample(x, y, 2);
        }
        return 1000 * p.sample(x, y, 0);
    }

    /**
     * The floor luma on 8 bits: {@code floor((299 R + 587 G + 114 B) / 1000)} for RGB, the sample for grey, and for
     * 16-bit images the top 8 bits of that value.
     */
    public static int floorLuma8(PixelRegion p, int x, int y) {
        int l = luma1000(p, x, y) / 1000;
        return p.bitsPerSample() == 16 ? l >>> 8 : l;
    }

    /** {@link #floorLuma8} of every pixel of the region, row-major. */
    public static int[] floorLuma8(PixelRegion p) {
        int w = p.width();
        int[] out = new int[w * p.height()];
        for (int y = 0; y < p.height(); y++) {
            for (int x = 0; x < w; x++) {
                out[y * w + x] = floorLuma8(p, x, y);
            }
        }
        return out;
    }
}
