package dev.lip.formats.source;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Whole-slide images that only OpenSlide's C library reads here: Hamamatsu NDPI, Philips TIFF, Leica SCN, Ventana BIF,
 * and Aperio slides with JPEG 2000 tiles. They are TIFF files, so this format is asked before {@link TiffFormat} and
 * looks past the header: at OpenSlide's own vendor detection when the library is installed, else at the marks
 * {@link SlideVendors} finds, so that such a slide is refused naming the missing library. Aperio (JPEG, deflate, ...)
 * and generic pyramidal TIFFs are left to the project's TIFF path, which reads their level 0 with every check and
 * sample format it has; the two paths give the same pixels (see SlideFilesTest).
 */
public final class OpenSlideFormat implements ImageFormat {
    /** OpenSlide vendors whose files the TIFF path reads itself. */
    private static final Set<String> READ_AS_TIFF = Set.of("aperio", "generic-tiff");

    @Override
    public String name() {
        return "whole-slide image";
    }

    @Override
    public boolean namedInRefusals() {
        return false;
    }

    @Override
    public boolean recognises(byte[] header, int length) {
        return false; // a slide is a TIFF by its header: only its directory tells (see below)
    }

    @Override
    public boolean recognises(Path file, byte[] header, int length) throws IOException {
        int magic = TiffFormat.magic(header, length);
        if (magic != 42 && magic != 43) {
            return false;
        }
        SlideVendors.Marks marks = SlideVendors.of(file);
        OpenSlideLibrary library = OpenSlideLibrary.get();
        if (library == null) {
            return marks.vendor() != null;
        }
        String vendor = library.openslide_detect_vendor(file.toString());
        return vendor != null && (!READ_AS_TIFF.contains(vendor) || marks.jpeg2000());
    }

    @Override
    public ImageSource open(Path file, SourceLimits limits) throws IOException {
        return open(file, limits, OpenSlideLibrary.get());
    }

    /** @param library OpenSlide, or null where it is not installed */
    static ImageSource open(Path file, SourceLimits limits, OpenSlideLibrary library) throws IOException {
        SlideVendors.Marks marks = SlideVendors.of(file);
        String vendor = marks.vendor() != null ? marks.vendor() : marks.jpeg2000() ? "Aperio JPEG 2000" : "whole-slide";
        if (library == null) {
            throw new UnreadableImageException("This is a " + vendor + " slide, which is read through OpenSlide's C "
                    + "library, and the library is not installed on this server (Debian and Ubuntu: apt-get install "
                    + "libopenslide0).");
        }
        return OpenSlideSource.open(library, file, vendor, limits.pixelLimit());
    }

    /** OpenSlide's vendors compress with JPEG, JPEG 2000 or JPEG XR: never more than a few thousand pixels a byte. */
    @Override
    public long maxPixelsPerByte() {
        return 65536;
    }
}
