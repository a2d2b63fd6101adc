package dev.lip.algorithms.blend;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes one output tile from the float predictions of every patch whose window covers its core: a weighted mean per
 * pixel and channel, then the algorithm's finishing step (probability to 8 bits, a mask, an argmax).
 *
 * <p>The mean is taken as the first contribution plus the weighted mean of the differences from it,
 * {@code p0 + Σ w(p - p0) / Σ w}: where every patch predicts the same value (a pointwise model) the result is that
 * value exactly, so a pointwise model gives the same bytes for any tile size, overlap and blending, rather than
 * values one rounding step apart that could land on either side of a quantisation boundary. Memory is one
 * tile of sums and the strips read from neighbours; nothing else of the image is held, so the stitcher still
 * streams tile by tile.
 */
public final class Blender {

    /** Reads {@code area} (image coordinates, inside {@code tile.patch()}) of the prediction for {@code tile}. */
    @FunctionalInterface
    public interface PredictionReader {
        PixelRegion read(Tile tile, Rect area) throws IOException;
    }

    /** Turns blended values (channels interleaved, {@code out.length} pixels) into 8-bit results. */
    @FunctionalInterface
    public interface Finisher {
        void finish(double[] blended, int channels, byte[] out);
    }

    private Blender() {
    }

    /** The tiles whose patch overlaps {@code tile}'s core (itself included), in row-major order. */
    public static List<Tile> contributors(TileGrid grid, Tile tile) {
        List<Tile> out = new ArrayList<>(9);
        int reach = (grid.overlap() + grid.tileSize() - 1) / grid.tileSize();
        for (int r = Math.max(0, tile.row() - reach); r <= Math.min(grid.rows() - 1, tile.row() + reach); r++) {
            for (int c = Math.max(0, tile.column() - reach); c <= Math.min(grid.columns() - 1, tile.column() + reach); c++) {
                Tile neighbour = grid.tile(r, c);
                if (intersection(neighbour.patch(), tile.core()) != null) {
                    out.add(neighbour);
                }
            }
        }
        return out;
    }

    /** @return the core of {@code tile} as one 8-bit band */
    public static PixelRegion blendCore(TileGrid grid, Tile tile, Blend blend, PredictionReader reader,
                                        Finisher finisher) throws IOException {
        Rect core = tile.core();
        int n = (int) core.area();
        double[] weights = new double[n];
        double[] sums = null;
        double[] base = null;
        int channels = 0;
        // Row-major order over the neighbours: the order in which each pixel's contributions are added is fixed.
        for (Tile neighbour : contributors(grid, tile)) {
            int r = neighbour.row(), c = neighbour.column();
            Rect area = intersection(neighbour.patch(), core);
            PixelRegion p = reader.read(neighbour, area);
            if (p.sampleFormat() != SampleFormat.FLOAT32 || !p.bounds().equals(area)) {
                throw new IOException("the prediction of tile " + r + "," + c + " is " + p + ", expected floats over " + area);
            }
            if (sums == null) {
                channels = p.bands();
                sums = new double[n * channels];
                base = new double[n * channels];
            } else if (p.bands() != channels) {
                throw new IOException("the prediction of tile " + r + "," + c + " has " + p.bands()
                        + " channels, its neighbours " + channels);
            }
            double[] wx = new double[area.width()];
            for (int i = 0; i < wx.length; i++) {
                wx[i] = blend.axisWeight(grid, neighbour.core().x(), area.x() + i);
            }
            for (int yy = 0; yy < area.height(); yy++) {
                double wy = blend.axisWeight(grid, neighbour.core().y(), area.y() + yy);
                int at = (area.y() - core.y() + yy) * core.width() + (area.x() - core.x());
                for (int xx = 0; xx < area.width(); xx++) {
                    double w = wx[xx] * wy;
                    int i = at + xx;
                    boolean first = weights[i] == 0;
                    weights[i] += w;
                    for (int ch = 0; ch < channels; ch++) {
                        int k = i * channels + ch;
                        double v = p.floatSample(xx, yy, ch);
                        if (first) {
                            base[k] = v;
                        } else {
                            sums[k] += w * (v - base[k]);
                        }
                    }
                }
            }
        }
        if (sums == null) {
            throw new IOException("no prediction covers tile " + tile.row() + "," + tile.column());
        }
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < channels; ch++) {
                int k = i * channels + ch;
                sums[k] = base[k] + sums[k] / weights[i];
            }
        }
        byte[] out = new byte[n];
        finisher.finish(sums, channels, out);
        return new PixelRegion(core, 1, 8, out);
    }

    private static Rect intersection(Rect a, Rect b) {
        int x = Math.max(a.x(), b.x());
        int y = Math.max(a.y(), b.y());
        int r = Math.min(a.right(), b.right());
        int bt = Math.min(a.bottom(), b.bottom());
        return r > x && bt > y ? new Rect(x, y, r - x, bt - y) : null;
    }
}
