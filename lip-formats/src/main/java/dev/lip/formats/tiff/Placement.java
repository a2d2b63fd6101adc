package dev.lip.formats.tiff;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Where an image's pixels are, as its input states it, carried unchanged to the result (which has the input's pixel
 * grid): on the Earth (GeoTIFF tags) and at what scale (the pixel size). Either may be null.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Placement(GeoTiffTags georeference, PixelSize pixelSize) {
    public static final Placement NONE = new Placement(null, null);
}
