package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * libjpeg-turbo's TurboJPEG API (Debian's {@code libturbojpeg0}), bound with JNA: SIMD JPEG decoding, about three
 * times the JDK's decoder (IJG libjpeg 6b without SIMD), and the decoder GDAL, libvips and OpenSlide use, so tiles
 * decode to exactly their pixels. Absent library: {@link #available} is false and the JDK's decoder runs (a log line
 * says which one). {@code -Dlip.turbojpeg=false} turns it off. Damaged data is an error return (libjpeg-turbo's error
 * manager longjmps back into TurboJPEG), warnings included ({@link #FLAG_STOP_ON_WARNING}), never a crash.
 */
final class TurboJpeg implements AutoCloseable {
    /** The JDK's own logging: this library has no logging dependency; Spring Boot's services route it to theirs. */
    static final int PF_RGB = 0;
    static final int PF_GRAY = 6;
    /** TJFLAG_STOPONWARNING: data that ends early is a failure, never rows of invented grey. */
    static final int FLAG_STOP_ON_WARNING = 8192;

    interface Api extends Library {
        Pointer tjInitDecompress();

        int tjDecompressHeader3(Pointer handle, byte[] jpeg, NativeLong size, IntByReference width, IntByReference height,
                                IntByReference subsampling, IntByReference colorspace);

        int tjDecompress2(Pointer handle, byte[] jpeg, NativeLong size, byte[] dst, int width, int pitch, int height,
                          int pixelFormat, int flags);

        String tjGetErrorStr2(Pointer handle);

        int tjDestroy(Pointer handle);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "JPEG tiles", "libjpeg-turbo",
                "the JDK's decoder (libturbojpeg0 is not installed)", "turbojpeg", "libturbojpeg.so.0");
    }

    private final Api api;
    private final Pointer handle;

    private TurboJpeg(Api api) {
        this.api = api;
        this.handle = api.tjInitDecompress();
        if (handle == null) {
            throw new IllegalStateException("TurboJPEG could not start a decompressor");
        }
    }

    /** Whether JPEG blocks are decoded here: the library is there and {@code lip.turbojpeg} is not false. */
    static boolean available() {
        if (!Boolean.parseBoolean(System.getProperty("lip.turbojpeg", "true"))) {
            return false; // asked for each file, so that tests run both decoders in one JVM
        }
        return Holder.API != null;
    }

    /** A decompressor for one thread; null when the library is not there. */
    static TurboJpeg open() {
        return available() ? new TurboJpeg(Holder.API) : null;
    }

    /**
     * Decodes a complete JPEG stream {@code width} wide and {@code minHeight} to {@code maxHeight} high (a TIFF's
     * last strip may be stored full height or cut to the image) into {@code dst} (interleaved RGB or grey).
     *
     * @throws UnreadableImageException when the data is damaged or not of that size
     */
    void decode(byte[] jpeg, int length, byte[] dst, int width, int minHeight, int maxHeight, int channels)
            throws UnreadableImageException {
        IntByReference w = new IntByReference();
        IntByReference h = new IntByReference();
        IntByReference sub = new IntByReference();
        IntByReference cs = new IntByReference();
        if (api.tjDecompressHeader3(handle, jpeg, new NativeLong(length), w, h, sub, cs) != 0) {
            throw new UnreadableImageException("its JPEG data cannot be decoded (" + api.tjGetErrorStr2(handle) + ")");
        }
        int height = h.getValue();
        if (w.getValue() != width || height < minHeight || height > maxHeight) {
            throw new UnreadableImageException("its JPEG data is " + w.getValue() + "x" + height + ", not "
                    + width + "x" + minHeight);
        }
        if (api.tjDecompress2(handle, jpeg, new NativeLong(length), dst, width, width * channels, height,
                channels == 3 ? PF_RGB : PF_GRAY, FLAG_STOP_ON_WARNING) != 0) {
            throw new UnreadableImageException("its JPEG data cannot be decoded (" + api.tjGetErrorStr2(handle) + ")");
        }
    }

    @Override
    public void close() {
        api.tjDestroy(handle);
    }
}
