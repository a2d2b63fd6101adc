package dev.lip.formats.source;

import com.github.luben.zstd.Zstd;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes one block (tile or strip) of a {@link TiffLayout} at a time: its raw bytes read by offset from a file
 * channel shared with other decoders (positional reads do not move a shared position), one decompression, the
 * predictor undone, samples little-endian. A decoder belongs to one thread at a time: it holds that thread's
 * buffers and native handles (zlib, libdeflate, TurboJPEG), which {@link TiffBlockReader} pools.
 */
final class TiffBlockDecoder implements AutoCloseable {
    private final FileChannel file;
    private final TiffLayout layout;
    private final int bytesPerSample;
    private final Inflater inflater = new Inflater();
    /** libdeflate for deflate blocks where it is installed, else null (the JDK's Inflater decodes them). */
    private final Libdeflate libdeflate;
    private final TiffLzw lzw = new TiffLzw();
    /** The JPEG decompressor of a JPEG-compressed layout (TurboJPEG handles are not shared between threads). */
    private final TurboJpeg turbo;
    /** libtiff's RGBA interface for the layouts only it reads (see {@link TiffLayout#viaLibTiff}), else null. */
    private final LibTiff libtiff;
    private byte[] compressed = new byte[0];
    /** A JPEG block made whole with the file's tables (see {@link JpegBlocks}), reused from block to block. */
    private byte[] spliced = new byte[0];
    /** The decoded block, interleaved. */
    final byte[] block;
    /** One band's block of a planar image, decoded before its samples are interleaved into {@link #block}. */
    private final byte[] plane;
    /**
     * A block as decompressed, before its samples are widened: bit-packed ones by {@link PackedSamples}, signed
     * 8-bit ones to int16; null for others.
     */
    private final byte[] packed;

    /** The file's path, for {@link Arrival}: a file still arriving is read as its blocks come. */
    private final java.nio.file.Path path;

    TiffBlockDecoder(FileChannel file, java.nio.file.Path path, TiffLayout layout) throws java.io.IOException {
        this.file = file;
        this.path = path;
        if (layout.viaLibTiff()) {
            Arrival.awaitAll(path); // libtiff reads the file itself, and would find it short
        }
        this.layout = layout;
        this.bytesPerSample = layout.readBits() / 8;
        this.block = new byte[layout.blockWidth() * layout.blockHeight() * Math.max(layout.bands(), layout.readBands())
                * bytesPerSample];
        this.libtiff = layout.viaLibTiff() ? LibTiff.open(path, layout) : null;
        this.plane = layout.isPlanar() ? new byte[layout.blockWidth() * layout.blockHeight() * bytesPerSample] : null;
        this.packed = layout.isPacked() || layout.isInt8() ? new byte[layout.blockHeight() * PackedSamples.rowBytes(layout.blockWidth()
                * (layout.isPlanar() ? 1 : layout.bands()), layout.bitsPerSample())] : null;
        this.turbo = layout.compression() == TiffCompression.JPEG ? TurboJpeg.open() : null;
        boolean deflate = layout.compression() == TiffCompression.DEFLATE
                || layout.compression() == TiffCompression.ADOBE_DEFLATE;
        this.libdeflate = deflate ? Libdeflate.open() : null;
    }

    /** Decodes block ({@code r}, {@code c}) into {@link #block}; returns its rows (a last strip has fewer). */
    int decode(int r, int c) throws IOException {
        if (libtiff != null) {
            return libtiff.decode(r, c, block, layout.readBands());
        }
        int rows = layout.isPlanar() ? decodePlanes(r, c) : decode(block, r * layout.across() + c, r, layout.bands());
        if (layout.isCmyk8()) {
            cmykToRgb(block, rows * layout.blockWidth());
        }
        return rows;
    }

