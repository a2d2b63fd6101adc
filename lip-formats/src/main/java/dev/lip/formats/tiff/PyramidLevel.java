package dev.lip.formats.tiff;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * One level of a result pyramid while it is written: its geometry, its encoded tiles kept in a temporary file of
 * their own (in row-major order, so the level's data can be copied into the result as one run), and, for a reduced
 * level, the one row of tiles being gathered from the level above.
 */
final class PyramidLevel implements Closeable {
    final int width;
    final int height;
    final int tileSize;
    final int across;
    final int down;
    /** Where each tile's bytes start in {@link #data}, and how many there are. */
    final long[] offsets;
    final long[] lengths;
    /** For a reduced level: the tile row being gathered, {@code tileSize} rows of {@link #width} pixels; else null. */
    final byte[] strip;
    private final Path file;
    private final FileChannel data;
    /**
     * GDAL's COG block framing: each tile preceded by its size (4 bytes) and followed by its last 4 bytes again, so a
     * reader knows a tile's size from one read at its offset, and can check it ended where it should.
     */
    private final boolean framed;
    private long position;
    /** Tiles stored so far; volatile so that a viewer's thread sees a tile only once its offset is set. */
    private volatile int written;

    PyramidLevel(Path directory, int width, int height, int tileSize, boolean reduced, boolean framed) throws IOException {
        this.width = width;
        this.height = height;
        this.tileSize = tileSize;
        this.across = (width + tileSize - 1) / tileSize;
        this.down = (height + tileSize - 1) / tileSize;
        int tiles = Math.multiplyExact(across, down);
        this.offsets = new long[tiles];
        this.lengths = new long[tiles];
        this.strip = reduced ? new byte[Math.multiplyExact(tileSize, width)] : null;
        this.framed = framed;
        this.file = Files.createTempFile(directory, ".level-", ".tmp");
        this.data = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.READ);
    }

    /** Appends tile {@code index}, which must be the next in row-major order. */
    void store(int index, ByteBuffer encoded) throws IOException {
        if (index != written) {
            throw new IllegalStateException("tile " + index + " of a level arrived when tile " + written + " was due");
        }
        int length = encoded.remaining();
        if (framed) {
            ByteBuffer leader = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(length).flip();
            position += writeFully(leader);
        }
        offsets[index] = position;
        lengths[index] = length;
        ByteBuffer trailer = framed ? encoded.slice(encoded.position() + Math.max(0, length - 4), Math.min(4, length)) : null;
        position += writeFully(encoded);
        if (framed) {
            position += writeFully(trailer);
        }
        written++;
    }

    /** The stored bytes of tile {@code index}, or null when it is not stored yet; safe from any thread. */
    byte[] read(int index) throws IOException {
        if (index >= written) {
            return null;
        }
        ByteBuffer b = ByteBuffer.allocate((int) lengths[index]);
        while (b.hasRemaining()) {
            if (data.read(b, offsets[index] + b.position()) < 0) {
                throw new IOException("a stored tile ends early");
            }
        }
        return b.array();
    }

    boolean complete() {
        return written == offsets.length;
    }

    /** Bytes of this level's data in the result. */
    long dataSize() {
        return position;
    }

    /** The level's tile offsets once its data starts at {@code start} in the result. */
    long[] offsetsAt(long start) {
        return Arrays.stream(offsets).map(o -> o + start).toArray();
    }

    /** Copies the level's data into the result at its current position. */
    void copyTo(FileChannel out) throws IOException {
        long done = 0;
        long at = out.position();
        while (done < position) {
            long n = data.transferTo(done, position - done, out);
            if (n <= 0) {
                throw new IOException("the level's data could not be copied into the result");
            }
            done += n;
        }
        out.position(at + position);
    }

    private int writeFully(ByteBuffer b) throws IOException {
        int n = b.remaining();
        while (b.hasRemaining()) {
            data.write(b);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        try {
            data.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
