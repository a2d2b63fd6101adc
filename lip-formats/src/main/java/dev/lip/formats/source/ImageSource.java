package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.io.Closeable;
import java.io.IOException;

/**
 * An input image the slicer pulls pixels from, one format per implementation (as TwelveMonkeys has one plugin per
 * format). Sources never decode the whole image when the format lets them avoid it. Formats that can only be
 * decoded front to back (JPEG, PNG, striped TIFF) stream rows; formats with random access (tiled TIFF) also read any
 * rectangle. Samples come out as in {@link PixelRegion}: palettes expanded, 8 or 16 bits, 1 to 16 bands.
 */
public interface ImageSource extends Closeable {

    ImageInfo info();

    /** Where the pixels are (GeoTIFF tags, pixel size), to carry to the result; {@code Placement.NONE} when unsaid. */
    default dev.lip.formats.tiff.Placement placement() {
        return dev.lip.formats.tiff.Placement.NONE;
    }

    /** Whether {@link #readRegion} is cheap for any rectangle, so the slicer can read patch by patch. */
    default boolean supportsRegions() {
        return false;
    }

    /**
     * Whether {@link #readRegion} may be called from several threads at once on this one instance (the slicer then
     * shares it instead of opening one instance a thread).
     */
    default boolean concurrentRegions() {
        return false;
    }

    default PixelRegion readRegion(Rect area) throws IOException {
        throw new UnsupportedOperationException(info().format() + " is read row by row");
    }

    /** Delivers every row once, top to bottom, in the layout of {@link PixelRegion} (one row of it). */
    void streamRows(RowConsumer consumer) throws IOException;

    /** Sources that hold no open file between calls need not override this. */
    @Override
    default void close() throws IOException {
    }

    @FunctionalInterface
    interface RowConsumer {
        /**
         * @param y   the row
         * @param row its samples; the array is reused for the next row, so copy what you keep
         */
        void accept(int y, byte[] row) throws IOException;
    }
}
