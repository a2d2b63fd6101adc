package dev.lip.formats.source;

import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.SampleFormat;

import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;

/**
 * Turns what an ImageIO reader decodes (a {@link Raster} with its {@link ColorModel}) into rows of our layout:
 * palettes expanded, grey below 8 bits scaled to 8 bits. Only small rasters (a patch, a band) pass through here.
 */
final class RasterConversion {
    private final IndexColorModel palette;
    private final int sourceBands;
    private final int bands;
    private final int bits;
    private final int lowBitMax;

    private RasterConversion(IndexColorModel palette, int sourceBands, int bands, int bits, int lowBitMax) {
        this.palette = palette;
        this.sourceBands = sourceBands;
        this.bands = bands;
        this.bits = bits;
        this.lowBitMax = lowBitMax;
    }

    /** Decides the output layout from a reader's image type; refuses what we cannot represent. */
    static RasterConversion of(SampleModel sm, ColorModel cm, String format) throws UnreadableImageException {
        if (cm instanceof IndexColorModel icm) {
            return new RasterConversion(icm, 1, icm.hasAlpha() ? 4 : 3, 8, 0);
        }
        int type = sm.getDataType();
        if (type != DataBuffer.TYPE_BYTE && type != DataBuffer.TYPE_USHORT) {
            throw new UnreadableImageException(format + " images with " + dataTypeName(type)
                    + " samples are not supported here; use 8 or 16-bit unsigned integers (TIFF reads every sample format).");
        }
        int n = sm.getNumBands();
        if (n > ImageInfo.MAX_BANDS) {
            throw new UnreadableImageException(format + " images with " + n + " samples per pixel are not supported (1 to "
                    + ImageInfo.MAX_BANDS + ").");
        }
        if (cm != null && n <= 4) { // more bands are a multispectral image's: their colour space says nothing
            int cs = cm.getColorSpace().getType();
            if (cs != ColorSpace.TYPE_RGB && cs != ColorSpace.TYPE_GRAY) {
                throw new UnreadableImageException(format + " images in a colour space other than RGB or grey "
                        + "(CMYK, Lab, ...) are not supported; convert the image to RGB first.");
            }
        }
        int size = sm.getSampleSize(0);
        for (int b = 1; b < n; b++) {
            if (sm.getSampleSize(b) != size) {
                throw new UnreadableImageException(format + " images whose bands have different bit depths are not supported.");
            }
        }
        if (size == 8 || size == 16) {
            return new RasterConversion(null, n, n, size, 0);
        }
        if (size < 8) {
            return new RasterConversion(null, n, n, 8, (1 << size) - 1);
        }
        throw new UnreadableImageException(format + " images with " + size + " bits per sample are not supported (8 or 16).");
    }

    private static String dataTypeName(int type) {
        return switch (type) {
            case DataBuffer.TYPE_FLOAT, DataBuffer.TYPE_DOUBLE -> "floating-point";
            case DataBuffer.TYPE_SHORT, DataBuffer.TYPE_INT -> "signed or 32-bit integer";
            default -> "unusual";
        };
    }

    ImageInfo info(int width, int height, String format, String nodata) {
        return new ImageInfo(width, height, bands, bits == 8 ? SampleFormat.UINT8 : SampleFormat.UINT16, format, nodata);
    }

    int bands() {
        return bands;
    }

    int bitsPerSample() {
        return bits;
    }

    /**
     * Writes row {@code ry} of {@code raster} (raster coordinates) into {@code out} at {@code offset}.
     *
     * @param scratch an int array of at least raster width times source bands
     */
    void convertRow(Raster raster, int ry, int[] scratch, byte[] out, int offset) {
        int w = raster.getWidth();
        raster.getPixels(raster.getMinX(), raster.getMinY() + ry, w, 1, scratch);
        if (palette != null) {
            for (int x = 0; x < w; x++) {
                int idx = scratch[x];
                int o = offset + x * bands;
                out[o] = (byte) palette.getRed(idx);
                out[o + 1] = (byte) palette.getGreen(idx);
                out[o + 2] = (byte) palette.getBlue(idx);
                if (bands == 4) {
                    out[o + 3] = (byte) palette.getAlpha(idx);
                }
            }
            return;
        }
        int n = w * sourceBands;
        if (bits == 16) {
            for (int i = 0; i < n; i++) {
                int v = scratch[i];
                out[offset + 2 * i] = (byte) v;
                out[offset + 2 * i + 1] = (byte) (v >>> 8);
            }
        } else if (lowBitMax != 0) {
            for (int i = 0; i < n; i++) {
                out[offset + i] = (byte) (scratch[i] * 255 / lowBitMax);
            }
        } else {
            for (int i = 0; i < n; i++) {
                out[offset + i] = (byte) scratch[i];
            }
        }
    }

    int sourceBands() {
        return sourceBands;
    }
}
