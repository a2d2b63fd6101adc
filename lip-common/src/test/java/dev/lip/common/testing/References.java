package dev.lip.common.testing;

/**
 * Whole-image reference implementations of the algorithms, written as plainly as possible and independently of the
 * product's code: the tests compare what the product computes patch by patch with these.
 */
public final class References {
    private References() {
    }

    /** Otsu's threshold t of the whole image's floor-luma histogram (doubles; ties to the smallest t). */
    public static int otsuThreshold(SampleImage img) {
        return otsuT(floorLuma(img));
    }


    public static int[] floorLuma(SampleImage img) {
        int[] l = new int[img.width * img.height];
        for (int i = 0; i < l.length; i++) {
            int v = img.bands >= 3
                    ? (299 * img.samples[i * img.bands] + 587 * img.samples[i * img.bands + 1] + 114 * img.samples[i * img.bands + 2]) / 1000
                    : img.samples[i * img.bands];
            l[i] = img.bits == 16 ? v >> 8 : v;
        }
        return l;
    }

    public static byte[] otsu(SampleImage img) {
        int[] l = floorLuma(img);
        int best = otsuT(l);
        byte[] out = new byte[l.length];
        for (int i = 0; i < l.length; i++) {
            out[i] = (byte) (l[i] > best ? 255 : 0);
        }
        return out;
    }

    private static int otsuT(int[] l) {
        double[] h = new double[256];
        for (int v : l) {
            h[v]++;
        }
        double n = l.length, total = 0;
        for (int i = 0; i < 256; i++) {
            total += i * h[i];
        }
        int best = 0;
        double bestVar = -1, w0 = 0, s0 = 0;
        for (int t = 0; t < 255; t++) {
            w0 += h[t];
            s0 += t * h[t];
            double w1 = n - w0;
            if (w0 == 0 || w1 == 0) {
                continue;
            }
            double mu0 = s0 / w0, mu1 = (total - s0) / w1;
            double var = w0 * w1 * (mu0 - mu1) * (mu0 - mu1);
            if (var > bestVar * (1 + 1e-12)) {
                bestVar = var;
                best = t;
            }
        }
        return best;
    }

    public static byte[] adaptive(SampleImage img, int r, double c) {
        int[] l = floorLuma(img);
        int w = img.width, h = img.height;
        byte[] out = new byte[l.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long s = 0, n = 0;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
                    for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
                        s += l[yy * w + xx];
                        n++;
                    }
                }
                // L·n >= S − C·n, with C = c exactly representable in thousandths
                long c1000 = Math.round(c * 1000);
                out[y * w + x] = (byte) (1000L * l[y * w + x] * n >= 1000L * s - c1000 * n ? 255 : 0);
            }
        }
        return out;
    }

    static boolean[] morph(boolean[] m, int w, int h, int r, boolean dilate) {
        boolean[] out = new boolean[m.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean any = false, all = true;
                for (int yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
                    for (int xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
                        any |= m[yy * w + xx];
                        all &= m[yy * w + xx];
                    }
                }
                out[y * w + x] = dilate ? any : all;
            }
        }
        return out;
    }

    public static byte[] morphology(SampleImage img, int t, boolean opening, int r) {
        byte[] th = img.thresholdMask(t, false);
        boolean[] m = new boolean[th.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = th[i] != 0;
        }
        boolean[] res = opening ? morph(morph(m, img.width, img.height, r, false), img.width, img.height, r, true)
                : morph(morph(m, img.width, img.height, r, true), img.width, img.height, r, false);
        byte[] out = new byte[m.length];
        for (int i = 0; i < m.length; i++) {
            out[i] = (byte) (res[i] ? 255 : 0);
        }
        return out;
    }

}
