package dev.lip.formats.source;

import ar.com.hjg.pngj.IImageLine;
import ar.com.hjg.pngj.ImageLineHelper;
import ar.com.hjg.pngj.ImageLineInt;
import ar.com.hjg.pngj.PngReader;
import ar.com.hjg.pngj.PngjException;
import ar.com.hjg.pngj.chunks.PngChunkPLTE;
import ar.com.hjg.pngj.chunks.PngChunkTRNS;
import dev.lip.common.pixels.ImageInfo;

import java.io.IOException;
import java.nio.file.Path;

/**
 * PNG, streamed row by row: by {@link PngRows} with ISA-L's inflate where it reads the layout, else by PNGJ (the
 * JDK reader decodes the whole image for any region). Palettes are expanded to RGB, or RGBA when the palette has
 * transparency; grey below 8 bits is scaled to 8 bits.
 */
final class PngSource implements ImageSource {
    private final Path file;
    private final ImageInfo info;
    /** Decoded by {@link PngRows} (ISA-L) rather than PNGJ. */
    private final boolean rows;
    private final int channels;
    private final int bitDepth;

    private PngSource(Path file, ImageInfo info, boolean rows, int channels, int bitDepth) {
        this.file = file;
        this.info = info;
        this.rows = rows;
        this.channels = channels;
        this.bitDepth = bitDepth;
    }

    /**
     * @param interlacedMaxPixels PNGJ reads an interlaced (Adam7) PNG into memory whole; above this many pixels such
     *                            a PNG is refused rather than risking the heap
     */
    static PngSource open(Path file, long interlacedMaxPixels, PixelLimit limit) throws IOException {
        PngStructure structure = PngStructure.read(file, limit);
        // PNGJ reads the chunks before the image data, and a little of it, through a buffer of its own
        Arrival.await(file, structure.dataStart() + (64 << 10));
        PngReader png = newReader(file);
        try {
            ar.com.hjg.pngj.ImageInfo pi = png.imgInfo;
            structure.checkHolds(pi.cols, pi.rows, pi.channels, pi.bitDepth);
            if (png.isInterlaced() && (long) pi.cols * pi.rows > interlacedMaxPixels) {
                throw new UnreadableImageException("The PNG is interlaced and " + pi.cols + " x " + pi.rows
                        + " pixels; interlaced PNGs must be decoded whole, which is allowed only up to "
                        + interlacedMaxPixels + " pixels. Save it without interlacing.");
            }
            int bands;
            if (pi.indexed) {
                bands = png.getMetadata().getTRNS() != null ? 4 : 3;
            } else {
                bands = pi.channels;
            }
            int bits = pi.bitDepth == 16 ? 16 : 8;
            return new PngSource(file, new ImageInfo(pi.cols, pi.rows, bands, bits, png.isInterlaced() ? "PNG (interlaced)" : "PNG"),
                    PngRows.reads(pi.indexed, pi.bitDepth, png.isInterlaced()), pi.channels, pi.bitDepth);
        } catch (PngjException e) {
            throw new UnreadableImageException("The PNG cannot be read: " + Messages.of(e), e);
        } finally {
            png.close();
        }
    }

