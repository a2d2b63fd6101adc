package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;
import dev.lip.formats.source.ImageSource;

import java.io.IOException;

/**
 * Keeps the last rows of a streamed image in a ring buffer as tall as the tallest band of rows a tile row needs
 * (tile plus halo on both sides), and hands over each tile row as soon as its last row has arrived. Bands of
 * neighbouring tile rows overlap when there is a halo; the ring holds them all at once, so memory is one band
 * whatever the halo, never the image.
 */
final class BandAssembler implements ImageSource.RowConsumer {
    private final TileGrid grid;
    private final int bands;
    private final SampleFormat format;
    private final int rowBytes;
    private final int ringRows;
    private final byte[] ring;
    private final BandConsumer consumer;
    private int nextTileRow;
    private int rowsSeen;

    /** Receives each completed tile row; {@code rows} can cut any rectangle out of that row's band. */
    interface BandConsumer {
        void accept(int tileRow, Rows rows) throws IOException;
    }

    /** The rows currently held. */
    interface Rows {
        PixelRegion crop(Rect area);
    }

    BandAssembler(TileGrid grid, int bands, SampleFormat format, BandConsumer consumer) {
        this.grid = grid;
        this.bands = bands;
        this.format = format;
        this.consumer = consumer;
        this.rowBytes = grid.imageWidth() * bands * format.bytes();
        int tallest = 0;
        for (int r = 0; r < grid.rows(); r++) {
            tallest = Math.max(tallest, grid.rowBand(r).height());
        }
        this.ringRows = tallest;
        long size = (long) rowBytes * ringRows;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("A band of " + ringRows + " rows of " + grid.imageWidth()
                    + " pixels is too large to buffer; use smaller tiles or a smaller halo.");
        }
        this.ring = new byte[(int) size];
    }

    @Override
    public void accept(int y, byte[] row) throws IOException {
        System.arraycopy(row, 0, ring, (y % ringRows) * rowBytes, rowBytes);
        rowsSeen = y + 1;
        while (nextTileRow < grid.rows() && grid.rowBand(nextTileRow).bottom() == y + 1) {
            consumer.accept(nextTileRow, this::crop);
            nextTileRow++;
        }
    }

    private PixelRegion crop(Rect area) {
        if (area.y() < rowsSeen - ringRows || area.bottom() > rowsSeen) {
            throw new IllegalArgumentException(area + " is not among the rows held");
        }
        PixelRegion out = new PixelRegion(area, bands, format);
        int pixelBytes = bands * format.bytes();
        int bytes = area.width() * pixelBytes;
        for (int r = 0; r < area.height(); r++) {
            int src = ((area.y() + r) % ringRows) * rowBytes + area.x() * pixelBytes;
            System.arraycopy(ring, src, out.data(), r * bytes, bytes);
        }
        return out;
    }

    /** Whether every tile row was completed, i.e. the source delivered every row. */
    boolean complete() {
        return nextTileRow == grid.rows();
    }
}
