package dev.lip.formats.source;

import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import dev.lip.formats.NativeLibraries;

/**
 * libwebp (Debian's {@code libwebp7}, the decoder libtiff, GDAL and libvips use), bound with JNA: one WebP image into
 * interleaved RGB or RGBA with the library's default options, which is how libtiff decodes a WebP-compressed tile.
 * TwelveMonkeys' reader, the fallback, converts lossy WebP's YUV to RGB its own way: 0.4-1.3% of thresholded pixels
 * differed from GDAL's (issue 24). Absent library, or {@code -Dlip.libwebp=false}: {@link #available} is false.
 */
final class LibWebP {
    interface Api extends Library {
        int WebPGetInfo(byte[] data, NativeLong size, IntByReference width, IntByReference height);

        Pointer WebPDecodeRGBInto(byte[] data, NativeLong size, byte[] out, NativeLong outSize, int stride);

        Pointer WebPDecodeRGBAInto(byte[] data, NativeLong size, byte[] out, NativeLong outSize, int stride);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "WebP blocks", "libwebp",
                "TwelveMonkeys' WebP reader (libwebp7 is not installed)", "webp", "libwebp.so.7");
    }

    private LibWebP() {
    }

    /** Asked for each block, so that tests run both paths in one JVM. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty("lip.libwebp", "true")) && Holder.API != null;
    }

    /**
     * Decodes {@code data[0, count)}, a whole WebP image of at least {@code width x rows}, into {@code block} as
     * {@code bands} (3 or 4) interleaved samples a pixel, {@code width} pixels a row.
     *
     * @return the bytes written, or 0 when the image is smaller than the block says
     * @throws UnreadableImageException when libwebp cannot decode it
     */
    static int decode(byte[] data, int count, byte[] block, int width, int rows, int bands,
                      java.util.function.Supplier<String> which) throws UnreadableImageException {
        Api api = Holder.API;
        byte[] in = count == data.length ? data : java.util.Arrays.copyOf(data, count);
        IntByReference w = new IntByReference();
        IntByReference h = new IntByReference();
        if (api.WebPGetInfo(in, new NativeLong(count), w, h) == 0) {
            throw new UnreadableImageException(which.get() + " is damaged: its WebP data cannot be decoded.");
        }
        if (w.getValue() < width || h.getValue() < rows) {
            return 0;
        }
        // libwebp writes the whole image: a block larger than what the TIFF needs is decoded into a buffer of its own
        boolean fits = w.getValue() == width && (long) h.getValue() * width * bands <= block.length;
        byte[] out = fits ? block : new byte[w.getValue() * h.getValue() * bands];
        int stride = w.getValue() * bands;
        Pointer done = bands == 4
                ? api.WebPDecodeRGBAInto(in, new NativeLong(count), out, new NativeLong(out.length), stride)
                : api.WebPDecodeRGBInto(in, new NativeLong(count), out, new NativeLong(out.length), stride);
        if (done == null) {
            throw new UnreadableImageException(which.get() + " is damaged: its WebP data cannot be decoded.");
        }
        if (!fits) {
            for (int y = 0; y < rows; y++) {
                System.arraycopy(out, y * stride, block, y * width * bands, width * bands);
            }
        }
        return width * rows * bands;
    }
}
