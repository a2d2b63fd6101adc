package dev.lip.slicer.source;

import dev.lip.common.pixels.ImageInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/** Opens the right {@link ImageSource} for a file by its content. */
public final class ImageSources {
    private final long progressiveJpegMaxPixels;
    private final PixelLimit limit;

    /**
     * @param progressiveJpegMaxPixels a progressive JPEG can only be decoded whole; above this many pixels it is refused.
     *                                 Interlaced PNGs, decoded whole into ints (4 bytes a sample), get a quarter of it.
     */
    public ImageSources(long progressiveJpegMaxPixels) {
        this(progressiveJpegMaxPixels, Long.MAX_VALUE);
    }

    /** @param maxPixels images whose header claims more are refused before anything else is read (lip.max-pixels) */
    public ImageSources(long progressiveJpegMaxPixels, long maxPixels) {
        this.progressiveJpegMaxPixels = progressiveJpegMaxPixels;
        this.limit = new PixelLimit(maxPixels);
    }

    public ImageSource open(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the upload " + file.getFileName() + " is not a regular file");
        }
        ImageFormat format = ImageFormat.sniff(file).orElseThrow(() -> new UnreadableImageException(
                "The upload is not an image we can read: expected JPEG, PNG, TIFF or BigTIFF."));
        ImageSource source = null;
        try {
            source = switch (format) {
                case JPEG -> JpegSource.open(file, progressiveJpegMaxPixels);
                case PNG -> PngSource.open(file, progressiveJpegMaxPixels / 4, limit);
                case TIFF -> TiffSource.open(file, limit);
                case BIGTIFF -> BigTiffSource.open(file, limit);
            };
            limit.check(source.info().width(), source.info().height());
            checkPixelsPerByte(source.info(), format, Files.size(file));
            return source;
        } catch (UnreadableImageException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("The " + format + " image cannot be read: " + Messages.of(e), e);
        }
    }

    /**
     * Refuses a header that promises far more pixels than the file's bytes could encode, before anything is
     * allocated or written: a 300-byte file claiming 90000 x 90000 pixels once wrote 1.5 GB of patches before its
     * decoder noticed. The bounds are each codec's best case: a baseline JPEG spends at least 2 bits on an 8 x 8 block
     * (a progressive one at least 1: 512 pixels a byte); CCITT fax codes a blank row of a bilevel TIFF in a few bits
     * (65536 pixels a byte is well above it). PNG is bounded more tightly by its compressed data ({@link PngStructure}).
     */
    static void checkPixelsPerByte(ImageInfo info, ImageFormat format, long fileBytes) throws UnreadableImageException {
        long perByte = format == ImageFormat.JPEG ? 512 : 65536;
        if (info.pixels() / perByte > fileBytes) {
            throw new UnreadableImageException("The " + format + " header says " + info.width() + " x " + info.height()
                    + " pixels, far more than its " + fileBytes + " bytes can encode: the file is truncated or its "
                    + "header is wrong.");
        }
    }
}
