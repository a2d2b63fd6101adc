package dev.lip.formats.tiff;

/**
 * How a reduced level's pixel is made from the 2×2 pixels of the level above it (fewer at an odd right or bottom
 * edge). A zoomed-out mask or probability map should show coverage, so they are averaged; class labels are
 * categories, whose mean is no class at all, so they take the top-left pixel.
 */
public enum Reduction {
    /** The mean of the pixels, rounded half up: {@code (sum + n/2) / n}. */
    MEAN,
    /** The top-left pixel. */
    NEAREST;

    /**
     * Reduces {@code w × h} pixels (one 8-bit band, rows of {@code w}) into {@code ceil(w/2) × ceil(h/2)} pixels
     * written at {@code out[offset + y * stride + x]}.
     */
    public void reduce(byte[] in, int w, int h, byte[] out, int offset, int stride) {
        int ow = (w + 1) / 2;
        int oh = (h + 1) / 2;
        if (this == MEAN) {
            // Whole 2x2 blocks, the bulk of every tile, without the edge cases' branches (about four times faster)
            for (int y = 0; y < h / 2; y++) {
                int a = 2 * y * w;
                int b = a + w;
                int o = offset + y * stride;
                for (int x = 0; x < w / 2; x++, a += 2, b += 2) {
                    out[o + x] = (byte) (((in[a] & 0xFF) + (in[a + 1] & 0xFF) + (in[b] & 0xFF) + (in[b + 1] & 0xFF) + 2) >> 2);
                }
            }
            edges(in, w, h, out, offset, stride, ow, oh);
            return;
        }
        for (int y = 0; y < oh; y++) {
            int y0 = 2 * y;
            boolean twoRows = y0 + 1 < h;
            for (int x = 0; x < ow; x++) {
                int x0 = 2 * x;
                int v;
                if (this == NEAREST) {
                    v = in[y0 * w + x0] & 0xFF;
                } else {
                    boolean twoColumns = x0 + 1 < w;
                    int sum = in[y0 * w + x0] & 0xFF;
                    int n = 1;
                    if (twoColumns) {
                        sum += in[y0 * w + x0 + 1] & 0xFF;
                        n++;
                    }
                    if (twoRows) {
                        sum += in[(y0 + 1) * w + x0] & 0xFF;
                        n++;
                        if (twoColumns) {
                            sum += in[(y0 + 1) * w + x0 + 1] & 0xFF;
                            n++;
                        }
                    }
                    v = (sum + n / 2) / n;
                }
                out[offset + y * stride + x] = (byte) v;
            }
        }
    }

    /** The means of an odd width's last column and an odd height's last row, over the pixels there are. */
    private static void edges(byte[] in, int w, int h, byte[] out, int offset, int stride, int ow, int oh) {
        if (w % 2 == 1) {
            int x = ow - 1;
            for (int y = 0; y < oh; y++) {
                int y0 = 2 * y;
                boolean two = y0 + 1 < h;
                int sum = (in[y0 * w + 2 * x] & 0xFF) + (two ? in[(y0 + 1) * w + 2 * x] & 0xFF : 0);
                int n = two ? 2 : 1;
                out[offset + y * stride + x] = (byte) ((sum + n / 2) / n);
            }
        }
        if (h % 2 == 1) {
            int y = oh - 1;
            for (int x = 0; x < w / 2; x++) {
                int sum = (in[2 * y * w + 2 * x] & 0xFF) + (in[2 * y * w + 2 * x + 1] & 0xFF);
                out[offset + y * stride + x] = (byte) ((sum + 1) / 2);
            }
        }
    }
}
