package dev.lip.common.geometry;

/**
 * A rectangle of pixels in image coordinates. Ints suffice for one axis (TIFF and JPEG cap a side below 2^31),
 * but an area can pass 2^31, so {@link #area()} is a long.
 */
public record Rect(int x, int y, int width, int height) {
    public Rect {
        if (width < 0 || height < 0) {
            throw new IllegalArgumentException("negative size " + width + "x" + height);
        }
    }

    public long area() {
        return (long) width * height;
    }

    public int right() {
        return x + width;
    }

    public int bottom() {
        return y + height;
    }

    public boolean contains(Rect other) {
        return other.x >= x && other.y >= y && other.right() <= right() && other.bottom() <= bottom();
    }
}
