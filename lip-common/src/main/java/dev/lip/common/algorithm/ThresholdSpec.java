package dev.lip.common.algorithm;

import dev.lip.common.pixels.ImageInfo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code threshold}: 255 where the luma is at least {@code threshold}, else 0 ({@code invert} swaps them). Luma is
 * the sample of a grey pixel and {@code (299 R + 587 G + 114 B) / 1000} of an RGB one, compared in integers
 * ({@code 299 R + 587 G + 114 B >= 1000 T}) because floating point misplaces pixels exactly on the boundary.
 */
public final class ThresholdSpec implements AlgorithmSpec {
    public static final String NAME = "threshold";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Binary mask: 255 where luma >= threshold, else 0 (alpha ignored, palettes expanded).";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                new ParameterSpec("threshold", "integer", "middle of the sample range (128 for 8-bit, 32768 for 16-bit)",
                        "luma at or above which a pixel is foreground"),
                new ParameterSpec("invert", "boolean", "false", "swap foreground and background"));
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Map<String, String> out = new LinkedHashMap<>();
        int max = (1 << image.bitsPerSample()) - 1;
        String t = given.get("threshold");
        int threshold = (max + 1) / 2;
        if (t != null) {
            try {
                threshold = Integer.parseInt(t.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("threshold must be a whole number, not '" + t + "'.");
            }
            if (threshold < 0 || threshold > max + 1) {
                throw new IllegalArgumentException("threshold must be between 0 and " + (max + 1) + " for "
                        + image.bitsPerSample() + "-bit images, not " + threshold + ".");
            }
        }
        out.put("threshold", Integer.toString(threshold));
        String inv = given.getOrDefault("invert", "false").trim().toLowerCase();
        if (!inv.equals("true") && !inv.equals("false")) {
            throw new IllegalArgumentException("invert must be true or false, not '" + given.get("invert") + "'.");
        }
        out.put("invert", inv);
        return out;
    }
}
