package dev.lip.formats.tiff;

import java.io.IOException;

/**
 * The levels of a result pyramid, tile by tile: what a viewer reads. Level 0 is full resolution; each further level
 * halves it (rounding up). Implemented by the finished file ({@link PyramidReader}) and by a pyramid still being
 * written ({@link PyramidWriter}), whose tiles can be shown as they are stored.
 */
public interface TileArchive {
    int levels();

    int width(int level);

    int height(int level);

    int tileSize();

    /**
     * The pixels of tile ({@code column}, {@code row}) of {@code level}: one 8-bit band, {@code tileSize²} bytes
     * (padded past the level's edge), or null when the tile is not there (yet).
     */
    byte[] tile(int level, int column, int row) throws IOException;
}
