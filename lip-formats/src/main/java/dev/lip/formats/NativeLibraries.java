package dev.lip.formats;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * Loading the C libraries bound with JNA, for the sources and the result writer: the system's (OpenSlide, TurboJPEG,
 * libdeflate) and the jar's own, built from src/main/c (libjpeg's scanlines, ISA-L's inflate), which JNA finds among
 * the classes.
 */
public final class NativeLibraries {
    private static final System.Logger log = System.getLogger(NativeLibraries.class.getName());

    private NativeLibraries() {
    }

    /**
     * A codec's library, or null; logs which codec runs for {@code what}: {@code library}, or {@code fallback}
     * and why.
     */
    public static <T extends Library> T codec(Class<T> api, String what, String library, String fallback,
                                              String... names) {
        T loaded = load(api, names);
        log.log(System.Logger.Level.INFO, what + ": " + (loaded != null ? library : fallback));
        return loaded;
    }

    /**
     * The first of {@code names} that loads, or null. Give the unversioned name first, then the runtime package's
     * versioned files: the unversioned link comes only with a distribution's -dev package.
     */
    public static <T extends Library> T load(Class<T> api, String... names) {
        for (String name : names) {
            try {
                return Native.load(name, api);
            } catch (UnsatisfiedLinkError e) {
                // try the next name
            }
        }
        return null;
    }
}
