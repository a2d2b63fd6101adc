package dev.lip.formats.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The chunk layout of a PNG, walked from length field to length field (8 bytes read a chunk, nothing decoded)
 * before PNGJ is given the file. PNGJ allocates a chunk's declared length before reading it, so an IHDR claiming
 * 2 GB ran it out of memory; and the compressed image data's size bounds how many rows it can hold, so a 300-byte
 * file claiming 90000 x 90000 pixels is refused here instead of after gigabytes of invented patches.
 *
 * <p>A file still arriving ({@link Arrival}) is walked up to its image data, each chunk's header awaited, and the
 * rest of its declared length bounds the image data: the row decoder checks the chunks that follow as it reads them.
 *
 * @param idatBytes the compressed image data, all IDAT chunks together (at most, for a file still arriving)
 * @param dataStart where the first IDAT chunk starts
 */
record PngStructure(long idatBytes, long dataStart) {
    /** Deflate's best case: 258 bytes from a 2-bit code, which zlib caps at 1032:1 (its documentation). */
    static final long MAX_INFLATE_RATIO = 1032;

    static PngStructure read(Path file, PixelLimit limit) throws IOException {
        boolean arriving = Arrival.arriving(file);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Arrival.length(file);
            ByteBuffer header = ByteBuffer.allocate(8);
            long pos = 8; // signature, checked by the format sniffer
            long idat = 0;
            long dataStart = -1;
            boolean first = true;
            while (true) {
                header.clear();
                if (pos == size && idat > 0 && !first) {
                    // Every chunk whole and the image data there, only IEND missing: GDAL and libvips read such a
                    // file, and the row decoder still refuses it if the data does not hold every row.
                    return new PngStructure(idat, dataStart);
                }
                Arrival.await(file, pos + 16);
                if (pos + 8 > size || ch.read(header, pos) < 8) {
                    throw new UnreadableImageException("The PNG ends at byte " + size + " before its IEND chunk: the file is truncated.");
                }
                header.flip();
                long length = Integer.toUnsignedLong(header.getInt());
                String type = chunkType(header);
                if (length > Integer.MAX_VALUE) {
                    throw new UnreadableImageException("The PNG's " + type + " chunk at byte " + pos + " declares "
                            + length + " bytes, more than the format allows (2^31 - 1).");
                }
                if (first && (!type.equals("IHDR") || length != 13)) {
                    throw new UnreadableImageException("The PNG does not start with a 13-byte IHDR chunk (found "
                            + type + " of " + length + " bytes): its header is damaged.");
                }
                if (first && pos + 16 <= size) {
                    ByteBuffer dims = ByteBuffer.allocate(8);
                    ch.read(dims, pos + 8);
                    limit.check(Integer.toUnsignedLong(dims.getInt(0)), Integer.toUnsignedLong(dims.getInt(4)));
                }
                first = false;
                long end = pos + 12 + length; // length, type, data, CRC
                if (end > size) {
                    throw new UnreadableImageException("The PNG's " + type + " chunk at byte " + pos + " declares " + length
                            + " bytes but the file ends at byte " + size + ": the file is truncated.");
                }
                if (type.equals("IDAT")) {
                    if (dataStart < 0) {
                        dataStart = pos;
                    }
                    if (arriving) {
                        return new PngStructure(size - pos, dataStart);
                    }
                    idat += length;
                } else if (type.equals("IEND")) {
                    return new PngStructure(idat, dataStart);
                }
                pos = end;
            }
        }
    }

    /** Whether the file's last chunk is IEND (a file that ends after whole chunks without it is read, see {@link #read}). */
    static boolean endsWithIend(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 20) {
                return false;
            }
            ByteBuffer tail = ByteBuffer.allocate(8);
            ch.read(tail, size - 8);
            return tail.get(0) == 'I' && tail.get(1) == 'E' && tail.get(2) == 'N' && tail.get(3) == 'D';
        }
    }

    private static String chunkType(ByteBuffer b) {
        StringBuilder s = new StringBuilder(4);
        for (int i = 0; i < 4; i++) {
            int c = b.get() & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    /** Bytes the rows inflate to: each row is a filter byte and its packed samples. */
    static long inflatedBytes(long width, long height, int channels, int bitDepth) {
        return height * (1 + (width * channels * bitDepth + 7) / 8);
    }

    /** Refuses a header that promises more rows than the compressed data could hold even at deflate's best. */
    void checkHolds(long width, long height, int channels, int bitDepth) throws UnreadableImageException {
        long needed = inflatedBytes(width, height, channels, bitDepth);
        if (needed > idatBytes * MAX_INFLATE_RATIO + 64) {
            throw new UnreadableImageException("The PNG's header says " + width + " x " + height + " pixels, but its "
                    + idatBytes + " bytes of image data cannot hold that many rows even at deflate's best compression: "
                    + "the file is truncated or its header is wrong.");
        }
    }
}
