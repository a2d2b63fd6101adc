package dev.lip.formats.source;

/**
 * The most pixels a job may have ({@code lip.max-pixels}), checked from the header alone, before anything is
 * allocated and before the rest of the file is looked at: a decompression bomb's head is refused for what it
 * claims, whatever else is wrong with it.
 */
record PixelLimit(long maxPixels) {
    static final PixelLimit NONE = new PixelLimit(Long.MAX_VALUE);

    void check(long width, long height) throws UnreadableImageException {
        if (width > 0 && height > 0 && (width > maxPixels / height)) {
            throw new UnreadableImageException("The image is " + width + " x " + height + " = " + width * height
                    + " pixels; this service accepts at most " + maxPixels + " (lip.max-pixels).");
        }
    }
}
