package dev.lip.common.geometry;

/**
 * The tiling of an image: core tiles of {@code tileSize} pixels (the last row and column may be smaller) and a halo
 * of {@code overlap} pixels around each. The output TIFF uses the same tile size, so each core becomes exactly one
 * output tile and stitching is writing tiles in order.
 */
public record TileGrid(int imageWidth, int imageHeight, int tileSize, int overlap) {

    /** TIFF requires tile sides that are multiples of 16. */
    public static final int TILE_ALIGNMENT = 16;
    public static final int MIN_TILE_SIZE = 16;
    public static final int MAX_TILE_SIZE = 8192;
    /** The largest halo an algorithm may ask for (users may ask for at most the tile size). */
    public static final int MAX_OVERLAP = 2048;

    public TileGrid {
        if (imageWidth <= 0 || imageHeight <= 0) {
            throw new IllegalArgumentException("The image must be at least 1 x 1 pixel, not " + imageWidth + " x " + imageHeight + ".");
        }
        String problem = tileSizeProblem(tileSize);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (overlap < 0 || overlap > MAX_OVERLAP) {
            throw new IllegalArgumentException("overlap must be between 0 and " + MAX_OVERLAP + ", not " + overlap + ".");
        }
    }

    /** @return a sentence saying why {@code tileSize} is unusable, or null when it is fine */
    public static String tileSizeProblem(int tileSize) {
        if (tileSize < MIN_TILE_SIZE || tileSize > MAX_TILE_SIZE || tileSize % TILE_ALIGNMENT != 0) {
            return "tileSize must be a multiple of " + TILE_ALIGNMENT + " between " + MIN_TILE_SIZE + " and "
                    + MAX_TILE_SIZE + ", not " + tileSize + ".";
        }
        return null;
    }

    /**
     * Checks an overlap a user asked for: less than the tile size (an algorithm may raise it further, up to
     * {@link #MAX_OVERLAP}, when it needs a larger halo).
     *
     * @return a sentence saying why {@code overlap} is unusable with {@code tileSize}, or null when it is fine
     */
    public static String overlapProblem(int overlap, int tileSize) {
        if (overlap < 0 || overlap >= tileSize) {
            return "overlap must be at least 0 and less than the tile size (" + tileSize + "), not " + overlap + ".";
        }
        return null;
    }

    public int columns() {
        return ceilDiv(imageWidth, tileSize);
    }

    public int rows() {
        return ceilDiv(imageHeight, tileSize);
    }

    public int tileCount() {
        return Math.multiplyExact(rows(), columns());
    }

    public Tile tile(int row, int column) {
        if (row < 0 || row >= rows() || column < 0 || column >= columns()) {
            throw new IndexOutOfBoundsException("tile " + row + "," + column + " outside " + rows() + "x" + columns());
        }
        int x = column * tileSize;
        int y = row * tileSize;
        Rect core = new Rect(x, y, Math.min(tileSize, imageWidth - x), Math.min(tileSize, imageHeight - y));
        int px = Math.max(0, x - overlap);
        int py = Math.max(0, y - overlap);
        int pr = Math.min(imageWidth, core.right() + overlap);
        int pb = Math.min(imageHeight, core.bottom() + overlap);
        return new Tile(row, column, core, new Rect(px, py, pr - px, pb - py));
    }

    /** Rows of the image that the patches of tile row {@code row} need, halo included. */
    public Rect rowBand(int row) {
        Tile first = tile(row, 0);
        return new Rect(0, first.patch().y(), imageWidth, first.patch().height());
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
