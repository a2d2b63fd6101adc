package dev.lip.formats.source;

import java.util.Map;
import java.util.Set;

/**
 * The TIFF compressions this service reads, and the names of those it does not, so that a file it cannot decode is
 * refused at upload naming its compression, never accepted and failed after slicing has started.
 */
final class TiffCompression {
    static final int NONE = 1, LZW = 5, JPEG = 7, DEFLATE = 8, ADOBE_DEFLATE = 32946, PACKBITS = 32773, ZSTD = 50000,
            WEBP = 50001;

    /** CCITT (2, 3, 4) and old-style JPEG (6) are read by the JDK's reader; ZSTD and WebP by {@link TiffBlockReader}. */
    private static final Set<Integer> READ = Set.of(NONE, 2, 3, 4, LZW, 6, JPEG, DEFLATE, ADOBE_DEFLATE, PACKBITS, ZSTD,
            WEBP);

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(NONE, "none"), Map.entry(LZW, "LZW"), Map.entry(JPEG, "JPEG"), Map.entry(DEFLATE, "deflate"),
            Map.entry(ADOBE_DEFLATE, "deflate"), Map.entry(PACKBITS, "PackBits"), Map.entry(ZSTD, "ZSTD"),
            Map.entry(34712, "JPEG 2000"), Map.entry(33003, "JPEG 2000 (Aperio)"), Map.entry(33005, "JPEG 2000 (Aperio)"),
            Map.entry(34887, "LERC"), Map.entry(34925, "LZMA"), Map.entry(50001, "WebP"), Map.entry(50002, "JPEG XL"),
            Map.entry(52546, "JPEG XL"), Map.entry(34892, "lossy JPEG (DNG)"));

    private TiffCompression() {
    }

    static String name(int code) {
        return NAMES.getOrDefault(code, "code " + code);
    }

    /** Refuses a compression no reader here decodes. */
    static void checkReadable(int code) throws UnreadableImageException {
        if (!READ.contains(code)) {
            throw new UnreadableImageException("The TIFF is compressed with " + name(code) + (NAMES.containsKey(code)
                    ? " (code " + code + ")" : "") + ", which this service does not read. It reads none, LZW, deflate, "
                    + "PackBits, JPEG, ZSTD, WebP and CCITT; convert it, for example with gdal_translate -co COMPRESS=DEFLATE.");
        }
    }

    /** ZSTD and WebP are decoded only by {@link TiffBlockReader}: a layout it does not take cannot be read at all. */
    static void checkBlockReaderTakes(TiffLayout layout, TiffBlockReader blocks) throws UnreadableImageException {
        if (layout.compression() == ZSTD && blocks == null) {
            throw new UnreadableImageException("This ZSTD-compressed TIFF has a layout read only for other "
                    + "compressions (ZSTD is read for 1 to 16 bands of 8 or 16-bit unsigned samples, with predictor none "
                    + "or horizontal); convert it, for example with gdal_translate -co COMPRESS=DEFLATE.");
        }
        if (layout.compression() == WEBP && blocks == null) {
            throw new UnreadableImageException("This WebP-compressed TIFF has a layout not read here (WebP is read "
                    + "for RGB and RGBA 8-bit tiles or strips); convert it, for example with gdal_translate -co COMPRESS=DEFLATE.");
        }
    }
}
