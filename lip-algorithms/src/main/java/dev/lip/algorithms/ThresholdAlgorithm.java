package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code threshold}: 255 where the luma is at least {@code threshold}, else 0 ({@code invert} swaps them); with
 * {@code band}, that band's sample instead of the luma; pixels with no data are 0 (see {@link Foreground}, the rule).
 * Luma is compared in integers, {@code 299 R + 587 G + 114 B >= 1000 T}, because floating point misplaces pixels
 * exactly on the boundary (0.299·128 + 0.587·128 + 0.114·128 is 127.99999999999999 in doubles). Pointwise: no halo.
 */
public final class ThresholdAlgorithm implements Algorithm, Kernel {

    /** The parsed parameters of one threshold job. */
    public record Settings(Foreground foreground) implements JobSettings {
    }

    @Override
    public String name() {
        return "threshold";
    }

    @Override
    public String description() {
        return "Binary mask: 255 where luma (or a band) >= threshold, else 0; any sample format, nodata and NaN give 0.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> out = new java.util.ArrayList<>(Foreground.parameters());
        out.add(1, new ParameterSpec("invert", "boolean", "false", "true or false", "swap foreground and background"));
        return out;
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Map<String, String> out = new LinkedHashMap<>();
        Foreground.resolve(given, image, out);
        out.put("invert", Boolean.toString(Parameters.bool(given, "invert", false)));
        return out;
    }

    @Override
    public Settings settings(Map<String, String> resolved) {
        return new Settings(Foreground.parse(resolved, Boolean.parseBoolean(resolved.get("invert"))));
    }

    @Override
    public PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues) {
        Foreground rule = Kernel.settingsOf(settings, Settings.class, name()).foreground();
        return (patch, tile) -> rule.mask(patch, tile.core());
    }

    /** 255 where band {@code band} (0-based) of the pixels of {@code area} is at least {@code threshold}. */
    public static PixelRegion thresholdBand(PixelRegion patch, Rect area, int band, int threshold, boolean invert) {
        PixelRegion out = new PixelRegion(area, 1, 8);
        byte[] dst = out.data();
        byte fg = (byte) (invert ? 0 : 255);
        byte bg = (byte) (invert ? 255 : 0);
        int ox = area.x() - patch.bounds().x();
        int oy = area.y() - patch.bounds().y();
        for (int y = 0; y < area.height(); y++) {
            for (int x = 0; x < area.width(); x++) {
                dst[y * area.width() + x] = patch.sample(ox + x, oy + y, band) >= threshold ? fg : bg;
            }
        }
        return out;
    }

    /** Thresholds the pixels of {@code area} (image coordinates, inside the patch) into 255 / 0. */
    public static PixelRegion threshold(PixelRegion patch, Rect area, int threshold, boolean invert) {
        PixelRegion out = new PixelRegion(area, 1, 8);
        byte[] dst = out.data();
        byte[] src = patch.data();
        byte fg = (byte) (invert ? 0 : 255);
        byte bg = (byte) (invert ? 255 : 0);
        int bands = patch.bands();
        boolean rgb = bands >= 3;
        boolean wide = patch.bitsPerSample() == 16;
        int pixelBytes = bands * (wide ? 2 : 1);
        int limit = 1000 * threshold;
        int ox = area.x() - patch.bounds().x();
        int oy = area.y() - patch.bounds().y();
        int w = area.width();
        for (int y = 0; y < area.height(); y++) {
            int s = ((oy + y) * patch.width() + ox) * pixelBytes;
            int d = y * w;
            for (int x = 0; x < w; x++, s += pixelBytes) {
                boolean on;
                if (wide) {
                    int v0 = (src[s] & 0xFF) | (src[s + 1] & 0xFF) << 8;
                    if (rgb) {
                        int v1 = (src[s + 2] & 0xFF) | (src[s + 3] & 0xFF) << 8;
                        int v2 = (src[s + 4] & 0xFF) | (src[s + 5] & 0xFF) << 8;
                        // 1000 * 65535 fits an int, so this sum cannot overflow.
                        on = 299 * v0 + 587 * v1 + 114 * v2 >= limit;
                    } else {
                        on = v0 >= threshold;
                    }
                } else if (rgb) {
                    on = 299 * (src[s] & 0xFF) + 587 * (src[s + 1] & 0xFF) + 114 * (src[s + 2] & 0xFF) >= limit;
                } else {
                    on = (src[s] & 0xFF) >= threshold;
                }
                dst[d + x] = on ? fg : bg;
            }
        }
        return out;
    }
}
