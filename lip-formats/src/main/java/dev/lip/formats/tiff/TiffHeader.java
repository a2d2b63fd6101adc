package dev.lip.formats.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The first bytes of a little-endian TIFF or BigTIFF: byte order, version, offset of the first directory. */
final class TiffHeader {
    private TiffHeader() {
    }

    static int size(boolean bigTiff) {
        return bigTiff ? 16 : 8;
    }

    static ByteBuffer of(boolean bigTiff, long firstDirectory) {
        ByteBuffer header = ByteBuffer.allocate(size(bigTiff)).order(ByteOrder.LITTLE_ENDIAN);
        header.put((byte) 'I').put((byte) 'I');
        if (bigTiff) {
            header.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(firstDirectory);
        } else {
            header.putShort((short) 42).putInt((int) firstDirectory);
        }
        return header.flip();
    }
}
