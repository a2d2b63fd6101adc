package dev.lip.processor.algorithm;

import dev.lip.common.algorithm.AlgorithmSpec;
import dev.lip.common.algorithm.ThresholdSpec;
import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PixelRegion;
import org.springframework.stereotype.Component;

import java.util.Map;

/** See {@link ThresholdSpec}: integer luma against the threshold, pointwise, so it needs no halo. */
@Component
public class ThresholdAlgorithm implements PatchAlgorithm {
    private static final ThresholdSpec SPEC = new ThresholdSpec();

    @Override
    public AlgorithmSpec spec() {
        return SPEC;
    }

    @Override
    public PixelRegion process(PixelRegion patch, Tile tile, Map<String, String> parameters) {
        int threshold = Integer.parseInt(parameters.get("threshold"));
        boolean invert = Boolean.parseBoolean(parameters.get("invert"));
        return threshold(patch, tile.core(), threshold, invert);
    }

    /** Thresholds the pixels of {@code core} (image coordinates, inside the patch). */
    public static PixelRegion threshold(PixelRegion patch, Rect core, int threshold, boolean invert) {
        PixelRegion out = new PixelRegion(core, 1, 8);
        byte[] dst = out.data();
        byte[] src = patch.data();
        byte fg = (byte) (invert ? 0 : 255);
        byte bg = (byte) (invert ? 255 : 0);
        int bands = patch.bands();
        boolean rgb = bands >= 3;
        boolean wide = patch.bitsPerSample() == 16;
        int pixelBytes = bands * (wide ? 2 : 1);
        int limit = 1000 * threshold;
        int ox = core.x() - patch.bounds().x();
        int oy = core.y() - patch.bounds().y();
        int w = core.width();
        for (int y = 0; y < core.height(); y++) {
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