    private static PngReader newReader(Path file) throws UnreadableImageException {
        try {
            PngReader png = new PngReader(file.toFile());
            png.setMaxTotalBytesRead(Long.MAX_VALUE);
            return png;
        } catch (PngjException e) {
            throw new UnreadableImageException("The PNG cannot be read: " + Messages.of(e), e);
        }
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    /**
     * When the compressed data ends early, PNGJ hands out its last row again instead of failing, which would turn a
     * truncated file into a result with invented rows. Every row of a non-interlaced PNG must have been inflated.
     */
    private static void checkRowDecoded(PngReader png, int y, long rowBytes) throws UnreadableImageException {
        if (png.isInterlaced()) {
            return; // decoded whole on the first row; checked at the end
        }
        long inflated = png.getChunkseq().getIdatSet().getBytesOut();
        if (inflated < (y + 1) * rowBytes) {
            throw new UnreadableImageException("The PNG's image data ends at row " + (inflated / rowBytes) + " of "
                    + png.imgInfo.rows + ": the file is truncated or damaged.");
        }
    }

    /** Inflated bytes of the seven Adam7 passes: each pass is a reduced image with its own filter bytes. */
    private static long interlacedBytes(ar.com.hjg.pngj.ImageInfo pi) {
        int[][] passes = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
        long total = 0;
        for (int[] p : passes) {
            long w = (pi.cols - p[0] + p[2] - 1) / p[2];
            long h = (pi.rows - p[1] + p[3] - 1) / p[3];
            if (w > 0 && h > 0) {
                total += PngStructure.inflatedBytes(w, h, pi.channels, pi.bitDepth);
            }
        }
        return total;
    }

    @Override
    public void streamRows(RowConsumer consumer) throws IOException {
        if (rows) {
            PngRows.stream(file, info.width(), info.height(), channels, bitDepth, consumer);
            return;
        }
        Arrival.awaitAll(file); // PNGJ finds a file still arriving short
        PngReader png = newReader(file);
        try {
            ar.com.hjg.pngj.ImageInfo pi = png.imgInfo;
            int width = info.width();
            int bands = info.bands();
            boolean wide = info.bitsPerSample() == 16;
            byte[] row = new byte[width * bands * (wide ? 2 : 1)];
            int[] expanded = null;
            PngChunkPLTE plte = pi.indexed ? withEveryIndex(png.getMetadata().getPLTE(), pi) : null;
            PngChunkTRNS trns = pi.indexed ? png.getMetadata().getTRNS() : null;
            int lowBitMax = (1 << pi.bitDepth) - 1;
            long rowBytes = PngStructure.inflatedBytes(pi.cols, 1, pi.channels, pi.bitDepth);
            for (int y = 0; y < pi.rows; y++) {
                IImageLine line = png.readRow();
                checkRowDecoded(png, y, rowBytes);
                int[] samples;
                if (pi.indexed) {
                    if (plte == null) {
                        throw new UnreadableImageException("The PNG has a palette type but no palette (PLTE chunk).");
                    }
                    expanded = trns != null ? ImageLineHelper.palette2rgba((ImageLineInt) line, plte, trns, expanded)
                            : ImageLineHelper.palette2rgb((ImageLineInt) line, plte, expanded);
                    samples = expanded;
                } else {
                    samples = ((ImageLineInt) line).getScanline();
                }
                int n = width * bands;
                if (wide) {
                    for (int i = 0; i < n; i++) {
                        int v = samples[i];
                        row[2 * i] = (byte) v;
                        row[2 * i + 1] = (byte) (v >>> 8);
                    }
                } else if (!pi.indexed && pi.bitDepth < 8) {
                    for (int i = 0; i < n; i++) {
                        row[i] = (byte) (samples[i] * 255 / lowBitMax);
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        row[i] = (byte) samples[i];
                    }
                }
                consumer.accept(y, row);
            }
            long inflated = png.getChunkseq().getIdatSet().getBytesOut();
            long expected = pi.rows * rowBytes;
            if (png.isInterlaced() ? inflated < interlacedBytes(pi) : inflated < expected) {
                throw new UnreadableImageException("The PNG's image data ends early: it inflates to " + inflated
                        + " bytes where its header needs " + (png.isInterlaced() ? interlacedBytes(pi) : expected) + ".");
            }
            if (PngStructure.endsWithIend(file)) {
                png.end(); // the chunks after the image data, checked; without IEND PNGJ asks for more bytes
            }
        } catch (PngjException | ArrayIndexOutOfBoundsException e) {
            throw new UnreadableImageException("The PNG cannot be decoded: " + Messages.of(e), e);
        } finally {
            png.close();
        }
    }

    /**
     * The palette with an entry for every index the bit depth can hold: indices past the file's last entry are
     * black, as libpng (and so GDAL and libvips) decodes them, where PNGJ failed on them. No pixel is invented: a
     * black pixel is what every reader of the field shows there.
     */
    static PngChunkPLTE withEveryIndex(PngChunkPLTE plte, ar.com.hjg.pngj.ImageInfo pi) {
        int all = 1 << pi.bitDepth;
        if (plte == null || plte.getNentries() >= all) {
            return plte;
        }
        PngChunkPLTE full = new PngChunkPLTE(pi);
        full.setNentries(all);
        int[] rgb = new int[3];
        for (int i = 0; i < all; i++) {
            if (i < plte.getNentries()) {
                plte.getEntryRgb(i, rgb);
                full.setEntry(i, rgb[0], rgb[1], rgb[2]);
            } else {
                full.setEntry(i, 0, 0, 0);
            }
        }
        return full;
    }
}
