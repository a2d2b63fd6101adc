package dev.lip.common.transport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A patch file's bytes as a patch store keeps a <em>result</em>: deflated when that at least halves them, else as
 * they are. A result is a mask of long runs, which deflate's fastest level shrinks 10-50 times for a few
 * milliseconds, and every byte saved is a byte the store's server receives, writes and serves again (measured on one
 * machine with s3proxy: the store's traffic is most of what the distributed mode adds). Patches to process stay raw:
 * decoded photographs shrink by a quarter at most, for more CPU than the bytes cost. The JDK's zlib, not a new
 * native library: it is already in every JVM that reads PNG.
 *
 * <pre>
 * offset size field
 *  0     4    magic "LIPZ"
 *  4     4    the patch file's length, little-endian
 *  8          the patch file, deflated (zlib stream)
 * </pre>
 * A stored value that starts with the patch file's own magic ("LIPP") is the patch file itself.
 */
public final class PackedPatch {
    private static final int MAGIC = 'L' | 'I' << 8 | 'P' << 16 | 'Z' << 24;
    private static final int HEADER = 8;

    private PackedPatch() {
    }

    /** The bytes to store for a patch file: deflated when that halves them, else the file's own bytes. */
    public static byte[] pack(byte[] patchFile) {
        int budget = patchFile.length / 2;
        if (budget < 64) {
            return patchFile;
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try {
            deflater.setInput(patchFile);
            deflater.finish();
            byte[] out = new byte[HEADER + budget];
            int n = HEADER;
            while (!deflater.finished() && n < out.length) {
                n += deflater.deflate(out, n, out.length - n);
            }
            if (!deflater.finished()) {
                return patchFile; // does not halve: not worth inflating on the other side
            }
            ByteBuffer.wrap(out, 0, HEADER).order(ByteOrder.LITTLE_ENDIAN).putInt(MAGIC).putInt(patchFile.length);
            return java.util.Arrays.copyOf(out, n);
        } finally {
            deflater.end();
        }
    }

    /**
     * The patch file a stored value holds. A packed value inflates to exactly the length it declares, which must
     * not pass {@code maxLength} (what the reader's grid allows a patch): a stored value cannot make the reader
     * allocate more, whatever it claims.
     *
     * @param name for messages (the store's key)
     */
    public static byte[] unpack(byte[] stored, String name, long maxLength) throws IOException {
        if (stored.length < HEADER || ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getInt(0) != MAGIC) {
            return stored;
        }
        int length = ByteBuffer.wrap(stored).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
        if (length <= 0 || length > maxLength) {
            throw new IOException(name + " declares " + Integer.toUnsignedString(length)
                    + " bytes unpacked, more than a patch can have");
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(stored, HEADER, stored.length - HEADER);
            byte[] out = new byte[length];
            int n = 0;
            while (n < length) {
                int got = inflater.inflate(out, n, length - n);
                if (got == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += got;
            }
            if (n < length || !inflater.finished() || inflater.getRemaining() > 0) {
                throw new IOException(name + " is damaged: its packed bytes do not inflate to the "
                        + length + " bytes it declares");
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException(name + " is damaged: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }
}