    /**
     * CMYK to RGB in place, four samples a pixel to three, as libtiff's RGBA interface converts them (its
     * putRGBcontig8bitCMYKtile), so exactly GDAL's pixels: no colour profile, ink over white.
     */
    static void cmykToRgb(byte[] block, int pixels) {
        for (int p = 0; p < pixels; p++) {
            int k = 255 - (block[4 * p + 3] & 0xFF);
            int c = block[4 * p] & 0xFF;
            int m = block[4 * p + 1] & 0xFF;
            int y = block[4 * p + 2] & 0xFF;
            block[3 * p] = (byte) (k * (255 - c) / 255);
            block[3 * p + 1] = (byte) (k * (255 - m) / 255);
            block[3 * p + 2] = (byte) (k * (255 - y) / 255);
        }
    }

    /** Decodes block ({@code r}, {@code c}) of every band's plane and interleaves them into {@link #block}. */
    private int decodePlanes(int r, int c) throws IOException {
        int bands = layout.bands();
        int perPlane = layout.across() * layout.down();
        int rows = 0;
        for (int b = 0; b < bands; b++) {
            rows = decode(plane, b * perPlane + r * layout.across() + c, r, 1);
            int samples = rows * layout.blockWidth();
            for (int i = 0; i < samples; i++) {
                System.arraycopy(plane, i * bytesPerSample, block, (i * bands + b) * bytesPerSample, bytesPerSample);
            }
        }
        return rows;
    }

