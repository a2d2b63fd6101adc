package dev.lip.formats.tiff;

import dev.lip.common.pixels.PixelRegion;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.Deflater;

/**
 * Writes a tiled TIFF or BigTIFF from tiles that are already encoded, in any order, with memory bounded by one
 * offset and one length per tile.
 *
 * <p>Written by hand because no library on Maven Central does all of: BigTIFF (the JDK plugin writes a corrupt file
 * past 4 GiB), tile-by-tile writing without holding the image, and accepting tiles compressed elsewhere, so that
 * tiles can be deflated on every core (or by the processors) and stitching becomes copying bytes. The format is
 * small: a header, the tile bytes, one IFD at the end, the header's IFD offset patched last.
 */
public final class TiledTiffWriter implements Closeable {
    public static final int COMPRESSION_NONE = 1;
    public static final int COMPRESSION_DEFLATE = 8;
    /** Leave room for the IFD and tile tables before deciding a classic TIFF is safe. */
    private static final long CLASSIC_LIMIT = (1L << 32) - (64L << 20);

    private final FileChannel out;
    private final int width;
    private final int height;
    private final int tileSize;
    private final int bands;
    private final int bitsPerSample;
    private final int compression;
    private final boolean bigTiff;
    private final long[] offsets;
    private final long[] lengths;
    private long position;
    private GeoTiffTags georeference;
    private PixelSize pixelSize;

    /**
     * @param bigTiff write BigTIFF; see {@link #needsBigTiff} to decide
     */
    public TiledTiffWriter(Path file, int width, int height, int tileSize, int bands, int bitsPerSample,
                           int compression, boolean bigTiff) throws IOException {
        if (tileSize % 16 != 0) {
            throw new IllegalArgumentException("TIFF tile sides must be multiples of 16, not " + tileSize);
        }
        this.width = width;
        this.height = height;
        this.tileSize = tileSize;
        this.bands = bands;
        this.bitsPerSample = bitsPerSample;
        this.compression = compression;
        this.bigTiff = bigTiff;
        int tiles = Math.multiplyExact(tilesAcross(), tilesDown());
        this.offsets = new long[tiles];
        this.lengths = new long[tiles];
        Arrays.fill(offsets, -1);
        this.out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING);
        this.position = bigTiff ? 16 : 8;
        out.position(position);
    }

    /**
     * Whether a file of this geometry could pass the 4 GiB a classic TIFF can address: decided on the uncompressed
     * size, since deflate never grows data by more than a fraction of a percent and the size must be known up front.
     */
    public static boolean needsBigTiff(int width, int height, int tileSize, int bands, int bitsPerSample) {
        long across = (width + tileSize - 1) / tileSize;
        long down = (height + tileSize - 1) / tileSize;
        long raw = across * down * tileSize * tileSize * bands * (bitsPerSample / 8);
        return raw + raw / 100 > CLASSIC_LIMIT;
    }

    public int tilesAcross() {
        return (width + tileSize - 1) / tileSize;
    }

    public int tilesDown() {
        return (height + tileSize - 1) / tileSize;
    }

    /** Appends one encoded tile; {@code row} and {@code column} count tiles. */
    public synchronized void writeTile(int row, int column, ByteBuffer encoded) throws IOException {
        int index = row * tilesAcross() + column;
        if (offsets[index] >= 0) {
            throw new IllegalStateException("tile " + row + "," + column + " written twice");
        }
        long length = encoded.remaining();
        if (!bigTiff && position + length > 0xFFFFFFFFL) {
            throw new IOException("the TIFF grew past 4 GiB; it should have been written as BigTIFF");
        }
        offsets[index] = position;
        lengths[index] = length;
        while (encoded.hasRemaining()) {
            position += out.write(encoded);
        }
    }

    /**
     * Encodes the pixels of a tile: padded to a full tile (TIFF tiles are always whole; readers ignore what lies
     * past the image edge) and compressed.
     *
     * @param deflater a deflater for this thread; ignored without compression
     */
    public static ByteBuffer encodeTile(PixelRegion pixels, int tileSize, int compression, TileDeflater deflater) {
        byte[] full = padded(pixels, tileSize);
        return compression == COMPRESSION_NONE ? ByteBuffer.wrap(full) : deflater.deflate(full);
    }

    /** As above with the JDK's zlib, reset here. */
    public static ByteBuffer encodeTile(PixelRegion pixels, int tileSize, int compression, Deflater deflater) {
        byte[] full = padded(pixels, tileSize);
        return compression == COMPRESSION_NONE ? ByteBuffer.wrap(full) : deflate(full, deflater);
    }

    private static byte[] padded(PixelRegion pixels, int tileSize) {
        int pixelBytes = pixels.bands() * pixels.bytesPerSample();
        if (pixels.width() == tileSize && pixels.height() == tileSize) {
            return pixels.data();
        }
        byte[] full = new byte[tileSize * tileSize * pixelBytes];
        int rowBytes = pixels.width() * pixelBytes;
        for (int y = 0; y < pixels.height(); y++) {
            System.arraycopy(pixels.data(), y * rowBytes, full, y * tileSize * pixelBytes, rowBytes);
        }
        return full;
    }

    /** The zlib stream of {@code full} by the JDK's zlib (the deflater is reset first). */
    static ByteBuffer deflate(byte[] full, Deflater deflater) {
        deflater.reset();
        deflater.setInput(full);
        deflater.finish();
        byte[] buf = new byte[Math.max(1024, full.length / 8)];
        int n = 0;
        while (!deflater.finished()) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, buf.length * 2);
            }
            n += deflater.deflate(buf, n, buf.length - n);
        }
        return ByteBuffer.wrap(buf, 0, n);
    }

    /**
     * Writes the GeoTIFF tags and the pixel size (as the resolution, in pixels per centimetre) into the directory;
     * the image has the pixel grid of the one they came from.
     */
    public synchronized void placement(Placement placement) {
        this.georeference = placement.georeference();
        this.pixelSize = placement.pixelSize();
    }

    /** Writes the IFD and finishes the file; fails if a tile is missing. */
    @Override
    public synchronized void close() throws IOException {
        try {
            for (int i = 0; i < offsets.length; i++) {
                if (offsets[i] < 0) {
                    throw new IOException("tile " + (i / tilesAcross()) + "," + (i % tilesAcross()) + " was never written");
                }
            }
            writeDirectory();
        } finally {
            out.close();
        }
    }

    private void writeDirectory() throws IOException {
        if ((position & 1) != 0) {
            out.write(ByteBuffer.wrap(new byte[1]));
            position++;
        }
        long ifdOffset = position;
        TiffDirectory dir = TiffDirectory.tiled(width, height, tileSize, bands, bitsPerSample, compression)
                .tiles(offsets, lengths, bigTiff).placement(new Placement(georeference, pixelSize));
        if (!bigTiff && ifdOffset + dir.size(false) > 0xFFFFFFFFL) {
            throw new IOException("the TIFF grew past 4 GiB; it should have been written as BigTIFF");
        }
        writeFully(dir.bytes(ifdOffset, bigTiff, 0));
        out.position(0);
        writeFully(TiffHeader.of(bigTiff, ifdOffset));
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
