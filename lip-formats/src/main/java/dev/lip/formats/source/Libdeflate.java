package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.NativeLongByReference;

/**
 * libdeflate (Debian's {@code libdeflate0}, which libtiff itself decodes deflate tiles with), bound with JNA: a whole
 * zlib stream into a buffer of known size, two to three times zlib's inflate (the JDK's {@code Inflater}), which is
 * what a deflate-compressed tile or strip is. Absent library, or {@code -Dlip.libdeflate=false}: {@link #open} gives
 * null and the JDK's {@code Inflater} runs. A stream libdeflate refuses (damaged, or longer than the block) is given
 * to the JDK's {@code Inflater} again by the caller, so both paths accept and refuse the same files.
 */
final class Libdeflate implements AutoCloseable {
    static final int SUCCESS = 0;

    interface Api extends Library {
        Pointer libdeflate_alloc_decompressor();

        int libdeflate_zlib_decompress(Pointer decompressor, byte[] in, NativeLong inBytes, byte[] out,
                                       NativeLong outBytesAvailable, NativeLongByReference actualOutBytes);

        /** The same into native memory (JNA copies a byte[] argument in before the call and out after it). */
        int libdeflate_zlib_decompress(Pointer decompressor, byte[] in, NativeLong inBytes, Pointer out,
                                       NativeLong outBytesAvailable, NativeLongByReference actualOutBytes);

        void libdeflate_free_decompressor(Pointer decompressor);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "Deflate blocks", "libdeflate",
                "the JDK's Inflater (libdeflate0 is not installed)", "deflate", "libdeflate.so.0");
    }

    private final Api api;
    private final Pointer handle;
    private final NativeLongByReference actual = new NativeLongByReference();
    /** Where {@link #inflateUndoingPredictor} inflates, grown to the largest block. */
    private Memory nativeOut;

    private Libdeflate(Api api) {
        this.api = api;
        this.handle = api.libdeflate_alloc_decompressor();
        if (handle == null) {
            throw new IllegalStateException("libdeflate could not allocate a decompressor");
        }
    }

    /** Asked for each reader, so that tests run both paths in one JVM. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty("lip.libdeflate", "true")) && Holder.API != null;
    }

    /** A decompressor for one thread, or null when the library is not there. */
    static Libdeflate open() {
        return available() ? new Libdeflate(Holder.API) : null;
    }

    /**
     * Inflates the zlib stream {@code in[0, length)} into {@code out[0, capacity)}.
     *
     * @return the bytes produced, or -1 when libdeflate refused the stream (damaged, or longer than {@code capacity})
     */
    int inflate(byte[] in, int length, byte[] out, int capacity) {
        int result = api.libdeflate_zlib_decompress(handle, in, new NativeLong(length), out, new NativeLong(capacity),
                actual);
        return result == SUCCESS ? (int) actual.getValue().longValue() : -1;
    }

    /**
     * As {@link #inflate}, with TIFF's horizontal predictor then undone on the block's 8-bit samples where they were
     * inflated, in native memory ({@link HorizontalPredictor}), before the one copy into {@code out}: inflating into
     * {@code out} and undoing the predictor on it costs JNA four copies of the block (in and out for each call).
     * The predictor is undone only when the block came whole ({@code capacity} bytes); else the caller refuses it.
     */
    int inflateUndoingPredictor(byte[] in, int length, byte[] out, int capacity, int rows, int rowBytes, int bands) {
        if (nativeOut == null || nativeOut.size() < capacity) {
            if (nativeOut != null) {
                nativeOut.close();
            }
            nativeOut = new Memory(Math.max(1, capacity));
        }
        int result = api.libdeflate_zlib_decompress(handle, in, new NativeLong(length), nativeOut,
                new NativeLong(capacity), actual);
        if (result != SUCCESS) {
            return -1;
        }
        int produced = (int) actual.getValue().longValue();
        if (produced == capacity) {
            HorizontalPredictor.undo8(nativeOut, capacity, rows, rowBytes, bands);
        }
        nativeOut.read(0, out, 0, produced);
        return produced;
    }

    @Override
    public void close() {
        api.libdeflate_free_decompressor(handle);
        if (nativeOut != null) {
            nativeOut.close();
        }
    }
}