    /**
     * Decodes block {@code index} into {@code block}, little-endian, {@code spp} samples a pixel; returns its rows (a
     * last strip has fewer).
     */
    private int decode(byte[] out, int index, int blockRow, int spp) throws IOException {
        int rows = layout.rowsOf(blockRow);
        // bit-packed samples are decompressed as stored, then widened into out
        byte[] block = packed != null ? packed : out;
        int rowBytes = packed != null ? PackedSamples.rowBytes(layout.blockWidth() * spp, layout.bitsPerSample())
                : layout.blockWidth() * spp * bytesPerSample;
        long[] offsets = layout.offsets();
        int expected = rows * rowBytes;
        int count = (int) layout.byteCounts()[index];
        if (compressed.length < count) {
            compressed = new byte[count];
        }
        ByteBuffer buf = ByteBuffer.wrap(compressed, 0, count);
        Arrival.await(path, offsets[index] + count); // a file still arriving: the block's bytes, once they are there
        while (buf.hasRemaining()) {
            if (file.read(buf, offsets[index] + buf.position()) < 0) {
                throw new UnreadableImageException("The TIFF ends inside its " + unit() + " " + index + ".");
            }
        }
        int produced;
        if (layout.compression() == TiffCompression.JPEG) {
            byte[] jpeg = compressed;
            int length = JpegBlocks.length(layout.jpegTables(), count);
            if (JpegBlocks.hasTables(layout.jpegTables()) && count >= 2) {
                if (spliced.length < length) {
                    spliced = new byte[length];
                }
                JpegBlocks.splice(layout.jpegTables(), compressed, count, spliced);
                jpeg = spliced;
            }
            try {
                turbo.decode(jpeg, length, block, layout.blockWidth(), rows, layout.blockHeight(), layout.bands());
            } catch (UnreadableImageException e) {
                boolean early = e.getMessage().contains("Premature end");
                throw new UnreadableImageException("The TIFF's " + unit() + " " + index + " of " + offsets.length
                        + (early ? " ends early: " : " is damaged: ") + e.getMessage()
                        + (early ? ". The file is truncated or damaged." : "."));
            }
            produced = expected;
        } else if (layout.compression() == TiffCompression.WEBP) {
            produced = WebPBlocks.decode(compressed, count, block, layout.blockWidth(), rows, layout.bands(),
                    () -> "The TIFF's " + unit() + " " + index + " of " + offsets.length);
        } else if (layout.compression() == TiffCompression.PACKBITS) {
            produced = unpackBits(compressed, count, block, expected);
        } else if (layout.compression() == TiffCompression.LZW) {
            try {
                produced = lzw.decode(compressed, count, block, expected);
            } catch (UnreadableImageException e) {
                throw new UnreadableImageException("The TIFF's " + unit() + " " + index + " of " + offsets.length
                        + " is damaged: " + e.getMessage() + ".");
            }
        } else if (layout.compression() == TiffCompression.ZSTD) {
            long n = Zstd.decompressByteArray(block, 0, expected, compressed, 0, count);
            if (Zstd.isError(n)) {
                throw new UnreadableImageException("The TIFF's " + unit() + " " + index + " of " + offsets.length
                        + " is damaged: its ZSTD data cannot be decoded (" + Zstd.getErrorName(n) + ").");
            }
            produced = (int) n;
        } else if (layout.compression() != TiffCompression.NONE) {
            if (predictedNatively()) {
                produced = libdeflate.inflateUndoingPredictor(compressed, count, block, expected, rows, rowBytes, spp);
                if (produced == expected) {
                    return rows; // whole, and its predictor undone: nothing below applies to 8-bit samples
                }
            } else {
                produced = libdeflate == null ? -1 : libdeflate.inflate(compressed, count, block, expected);
            }
            if (produced < 0) {
                produced = inflate(count, block, expected, index);
            }
        } else {
            produced = Math.min(count, expected);
            System.arraycopy(compressed, 0, block, 0, produced);
        }
        if (produced < expected) {
            throw new UnreadableImageException("The TIFF's " + unit() + " " + index + " of " + offsets.length
                    + " ends early: its data gives " + produced + " of its " + expected + " bytes (row "
                    + (produced / rowBytes) + " of " + rows + "). The file is truncated or damaged.");
        }
        if (layout.isInt8()) {
            widenInt8(packed, rows * rowBytes, layout.predictor() == 2 ? spp : 0, rowBytes, out);
            return rows;
        }
        if (packed != null) {
            PackedSamples.widen(packed, rows, rowBytes, layout.blockWidth() * spp, layout.bitsPerSample(),
                    layout.photometric() == 0, out);
            return rows;
        }
        if (layout.predictor() == 3) {
            // The floating-point predictor's bytes are in big-endian order whatever the file's byte order.
            FloatingPointPredictor.undo(block, rows, rowBytes, spp, bytesPerSample);
            return rows;
        }
        if (bytesPerSample > 1 && layout.bigEndian()) {
            reverseSamples(block, expected, bytesPerSample);
        }
        if (layout.predictor() == 2) {
            if (bytesPerSample > 2) {
                FloatingPointPredictor.undoWideDifferencing(block, rows, rowBytes, spp, bytesPerSample);
            } else {
                undoHorizontalDifferencing(block, rows, rowBytes, spp);
            }
        }
        return rows;
    }

    /**
     * Signed bytes to little-endian int16 of the same values, the horizontal predictor undone first when
     * {@code bands > 0} (byte differences wrap as libtiff's do).
     */
    private static void widenInt8(byte[] in, int length, int bands, int rowBytes, byte[] out) {
        if (bands > 0) {
            for (int row = 0; row < length; row += rowBytes) {
                for (int i = row + bands; i < row + rowBytes; i++) {
                    in[i] += in[i - bands];
                }
            }
        }
        for (int i = 0; i < length; i++) {
            out[2 * i] = in[i];
            out[2 * i + 1] = (byte) (in[i] >> 7);
        }
    }

    /** Big-endian samples to little-endian: each sample's bytes reversed. */
    private static void reverseSamples(byte[] block, int length, int width) {
        for (int i = 0; i < length; i += width) {
            for (int a = i, b = i + width - 1; a < b; a++, b--) {
                byte t = block[a];
                block[a] = block[b];
                block[b] = t;
            }
        }
    }

