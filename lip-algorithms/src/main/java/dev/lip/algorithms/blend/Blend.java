package dev.lip.algorithms.blend;

import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;

import java.util.Locale;

/**
 * How the predictions of overlapping patches are combined into one value per pixel, as MONAI's sliding-window
 * inference does: {@code CROP} keeps each patch's core only (no blending; the processor finishes the core itself);
 * {@code CONSTANT} averages every patch that covers a pixel; {@code GAUSSIAN} weights each patch's prediction by a
 * Gaussian centred on its window, so a patch counts less near its edges, where it saw the least context.
 *
 * <p>Weights depend only on the grid and the pixel, never on which patch finished first: the stitcher adds the
 * contributions of a pixel's patches in row-major tile order, so the result is the same in any run.
 *
 * @param sigma for {@code GAUSSIAN}: the standard deviation as a fraction of the window side (tile size plus twice
 *              the overlap); MONAI's {@code sigma_scale}, 0.125 by default
 */
public record Blend(Mode mode, double sigma) {
    public enum Mode {
        CROP, CONSTANT, GAUSSIAN;

        public String parameterValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final Blend CROP = new Blend(Mode.CROP, 0);

    /**
     * Weights never fall below this, so every pixel has a positive total weight (its own core always covers it) and
     * far corners of a window with a small sigma cannot underflow to zero.
     */
    public static final double MIN_AXIS_WEIGHT = 1e-6;

    public Blend {
        if (mode == Mode.GAUSSIAN && !(sigma > 0)) {
            throw new IllegalArgumentException("sigma must be positive, not " + sigma);
        }
    }

    public boolean blends() {
        return mode != Mode.CROP;
    }

    /**
     * The weight of {@code tile}'s prediction at image pixel ({@code x}, {@code y}): the product of the two axis
     * weights, in that order (a reference implementation must multiply in the same order to get the same doubles).
     */
    public double weight(TileGrid grid, Tile tile, int x, int y) {
        return axisWeight(grid, tile.core().x(), x) * axisWeight(grid, tile.core().y(), y);
    }

    /**
     * The weight along one axis of the tile whose core starts at {@code coreStart}, at image coordinate {@code p}.
     * The window is the nominal one, core start minus the overlap, tile size plus twice the overlap long, even where
     * the image clips it: a patch at the image edge is weighted as if its window went on.
     */
    public double axisWeight(TileGrid grid, int coreStart, int p) {
        if (mode != Mode.GAUSSIAN) {
            return 1.0;
        }
        int window = grid.tileSize() + 2 * grid.overlap();
        double centre = coreStart - grid.overlap() + (window - 1) / 2.0;
        double s = sigma * window;
        double d = p - centre;
        return Math.max(Math.exp(-d * d / (2 * s * s)), MIN_AXIS_WEIGHT);
    }
}
