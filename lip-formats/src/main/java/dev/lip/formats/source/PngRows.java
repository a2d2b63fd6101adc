package dev.lip.formats.source;

import com.sun.jna.Memory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The rows of a non-interlaced PNG of 8 or 16-bit grey, grey+alpha, RGB or RGBA samples (what libvips, GDAL and
 * cameras write), decoded here instead of by PNGJ: the image data is read chunk by chunk straight into native memory
 * (each IDAT's CRC checked, as PNGJ does), inflated by ISA-L ({@link IsalInflater}) one filtered row at a time, and
 * unfiltered here (PNG's five filters, ISO/IEC 15948 section 9). Inflating is nine tenths of a PNG's decoding time
 * with zlib; ISA-L halves it. Other PNGs (palettes, 1 to 4-bit grey, interlaced) and machines without ISA-L go
 * through PNGJ, which {@link PngSource} keeps.
 */
final class PngRows {
    /** IDAT data read from the file at once. */
    private static final int INPUT_BYTES = 256 << 10;

    private final FileChannel file;
    /** The file's path, for {@link Arrival}: a file still arriving is read as its bytes come. */
    private final Path path;
    private final int width;
    private final int height;
    private final int bytesPerPixel;
    private final int rowBytes;
    private final boolean wide;
    private final Memory input = new Memory(INPUT_BYTES);
    private final ByteBuffer inputBuffer = input.getByteBuffer(0, INPUT_BYTES);
    private final CRC32 crc = new CRC32();
    private final ByteBuffer header = ByteBuffer.allocate(8);
    /** The next byte of the file to read. */
    private long position = 8;
    /** Whether an IDAT chunk was read, and whether another chunk came after one: IDATs must be consecutive. */
    private boolean seenData, dataInterrupted;
    /** Data bytes of the current IDAT chunk not read yet; its CRC follows them. */
    private long chunkLeft;
    private boolean inChunk;
    private boolean dataOver;

    private PngRows(FileChannel file, Path path, int width, int height, int channels, int bitDepth) {
        this.file = file;
        this.path = path;
        this.width = width;
        this.height = height;
        this.bytesPerPixel = channels * bitDepth / 8;
        this.rowBytes = width * bytesPerPixel;
        this.wide = bitDepth == 16;
    }

    /** Whether a PNG of this layout is decoded here (ISA-L is there, and the layout is one this class reads). */
    static boolean reads(boolean indexed, int bitDepth, boolean interlaced) {
        return !indexed && !interlaced && (bitDepth == 8 || bitDepth == 16) && IsalInflater.available();
    }

    /** Hands every row to {@code consumer}, top to bottom, 16-bit samples little-endian as in a PixelRegion. */
    static void stream(Path path, int width, int height, int channels, int bitDepth, ImageSource.RowConsumer consumer)
            throws IOException {
        if ((long) width * channels * bitDepth / 8 > Integer.MAX_VALUE - 16) {
            throw new UnreadableImageException("The PNG's rows of " + width + " pixels are too long to decode.");
        }
        try (FileChannel file = FileChannel.open(path, StandardOpenOption.READ)) {
            new PngRows(file, path, width, height, channels, bitDepth).stream(consumer);
        }
    }

    private void stream(ImageSource.RowConsumer consumer) throws IOException {
        byte[] previous = new byte[rowBytes];
        byte[] current = new byte[rowBytes];
        byte[] swapped = wide ? new byte[rowBytes] : null;
        Memory row = new Memory(rowBytes + 1L); // the filter type byte, then the filtered row
        try (IsalInflater inflater = IsalInflater.open()) {
            int inStart = 0;
            int inEnd = 0;
            int filled = 0;
            boolean streamEnded = false;
            for (int y = 0; y < height; ) {
                if (inStart == inEnd && !streamEnded && !dataOver) {
                    inStart = 0;
                    inEnd = readImageData();
                }
                int result = inflater.inflate(input.share(inStart), inEnd - inStart, row.share(filled), rowBytes + 1 - filled);
                if (result < 0) {
                    throw new UnreadableImageException("The PNG's image data is damaged at row " + y + " of " + height
                            + ": it cannot be inflated (ISA-L error " + result + ").");
                }
                if (inflater.used() == 0 && inflater.made() == 0 && inStart < inEnd && result == IsalInflater.MORE) {
                    // input given, room given, nothing taken or made: never loop on it
                    throw new UnreadableImageException("The PNG's image data is damaged at row " + y + " of " + height
                            + ": the inflater makes no progress.");
                }
                inStart += inflater.used();
                filled += inflater.made();
                streamEnded = result == IsalInflater.END;
                if (filled == rowBytes + 1) {
                    int filter = row.getByte(0) & 0xFF;
                    row.read(1, current, 0, rowBytes);
                    unfilter(filter, current, previous, y);
                    if (wide) {
                        for (int i = 0; i < rowBytes; i += 2) { // PNG is big-endian, a PixelRegion little-endian
                            swapped[i] = current[i + 1];
                            swapped[i + 1] = current[i];
                        }
                    }
                    consumer.accept(y, wide ? swapped : current);
                    byte[] t = previous;
                    previous = current;
                    current = t;
                    filled = 0;
                    y++;
                } else if (streamEnded || inStart == inEnd && dataOver && inflater.made() == 0) {
                    // the stream's end, or no data left and nothing more held back inside the inflater
                    throw endsAt(y);
                }
            }
        } finally {
            row.close();
            input.close();
        }
    }

    private UnreadableImageException endsAt(int y) {
        return new UnreadableImageException("The PNG's image data ends at row " + y + " of " + height
                + ": the file is truncated or damaged.");
    }

    /**
     * Reads the next piece of image data (the IDAT chunks' contents, one after another) into {@link #input}, checking
     * each chunk's CRC when its data has been read.
     *
     * @return the bytes read; 0 when the image data is over
     */
    private int readImageData() throws IOException {
        while (chunkLeft == 0) {
            if (inChunk) {
                long expected = Integer.toUnsignedLong(readInt(position));
                if (expected != crc.getValue()) {
                    throw new UnreadableImageException("The PNG's IDAT chunk ending at byte " + position
                            + " fails its CRC check: the file is damaged.");
                }
                position += 4;
                inChunk = false;
            }
            if (dataOver) {
                return 0;
            }
            if (seenData && position == Arrival.length(path)) {
                // the file ends after whole chunks, without IEND: the rows decoded so far are all there is (GDAL
                // reads such a file; if rows are missing, the caller refuses it)
                dataOver = true;
                return 0;
            }
            long length = Integer.toUnsignedLong(readInt(position));
            byte[] type = {header.get(4), header.get(5), header.get(6), header.get(7)};
            boolean idat = type[0] == 'I' && type[1] == 'D' && type[2] == 'A' && type[3] == 'T';
            if (idat && dataInterrupted) {
                // PNGJ refuses this, and the two paths must agree (libvips' pixels differed on 16.6% of one such file)
                throw new UnreadableImageException("The PNG's image data (its IDAT chunks) is interrupted by another "
                        + "chunk, which the PNG specification forbids: the file is damaged.");
            }
            if (idat) {
                seenData = true;
                crc.reset();
                crc.update(type);
                chunkLeft = length;
                inChunk = true;
                position += 8;
            } else if (type[0] == 'I' && type[1] == 'E' && type[2] == 'N' && type[3] == 'D') {
                dataOver = true;
            } else {
                dataInterrupted = seenData;
                position += 12 + length; // another chunk: PNG allows ancillary chunks after the image data too
            }
        }
        int n = (int) Math.min(INPUT_BYTES, chunkLeft);
        Arrival.await(path, position + n);
        inputBuffer.clear().limit(n);
        while (inputBuffer.hasRemaining()) {
            if (file.read(inputBuffer, position + inputBuffer.position()) < 0) {
                throw new UnreadableImageException("The PNG ends inside its image data: the file is truncated.");
            }
        }
        inputBuffer.flip();
        crc.update(inputBuffer);
        position += n;
        chunkLeft -= n;
        return n;
    }

    /** The 4-byte big-endian integer at {@code at}, the chunk type after it left in {@link #header}. */
    private int readInt(long at) throws IOException {
        Arrival.await(path, at + 8);
        header.clear();
        while (header.hasRemaining()) {
            if (file.read(header, at + header.position()) < 0) {
                if (header.position() >= 4) {
                    break;
                }
                throw new UnreadableImageException("The PNG ends at byte " + (at + header.position())
                        + " inside its chunks: the file is truncated.");
            }
        }
        return header.getInt(0);
    }

    /** Undoes the row's filter in place, given the unfiltered row above (zeros above the first). */
    private void unfilter(int filter, byte[] r, byte[] above, int y) throws UnreadableImageException {
        int bpp = bytesPerPixel;
        int n = rowBytes;
        switch (filter) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = bpp; i < n; i++) {
                    r[i] += r[i - bpp];
                }
            }
            case 2 -> {
                for (int i = 0; i < n; i++) {
                    r[i] += above[i];
                }
            }
            case 3 -> {
                for (int i = 0; i < bpp; i++) {
                    r[i] += (byte) ((above[i] & 0xFF) >>> 1);
                }
                for (int i = bpp; i < n; i++) {
                    r[i] += (byte) (((r[i - bpp] & 0xFF) + (above[i] & 0xFF)) >>> 1);
                }
            }
            case 4 -> {
                for (int i = 0; i < bpp; i++) {
                    r[i] += above[i]; // Paeth of (0, b, 0) is b
                }
                for (int i = bpp; i < n; i++) {
                    int a = r[i - bpp] & 0xFF;
                    int b = above[i] & 0xFF;
                    int c = above[i - bpp] & 0xFF;
                    int pa = Math.abs(b - c);
                    int pb = Math.abs(a - c);
                    int pc = Math.abs(a + b - 2 * c);
                    r[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
            }
            default -> throw new UnreadableImageException("The PNG's row " + y + " has filter type " + filter
                    + ", which does not exist (0 to 4): the file is damaged.");
        }
    }
}