    /**
     * PackBits (TIFF 6.0, section 9): a header byte n, then n+1 literal bytes (n >= 0) or one byte repeated 1-n times
     * (n < 0; -128 is a no-op). Here only for the wide sample formats, which the JDK's reader does not decode.
     *
     * @return the bytes written, at most {@code expected}
     */
    static int unpackBits(byte[] in, int length, byte[] out, int expected) {
        int i = 0;
        int o = 0;
        while (i < length && o < expected) {
            int n = in[i++];
            if (n >= 0) {
                int k = Math.min(Math.min(n + 1, length - i), expected - o);
                System.arraycopy(in, i, out, o, k);
                i += n + 1;
                o += k;
            } else if (n != -128 && i < length) {
                int k = Math.min(1 - n, expected - o);
                java.util.Arrays.fill(out, o, o + k, in[i++]);
                o += k;
            }
        }
        return o;
    }

    /** Deflate with predictor 2 on 8-bit unsigned samples, both undone in native memory (see {@link Libdeflate}). */
    private boolean predictedNatively() {
        return libdeflate != null && layout.predictor() == 2 && bytesPerSample == 1 && packed == null
                && !layout.isInt8() && HorizontalPredictor.available();
    }

    /** Predictor 2: each sample was stored as its difference from the same band's sample to its left. */
    private void undoHorizontalDifferencing(byte[] block, int rows, int rowBytes, int bands) {
        if (bytesPerSample == 1 && HorizontalPredictor.available()) {
            HorizontalPredictor.undo8(block, rows, rowBytes, bands);
        } else if (bytesPerSample == 1 && bands == 3) {
            // Running sums in locals: a load that depends on the store just before it stalls the loop (measured:
            // 0.35 s more than the JDK's reader on 192 MB, where this form is on par).
            for (int y = 0; y < rows; y++) {
                int i = y * rowBytes;
                int end = i + rowBytes;
                byte r = block[i];
                byte g = block[i + 1];
                byte b = block[i + 2];
                for (i += 3; i < end; i += 3) {
                    r += block[i];
                    g += block[i + 1];
                    b += block[i + 2];
                    block[i] = r;
                    block[i + 1] = g;
                    block[i + 2] = b;
                }
            }
        } else if (bytesPerSample == 1) {
            for (int y = 0; y < rows; y++) {
                int end = y * rowBytes + rowBytes;
                for (int i = y * rowBytes + bands; i < end; i++) {
                    block[i] += block[i - bands];
                }
            }
        } else {
            int step = bands * 2;
            for (int y = 0; y < rows; y++) {
                int base = y * rowBytes;
                for (int i = base + step; i < base + rowBytes; i += 2) {
                    int v = ((block[i] & 0xFF) | (block[i + 1] & 0xFF) << 8)
                            + ((block[i - step] & 0xFF) | (block[i - step + 1] & 0xFF) << 8);
                    block[i] = (byte) v;
                    block[i + 1] = (byte) (v >>> 8);
                }
            }
        }
    }


    /** The JDK's zlib: without libdeflate, and for the streams it refused (so both paths judge a block alike). */
    private int inflate(int count, byte[] block, int expected, int index) throws UnreadableImageException {
        int produced;
        inflater.reset();
        inflater.setInput(compressed, 0, count);
        produced = 0;
        try {
            while (produced < expected) {
                int n = inflater.inflate(block, produced, expected - produced);
                if (n == 0 && (inflater.needsInput() || inflater.finished() || inflater.needsDictionary())) {
                    break;
                }
                produced += n;
            }
        } catch (DataFormatException e) {
            throw new UnreadableImageException("The TIFF's " + unit() + " " + index + " of " + layout.offsets().length
                    + " is damaged: its deflate data cannot be decoded.");
        }
        return produced;
    }

    private String unit() {
        return layout.unit();
    }

    @Override
    public void close() {
        if (libtiff != null) {
            libtiff.close();
        }
        if (turbo != null) {
            turbo.close();
        }
        if (libdeflate != null) {
            libdeflate.close();
        }
        inflater.end();
    }
}
