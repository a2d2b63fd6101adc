package dev.lip.formats.tiff;

import dev.lip.common.pixels.PixelRegion;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
     * @param deflater a deflater for this thread, reset here; ignored without compression
     */
    public static ByteBuffer encodeTile(PixelRegion pixels, int tileSize, int compression, Deflater deflater) {
        int pixelBytes = pixels.bands() * pixels.bytesPerSample();
        byte[] full;
        if (pixels.width() == tileSize && pixels.height() == tileSize) {
            full = pixels.data();
        } else {
            full = new byte[tileSize * tileSize * pixelBytes];
            int rowBytes = pixels.width() * pixelBytes;
            for (int y = 0; y < pixels.height(); y++) {
                System.arraycopy(pixels.data(), y * rowBytes, full, y * tileSize * pixelBytes, rowBytes);
            }
        }
        if (compression == COMPRESSION_NONE) {
            return ByteBuffer.wrap(full);
        }
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
        int photometric = bands >= 3 ? 2 : 1;
        boolean alpha = bands == 2 || bands == 4;
        // Entries sorted by tag, as TIFF requires.
        Entry[] entries = {
                Entry.longs(256, width),
                Entry.longs(257, height),
                Entry.shorts(258, repeat(bitsPerSample, bands)),
                Entry.shorts(259, compression),
                Entry.shorts(262, photometric),
                Entry.shorts(277, bands),
                pixelSize == null ? null : Entry.rational(282, pixelSize.pixelsPerCmX()),
                pixelSize == null ? null : Entry.rational(283, pixelSize.pixelsPerCmY()),
                Entry.shorts(284, 1),
                pixelSize == null ? null : Entry.shorts(296, 3), // ResolutionUnit: centimetre
                Entry.longs(322, tileSize),
                Entry.longs(323, tileSize),
                bigTiff ? Entry.long8s(324, offsets) : Entry.longs(324, offsets),
                bigTiff ? Entry.long8s(325, lengths) : Entry.longs(325, lengths),
                alpha ? Entry.shorts(338, 2) : null, // ExtraSamples: unassociated alpha
                Entry.shorts(339, repeat(1, bands)), // SampleFormat: unsigned integer
                geo(GeoTiffTags.PIXEL_SCALE, georeference == null ? null : georeference.modelPixelScale()),
                geo(GeoTiffTags.TIEPOINT, georeference == null ? null : georeference.modelTiepoint()),
                geo(GeoTiffTags.TRANSFORMATION, georeference == null ? null : georeference.modelTransformation()),
                georeference == null || georeference.geoKeyDirectory() == null ? null
                        : Entry.shorts(GeoTiffTags.GEO_KEYS, Arrays.stream(georeference.geoKeyDirectory()).asLongStream().toArray()),
                geo(GeoTiffTags.GEO_DOUBLES, georeference == null ? null : georeference.geoDoubleParams()),
                georeference == null || georeference.geoAsciiParams() == null ? null
                        : Entry.ascii(GeoTiffTags.GEO_ASCII, georeference.geoAsciiParams()),
        };
        int count = 0;
        for (Entry e : entries) {
            if (e != null) {
                count++;
            }
        }
        int entrySize = bigTiff ? 20 : 12;
        int inline = bigTiff ? 8 : 4;
        long dirSize = (bigTiff ? 8 : 2) + (long) count * entrySize + (bigTiff ? 8 : 4);
        long extra = ifdOffset + dirSize;
        ByteBuffer dir = ByteBuffer.allocate((int) dirSize).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer[] payloads = new ByteBuffer[count];
        if (bigTiff) {
            dir.putLong(count);
        } else {
            dir.putShort((short) count);
        }
        int p = 0;
        for (Entry e : entries) {
            if (e == null) {
                continue;
            }
            ByteBuffer data = e.bytes(bigTiff);
            dir.putShort((short) e.tag).putShort((short) e.type(bigTiff));
            if (bigTiff) {
                dir.putLong(e.count());
            } else {
                dir.putInt(e.count());
            }
            if (data.remaining() <= inline) {
                byte[] v = new byte[inline];
                data.get(v, 0, data.remaining());
                dir.put(v);
            } else {
                if (bigTiff) {
                    dir.putLong(extra);
                } else {
                    dir.putInt((int) extra);
                }
                payloads[p++] = data;
                extra += data.remaining() + (data.remaining() & 1);
                if ((data.remaining() & 1) != 0) {
                    payloads[p - 1] = padEven(data);
                }
            }
        }
        if (bigTiff) {
            dir.putLong(0);
        } else {
            dir.putInt(0);
        }
        dir.flip();
        writeFully(dir);
        for (int i = 0; i < p; i++) {
            writeFully(payloads[i]);
        }
        if (!bigTiff && extra > 0xFFFFFFFFL) {
            throw new IOException("the TIFF grew past 4 GiB; it should have been written as BigTIFF");
        }
        ByteBuffer header = ByteBuffer.allocate(bigTiff ? 16 : 8).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 'I').put((byte) 'I');
        if (bigTiff) {
            header.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(ifdOffset);
        } else {
            header.putShort((short) 42).putInt((int) ifdOffset);
        }
        header.flip();
        out.position(0);
        writeFully(header);
    }

    private static Entry geo(int tag, double[] values) {
        return values == null ? null : Entry.doubles(tag, values);
    }

    private static ByteBuffer padEven(ByteBuffer b) {
        ByteBuffer padded = ByteBuffer.allocate(b.remaining() + 1);
        padded.put(b).put((byte) 0).flip();
        return padded;
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    private static long[] repeat(long v, int n) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    private record Entry(int tag, int kind, long[] values) {
        static final int ASCII = 2, SHORT = 3, LONG = 4, RATIONAL = 5, DOUBLE = 12, LONG8 = 16;

        /** One unsigned rational, to a thousandth (numerator and denominator kept as one 8-byte value). */
        static Entry rational(int tag, double value) {
            long numerator = Math.min(0xFFFFFFFFL, Math.round(value * 1000));
            return new Entry(tag, RATIONAL, new long[]{numerator, 1000});
        }

        /** Doubles kept as their bits: written as 8 bytes, like LONG8. */
        static Entry doubles(int tag, double[] v) {
            return new Entry(tag, DOUBLE, Arrays.stream(v).mapToLong(Double::doubleToRawLongBits).toArray());
        }

        /** A NUL-terminated string, one byte a character (ISO 8859-1, as GeoTIFF's ASCII is). */
        static Entry ascii(int tag, String text) {
            byte[] b = (text + "\0").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            long[] v = new long[b.length];
            for (int i = 0; i < b.length; i++) {
                v[i] = b[i];
            }
            return new Entry(tag, ASCII, v);
        }

        static Entry shorts(int tag, long... v) {
            return new Entry(tag, SHORT, v);
        }

        static Entry longs(int tag, long... v) {
            return new Entry(tag, LONG, v);
        }

        /** Tile offsets and counts: LONG8 in BigTIFF. */
        static Entry long8s(int tag, long[] v) {
            return new Entry(tag, LONG8, v);
        }

        int type(boolean bigTiff) {
            return kind;
        }

        int count() {
            return kind == RATIONAL ? values.length / 2 : values.length;
        }

        ByteBuffer bytes(boolean bigTiff) {
            int size = switch (kind) {
                case ASCII -> 1;
                case SHORT -> 2;
                case LONG, RATIONAL -> 4;
                default -> 8;
            };
            ByteBuffer b = ByteBuffer.allocate(values.length * size).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                switch (kind) {
                    case ASCII -> b.put((byte) v);
                    case SHORT -> b.putShort((short) v);
                    case LONG, RATIONAL -> b.putInt((int) v);
                    default -> b.putLong(v);
                }
            }
            return b.flip();
        }
    }
}
