package dev.lip.formats.source;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One input format: recognises its files by their first bytes, never by a file name a client chose, and opens them
 * as an {@link ImageSource}. Formats are found with {@link java.util.ServiceLoader} (listed in
 * {@code META-INF/services/dev.lip.formats.source.ImageFormat}) and asked in turn by {@link ImageSources}, so reading
 * a new format is adding its source, its format class and a line there; nothing is switched on a format name.
 */
public interface ImageFormat {
    /** How many leading bytes {@link #recognises} is shown (fewer for a shorter file). */
    int HEADER_BYTES = 16;

    /** The name users see in messages ("TIFF"). */
    String name();

    /** @param header the file's first bytes; {@code length} of them are valid */
    boolean recognises(byte[] header, int length);

    /**
     * Whether an upload nothing recognises is answered with this format's name among those expected; a kind of
     * another format's file (a slide scanner's TIFF) is not named apart.
     */
    default boolean namedInRefusals() {
        return true;
    }

    /**
     * Whether the file is this format's when its header alone does not tell (a slide scanner's TIFF is a TIFF by its
     * header); by default the header decides.
     */
    default boolean recognises(Path file, byte[] header, int length) throws IOException {
        return recognises(header, length);
    }

    /**
     * Opens a file this format recognised, reading no more than its header and structure.
     *
     * @throws UnreadableImageException with a sentence for the user when the file is damaged or not supported
     */
    ImageSource open(Path file, SourceLimits limits) throws IOException;

    /**
     * Whether {@link #open} and the source's reading follow a file that is still arriving ({@link Arrival}), waiting
     * for each part as they reach it; a format that cannot is opened only once the whole file is there.
     */
    default boolean readsArriving() {
        return false;
    }

    /**
     * The most pixels one byte of this format can encode at its best; a header that claims more than the file's
     * bytes could hold is refused before anything is allocated (see {@link ImageSources}).
     */
    long maxPixelsPerByte();
}
