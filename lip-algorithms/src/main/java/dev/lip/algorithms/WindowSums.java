package dev.lip.algorithms;

/**
 * Sums over square windows clipped to a rectangle, in O(1) per window from a summed-area table. Used by the
 * neighbourhood algorithms: a patch carries enough halo that clipping to the patch equals clipping to the image.
 */
final class WindowSums {
    private final int width;
    private final int height;
    private final long[] table;

    WindowSums(int[] values, int width, int height) {
        this.width = width;
        this.height = height;
        this.table = new long[(width + 1) * (height + 1)];
        for (int y = 0; y < height; y++) {
            long row = 0;
            for (int x = 0; x < width; x++) {
                row += values[y * width + x];
                table[(y + 1) * (width + 1) + x + 1] = table[y * (width + 1) + x + 1] + row;
            }
        }
    }

    /** Sum over the window of radius r around (x, y), clipped. */
    long sum(int x, int y, int r) {
        int x0 = Math.max(0, x - r), x1 = Math.min(width, x + r + 1);
        int y0 = Math.max(0, y - r), y1 = Math.min(height, y + r + 1);
        int w1 = width + 1;
        return table[y1 * w1 + x1] - table[y0 * w1 + x1] - table[y1 * w1 + x0] + table[y0 * w1 + x0];
    }

    /** Pixels in the window of radius r around (x, y), clipped. */
    long count(int x, int y, int r) {
        return (long) (Math.min(width, x + r + 1) - Math.max(0, x - r)) * (Math.min(height, y + r + 1) - Math.max(0, y - r));
    }
}
