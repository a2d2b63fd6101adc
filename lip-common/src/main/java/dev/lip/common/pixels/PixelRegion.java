package dev.lip.common.pixels;

import dev.lip.common.geometry.Rect;

import java.util.Arrays;

/**
 * A rectangle of pixels held in one byte array: rows top to bottom, samples of a pixel interleaved, every sample
 * little-endian in its {@link SampleFormat} (a model's predictions are float32, see {@code Blend}). It is deliberately
 * not a {@code BufferedImage}: a Raster cannot pass 2^31 samples, carries colour
 * models we don't need, and this layout is byte for byte the body of a patch file, so reading and writing patches
 * is one bulk copy. Regions are small (a patch or a band of rows); nothing ever puts a whole image in one.
 */
public final class PixelRegion {
    /** 32 bits a sample, given as a width alone, means a float (a prediction). */
    public static final int FLOAT_BITS = 32;

    private final Rect bounds;
    private final int bands;
    private final SampleFormat format;
    private final int bitsPerSample;
    private final byte[] data;

    /** @param bitsPerSample 8 or 16 for unsigned integers, 32 for float32 (see {@link SampleFormat#ofLegacyBits}) */
    public PixelRegion(Rect bounds, int bands, int bitsPerSample) {
        this(bounds, bands, SampleFormat.ofLegacyBits(bitsPerSample));
    }

    public PixelRegion(Rect bounds, int bands, int bitsPerSample, byte[] data) {
        this(bounds, bands, SampleFormat.ofLegacyBits(bitsPerSample), data);
    }

    public PixelRegion(Rect bounds, int bands, SampleFormat format) {
        this(bounds, bands, format, new byte[checkedSize(bounds, bands, format.bits())]);
    }

    public PixelRegion(Rect bounds, int bands, SampleFormat format, byte[] data) {
        if (data.length != checkedSize(bounds, bands, format.bits())) {
            throw new IllegalArgumentException("data holds " + data.length + " bytes, the region needs "
                    + checkedSize(bounds, bands, format.bits()));
        }
        this.bounds = bounds;
        this.bands = bands;
        this.format = format;
        this.bitsPerSample = format.bits();
        this.data = data;
    }

    private static int checkedSize(Rect bounds, int bands, int bitsPerSample) {
        long size = bounds.area() * bands * (bitsPerSample / 8);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("a region of " + bounds.width() + " x " + bounds.height()
                    + " pixels is too large for one buffer; use smaller tiles");
        }
        return (int) size;
    }

    public Rect bounds() {
        return bounds;
    }

    public int width() {
        return bounds.width();
    }

    public int height() {
        return bounds.height();
    }

    public int bands() {
        return bands;
    }

    public int bitsPerSample() {
        return bitsPerSample;
    }

    public SampleFormat sampleFormat() {
        return format;
    }

    public int bytesPerSample() {
        return bitsPerSample / 8;
    }

    /** Bytes of one row. */
    public int rowStride() {
        return bounds.width() * bands * bytesPerSample();
    }

    /** The backing array, shared, not copied. */
    public byte[] data() {
        return data;
    }

    /** Sample at region-relative coordinates, of an 8 or 16-bit region (int16 comes back signed). */
    public int sample(int x, int y, int band) {
        int i = (y * bounds.width() + x) * bands + band;
        if (bitsPerSample == 8) {
            return data[i] & 0xFF;
        }
        i <<= 1;
        return format == SampleFormat.INT16 ? (data[i] & 0xFF) | data[i + 1] << 8 : (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
    }

    /**
     * The sample at region-relative coordinates as a double, whatever its format: exact for every integer format
     * here (up to 32 bits) and for both float widths.
     */
    public double value(int x, int y, int band) {
        int i = ((y * bounds.width() + x) * bands + band) * format.bytes();
        return switch (format) {
            case UINT8 -> data[i] & 0xFF;
            case UINT16 -> (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8;
            case INT16 -> (data[i] & 0xFF) | data[i + 1] << 8;
            case UINT32 -> Integer.toUnsignedLong(int32(i));
            case INT32 -> int32(i);
            case FLOAT32 -> Float.intBitsToFloat(int32(i));
            case FLOAT64 -> Double.longBitsToDouble(Integer.toUnsignedLong(int32(i)) | (long) int32(i + 4) << 32);
        };
    }

    /** Stores {@code v} as this region's format stores it (integers truncated and wrapped, as a cast does). */
    public void setValue(int x, int y, int band, double v) {
        int i = ((y * bounds.width() + x) * bands + band) * format.bytes();
        long bits = switch (format) {
            case FLOAT32 -> Float.floatToRawIntBits((float) v);
            case FLOAT64 -> Double.doubleToRawLongBits(v);
            default -> (long) v;
        };
        for (int b = 0; b < format.bytes(); b++) {
            data[i + b] = (byte) (bits >>> (8 * b));
        }
    }

    private int int32(int i) {
        return (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16 | data[i + 3] << 24;
    }

    public void setSample(int x, int y, int band, int value) {
        int i = (y * bounds.width() + x) * bands + band;
        if (bitsPerSample == 8) {
            data[i] = (byte) value;
        } else {
            i <<= 1;
            data[i] = (byte) value;
            data[i + 1] = (byte) (value >>> 8);
        }
    }

    /** Float sample at region-relative coordinates; only for 32-bit regions. */
    public float floatSample(int x, int y, int band) {
        int i = ((y * bounds.width() + x) * bands + band) << 2;
        return Float.intBitsToFloat((data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16 | data[i + 3] << 24);
    }

    public void setFloatSample(int x, int y, int band, float value) {
        int i = ((y * bounds.width() + x) * bands + band) << 2;
        int v = Float.floatToRawIntBits(value);
        data[i] = (byte) v;
        data[i + 1] = (byte) (v >>> 8);
        data[i + 2] = (byte) (v >>> 16);
        data[i + 3] = (byte) (v >>> 24);
    }

    /**
     * Copies the part of {@code area} (image coordinates) that lies in this region into a new region. Used to cut a
     * patch out of a band of rows.
     */
    public PixelRegion crop(Rect area) {
        if (!bounds.contains(area)) {
            throw new IllegalArgumentException(area + " is not inside " + bounds);
        }
        PixelRegion out = new PixelRegion(area, bands, format);
        int pixelBytes = bands * bytesPerSample();
        int rowBytes = area.width() * pixelBytes;
        for (int row = 0; row < area.height(); row++) {
            int src = ((area.y() - bounds.y() + row) * bounds.width() + (area.x() - bounds.x())) * pixelBytes;
            System.arraycopy(data, src, out.data, row * rowBytes, rowBytes);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PixelRegion p && p.bounds.equals(bounds) && p.bands == bands
                && p.format == format && Arrays.equals(p.data, data);
    }

    @Override
    public int hashCode() {
        return bounds.hashCode() * 31 + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "PixelRegion[" + bounds + ", bands=" + bands + ", " + format.label() + "]";
    }
}
