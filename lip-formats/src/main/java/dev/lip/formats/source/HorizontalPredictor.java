package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.Pointer;

/**
 * TIFF's horizontal predictor (Predictor 2) undone on 8-bit samples by a few lines of C ({@code src/main/c/lip_predict.c},
 * built into the jar as {@code liblippredict.so} where a C compiler was there at build time), bound with JNA. The
 * decoder process compiles its Java with C1 only, where the Java loop took 17% of the decoder's time on a deflate
 * TIFF with a predictor (perf, 20000² realistic TIFF by libvips); the C loop is several times faster even with the
 * block copied in and out by JNA. Without the library, or with {@code -Dlip.native-predictor=false}, the caller's
 * Java loop runs, and the tests hold both to the same pixels.
 */
final class HorizontalPredictor {
    interface Api extends Library {
        void lip_undo_hdiff8(byte[] block, int rows, int rowBytes, int bands);

        void lip_undo_hdiff8(Pointer block, int rows, int rowBytes, int bands);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "TIFF's horizontal predictor", "C (liblippredict)",
                "Java (liblippredict was not built)", "lippredict");
    }

    private HorizontalPredictor() {
    }

    /** Asked for each block, so that tests run both paths in one JVM. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty("lip.native-predictor", "true")) && Holder.API != null;
    }

    /** Undoes the predictor on {@code rows} rows of {@code rowBytes} 8-bit samples, {@code bands} a pixel, in place. */
    static void undo8(byte[] block, int rows, int rowBytes, int bands) {
        checkFits(block.length, rows, rowBytes, bands);
        Holder.API.lip_undo_hdiff8(block, rows, rowBytes, bands);
    }

    /** The same on {@code size} bytes of native memory (a block inflated there, see {@link Libdeflate}). */
    static void undo8(Pointer block, long size, int rows, int rowBytes, int bands) {
        checkFits(size, rows, rowBytes, bands);
        Holder.API.lip_undo_hdiff8(block, rows, rowBytes, bands);
    }

    /** The C code trusts its arguments: it is never let past the block. */
    private static void checkFits(long size, int rows, int rowBytes, int bands) {
        if (rows < 0 || rowBytes < 0 || bands <= 0 || (long) rows * rowBytes > size) {
            throw new IllegalArgumentException("a predictor's block of " + rows + " rows of " + rowBytes
                    + " bytes does not fit in " + size + " bytes");
        }
    }
}
