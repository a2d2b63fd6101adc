package dev.lip.formats.source;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.LongByReference;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.formats.tiff.PixelSize;
import dev.lip.formats.tiff.Placement;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Level 0 of a whole-slide image through OpenSlide's C library: any rectangle, decoded by OpenSlide from the tiles
 * it touches (bounded by the rectangle, plus OpenSlide's own tile cache of 32 MB), as 8-bit RGB. OpenSlide gives
 * premultiplied ARGB, transparent where the scanner scanned nothing; those pixels are composited over the slide's
 * background colour (its {@code openslide.background-color}, white when unsaid), as OpenSlide's own viewers show them.
 */
final class OpenSlideSource implements ImageSource {
    /** Rows of a band in {@link #streamRows}: bounded by bytes, whatever the slide's width. */
    private static final long BAND_BYTES = 16L << 20;

    private final OpenSlideLibrary library;
    private Pointer slide;
    private final ImageInfo info;
    private final Placement placement;
    private final int background;

    private OpenSlideSource(OpenSlideLibrary library, Pointer slide, ImageInfo info, Placement placement, int background) {
        this.library = library;
        this.slide = slide;
        this.info = info;
        this.placement = placement;
        this.background = background;
    }

    static OpenSlideSource open(OpenSlideLibrary library, Path file, String vendor, PixelLimit limit) throws IOException {
        Pointer slide = library.openslide_open(file.toString());
        if (slide == null) {
            throw new UnreadableImageException("OpenSlide does not recognise this " + vendor + " slide.");
        }
        try {
            String error = library.openslide_get_error(slide);
            if (error != null) {
                throw new UnreadableImageException("OpenSlide cannot read this " + vendor + " slide: " + error);
            }
            LongByReference w = new LongByReference();
            LongByReference h = new LongByReference();
            library.openslide_get_level0_dimensions(slide, w, h);
            limit.check(w.getValue(), h.getValue());
            if (w.getValue() <= 0 || h.getValue() <= 0 || w.getValue() > Integer.MAX_VALUE || h.getValue() > Integer.MAX_VALUE) {
                throw new UnreadableImageException("OpenSlide gives this " + vendor + " slide a size of " + w.getValue()
                        + " x " + h.getValue() + " pixels, which cannot be processed.");
            }
            ImageInfo info = new ImageInfo((int) w.getValue(), (int) h.getValue(), 3, 8,
                    "whole-slide image (" + vendor + ", OpenSlide)");
            PixelSize size = pixelSize(library, slide);
            return new OpenSlideSource(library, slide, info, new Placement(null, size), background(library, slide));
        } catch (IOException | RuntimeException e) {
            library.openslide_close(slide);
            throw e;
        }
    }

    private static PixelSize pixelSize(OpenSlideLibrary library, Pointer slide) {
        try {
            String x = library.openslide_get_property_value(slide, "openslide.mpp-x");
            String y = library.openslide_get_property_value(slide, "openslide.mpp-y");
            return x == null || y == null ? null : new PixelSize(Double.parseDouble(x), Double.parseDouble(y));
        } catch (IllegalArgumentException e) {
            return null; // a vendor's property that is not a positive number says nothing
        }
    }

    private static int background(OpenSlideLibrary library, Pointer slide) {
        String hex = library.openslide_get_property_value(slide, "openslide.background-color");
        try {
            return hex == null ? 0xFFFFFF : Integer.parseInt(hex, 16) & 0xFFFFFF;
        } catch (NumberFormatException e) {
            return 0xFFFFFF;
        }
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public Placement placement() {
        return placement;
    }

    @Override
    public boolean supportsRegions() {
        return true;
    }

    @Override
    public synchronized PixelRegion readRegion(Rect area) throws IOException {
        if (slide == null) {
            throw new IOException("the slide is closed");
        }
        int[] argb = new int[Math.toIntExact(area.area())];
        library.openslide_read_region(slide, argb, area.x(), area.y(), 0, area.width(), area.height());
        String error = library.openslide_get_error(slide);
        if (error != null) {
            throw new UnreadableImageException("OpenSlide cannot decode the slide at " + area.x() + "," + area.y() + ": " + error);
        }
        PixelRegion out = new PixelRegion(area, 3, 8);
        byte[] rgb = out.data();
        int br = background >>> 16, bg = background >>> 8 & 0xFF, bb = background & 0xFF;
        for (int i = 0; i < argb.length; i++) {
            int p = argb[i];
            int a = p >>> 24;
            int r = p >>> 16 & 0xFF, g = p >>> 8 & 0xFF, b = p & 0xFF;
            if (a != 255) {
                // premultiplied colour over the background: c + bg (255 - a) / 255, rounded
                int t = 255 - a;
                r += (br * t + 127) / 255;
                g += (bg * t + 127) / 255;
                b += (bb * t + 127) / 255;
            }
            rgb[3 * i] = (byte) r;
            rgb[3 * i + 1] = (byte) g;
            rgb[3 * i + 2] = (byte) b;
        }
        return out;
    }

    @Override
    public void streamRows(RowConsumer consumer) throws IOException {
        int width = info.width();
        int band = (int) Math.max(1, Math.min(info.height(), BAND_BYTES / (4L * width)));
        byte[] row = new byte[width * 3];
        for (int y = 0; y < info.height(); y += band) {
            int h = Math.min(band, info.height() - y);
            PixelRegion r = readRegion(new Rect(0, y, width, h));
            for (int i = 0; i < h; i++) {
                System.arraycopy(r.data(), i * row.length, row, 0, row.length);
                consumer.accept(y + i, row);
            }
        }
    }

    @Override
    public synchronized void close() {
        if (slide != null) {
            library.openslide_close(slide);
            slide = null;
        }
    }
}
