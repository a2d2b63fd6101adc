package dev.lip.slicer.view;

/**
 * The Deep Zoom geometry of an image (the format OpenSeadragon and libvips' dzsave share): level
 * {@code ceil(log2(max(w, h)))} is full resolution, each level below halves the one above rounding up, down to level
 * 0 of one pixel; tiles of {@code tileSize}, no overlap, the last column and row cropped. Its levels line up with a
 * result pyramid's: Deep Zoom level {@code maxLevel - k} is pyramid level {@code k}.
 */
public record DeepZoom(int width, int height, int tileSize) {

    public int maxLevel() {
        int longest = Math.max(width, height);
        return longest <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(longest - 1);
    }

    public int width(int level) {
        return ((width - 1) >> (maxLevel() - level)) + 1;
    }

    public int height(int level) {
        return ((height - 1) >> (maxLevel() - level)) + 1;
    }

    public int columns(int level) {
        return (width(level) + tileSize - 1) / tileSize;
    }

    public int rows(int level) {
        return (height(level) + tileSize - 1) / tileSize;
    }

    /** Whether the tile exists in this geometry. */
    public boolean contains(int level, int column, int row) {
        return level >= 0 && level <= maxLevel() && column >= 0 && row >= 0 && column < columns(level) && row < rows(level);
    }

    /** The standard descriptor ({@code .dzi}). */
    public String descriptor(String format) {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<Image xmlns=\"http://schemas.microsoft.com/deepzoom/2008\" TileSize=\"" + tileSize
                + "\" Overlap=\"0\" Format=\"" + format + "\"><Size Width=\"" + width + "\" Height=\"" + height
                + "\"/></Image>\n";
    }
}
