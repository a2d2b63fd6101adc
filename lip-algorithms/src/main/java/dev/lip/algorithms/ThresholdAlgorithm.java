package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code threshold}: 255 where the luma is at least {@code threshold}, else 0 ({@code invert} swaps them); with
 * {@code band}, that band's sample instead of the luma. Luma is
 * compared in integers, {@code 299 R + 587 G + 114 B >= 1000 T}, because floating point misplaces pixels exactly on
 * the boundary (0.299·128 + 0.587·128 + 0.114·128 is 127.99999999999999 in doubles). Pointwise: no halo.
 */
public final class ThresholdAlgorithm implements Algorithm, Kernel {

    /** The parsed parameters of one threshold job; {@code band} is 1-based, 0 for the luma. */
    public record Settings(int threshold, boolean invert, int band) implements JobSettings {
    }

    @Override
    public String name() {
        return "threshold";
    }

    @Override
    public String description() {
        return "Binary mask: 255 where luma >= threshold, else 0 (alpha ignored, palettes expanded).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(thresholdSpec(),
                new ParameterSpec("invert", "boolean", "false", "true or false", "swap foreground and background"),
                new ParameterSpec("band", "integer", "(none: the luma)", "1 to the image's bands",
                        "threshold this band's sample alone (a multispectral image's NIR, say) instead of the luma"));
    }

    static ParameterSpec thresholdSpec() {
        return new ParameterSpec("threshold", "integer", "middle of the sample range (128 for 8-bit, 32768 for 16-bit)",
                "0 to 256 (8-bit) or 0 to 65536 (16-bit)", "luma (or the band's sample) at or above which a pixel is foreground");
    }

    /** The threshold parameter, defaulting to the middle of the image's sample range. */
    static int threshold(Map<String, String> given, ImageInfo image) {
        int range = 1 << image.bitsPerSample();
        return Parameters.integer(given, "threshold", range / 2, 0, range);
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("threshold", Integer.toString(threshold(given, image)));
        out.put("invert", Boolean.toString(Parameters.bool(given, "invert", false)));
        if (given.containsKey("band")) {
            out.put("band", Integer.toString(Parameters.integer(given, "band", 1, 1, image.bands())));
        }
        return out;
    }

    @Override
    public Settings settings(Map<String, String> resolved) {
        return new Settings(Integer.parseInt(resolved.get("threshold")), Boolean.parseBoolean(resolved.get("invert")),
                resolved.containsKey("band") ? Integer.parseInt(resolved.get("band")) : 0);
    }

    @Override
    public PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues) {
        Settings s = Kernel.settingsOf(settings, Settings.class, name());
        return s.band() > 0 ? (patch, tile) -> thresholdBand(patch, tile.core(), s.band() - 1, s.threshold(), s.invert())
                : (patch, tile) -> threshold(patch, tile.core(), s.threshold(), s.invert());
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
