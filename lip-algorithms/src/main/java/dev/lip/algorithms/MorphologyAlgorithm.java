package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code morphology}: binary opening or closing of the threshold mask (luma or band {@code >= threshold}, no-data
 * pixels background: {@link Foreground}, as {@code threshold}) with a square of radius {@code r}, windows clipped to the image: erosion keeps a pixel
 * when its whole clipped window is foreground, dilation when any of it is. Opening is erosion then dilation, closing
 * the reverse; each step looks r pixels further, so the halo is 2r.
 */
public final class MorphologyAlgorithm implements Algorithm, Kernel {

    /** The parsed parameters of one morphology job. */
    public record Settings(Foreground foreground, boolean opening, int radius) implements JobSettings {
        @Override
        public int halo() {
            return 2 * radius;
        }
    }
    static final int MAX_RADIUS = 512;

    @Override
    public String name() {
        return "morphology";
    }

    @Override
    public String description() {
        return "Binary opening or closing of the threshold mask with a (2r+1)² square.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> out = new java.util.ArrayList<>(Foreground.parameters());
        out.addAll(List.of(new ParameterSpec("operation", "choice", "opening", "opening or closing", "which morphological operation"),
                new ParameterSpec("radius", "integer", "1", "1 to " + MAX_RADIUS, "radius r of the square structuring element")));
        return out;
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Map<String, String> out = new LinkedHashMap<>();
        Foreground.resolve(given, image, out);
        out.put("operation", Parameters.choice(given, "operation", "opening", List.of("opening", "closing")));
        out.put("radius", Integer.toString(Parameters.integer(given, "radius", 1, 1, MAX_RADIUS)));
        return out;
    }

    @Override
    public Settings settings(Map<String, String> resolved) {
        return new Settings(Foreground.parse(resolved, false), resolved.get("operation").equals("opening"),
                Integer.parseInt(resolved.get("radius")));
    }

    @Override
    public PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues) {
        Settings s = Kernel.settingsOf(settings, Settings.class, name());
        return (patch, tile) -> morphology(patch, tile, s);
    }

    private static PixelRegion morphology(PixelRegion patch, Tile tile, Settings s) {
        int r = s.radius();
        boolean opening = s.opening();
        Rect all = patch.bounds();
        byte[] mask = s.foreground().mask(patch, all).data();
        int w = all.width(), h = all.height();
        int[] m = new int[w * h];
        for (int i = 0; i < m.length; i++) {
            m[i] = mask[i] != 0 ? 1 : 0;
        }
        // First step over the whole patch: values within r of a patch edge that is not an image edge are wrong, but
        // the second step only reads the first within r of the core, which the 2r halo keeps clear of them.
        int[] first = step(m, w, h, r, !opening, 0, 0, w, h);
        int[] second = step(first, w, h, r, opening, tile.coreOffsetX(), tile.coreOffsetY(),
                tile.core().width(), tile.core().height());
        PixelRegion out = new PixelRegion(tile.core(), 1, 8);
        byte[] dst = out.data();
        for (int i = 0; i < dst.length; i++) {
            dst[i] = (byte) (second[i] != 0 ? 255 : 0);
        }
        return out;
    }

    /**
     * Erosion or dilation of a 0/1 image, evaluated on the rectangle (x0, y0, cw, ch).
     *
     * @return 0/1 values of that rectangle, row-major
     */
    private static int[] step(int[] m, int w, int h, int r, boolean dilate, int x0, int y0, int cw, int ch) {
        WindowSums sums = new WindowSums(m, w, h);
        int[] out = new int[cw * ch];
        for (int y = 0; y < ch; y++) {
            for (int x = 0; x < cw; x++) {
                long s = sums.sum(x0 + x, y0 + y, r);
                out[y * cw + x] = dilate ? (s > 0 ? 1 : 0) : (s == sums.count(x0 + x, y0 + y, r) ? 1 : 0);
            }
        }
        return out;
    }
}
