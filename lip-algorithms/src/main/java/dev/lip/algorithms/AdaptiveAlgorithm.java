package dev.lip.algorithms;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code adaptive}: local-mean threshold. 255 where {@code L·n >= S − C·n}, with {@code L} the floor luma (see
 * {@link Luma#floorLuma8}), {@code S} and {@code n} the sum and the count of {@code L} over the (2r+1)² window
 * clipped to the image, and {@code C} the offset. Computed exactly in integers ({@code C} has at most 3 decimals and
 * is scaled by 1000). Needs a halo of {@code r}.
 */
public final class AdaptiveAlgorithm implements Algorithm, Kernel {

    /** The parsed parameters of one adaptive job; {@code offset1000} is C times 1000, exactly. */
    public record Settings(int radius, long offset1000) implements JobSettings {
        @Override
        public int halo() {
            return radius;
        }
    }
    static final int MAX_RADIUS = 1024;

    @Override
    public String name() {
        return "adaptive";
    }

    @Override
    public String description() {
        return "Local-mean threshold: 255 where luma >= mean of the (2r+1)² window - offset.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                new ParameterSpec("radius", "integer", "15", "1 to " + MAX_RADIUS, "window radius r: the window is (2r+1)² pixels"),
                new ParameterSpec("offset", "number", "0", "-255 to 255, at most 3 decimals",
                        "C: how far below the local mean a pixel may be and still be foreground (negative: above)"));
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Luma.requireLumaImage(image, "adaptive");
        Map<String, String> out = new LinkedHashMap<>();
        out.put("radius", Integer.toString(Parameters.integer(given, "radius", 15, 1, MAX_RADIUS)));
        long c1000 = Parameters.scaledDecimal(given, "offset", "0", 3, 255);
        out.put("offset", java.math.BigDecimal.valueOf(c1000, 3).stripTrailingZeros().toPlainString());
        return out;
    }

    @Override
    public Settings settings(Map<String, String> resolved) {
        return new Settings(Integer.parseInt(resolved.get("radius")), Parameters.scaledDecimal(resolved, "offset", "0", 3, 255));
    }

    @Override
    public PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues) {
        Settings s = Kernel.settingsOf(settings, Settings.class, name());
        return (patch, tile) -> adaptive(patch, tile, s.radius(), s.offset1000());
    }

    /** The adaptive mask of the tile's core. */
    public static PixelRegion adaptive(PixelRegion patch, Tile tile, int r, long c1000) {
        int[] luma = Luma.floorLuma8(patch);
        int pw = patch.width();
        WindowSums sums = new WindowSums(luma, pw, patch.height());
        PixelRegion out = new PixelRegion(tile.core(), 1, 8);
        byte[] dst = out.data();
        int w = tile.core().width();
        for (int y = 0; y < tile.core().height(); y++) {
            int py = tile.coreOffsetY() + y;
            for (int x = 0; x < w; x++) {
                int px = tile.coreOffsetX() + x;
                long n = sums.count(px, py, r);
                long s = sums.sum(px, py, r);
                // L·n >= S − C·n, times 1000 so that C is an integer
                boolean on = 1000L * luma[py * pw + px] * n >= 1000L * s - c1000 * n;
                dst[y * w + x] = (byte) (on ? 255 : 0);
            }
        }
        return out;
    }
}
