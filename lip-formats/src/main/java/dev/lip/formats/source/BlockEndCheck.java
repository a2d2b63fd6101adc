package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Checks that the compressed data of each TIFF tile or strip a region needs is whole, for the compressions whose
 * decoding is left to another reader (the JDK's, AlgART's): they decode a block whose data ends early into zeros or
 * grey without a word. The checks are cheap and exact about the end of the data, without decoding it: an LZW stream
 * must reach its end-of-information code (walked code by code, without building the string table), PackBits data
 * must describe every byte of the block, and a JPEG block must end with its EOI marker. Each block is checked once,
 * the first time a region needs it. Deflate and uncompressed blocks are read by {@link TiffBlockReader}, which checks
 * them as it decodes.
 */
final class BlockEndCheck implements AutoCloseable {
    private final FileChannel file;
    private final Path path;
    private final TiffLayout layout;
    private final long rowBytes;
    private final int planes;
    private final BitSet checked = new BitSet();
    private byte[] data = new byte[0];

    private BlockEndCheck(Path path, TiffLayout layout) throws IOException {
        this.file = FileChannel.open(path, StandardOpenOption.READ);
        this.path = path;
        this.layout = layout;
        // a planar file's block holds one band's samples: its rows are a band's, and each band has its blocks
        this.planes = layout.isPlanar() ? layout.bands() : 1;
        this.rowBytes = ((long) layout.blockWidth() * (layout.bands() / planes) * layout.bitsPerSample() + 7) / 8;
    }

    /** A check for these blocks, or null when their compression has none here (or is checked elsewhere). */
    static BlockEndCheck of(Path path, TiffLayout layout) throws IOException {
        int c = layout.compression();
        boolean known = c == 5 || c == 7 || c == 32773;
        return known && layout.blocksMatch() ? new BlockEndCheck(path, layout) : null;
    }

    /** Checks every block {@code area} touches that was not checked before. */
    void check(Rect area) throws IOException {
        int blockWidth = layout.blockWidth();
        int blockHeight = layout.blockHeight();
        for (int r = area.y() / blockHeight; r <= (area.y() + area.height() - 1) / blockHeight; r++) {
            for (int c = area.x() / blockWidth; c <= (area.x() + area.width() - 1) / blockWidth; c++) {
                for (int p = 0; p < planes; p++) {
                    int index = p * (layout.offsets().length / planes) + r * layout.across() + c;
                    if (!checked.get(index)) {
                        checkBlock(index, layout.rowsOf(r));
                        checked.set(index);
                    }
                }
            }
        }
    }

    private void checkBlock(int index, int rows) throws IOException {
        long offset = layout.offsets()[index];
        int count = (int) layout.byteCounts()[index];
        if (layout.compression() == 7 && count > 16) { // a JPEG's end is all we need
            offset += count - 16;
            count = 16;
        }
        if (data.length < count) {
            data = new byte[count];
        }
        ByteBuffer buf = ByteBuffer.wrap(data, 0, count);
        Arrival.await(path, offset + count);
        while (buf.hasRemaining() && file.read(buf, offset + buf.position()) >= 0) {
            // until full
        }
        boolean whole = switch (layout.compression()) {
            case 5 -> lzwReachesEnd(data, count);
            case 7 -> jpegEnds(data, count);
            default -> packBitsBytes(data, count) >= rows * rowBytes;
        };
        if (!whole) {
            throw new UnreadableImageException("The TIFF's " + layout.unit() + " " + index + " of "
                    + layout.offsets().length + " ends early: its compressed data stops before the end of its pixels. "
                    + "The file is truncated or damaged.");
        }
    }

    /** The code walk of TIFF LZW (MSB-first codes of 9 to 12 bits, widened one code early, as libtiff reads them). */
    static boolean lzwReachesEnd(byte[] b, int n) {
        if (n >= 2 && b[0] == 0 && (b[1] & 1) != 0) {
            return true; // old-style (LSB-first) LZW of libtiff 4's predecessors: not walked here
        }
        long bits = 0;
        int held = 0;
        int pos = 0;
        int width = 9;
        int next = 258;
        boolean afterClear = true;
        while (true) {
            while (held < width) {
                if (pos >= n) {
                    return false;
                }
                bits = bits << 8 | (b[pos++] & 0xFF);
                held += 8;
            }
            int code = (int) (bits >>> (held - width)) & ((1 << width) - 1);
            held -= width;
            if (code == 256) {
                width = 9;
                next = 258;
                afterClear = true;
            } else if (code == 257) {
                return true;
            } else if (afterClear) {
                afterClear = false;
            } else {
                next++;
                if (next > (1 << width) - 2 && width < 12) {
                    width++;
                }
            }
        }
    }

    /** A JPEG stream ends with its EOI marker (FF D9), allowing for a few bytes of padding after it. */
    static boolean jpegEnds(byte[] b, int n) {
        for (int i = n - 2; i >= Math.max(0, n - 16); i--) {
            if ((b[i] & 0xFF) == 0xFF && (b[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    /** Bytes a PackBits stream decodes to. */
    static long packBitsBytes(byte[] b, int n) {
        long out = 0;
        int i = 0;
        while (i < n) {
            int h = b[i++];
            if (h >= 0) {
                out += h + 1;
                i += h + 1;
                if (i > n) {
                    return out - (i - n); // the literal run is cut short
                }
            } else if (h != -128) {
                if (i >= n) {
                    return out;
                }
                out += 1 - h;
                i++;
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
