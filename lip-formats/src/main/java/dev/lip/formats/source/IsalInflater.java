package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * One zlib stream inflated piece by piece by Intel's ISA-L (Debian's {@code libisal2}), about twice as fast as zlib,
 * through a few lines of C ({@code src/main/c/lip_isal.c}, built into the jar as {@code liblipisal.so} where a
 * compiler and {@code libisal-dev} were there at build time), bound with JNA. Used for PNG image data
 * ({@link PngRows}); without the library, or with {@code -Dlip.isal=false}, PNGs go through PNGJ and the JDK's
 * Inflater, and a log line says which.
 */
final class IsalInflater implements AutoCloseable {
    static final int MORE = 0;
    static final int END = 1;

    interface Api extends Library {
        Pointer lip_inflate_open();

        int lip_inflate(Pointer inflater, Pointer in, int inLength, int[] inUsed, Pointer out, int outCapacity,
                        int[] outMade);

        void lip_inflate_close(Pointer inflater);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "PNG image data", "ISA-L's inflate",
                "PNGJ and the JDK's Inflater (liblipisal was not built, or libisal2 is not installed)", "lipisal");
    }

    private final Api api;
    private final Pointer handle;
    private final int[] used = new int[1];
    private final int[] made = new int[1];

    private IsalInflater(Api api) {
        this.api = api;
        this.handle = api.lip_inflate_open();
        if (handle == null) {
            throw new IllegalStateException("ISA-L could not allocate an inflater");
        }
    }

    /** Asked for each file, so that tests run both paths in one JVM. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty("lip.isal", "true")) && Holder.API != null;
    }

    static IsalInflater open() {
        return new IsalInflater(Holder.API);
    }

    /**
     * Inflates from {@code in[0, inLength)} into {@code out[0, outCapacity)}; then {@link #used} and {@link #made}
     * tell how much of each.
     *
     * @return {@link #END} when the stream ended, {@link #MORE} when it wants more input or room, or ISA-L's negative
     *         code for damaged data
     */
    int inflate(Pointer in, int inLength, Pointer out, int outCapacity) {
        return api.lip_inflate(handle, in, inLength, used, out, outCapacity, made);
    }

    int used() {
        return used[0];
    }

    int made() {
        return made[0];
    }

    @Override
    public void close() {
        api.lip_inflate_close(handle);
    }
}
