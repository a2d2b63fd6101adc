package dev.lip.formats.tiff;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a result file is laid out; chosen per job ({@code resultFormat}). */
public enum ResultLayout {
    /**
     * Cloud Optimized GeoTIFF (the default): the full-resolution level and reduced levels, each half the previous
     * down to one that fits in one tile, every directory at the start of the file and the tile data after them,
     * smallest level first, as GDAL's COG driver writes it. QGIS, GDAL, OpenSlide and libvips open it at every zoom.
     */
    COG("cog"),
    /** OME-TIFF: the reduced levels as SubIFDs of the full-resolution one, OME-XML in its description (QuPath, Bio-Formats). */
    OME_TIFF("ome-tiff"),
    /** One full-resolution level, as results were before pyramids. */
    TIFF("tiff");

    private final String label;

    ResultLayout(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static Optional<ResultLayout> of(String label) {
        String l = label.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(v -> v.label.equals(l)).findFirst();
    }

    public static String choices() {
        return String.join(", ", Arrays.stream(values()).map(ResultLayout::label).toList());
    }
}
