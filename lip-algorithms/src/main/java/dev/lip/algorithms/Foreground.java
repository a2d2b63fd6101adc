package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Which pixels a threshold makes foreground, for every sample format: the rule {@code threshold} and
 * {@code morphology} share. A pixel is foreground when its value is at least {@code threshold}; the value is the
 * sample of {@code band} when one is named, else the luma of bands 1 to 3 (three or more bands) or the sample of
 * band 1. Pixels with no data, NaN or the {@code nodata} value (in the compared band; for the luma, in all of R, G
 * and B), are 0 whatever {@code invert} says: a mask must not claim what the file does not hold.
 *
 * <p>8 and 16-bit unsigned images compare in integers ({@code 299 R + 587 G + 114 B >= 1000 T}, see
 * {@link ThresholdAlgorithm}); every other format compares doubles, which hold each of its samples exactly
 * (int32, uint32 and float64 included), the luma as {@code 299 R + 587 G + 114 B >= 1000 T} in doubles.
 *
 * @param band   0-based, or -1 for the luma
 * @param nodata the value that means "no data", or null; NaN means none besides NaN itself
 */
public record Foreground(double threshold, int band, Double nodata, boolean invert) {

    /** The parameters of the rule, as users see them. */
    static List<ParameterSpec> parameters() {
        return List.of(
                new ParameterSpec("threshold", "number", "middle of the sample range (128 for 8-bit, 32768 for 16-bit); "
                        + "required for other sample formats", "0 to 256 (8-bit), 0 to 65536 (16-bit), any number otherwise",
                        "luma (or the band's sample) at or above which a pixel is foreground"),
                new ParameterSpec("band", "integer", "(none: the luma)", "1 to the image's bands",
                        "compare this band's sample alone (a multispectral image's NIR, say) instead of the luma"),
                new ParameterSpec("nodata", "number", "the file's GDAL nodata value, if it has one", "a number, nan or none",
                        "pixels of this value are 0 in the result whatever invert says (NaN always is)"));
    }

    /** Checks {@code threshold}, {@code band} and {@code nodata} against the image and adds them to {@code out}. */
    static void resolve(Map<String, String> given, ImageInfo image, Map<String, String> out) {
        if (image.sampleFormat().isUnsignedSmall()) {
            int range = 1 << image.bitsPerSample();
            out.put("threshold", Integer.toString(Parameters.integer(given, "threshold", range / 2, 0, range)));
        } else {
            String t = given.get("threshold");
            if (t == null) {
                throw new IllegalArgumentException("threshold is required for images of " + image.sampleFormat().label()
                        + " samples (there is no middle of their range to default to): give the value at or above "
                        + "which a pixel is foreground, for example threshold=0.5.");
            }
            out.put("threshold", number("threshold", t).toPlainString());
        }
        if (given.containsKey("band")) {
            out.put("band", Integer.toString(Parameters.integer(given, "band", 1, 1, image.bands())));
        }
        String nodata = given.containsKey("nodata") ? given.get("nodata").trim() : image.nodata();
        if (nodata != null && !nodata.equalsIgnoreCase("none")) {
            out.put("nodata", nodata.equalsIgnoreCase("nan") ? "nan" : number("nodata", nodata).toPlainString());
        }
    }

    /** The rule from what {@link #resolve} wrote. */
    static Foreground parse(Map<String, String> resolved, boolean invert) {
        String nodata = resolved.get("nodata");
        return new Foreground(Double.parseDouble(resolved.get("threshold")),
                resolved.containsKey("band") ? Integer.parseInt(resolved.get("band")) - 1 : -1,
                nodata == null ? null : nodata.equals("nan") ? Double.NaN : Double.parseDouble(nodata), invert);
    }

    private static BigDecimal number(String name, String v) {
        try {
            return new BigDecimal(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number, not '" + v + "'.");
        }
    }

    /** 255 where a pixel of {@code area} (image coordinates, inside the patch) is foreground, else 0; one 8-bit band. */
    public PixelRegion mask(PixelRegion patch, Rect area) {
        boolean integral = threshold == Math.rint(threshold) && Math.abs(threshold) <= 1 << 17;
        if (patch.sampleFormat().isUnsignedSmall() && integral && (nodata == null || Double.isNaN(nodata))) {
            // No pixel of these formats is NaN, so nothing here is missing: the integer loops.
            return band >= 0 ? ThresholdAlgorithm.thresholdBand(patch, area, band, (int) threshold, invert)
                    : ThresholdAlgorithm.threshold(patch, area, (int) threshold, invert);
        }
        PixelRegion out = new PixelRegion(area, 1, 8);
        byte[] dst = out.data();
        byte fg = (byte) (invert ? 0 : 255);
        byte bg = (byte) (invert ? 255 : 0);
        int ox = area.x() - patch.bounds().x();
        int oy = area.y() - patch.bounds().y();
        boolean luma = band < 0 && patch.bands() >= 3;
        int compared = Math.max(band, 0);
        double limit = 1000 * threshold;
        double missing = nodata == null ? Double.NaN : nodata;
        for (int y = 0; y < area.height(); y++) {
            for (int x = 0; x < area.width(); x++) {
                byte v;
                if (luma) {
                    double r = patch.value(ox + x, oy + y, 0);
                    double g = patch.value(ox + x, oy + y, 1);
                    double b = patch.value(ox + x, oy + y, 2);
                    double l = 299 * r + 587 * g + 114 * b;
                    boolean none = Double.isNaN(l) || r == missing && g == missing && b == missing;
                    v = none ? 0 : l >= limit ? fg : bg;
                } else {
                    double s = patch.value(ox + x, oy + y, compared);
                    v = Double.isNaN(s) || s == missing ? 0 : s >= threshold ? fg : bg;
                }
                dst[y * area.width() + x] = v;
            }
        }
        return out;
    }
}
