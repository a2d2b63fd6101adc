package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.slicer.source.ImageSource;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Collects streamed rows into the bands of rows each tile row needs, halo included, and hands over each band as
 * soon as its last row arrives. A row can belong to several bands when tiles overlap; at most a few bands are open
 * at a time, so memory is a few bands, never the image.
 */
final class BandAssembler implements ImageSource.RowConsumer {
    private final TileGrid grid;
    private final int bands;
    private final int bits;
    private final BandConsumer consumer;
    private final Deque<OpenBand> open = new ArrayDeque<>();
    private int nextBandRow;

    interface BandConsumer {
        void accept(int tileRow, PixelRegion band) throws IOException;
    }

    private record OpenBand(int tileRow, PixelRegion pixels) {
    }

    BandAssembler(TileGrid grid, int bands, int bits, BandConsumer consumer) {
        this.grid = grid;
        this.bands = bands;
        this.bits = bits;
        this.consumer = consumer;
    }

    @Override
    public void accept(int y, byte[] row) throws IOException {
        while (nextBandRow < grid.rows() && grid.rowBand(nextBandRow).y() == y) {
            Rect b = grid.rowBand(nextBandRow);
            open.addLast(new OpenBand(nextBandRow, new PixelRegion(b, bands, bits)));
            nextBandRow++;
        }
        for (OpenBand band : open) {
            PixelRegion p = band.pixels();
            int stride = p.rowStride();
            System.arraycopy(row, 0, p.data(), (y - p.bounds().y()) * stride, stride);
        }
        while (!open.isEmpty() && open.peekFirst().pixels().bounds().bottom() == y + 1) {
            OpenBand done = open.removeFirst();
            consumer.accept(done.tileRow(), done.pixels());
        }
    }

    /** Whether every band was completed, i.e. the source delivered every row. */
    boolean complete() {
        return nextBandRow == grid.rows() && open.isEmpty();
    }
}
