package dev.lip.formats.tiff;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a result as a pyramid while its full-resolution tiles arrive, in one pass: each tile is stored and at once
 * reduced into the level below, which keeps one row of tiles; when that row is whole its tiles are encoded, stored
 * and reduced in turn. Memory is one tile row a reduced level (a quarter, a sixteenth, ... of a full-resolution tile
 * row) and the tile tables; nothing reads the result back. At {@link #close} the levels' data, kept in temporary
 * files beside the result, are copied behind the directories in the {@link ResultLayout}'s order.
 *
 * <p>Levels halve (rounding up) until one fits in one tile. One 8-bit band, deflate-compressed, as every result is.
 */
public final class PyramidWriter implements Closeable, TileArchive {
    private final Path file;
    private final ResultLayout layout;
    private final Reduction reduction;
    private final Placement placement;
    private final List<PyramidLevel> levels = new ArrayList<>();
    private final TileDeflater deflater;
    private volatile boolean closed;

    /**
     * @param layout {@link ResultLayout#COG} or {@link ResultLayout#OME_TIFF}
     */
    public PyramidWriter(Path file, int width, int height, int tileSize, ResultLayout layout, Reduction reduction,
                         Placement placement, int deflateLevel) throws IOException {
        if (layout == ResultLayout.TIFF || tileSize % 16 != 0) {
            throw new IllegalArgumentException("a pyramid of tiles of " + tileSize + " in the " + layout + " layout");
        }
        this.file = file;
        this.layout = layout;
        this.reduction = reduction;
        this.placement = placement;
        this.deflater = new TileDeflater(deflateLevel);
        Path dir = file.toAbsolutePath().getParent();
        try {
            int w = width;
            int h = height;
            levels.add(new PyramidLevel(dir, w, h, tileSize, false, layout == ResultLayout.COG));
            while (w > tileSize || h > tileSize) {
                w = (w + 1) / 2;
                h = (h + 1) / 2;
                levels.add(new PyramidLevel(dir, w, h, tileSize, true, layout == ResultLayout.COG));
            }
        } catch (IOException | RuntimeException e) {
            closeLevels();
            throw e;
        }
    }

    @Override
    public int levels() {
        return levels.size();
    }

    @Override
    public int width(int level) {
        return levels.get(level).width;
    }

    @Override
    public int height(int level) {
        return levels.get(level).height;
    }

    @Override
    public int tileSize() {
        return levels.get(0).tileSize;
    }

    /**
     * A tile already stored, for a viewer while the result is being written; null when it is not stored yet, or
     * once the writer has closed (the finished file has it then).
     */
    @Override
    public byte[] tile(int level, int column, int row) throws IOException {
        PyramidLevel l = levels.get(level);
        if (closed || column < 0 || row < 0 || column >= l.across || row >= l.down) {
            return null;
        }
        byte[] stored;
        try {
            stored = l.read(row * l.across + column);
        } catch (java.nio.channels.ClosedChannelException e) {
            return null; // closed meanwhile
        }
        return stored == null ? null : Inflation.inflate(stored, l.tileSize * l.tileSize);
    }

    /**
     * Adds one full-resolution tile; tiles must come in row-major order.
     *
     * @param pixels  the tile's pixels (one 8-bit band; narrower or shorter at the right and bottom edges)
     * @param encoded the same pixels as the tile's deflated bytes (see {@link TiledTiffWriter#encodeTile})
     */
    public void writeTile(int row, int column, PixelRegion pixels, ByteBuffer encoded) throws IOException {
        if (pixels.bands() != 1 || pixels.bitsPerSample() != 8) {
            throw new IllegalArgumentException("a result tile is one 8-bit band, not " + pixels);
        }
        add(0, row, column, pixels.data(), pixels.width(), pixels.height(), encoded);
    }

    private void add(int k, int row, int column, byte[] pixels, int w, int h, ByteBuffer encoded) throws IOException {
        PyramidLevel level = levels.get(k);
        level.store(row * level.across + column, encoded);
        if (k + 1 == levels.size()) {
            return;
        }
        PyramidLevel below = levels.get(k + 1);
        int half = level.tileSize / 2;
        reduction.reduce(pixels, w, h, below.strip, (row % 2) * half * below.width + column * half, below.width);
        boolean rowDone = column == level.across - 1;
        if (rowDone && (row % 2 == 1 || row == level.down - 1)) {
            emitRow(k + 1, row / 2);
        }
    }

    /** Cuts the gathered row of a reduced level into tiles, which are stored and reduced further. */
    private void emitRow(int k, int row) throws IOException {
        PyramidLevel level = levels.get(k);
        int t = level.tileSize;
        int th = Math.min(t, level.height - row * t);
        for (int c = 0; c < level.across; c++) {
            int tw = Math.min(t, level.width - c * t);
            PixelRegion tile = new PixelRegion(new Rect(c * t, row * t, tw, th), 1, 8);
            for (int y = 0; y < th; y++) {
                System.arraycopy(level.strip, y * level.width + c * t, tile.data(), y * tw, tw);
            }
            ByteBuffer encoded = TiledTiffWriter.encodeTile(tile, t, TiledTiffWriter.COMPRESSION_DEFLATE, deflater);
            add(k, row, c, tile.data(), tw, th, encoded);
        }
    }

    /** Writes the directories and the levels' data into the file; fails when a tile is missing. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (int k = 0; k < levels.size(); k++) {
                if (!levels.get(k).complete()) {
                    throw new IOException("level " + k + " of the result is missing tiles");
                }
            }
            PyramidFile.write(file, levels, layout, placement);
        } finally {
            deflater.close();
            closeLevels();
        }
    }

    private void closeLevels() throws IOException {
        IOException first = null;
        for (PyramidLevel level : levels) {
            try {
                level.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
