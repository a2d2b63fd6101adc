package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
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

        void libdeflate_free_decompressor(Pointer decompressor);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "Deflate blocks", "libdeflate",
                "the JDK's Inflater (libdeflate0 is not installed)", "deflate", "libdeflate.so.0");
    }

    private final Api api;
    private final Pointer handle;
    private final NativeLongByReference actual = new NativeLongByReference();

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

    @Override
    public void close() {
        api.libdeflate_free_decompressor(handle);
    }
}
