package dev.lip.formats.source;

import com.sun.jna.Library;
import com.sun.jna.Native;

/** Loading the system's C libraries bound with JNA (OpenSlide, TurboJPEG). */
final class NativeLibraries {
    private NativeLibraries() {
    }

    /**
     * The first of {@code names} that loads, or null. Give the unversioned name first, then the runtime package's
     * versioned files: the unversioned link comes only with a distribution's -dev package.
     */
    static <T extends Library> T load(Class<T> api, String... names) {
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
