package dev.lip.common.pixels;

import dev.lip.common.geometry.Rect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * 26     2    bits per sample (8 or 16)
 * 28     4    reserved (0)
 * 32          samples: rows top to bottom, a pixel's samples interleaved, 16-bit little-endian
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
                .putShort((short) region.bands()).putShort((short) region.bitsPerSample()).putInt(0).flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer body = ByteBuffer.wrap(region.data());
            ByteBuffer[] parts = {header, body};
            while (body.hasRemaining()) {
                ch.write(parts);
            }
        }
    }

    public static PixelRegion read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, header, file);
            header.flip();
            if (header.getInt() != MAGIC) {
                throw new IOException(file.getFileName() + " is not a patch file (bad magic)");
            }
            int version = header.getInt();
            if (version != VERSION) {
                throw new IOException(file.getFileName() + " has patch format version " + version + ", expected " + VERSION);
            }
            Rect bounds = new Rect(header.getInt(), header.getInt(), header.getInt(), header.getInt());
            int bands = header.getShort();
            int bits = header.getShort();
            long expected = bounds.area() * bands * (bits / 8);
            if (ch.size() != HEADER_SIZE + expected) {
                throw new IOException(file.getFileName() + " holds " + (ch.size() - HEADER_SIZE)
                        + " bytes of samples, its header says " + expected);
            }
            byte[] data = new byte[(int) expected];
            readFully(ch, ByteBuffer.wrap(data), file);
            return new PixelRegion(bounds, bands, bits, data);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, Path file) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException(file.getFileName() + " ends early");
            }
        }
    }
}
