package dev.lip.slicer.source;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the right {@link ImageSource} for a file by its content. */
public final class ImageSources {
    private final long progressiveJpegMaxPixels;

    /**
     * @param progressiveJpegMaxPixels a progressive JPEG can only be decoded whole; above this many pixels it is refused.
     *                                 Interlaced PNGs, decoded whole into ints (4 bytes a sample), get a quarter of it.
     */
    public ImageSources(long progressiveJpegMaxPixels) {
        this.progressiveJpegMaxPixels = progressiveJpegMaxPixels;
    }

    public ImageSource open(Path file) throws IOException {
        ImageFormat format = ImageFormat.sniff(file).orElseThrow(() -> new UnreadableImageException(
                "The upload is not an image we can read: expected JPEG, PNG, TIFF or BigTIFF."));
        try {
            return switch (format) {
                case JPEG -> JpegSource.open(file, progressiveJpegMaxPixels);
                case PNG -> PngSource.open(file, progressiveJpegMaxPixels / 4);
                case TIFF -> TiffSource.open(file);
                case BIGTIFF -> BigTiffSource.open(file);
            };
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("The " + format + " image cannot be read: " + Messages.of(e), e);
        }
    }
}
