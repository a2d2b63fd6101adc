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
    /** Slides have a dozen directories (levels, label, macro); a few hundred at the very most. */
    static final int MAX_DIRECTORIES = 1000;
    /** 16 Mpx: one decode of such a level 0 holds 64 MB of pixels in OpenSlide. */
    static final long NDPI_WHOLE_DECODE_MAX_PIXELS = 16L << 20;

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
        // before any reader, native or not, walks the chain (every TIFF is asked here first)
        if (SlideVendors.directoryCount(file, MAX_DIRECTORIES) > MAX_DIRECTORIES) {
            throw new UnreadableImageException("The TIFF chains more than " + MAX_DIRECTORIES + " directories (images); "
                    + "no slide or scene has that many, so it is not read.");
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
        refuseWholeDecodes(file, marks);
        return OpenSlideSource.open(library, file, vendor, limits.pixelLimit());
    }

    /**
     * An NDPI level 0 is one JPEG; without restart markers (what {@code vips jpegsave} writes by default) OpenSlide
     * decodes all of it, in native memory, for every region it is asked for: a 20000² one took 1.4 GB and 5 s for
     * each patch. Such a slide is refused from its header, above what one decode of it costs in a few tens of MB.
     */
    private static void refuseWholeDecodes(Path file, SlideVendors.Marks marks) throws IOException {
        if (!"Hamamatsu NDPI".equals(marks.vendor()) || marks.stripOffset() < 0
                || marks.width() * marks.height() <= NDPI_WHOLE_DECODE_MAX_PIXELS) {
            return;
        }
        if (!SlideVendors.jpegHasRestartMarkers(file, marks.stripOffset())) {
            throw new UnreadableImageException("This Hamamatsu NDPI slide's full-resolution JPEG (" + marks.width()
                    + " x " + marks.height() + ") has no restart markers, so OpenSlide would decode all of it for "
                    + "every patch; it cannot be processed here. Slides from NDPI scanners have them: the file was "
                    + "rewritten by a tool that dropped them.");
        }
    }

    /** OpenSlide's vendors compress with JPEG, JPEG 2000 or JPEG XR: never more than a few thousand pixels a byte. */
    @Override
    public long maxPixelsPerByte() {
        return 65536;
    }
}
