package dev.lip.algorithms;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code otsu}: Otsu's threshold over the whole image, never per patch. The slicer builds the 256-bin histogram of
 * the floor luma (see {@link Luma#floorLuma8}) while it slices; once it is final, {@code t} is chosen and only then do
 * the patches become claimable. {@code t} maximises the between-class variance with class 0 the values {@code <= t}
 * (ties: the smallest {@code t}); the output is 255 where {@code L > t}. An image of a single luma value has no
 * between-class variance; {@code t} is then that value and the output all 0.
 */
public final class OtsuAlgorithm implements Algorithm, Kernel {
    public static final String THRESHOLD_VALUE = "otsuThreshold";

    @Override
    public String name() {
        return "otsu";
    }

    @Override
    public String description() {
        return "Otsu's threshold over the whole image's 8-bit floor-luma histogram: 255 where luma > t.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Luma.requireLumaImage(image, "otsu");
        return Map.of();
    }

    /** Otsu takes no parameters; its threshold is a job value, chosen once the histogram is whole. */
    public record Settings() implements JobSettings {
        @Override
        public Map<String, Object> jobValues(JobStatistics statistics) {
            return Map.of(THRESHOLD_VALUE, otsu(statistics.lumaHistogram()));
        }
    }

    @Override
    public Set<JobStatistic> requiredStatistics() {
        return Set.of(JobStatistic.LUMA_HISTOGRAM);
    }

    @Override
    public Settings settings(Map<String, String> resolved) {
        return new Settings();
    }

    /**
     * Otsu's t, exactly: the between-class variance is proportional to {@code (N·S0 − W0·S)² / (W0·W1)}, with W0, S0
     * the count and the sum of class 0, compared as fractions of big integers so that ties are real ties.
     */
    public static int otsu(long[] histogram) {
        BigInteger n = BigInteger.ZERO;
        BigInteger s = BigInteger.ZERO;
        int only = -1;
        for (int i = 0; i < histogram.length; i++) {
            n = n.add(BigInteger.valueOf(histogram[i]));
            s = s.add(BigInteger.valueOf(histogram[i]).multiply(BigInteger.valueOf(i)));
            if (histogram[i] > 0 && only < 0) {
                only = i;
            }
        }
        int best = Math.max(only, 0);
        BigInteger bestNum = BigInteger.ZERO;
        BigInteger bestDen = BigInteger.ONE;
        BigInteger w0 = BigInteger.ZERO;
        BigInteger s0 = BigInteger.ZERO;
        for (int t = 0; t < histogram.length - 1; t++) {
            w0 = w0.add(BigInteger.valueOf(histogram[t]));
            s0 = s0.add(BigInteger.valueOf(histogram[t]).multiply(BigInteger.valueOf(t)));
            BigInteger w1 = n.subtract(w0);
            if (w0.signum() == 0 || w1.signum() == 0) {
                continue;
            }
            BigInteger d = n.multiply(s0).subtract(w0.multiply(s));
            BigInteger num = d.multiply(d);
            BigInteger den = w0.multiply(w1);
            // num/den > bestNum/bestDen, strictly: the smallest t wins ties
            if (num.multiply(bestDen).compareTo(bestNum.multiply(den)) > 0) {
                best = t;
                bestNum = num;
                bestDen = den;
            }
        }
        return best;
    }

    @Override
    public PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues) {
        Kernel.settingsOf(settings, Settings.class, name());
        Object v = jobValues.get(THRESHOLD_VALUE);
        if (!(v instanceof Number number)) {
            throw new IllegalStateException("the job has no Otsu threshold yet (jobValues." + THRESHOLD_VALUE + ")");
        }
        int t = number.intValue();
        return (patch, tile) -> mask(patch, tile, t);
    }

    /** 255 where the floor luma of the core's pixels is above {@code t}. */
    public static PixelRegion mask(PixelRegion patch, Tile tile, int t) {
        PixelRegion out = new PixelRegion(tile.core(), 1, 8);
        int ox = tile.coreOffsetX();
        int oy = tile.coreOffsetY();
        byte[] dst = out.data();
        int w = tile.core().width();
        for (int y = 0; y < tile.core().height(); y++) {
            for (int x = 0; x < w; x++) {
                dst[y * w + x] = (byte) (Luma.floorLuma8(patch, ox + x, oy + y) > t ? 255 : 0);
            }
        }
        return out;
    }
}
