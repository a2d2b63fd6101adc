package dev.lip.formats.source;

import dev.lip.common.pixels.ImageInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * Opens the right {@link ImageSource} for a file by its content: each registered {@link ImageFormat} is asked in
 * turn whether it recognises the file's first bytes. The checks every format shares (a regular file, the pixel limit,
 * pixels the file's bytes could hold) are made here, once.
 */
public final class ImageSources {
    private static final List<ImageFormat> FORMATS = ServiceLoader.load(ImageFormat.class).stream()
            .map(ServiceLoader.Provider::get).toList();

    private final SourceLimits limits;

    public ImageSources(SourceLimits limits) {
        this.limits = limits;
    }

    /**
     * @param progressiveJpegMaxPixels a progressive JPEG can only be decoded whole; above this many pixels it is refused.
     *                                 Interlaced PNGs, decoded whole into ints (4 bytes a sample), get a quarter of it.
     */
    public ImageSources(long progressiveJpegMaxPixels) {
        this(new SourceLimits(Long.MAX_VALUE, progressiveJpegMaxPixels));
    }

    /** @param maxPixels images whose header claims more are refused before anything else is read (lip.max-pixels) */
    public ImageSources(long progressiveJpegMaxPixels, long maxPixels) {
        this(new SourceLimits(maxPixels, progressiveJpegMaxPixels));
    }

    /**
     * Loads every native codec there is (each logs which decoder runs), so that a process started ahead of its
     * work (slicer-api's waiting decoder process) has done it before an image arrives.
     */
    public static void loadCodecs() {
        TurboJpeg.available();
        Libdeflate.available();
        JpegScanlines.available();
        IsalInflater.available();
        LibWebP.available();
        OpenSlideLibrary.get();
    }

    /** The formats on the class path, in the order they are asked. */
    public static List<ImageFormat> formats() {
        return FORMATS;
    }

    /** The format that recognises the file, if any. */
    public static Optional<ImageFormat> sniff(Path file) throws IOException {
        byte[] h = new byte[ImageFormat.HEADER_BYTES];
        int n;
        try (InputStream in = Arrival.stream(file)) {
            n = in.readNBytes(h, 0, h.length);
        }
        if (Arrival.arriving(file) && !readsArriving(h, n)) {
            // Only a format that reads its bytes in order is shown a file still arriving (a slide scanner's TIFF is
            // recognised from its directory, wherever that is): every other waits for its last byte.
            Arrival.awaitAll(file);
        }
        for (ImageFormat format : FORMATS) {
            if (format.recognises(file, h, n)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether a file starting with these bytes is read in the order it is stored, so that it can be sliced while it
     * arrives ({@link ImageFormat#readsArriving}): the header's magic numbers alone decide, nothing is parsed.
     */
    public static boolean readsArriving(Path file) throws IOException {
        byte[] h = new byte[ImageFormat.HEADER_BYTES];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(h, 0, h.length);
        }
        return readsArriving(h, n);
    }

    private static boolean readsArriving(byte[] header, int length) {
        return FORMATS.stream().anyMatch(f -> f.readsArriving() && f.recognises(header, length));
    }

    public ImageSource open(Path file) throws IOException {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the upload " + file.getFileName() + " is not a regular file");
        }
        return openChecked(file);
    }

    /**
     * Opens a file the caller has checked and opened itself: {@code /proc/self/fd/N}, the link to a file a decoder
     * process holds open, is followed (it names that open file, not a path that could have changed).
     */
    public ImageSource openChecked(Path file) throws IOException {
        ImageFormat format = sniff(file).orElseThrow(() -> new UnreadableImageException(
                "The upload is not an image we can read: expected " + expected() + "."));
        ImageSource source = null;
        try {
            if (!format.readsArriving()) {
                Arrival.awaitAll(file); // a slide scanner's TIFF, say: its reader (OpenSlide) reads the file itself
            }
            source = format.open(file, limits);
            limits.pixelLimit().check(source.info().width(), source.info().height());
            checkPixelsPerByte(source.info(), format, Arrival.length(file));
            checkExpansion(source.info(), Arrival.length(file));
            return source;
        } catch (UnreadableImageException e) {
            if (source != null) {
                source.close();
            }
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("The " + format.name() + " image cannot be read: " + Messages.of(e), e);
        }
    }

    /** "JPEG, PNG, TIFF or BigTIFF" */
    private static String expected() {
        List<String> names = FORMATS.stream().filter(ImageFormat::namedInRefusals).map(ImageFormat::name).toList();
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    /** Refuses an image whose samples would take more than lip.max-expansion times its file's bytes. */
    private void checkExpansion(ImageInfo info, long fileBytes) throws UnreadableImageException {
        long bytes = info.pixels() * info.bands() * Math.max(1, info.bitsPerSample() / 8);
        if (bytes / Math.max(1, fileBytes) > limits.maxExpansion()) {
            throw new UnreadableImageException("The image would decode to " + (bytes >> 20) + " MB from a file of "
                    + fileBytes + " bytes, more than " + limits.maxExpansion() + " times its size (lip.max-expansion): "
                    + "no image compresses so well unless it is empty or made to flood the disk.");
        }
    }

    /**
     * Refuses a header that promises far more pixels than the file's bytes could encode, before anything is
     * allocated or written: a 300-byte file claiming 90000 x 90000 pixels once wrote 1.5 GB of patches before its
     * decoder noticed. Each format gives its codec's best case ({@link ImageFormat#maxPixelsPerByte}).
     */
    static void checkPixelsPerByte(ImageInfo info, ImageFormat format, long fileBytes) throws UnreadableImageException {
        if (info.pixels() / format.maxPixelsPerByte() > fileBytes) {
            throw new UnreadableImageException("The " + format.name() + " header says " + info.width() + " x " + info.height()
                    + " pixels, far more than its " + fileBytes + " bytes can encode: the file is truncated or its "
                    + "header is wrong.");
        }
    }
}
