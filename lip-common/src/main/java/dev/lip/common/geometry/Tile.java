package dev.lip.common.geometry;

/**
 * One cell of a {@link TileGrid}. The {@code core} rectangles of all tiles partition the image; the {@code patch}
 * is the core grown by the grid's overlap on every side and clipped to the image, so an algorithm that looks at
 * neighbours sees the same pixels it would see on the whole image. Only the core of a processed patch is kept.
 */
public record Tile(int row, int column, Rect core, Rect patch) {

    /** Where the core starts inside the patch. */
    public int coreOffsetX() {
        return core.x() - patch.x();
    }

    public int coreOffsetY() {
        return core.y() - patch.y();
    }
}
