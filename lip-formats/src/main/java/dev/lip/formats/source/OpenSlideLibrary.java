package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;

/**
 * OpenSlide's C API (3.4 and later), as much of it as reading level 0 needs, bound with JNA: no OpenSlide Java
 * binding is published to Maven Central, and these eight functions are stable C. The library is the system's
 * (Debian's {@code libopenslide0}); when it is absent, {@link #get} is null and slides only it reads are refused
 * with a sentence naming the package.
 */
interface OpenSlideLibrary extends Library {

    /** The vendor that recognises the file ("hamamatsu", "aperio", "generic-tiff", ...), or null. Reads no pixels. */
    String openslide_detect_vendor(String filename);

    /** A handle, or null when no vendor recognises the file; a handle in error state reports it in get_error. */
    Pointer openslide_open(String filename);

    String openslide_get_error(Pointer osr);

    void openslide_close(Pointer osr);

    int openslide_get_level_count(Pointer osr);

    void openslide_get_level0_dimensions(Pointer osr, LongByReference w, LongByReference h);

    /** Premultiplied ARGB, one native-order int a pixel, row-major; transparent outside the scanned area. */
    void openslide_read_region(Pointer osr, int[] dest, long x, long y, int level, long w, long h);

    String openslide_get_property_value(Pointer osr, String name);

    /** The system's OpenSlide, or null when it cannot be loaded. */
    static OpenSlideLibrary get() {
        return Holder.LIBRARY;
    }

    /** Loaded once, on first use: a JVM that never meets a slide never looks for it. */
    final class Holder {
        static final OpenSlideLibrary LIBRARY = load();

        private Holder() {
        }

        private static OpenSlideLibrary load() {
            return NativeLibraries.load(OpenSlideLibrary.class, "openslide", "libopenslide.so.0", "libopenslide.so.1");
        }
    }
}
