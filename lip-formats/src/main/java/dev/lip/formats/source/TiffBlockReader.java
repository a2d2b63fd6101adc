package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads the tiles or strips of a TIFF or BigTIFF that are uncompressed, deflate or ZSTD-compressed (what GDAL and
 * libvips write for lossless data; ZSTD is GDAL's modern default, decoded by zstd-jni, which neither the JDK's reader
 * nor AlgART reads) ourselves: raw bytes by offset, one decompression, the horizontal predictor undone, samples
 * copied into the region. The JDK's reader, used for everything else, inflates each tile once and stops, so a tile
 * whose data ends early (a byte count too small, a stream cut short) came out with zeros for its missing rows and
 * no word; here every block must inflate to exactly its size or the read fails with a sentence. It also reads
 * 16-bit samples with the horizontal predictor, libvips' and GDAL's default, which the JDK's reader refuses.
 *
 * <p>Several threads read through one reader at once (issue 15: one file handle, not one full reader and its caches
 * a thread): each read borrows a {@link TiffBlockDecoder} with that thread's buffers and native handles. Deflate
 * blocks go through libdeflate and JPEG blocks through libjpeg-turbo where those are installed.
 *
 * <p>Layouts outside what it reads (other compressions, planar, palette, YCbCr, other bit depths) return no reader
 * from {@link #of}, and the JDK's reader is used.
 */
final class TiffBlockReader implements AutoCloseable {
    /** Positional reads only: threads share it without sharing a position. */
    private final FileChannel file;
    /** For layouts libtiff decodes, which opens the file a decoder. */
    private final Path path;
    private final TiffLayout layout;
    private final int bytesPerSample;
    /** Decoders not in use; one is made for each thread reading at the same time, and kept for the next read. */
    private final Deque<TiffBlockDecoder> idle = new ConcurrentLinkedDeque<>();
    /** Set by {@link #close}; a decoder in use then is closed by the thread using it, never under it. */
    private boolean closed; // guarded by this
    /** Blocks regions read in part, which the neighbouring regions (patches with a halo) read again. */
    private final BlockCache cache;
    /** Blocks decoded so far, for tests. */
    private final LongAdder decoded = new LongAdder();

    private TiffBlockReader(Path path, TiffLayout layout) throws IOException {
        this.file = FileChannel.open(path, StandardOpenOption.READ);
        this.path = path;
        this.layout = layout;
        this.bytesPerSample = layout.readBits() / 8;
        long blockBytes = (long) layout.blockWidth() * layout.blockHeight() * layout.readBands() * bytesPerSample;
        // Twelve blocks: the nine a patch with a halo touches and the three the next patch along the row adds (7 MB
        // of 512² RGB tiles); at least 16 MB, as small blocks come many to a patch.
        this.cache = new BlockCache(Math.max(12 * blockBytes, 16L << 20));
    }

    long blocksDecoded() {
        return decoded.sum();
    }

    /** A reader for this layout, or null when another reader must do it. */
    static TiffBlockReader of(Path path, TiffLayout l) throws IOException {
        int c = l.compression();
        boolean fits = l.blocksMatch() && l.bands() >= 1 && l.bands() <= ImageInfo.MAX_BANDS
                && (long) l.blockWidth() * l.blockHeight() * Math.max(4, l.bands()) * (l.readBits() / 8) <= TiffSource.MAX_STRIP_BYTES;
        if (l.viaLibTiff()) {
            if (!LibTiff.available() || !fits) {
                return null;
            }
            LibTiff.open(path, l).close(); // refuses, with libtiff's reason, a layout its RGBA interface does not read
            return new TiffBlockReader(path, l);
        }
        if (c == TiffCompression.JPEG) {
            // libjpeg-turbo where it is installed (faster, and the decoder the field's tools use); else the JDK's reader
            return JpegBlocks.reads(l) && fits ? new TiffBlockReader(path, l) : null;
        }
        if (c == TiffCompression.WEBP) {
            // WebP holds 8-bit RGB or RGBA; GDAL writes it without a predictor.
            boolean webp = l.photometric() == 2 && l.sampleFormat() == 1 && l.bitsPerSample() == 8
                    && (l.bands() == 3 || l.bands() == 4) && l.predictor() == 1 && !l.isPlanar() && fits;
            return webp ? new TiffBlockReader(path, l) : null;
        }
        if (l.isCmyk8()) {
            boolean compression = c == TiffCompression.NONE || c == TiffCompression.DEFLATE || c == TiffCompression.ADOBE_DEFLATE
                    || c == TiffCompression.ZSTD || c == TiffCompression.LZW || c == TiffCompression.PACKBITS;
            return compression && (l.predictor() == 1 || l.predictor() == 2) && fits ? new TiffBlockReader(path, l) : null;
        }
        if (l.isPacked()) {
            // bit-packed samples: every compression that gives bytes, no predictor (libtiff's is for whole bytes)
            boolean compression = c == TiffCompression.NONE || c == TiffCompression.DEFLATE || c == TiffCompression.ADOBE_DEFLATE
                    || c == TiffCompression.ZSTD || c == TiffCompression.LZW || c == TiffCompression.PACKBITS;
            return compression && l.predictor() == 1 && fits ? new TiffBlockReader(path, l) : null;
        }
        SampleFormat format = l.format();
        // no PhotometricInterpretation at all is read as GDAL reads it: grey (MinIsBlack), or RGB with three bands
        if (format == null || !fits || (l.photometric() != 0 && l.photometric() != 1 && l.photometric() != 2
                && l.photometric() != -1)) {
            return null;
        }
        if (l.isWide()) {
            // Nothing else here reads int16, 32 and 64-bit samples: every lossless compression GDAL writes for them.
            boolean compression = c == TiffCompression.NONE || c == TiffCompression.DEFLATE || c == TiffCompression.ADOBE_DEFLATE
                    || c == TiffCompression.ZSTD || c == TiffCompression.LZW || c == TiffCompression.PACKBITS;
            boolean predictor = l.predictor() == 1 || l.predictor() == 2 || l.predictor() == 3 && format.isFloat();
            return compression && predictor ? new TiffBlockReader(path, l) : null;
        }
        // LZW only where the JDK's reader cannot (16-bit samples with the horizontal predictor)
        boolean lzw = c == TiffCompression.LZW && l.bitsPerSample() == 16 && l.predictor() == 2;
        boolean eligible = (c == TiffCompression.NONE || c == TiffCompression.DEFLATE || c == TiffCompression.ADOBE_DEFLATE
                || c == TiffCompression.ZSTD || lzw) && (l.predictor() == 1 || l.predictor() == 2);
        return eligible ? new TiffBlockReader(path, l) : null;
    }

    int blockHeight() {
        return layout.blockHeight();
    }

    /** Safe to call from several threads at once: each read takes a decoder of its own. */
    PixelRegion read(Rect area) throws IOException {
        TiffBlockDecoder decoder;
        synchronized (this) {
            if (closed) {
                throw new IOException("the image was closed while its patches were being read");
            }
            decoder = idle.pollFirst();
        }
        if (decoder == null) {
            decoder = new TiffBlockDecoder(file, path, layout);
        }
        try {
            return read(area, decoder);
        } finally {
            boolean keep;
            synchronized (this) {
                keep = !closed;
                if (keep) {
                    idle.addFirst(decoder);
                }
            }
            if (!keep) {
                decoder.close(); // its native handle freed by the only thread that used it
            }
        }
    }

    private PixelRegion read(Rect area, TiffBlockDecoder decoder) throws IOException {
        PixelRegion out = new PixelRegion(area, layout.readBands(), layout.format());
        int pixelBytes = layout.readBands() * bytesPerSample;
        int blockWidth = layout.blockWidth();
        int blockHeight = layout.blockHeight();
        int firstColumn = area.x() / blockWidth;
        int lastColumn = (area.x() + area.width() - 1) / blockWidth;
        int firstRow = area.y() / blockHeight;
        int lastRow = (area.y() + area.height() - 1) / blockHeight;
        for (int r = firstRow; r <= lastRow; r++) {
            for (int c = firstColumn; c <= lastColumn; c++) {
                int bx = c * blockWidth;
                int by = r * blockHeight;
                boolean whole = bx >= area.x() && by >= area.y() && bx + blockWidth <= area.x() + area.width()
                        && by + layout.rowsOf(r) <= area.y() + area.height();
                int rows;
                byte[] block;
                BlockCache.Block cached = cache.get(r * layout.across() + c);
                if (cached != null) {
                    rows = cached.rows();
                    block = cached.samples();
                } else {
                    rows = decoder.decode(r, c);
                    block = decoder.block;
                    decoded.increment();
                    if (!whole) {
                        cache.put(r * layout.across() + c, new BlockCache.Block(block.clone(), rows));
                    }
                }
                int x0 = Math.max(area.x(), bx);
                int x1 = Math.min(area.x() + area.width(), bx + blockWidth);
                int y0 = Math.max(area.y(), by);
                int y1 = Math.min(area.y() + area.height(), by + rows);
                for (int y = y0; y < y1; y++) {
                    System.arraycopy(block, ((y - by) * blockWidth + (x0 - bx)) * pixelBytes, out.data(),
                            ((y - area.y()) * area.width() + (x0 - area.x())) * pixelBytes, (x1 - x0) * pixelBytes);
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        java.util.List<TiffBlockDecoder> unused;
        synchronized (this) {
            closed = true;
            unused = java.util.List.copyOf(idle);
            idle.clear();
        }
        for (TiffBlockDecoder d : unused) {
            d.close();
        }
        file.close();
    }
}
