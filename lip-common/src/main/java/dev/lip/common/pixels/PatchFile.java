package dev.lip.common.pixels;

import dev.lip.common.geometry.Rect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import dev.lip.common.protocol.SafeFiles;

import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The patch file format, both for patches to process and for processed results: a 32-byte little-endian header
 * followed by the raw samples of a {@link PixelRegion}. Raw because a patch is written once and read once on the
 * same machine: compressing it costs more CPU than the disk time it saves, and numpy reads it with one call
 * ({@code np.fromfile(f, dtype, offset=32)}). See docs/protocol.md.
 *
 * <pre>
 * offset size field
 *  0     4    magic "LIPP"
 *  4     4    format version (1)
 *  8     4    x of the region in the image
 * 12     4    y
 * 16     4    width
 * 20     4    height
 * 24     2    bands (samples per pixel)
 * 26     2    bits per sample (8, 16, 32 or 64)
 * 28     4    sample format, TIFF's codes: 1 unsigned integer, 2 signed integer, 3 IEEE float; 0 (files written
 *             before the field) means unsigned for 8 and 16 bits, float for 32
 * 32          samples: rows top to bottom, a pixel's samples interleaved, all little-endian
 * </pre>
 */
public final class PatchFile {
    public static final int HEADER_SIZE = 32;
    private static final int MAGIC = 'L' | 'I' << 8 | 'P' << 16 | 'P' << 24;
    private static final int VERSION = 1;

    private PatchFile() {
    }

    public static void write(Path file, PixelRegion region) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        Rect b = region.bounds();
        header.putInt(MAGIC).putInt(VERSION).putInt(b.x()).putInt(b.y()).putInt(b.width()).putInt(b.height())
                .putShort((short) region.bands()).putShort((short) region.bitsPerSample())
                .putInt(region.sampleFormat().tiffCode()).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer body = ByteBuffer.wrap(region.data());
            ByteBuffer[] parts = {header, body};
            while (body.hasRemaining()) {
                ch.write(parts);
            }
        }
    }

    /** The file's bytes, for a patch store that keeps bytes rather than files. */
    public static byte[] toBytes(PixelRegion region) {
        Rect b = region.bounds();
        ByteBuffer out = ByteBuffer.allocate(HEADER_SIZE + region.data().length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt(MAGIC).putInt(VERSION).putInt(b.x()).putInt(b.y()).putInt(b.width()).putInt(b.height())
                .putShort((short) region.bands()).putShort((short) region.bitsPerSample())
                .putInt(region.sampleFormat().tiffCode()).put(region.data());
        return out.array();
    }

    /** Reads a patch from its file's bytes, checked as {@link #read(Path)} checks a file; {@code name} for messages. */
    public static PixelRegion fromBytes(byte[] bytes, String name) throws IOException {
        if (bytes.length < HEADER_SIZE) {
            throw new IOException(name + " ends early");
        }
        Layout layout = parse(ByteBuffer.wrap(bytes, 0, HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN), bytes.length, name);
        return new PixelRegion(layout.bounds(), layout.bands(), layout.format(),
                java.util.Arrays.copyOfRange(bytes, HEADER_SIZE, bytes.length));
    }

    /** Reads a patch file; a link, FIFO or directory in its place is refused (see {@link SafeFiles}). */
    public static PixelRegion read(Path file) throws IOException {
        try (FileChannel ch = SafeFiles.openForReading(file)) {
            Layout layout = header(ch, file);
            byte[] data = new byte[(int) layout.sampleBytes()];
            readFully(ch, ByteBuffer.wrap(data), file);
            return new PixelRegion(layout.bounds(), layout.bands(), layout.format(), data);
        }
    }

    /**
     * Reads only the rows and columns of {@code area} (image coordinates, inside the file's region): the stitcher
     * needs the strips of a neighbour's prediction that overlap one output tile, not the whole of it.
     */
    public static PixelRegion readRegion(Path file, Rect area) throws IOException {
        try (FileChannel ch = SafeFiles.openForReading(file)) {
            Layout layout = header(ch, file);
            Rect b = layout.bounds();
            if (!b.contains(area)) {
                throw new IOException(file.getFileName() + " covers " + b + ", not " + area);
            }
            PixelRegion out = new PixelRegion(area, layout.bands(), layout.format());
            int pixelBytes = out.bands() * out.bytesPerSample();
            int rowBytes = area.width() * pixelBytes;
            for (int row = 0; row < area.height(); row++) {
                long at = HEADER_SIZE + ((long) (area.y() - b.y() + row) * b.width() + (area.x() - b.x())) * pixelBytes;
                ByteBuffer dst = ByteBuffer.wrap(out.data(), row * rowBytes, rowBytes);
                while (dst.hasRemaining()) {
                    if (ch.read(dst, at + dst.position() - row * rowBytes) < 0) {
                        throw new IOException(file.getFileName() + " ends early");
                    }
                }
            }
            return out;
        }
    }

    private record Layout(Rect bounds, int bands, SampleFormat format) {
        long sampleBytes() {
            return bounds.area() * bands * format.bytes();
        }
    }

    /** Reads and checks the header. */
    private static Layout header(FileChannel ch, Path file) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, header, file);
        header.flip();
        return parse(header, ch.size(), file.getFileName().toString());
    }

    private static Layout parse(ByteBuffer header, long size, String file) throws IOException {
        if (header.getInt() != MAGIC) {
            throw new IOException(file + " is not a patch file (bad magic)");
        }
        int version = header.getInt();
        if (version != VERSION) {
            throw new IOException(file + " has patch format version " + version + ", expected " + VERSION);
        }
        Rect bounds = new Rect(header.getInt(), header.getInt(), header.getInt(), header.getInt());
        int bands = header.getShort();
        int bits = header.getShort();
        int code = header.getInt();
        SampleFormat format = code == 0 && (bits == 8 || bits == 16 || bits == 32) ? SampleFormat.ofLegacyBits(bits)
                : SampleFormat.of(bits, code);
        if (format == null || bands < 1) {
            throw new IOException(file + " says " + bands + " band(s) of " + bits + " bits, sample format "
                    + code);
        }
        Layout layout = new Layout(bounds, bands, format);
        if (bounds.width() < 1 || bounds.height() < 1 || size != HEADER_SIZE + layout.sampleBytes()) {
            throw new IOException(file + " holds " + (size - HEADER_SIZE)
                    + " bytes of samples, its header says " + layout.sampleBytes());
        }
        return layout;
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException(file.getFileName() + " ends early");
            }
        }
    }
}
