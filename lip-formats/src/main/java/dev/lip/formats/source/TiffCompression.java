package dev.lip.formats.source;

import java.util.Map;
import java.util.Set;

/**
 * The TIFF compressions this service reads, and the names of those it does not, so that a file it cannot decode is
 * refused at upload naming its compression, never accepted and failed after slicing has started.
 */
final class TiffCompression {
    static final int NONE = 1, LZW = 5, OLD_JPEG = 6, JPEG = 7, DEFLATE = 8, ADOBE_DEFLATE = 32946, PACKBITS = 32773, ZSTD = 50000,
            WEBP = 50001;

    /**
     * CCITT (2, 3, 4) is read by the JDK's reader; ZSTD and WebP by {@link TiffBlockReader}. Old-style JPEG (6) only by
     * libtiff ({@link LibTiff}), where it is installed: the JDK's reader decoded it with 0.25-0.46% of pixels unlike
     * libtiff's (issue 24).
     */
    private static final Set<Integer> READ = Set.of(NONE, 2, 3, 4, LZW, JPEG, DEFLATE, ADOBE_DEFLATE, PACKBITS, ZSTD,
            WEBP);

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(NONE, "none"), Map.entry(6, "old-style JPEG"), Map.entry(LZW, "LZW"), Map.entry(JPEG, "JPEG"), Map.entry(DEFLATE, "deflate"),
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
        if (!READ.contains(code) && !(code == OLD_JPEG && LibTiff.available())) {
            throw new UnreadableImageException("The TIFF is compressed with " + name(code) + (NAMES.containsKey(code)
                    ? " (code " + code + ")" : "") + ", which this service does not read. It reads none, LZW, deflate, "
                    + "PackBits, JPEG, ZSTD, WebP and CCITT; convert it, for example with gdal_translate -co COMPRESS=DEFLATE.");
        }
    }

    /**
     * The reader of a TIFF with int16, 32 or 64-bit samples, which only {@link TiffBlockReader} decodes, or a refusal
     * naming what it does not read.
     */
    static TiffBlockReader wideReader(java.nio.file.Path file, TiffLayout layout) throws java.io.IOException {
        if (layout.format() == null) {
            String kind = switch (layout.sampleFormat()) {
                case 2 -> "signed integer";
                case 3 -> "floating-point";
                case 5, 6 -> "complex";
                default -> "unsigned integer";
            };
            throw new UnreadableImageException("TIFF images with " + layout.bitsPerSample() + "-bit " + kind
                    + " samples are not read; this service reads unsigned 8, 16 and 32-bit, signed 8, 16 and 32-bit and "
                    + "32 and 64-bit floating-point samples. Convert it, for example with gdal_translate -ot Float32.");
        }
        TiffBlockReader blocks = TiffBlockReader.of(file, layout);
        if (blocks == null) {
            throw new UnreadableImageException("This TIFF's " + layout.format().label() + " samples are stored in a way "
                    + "not read here: " + layout.format().label() + " is read uncompressed or with LZW, deflate, ZSTD or "
                    + "PackBits, predictor none, horizontal or floating point, 1 to 16 bands, grey or RGB (its "
                    + "compression is " + name(layout.compression()) + ", predictor " + layout.predictor()
                    + ", photometric " + layout.photometric() + "). Convert it, for example with gdal_translate -co COMPRESS=DEFLATE.");
        }
        return blocks;
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
