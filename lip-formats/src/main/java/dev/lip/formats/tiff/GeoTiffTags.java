package dev.lip.formats.tiff;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.Arrays;

/**
 * Where an image's pixels are on the Earth, as GeoTIFF stores it: the six tags GDAL writes and reads, copied from the
 * input to the result as they are, so that the result overlays the input in QGIS and {@code gdalinfo} prints the same
 * CRS and geotransform. The result has the input's pixel grid, so the same tags hold for it. The nodata value
 * (GDAL_NODATA) is deliberately not among them: 0 is a value in a mask.
 *
 * @param modelPixelScale     ModelPixelScaleTag (33550)
 * @param modelTiepoint       ModelTiepointTag (33922)
 * @param modelTransformation ModelTransformationTag (34264)
 * @param geoKeyDirectory     GeoKeyDirectoryTag (34735), SHORT values
 * @param geoDoubleParams     GeoDoubleParamsTag (34736)
 * @param geoAsciiParams      GeoAsciiParamsTag (34737), without its final NUL
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record GeoTiffTags(double[] modelPixelScale, double[] modelTiepoint, double[] modelTransformation,
                          int[] geoKeyDirectory, double[] geoDoubleParams, String geoAsciiParams) {
    public static final int PIXEL_SCALE = 33550, TIEPOINT = 33922, TRANSFORMATION = 34264, GEO_KEYS = 34735,
            GEO_DOUBLES = 34736, GEO_ASCII = 34737;

    /** Whether there is anything to carry: a georeference needs a transform or tie points. */
    public boolean locates() {
        return modelTransformation != null || modelTiepoint != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GeoTiffTags g && Arrays.equals(modelPixelScale, g.modelPixelScale)
                && Arrays.equals(modelTiepoint, g.modelTiepoint) && Arrays.equals(modelTransformation, g.modelTransformation)
                && Arrays.equals(geoKeyDirectory, g.geoKeyDirectory) && Arrays.equals(geoDoubleParams, g.geoDoubleParams)
                && java.util.Objects.equals(geoAsciiParams, g.geoAsciiParams);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(modelTiepoint) * 31 + Arrays.hashCode(geoKeyDirectory);
    }

    @Override
    public String toString() {
        return "GeoTiffTags[scale=" + Arrays.toString(modelPixelScale) + ", tiepoint=" + Arrays.toString(modelTiepoint)
                + ", keys=" + (geoKeyDirectory == null ? 0 : geoKeyDirectory.length / 4) + "]";
    }
}
