package dev.lip.formats.tiff;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.util.zip.Deflater;

/**
 * Compresses result tiles into zlib streams (TIFF's deflate), for one thread at a time: with libdeflate (Debian's
 * {@code libdeflate0}, bound with JNA) where it is installed, which at level 1 compresses a 512² mask tile several
 * times faster than zlib's level 1 and smaller; else with the JDK's {@code Deflater} (zlib), also with
 * {@code -Dlip.libdeflate=false}. Either writes a standard zlib stream that every TIFF reader inflates.
 */
public final class TileDeflater implements AutoCloseable {
    interface Api extends Library {
        Pointer libdeflate_alloc_compressor(int level);

        NativeLong libdeflate_zlib_compress(Pointer compressor, byte[] in, NativeLong inBytes, byte[] out,
                                            NativeLong outBytesAvailable);

        NativeLong libdeflate_zlib_compress_bound(Pointer compressor, NativeLong inBytes);

        void libdeflate_free_compressor(Pointer compressor);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "Result tiles", "libdeflate",
                "the JDK's Deflater (libdeflate0 is not installed)", "deflate", "libdeflate.so.0");
    }

    private final Api api;
    private final Pointer compressor;
    private final Deflater deflater;
    private byte[] out = new byte[0];

    /** @param level 1 (fastest) to 9 (smallest), zlib's scale; libdeflate's levels 1 to 9 mean the same */
    public TileDeflater(int level) {
        boolean native_ = Boolean.parseBoolean(System.getProperty("lip.libdeflate", "true")) && Holder.API != null;
        this.api = native_ ? Holder.API : null;
        this.compressor = native_ ? Holder.API.libdeflate_alloc_compressor(level) : null;
        this.deflater = compressor == null ? new Deflater(level) : null;
    }

    /** The zlib stream of {@code in}, in an array of its own (tiles wait in a queue to be written). */
    public ByteBuffer deflate(byte[] in) {
        if (compressor == null) {
            return TiledTiffWriter.deflate(in, deflater);
        }
        int bound = api.libdeflate_zlib_compress_bound(compressor, new NativeLong(in.length)).intValue();
        if (out.length < bound) {
            out = new byte[bound];
        }
        long n = api.libdeflate_zlib_compress(compressor, in, new NativeLong(in.length), out, new NativeLong(bound))
                .longValue();
        if (n == 0) {
            throw new IllegalStateException("libdeflate found no room within its own bound of " + bound + " bytes");
        }
        return ByteBuffer.wrap(java.util.Arrays.copyOf(out, (int) n));
    }

    @Override
    public void close() {
        if (compressor != null) {
            api.libdeflate_free_compressor(compressor);
        } else {
            deflater.end();
        }
    }
}
