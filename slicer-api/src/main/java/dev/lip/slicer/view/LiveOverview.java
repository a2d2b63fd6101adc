package dev.lip.slicer.view;

import dev.lip.common.protocol.SafeFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A small picture of a job's image (its input or its result) that grows as the job cuts or finishes tiles, for a
 * viewer open during the job. A pyramid stores a tile of a reduced level only once every tile under it is in
 * (a zoomed-out tile of a 24000×18000 result: after 90% of the patches), so without this the default, zoomed-out
 * view stayed black until the end. The overview is the image reduced {@code 2^shift} times, its side at most
 * {@code maxSide}, each pixel the mean of the part of its block seen so far, with a mark for the pixels seen at all;
 * a tile of a level at least as coarse is drawn from it, black where nothing is known yet. What the viewer shows
 * from it is a live sketch: tiles the pyramid has stored are served instead, and the finished file replaces all.
 *
 * <p>Written by one thread; a viewer may read a tile while a region is being added (it sees the region half
 * added, which the next refresh corrects). Saved as a raw file for a viewer in another process (the input's
 * overview is made in the decoder process).
 */
public final class LiveOverview {
    /** A result's overview: one byte a pixel, 4 MB at most. */
    public static final int RESULT_SIDE = 2048;
    /** An input's: saved about once a second by the decoder, 4 MB at most for RGB. */
    public static final int INPUT_SIDE = 1024;
    private static final int MAGIC = 'L' | 'I' << 8 | 'P' << 16 | 'O' << 24;
    private static final int HEADER = 20;
    private final int width;
    private final int height;
    private final int channels;
    private final int shift;
    private final int ow;
    private final int oh;
    private final byte[] seen;
    private final byte[] pixels;

    /**
     * @param width    the full-resolution image's width
     * @param channels samples a pixel (1 or 3), 8 bits each
     * @param maxSide  the overview's largest side
     */
    public LiveOverview(int width, int height, int channels, int maxSide) {
        this(width, height, channels, shiftFor(width, height, maxSide), null, null);
    }

    private LiveOverview(int width, int height, int channels, int shift, byte[] seen, byte[] pixels) {
        this.width = width;
        this.height = height;
        this.channels = channels;
        this.shift = shift;
        this.ow = (int) ((width + (1L << shift) - 1) >> shift);
        this.oh = (int) ((height + (1L << shift) - 1) >> shift);
        this.seen = seen != null ? seen : new byte[ow * oh];
        this.pixels = pixels != null ? pixels : new byte[ow * oh * channels];
    }

    private static int shiftFor(int width, int height, int maxSide) {
        int s = 0;
        while (((Math.max(width, height) + (1L << s) - 1) >> s) > maxSide) {
            s++;
        }
        return s;
    }

    /** Levels this fine or finer than full resolution ({@code 0}) are not drawn from the overview. */
    public int shift() {
        return shift;
    }

    /**
     * Adds full-resolution pixels of the region at ({@code x}, {@code y}), {@code w × h}, channels interleaved:
     * each overview pixel whose block the region meets becomes the mean of the region's part of that block, taken
     * from at most 4 × 4 of its pixels (a sketch: reading every pixel cost a 20000² job with a preview 1.7 s).
     */
    public void add(int x, int y, int w, int h, byte[] region) {
        int f = 1 << shift;
        int step = Math.max(1, f / 4);
        int[] sums = new int[channels];
        for (int by = y >> shift; by <= (y + h - 1) >> shift; by++) {
            int y0 = Math.max(y, by * f);
            int y1 = Math.min(y + h, (by + 1) * f);
            for (int bx = x >> shift; bx <= (x + w - 1) >> shift; bx++) {
                int x0 = Math.max(x, bx * f);
                int x1 = Math.min(x + w, (bx + 1) * f);
                java.util.Arrays.fill(sums, 0);
                int n = 0;
                for (int yy = y0; yy < y1; yy += step) {
                    for (int xx = x0; xx < x1; xx += step) {
                        int i = ((yy - y) * w + (xx - x)) * channels;
                        for (int c = 0; c < channels; c++) {
                            sums[c] += region[i + c] & 0xFF;
                        }
                        n++;
                    }
                }
                int o = by * ow + bx;
                for (int c = 0; c < channels; c++) {
                    pixels[o * channels + c] = (byte) ((sums[c] + n / 2) / n);
                }
                seen[o] = 1;
            }
        }
    }

    /**
     * Tile ({@code column}, {@code row}) of level {@code k} of a pyramid that halves the image (rounding up) at each
     * level, tiles of {@code tileSize}: its pixels, channels interleaved, cropped to the level's edge; null when no
     * pixel of it has been seen yet, or when {@code k} is finer than the overview.
     */
    public Pixels tile(int k, int column, int row, int tileSize) {
        if (k < shift) {
            return null;
        }
        int lw = (int) ((width + (1L << k) - 1) >> k);
        int lh = (int) ((height + (1L << k) - 1) >> k);
        int tw = Math.min(tileSize, lw - column * tileSize);
        int th = Math.min(tileSize, lh - row * tileSize);
        if (tw <= 0 || th <= 0) {
            return null;
        }
        byte[] out = new byte[tw * th * channels];
        boolean any = false;
        long half = (1L << k) / 2;
        for (int y = 0; y < th; y++) {
            int oy = (int) Math.min(oh - 1, (((long) (row * tileSize + y) << k) + half) >> shift);
            for (int x = 0; x < tw; x++) {
                int ox = (int) Math.min(ow - 1, (((long) (column * tileSize + x) << k) + half) >> shift);
                int o = oy * ow + ox;
                if (seen[o] != 0) {
                    any = true;
                    System.arraycopy(pixels, o * channels, out, (y * tw + x) * channels, channels);
                }
            }
        }
        return any ? new Pixels(tw, th, out) : null;
    }

    /** A tile's pixels, channels interleaved. */
    public record Pixels(int width, int height, byte[] data) {
    }

    /** The values of the pixels seen so far, counted (every channel). */
    public long[] histogram() {
        long[] h = new long[256];
        for (int o = 0; o < seen.length; o++) {
            if (seen[o] != 0) {
                for (int c = 0; c < channels; c++) {
                    h[pixels[o * channels + c] & 0xFF]++;
                }
            }
        }
        return h;
    }

    public int channels() {
        return channels;
    }

    /** Saves it whole or not at all (a temporary file moved into place). */
    public void save(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(HEADER + seen.length + pixels.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(width).putInt(height).putInt(channels).putInt(shift).put(seen).put(pixels);
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, b.array());
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads a saved overview; a file that is not one (or not whole) is an IOException. */
    public static LiveOverview load(Path file, int maxBytes) throws IOException {
        byte[] bytes = SafeFiles.readSmall(file, maxBytes);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < HEADER || b.getInt() != MAGIC) {
            throw new IOException(file + " is not an overview");
        }
        int w = b.getInt();
        int h = b.getInt();
        int ch = b.getInt();
        int s = b.getInt();
        if (w <= 0 || h <= 0 || (ch != 1 && ch != 3) || s < 0 || s > 30) {
            throw new IOException(file + " is not an overview");
        }
        long ow = (w + (1L << s) - 1) >> s;
        long oh = (h + (1L << s) - 1) >> s;
        if (HEADER + ow * oh * (1 + ch) != bytes.length) {
            throw new IOException(file + " is not whole");
        }
        byte[] seen = new byte[(int) (ow * oh)];
        byte[] px = new byte[(int) (ow * oh * ch)];
        b.get(seen).get(px);
        return new LiveOverview(w, h, ch, s, seen, px);
    }
}
