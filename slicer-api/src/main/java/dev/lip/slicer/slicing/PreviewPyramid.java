package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;
import dev.lip.slicer.view.LiveOverview;
import dev.lip.slicer.view.PreviewStretch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Writes the input's preview while the slicer cuts the image: JPEG tiles of reduced levels down to one pixel, laid
 * out as {@link PreviewLayout} says, for a viewer to show the input without decoding it again. Full resolution is
 * not stored: encoding it as JPEG cost more than slicing itself (a 20000² JPEG: +8.6 s on 6.6 s), and the input is
 * context for the exact result drawn over it. The first stored level is half resolution, or coarser where its rows
 * would not fit {@link PreviewLayout#GATHER_BUDGET}; each sliced core goes straight into it as box means.
 *
 * <p>Memory: the row of tiles being gathered in each stored level (tiles may arrive out of order when several
 * threads slice; a row is written once all of its tiles are in). Samples become 8-bit grey or RGB: wider ones on a
 * log scale, counted for the viewer's stretch ({@link PreviewStretch}); alpha and bands past the third are left out.
 *
 * <p>The slicer only copies each core's pixels ({@link #add}); reducing and encoding run on a thread of the
 * preview's own, a few tiles behind (a bounded queue: a slicer further ahead does the work itself), so that the
 * preview uses the core that slicing leaves idle. {@link #close} waits for the last tiles. A failing preview (a full
 * disk, say) is given up with a log line; its job goes on.
 */
public final class PreviewPyramid implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PreviewPyramid.class);
    private static final int QUEUED_TILES = 8;
    private static final long SKETCH_EVERY_NANOS = 1_000_000_000L;

    private final Path dir;
    private final int tileSize;
    private final int channels;
    private final int[] widths;
    private final int[] heights;
    private final int first;
    /** Per level: row index → the gathered rows of that tile row and how many tiles went into it. */
    private final List<Map<Integer, Row>> gathering = new ArrayList<>();
    private final ThreadPoolExecutor worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUED_TILES), r -> {
                Thread t = new Thread(r, "preview");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.CallerRunsPolicy());
    private volatile boolean failed;
    /** The input so far, for a viewer's coarse levels before their tiles are written; saved about once a second. */
    private final LiveOverview sketch;
    private long sketchSaved;
    /** For inputs wider than 8 bits, stored on a log scale: the stored values counted, for the viewer's stretch. */
    private final boolean stretched;
    private final long[] histogram = new long[256];
    private double wideScale;

    private static final class Row {
        final byte[] pixels;
        int tiles;

        Row(int bytes) {
            pixels = new byte[bytes];
        }
    }

    public PreviewPyramid(Path dir, ImageInfo info, int tileSize) throws IOException {
        this.dir = dir;
        this.tileSize = tileSize;
        this.channels = channels(info);
        List<Integer> w = new ArrayList<>(List.of(info.width()));
        List<Integer> h = new ArrayList<>(List.of(info.height()));
        while (w.get(w.size() - 1) > 1 || h.get(h.size() - 1) > 1) {
            w.add((w.get(w.size() - 1) + 1) / 2);
            h.add((h.get(h.size() - 1) + 1) / 2);
        }
        widths = w.stream().mapToInt(Integer::intValue).toArray();
        heights = h.stream().mapToInt(Integer::intValue).toArray();
        first = PreviewLayout.firstStored(info.width(), info.height(), tileSize, channels);
        sketch = new LiveOverview(info.width(), info.height(), channels, LiveOverview.INPUT_SIDE);
        stretched = info.sampleFormat() != SampleFormat.UINT8;
        sketchSaved = System.nanoTime() - SKETCH_EVERY_NANOS; // the first tile is shown at once
        for (int k = 0; k < widths.length; k++) {
            if (k >= first) {
                Files.createDirectories(dir.resolve(Integer.toString(k)));
            }
            gathering.add(new HashMap<>());
        }
    }

    /** The preview's channels: RGB for three bands or more, else grey. */
    public static int channels(ImageInfo info) {
        return info.bands() >= 3 ? 3 : 1;
    }

    /** Adds the core of a sliced patch: copies its pixels and queues them. */
    public void add(PixelRegion patch, Tile tile) {
        if (failed) {
            return;
        }
        Rect core = tile.core();
        byte[] pixels = new byte[core.width() * core.height() * channels];
        int ox = core.x() - patch.bounds().x();
        int oy = core.y() - patch.bounds().y();
        if (patch.bitsPerSample() == 8 && patch.bands() == channels) {
            int row = core.width() * channels;
            for (int y = 0; y < core.height(); y++) {
                System.arraycopy(patch.data(), ((oy + y) * patch.width() + ox) * channels, pixels, y * row, row);
            }
        } else if (patch.sampleFormat() == SampleFormat.UINT8 || patch.sampleFormat() == SampleFormat.UINT16) {
            boolean wide = patch.bitsPerSample() == 16;
            for (int y = 0; y < core.height(); y++) {
                for (int x = 0; x < core.width(); x++) {
                    for (int c = 0; c < channels; c++) {
                        int v = patch.sample(ox + x, oy + y, c);
                        // 16-bit: a log scale keeps a scene of values up to a few thousand from being black
                        pixels[(y * core.width() + x) * channels + c] = wide ? PreviewStretch.LOG16[v] : (byte) v;
                    }
                }
            }
        } else {
            double scale = wideScale(patch, ox, oy, core);
            for (int y = 0; y < core.height(); y++) {
                for (int x = 0; x < core.width(); x++) {
                    for (int c = 0; c < channels; c++) {
                        pixels[(y * core.width() + x) * channels + c] =
                                PreviewStretch.wide(patch.value(ox + x, oy + y, c), scale);
                    }
                }
            }
        }
        worker.execute(() -> {
            try {
                place(tile.column(), tile.row(), pixels, core.width(), core.height());
            } catch (IOException | RuntimeException e) {
                if (!failed) {
                    failed = true;
                    log.warn("the input preview in {} stops: {}", dir, e.toString());
                }
            }
        });
    }

    /**
     * The scale of an int16, 32-bit or float input's values, from the first core that has any (finite, not zero):
     * kept for the whole preview, so that every tile is stored alike.
     */
    private synchronized double wideScale(PixelRegion patch, int ox, int oy, Rect core) {
        if (wideScale == 0) {
            double[] values = new double[((core.width() + 1) / 2) * ((core.height() + 1) / 2) * channels];
            int n = 0;
            for (int y = 0; y < core.height(); y += 2) {
                for (int x = 0; x < core.width(); x += 2) {
                    for (int c = 0; c < channels; c++) {
                        values[n++] = patch.value(ox + x, oy + y, c);
                    }
                }
            }
            wideScale = PreviewStretch.scaleOf(values, n);
        }
        return wideScale;
    }

    /**
     * Waits for the queued tiles (at most a minute: a preview never holds up its job longer); every tile is written
     * then, so the sketch goes.
     */
    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(1, TimeUnit.MINUTES)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        try {
            if (stretched && !failed) {
                synchronized (this) {
                    PreviewStretch.save(dir, histogram);
                }
            }
            Files.deleteIfExists(PreviewLayout.sketchFile(dir));
        } catch (IOException e) {
            log.debug("cannot remove {}: {}", PreviewLayout.sketchFile(dir), e.toString());
        }
    }

    /** A full-resolution core into the first stored level: its box means, into that level's row. */
    private synchronized void place(int column, int row, byte[] pixels, int w, int h) throws IOException {
        sketch.add(column * tileSize, row * tileSize, w, h, pixels);
        if (stretched) {
            for (int i = 0; i < pixels.length; i += 5) { // a sample of them is enough for two percentiles
                histogram[pixels[i] & 0xFF]++;
            }
        }
        if (System.nanoTime() - sketchSaved > SKETCH_EVERY_NANOS) {
            sketch.save(PreviewLayout.sketchFile(dir));
            sketchSaved = System.nanoTime();
        }
        if (first == 0) {
            store(0, column, row, pixels, w, h);
            return;
        }
        int f = 1 << first;
        int part = tileSize / f;
        int bw = widths[first];
        int target = row / f;
        Row gathered = gathering.get(first).computeIfAbsent(target, r -> new Row(tileSize * bw * channels));
        boxMeans(pixels, w, h, f, gathered.pixels, ((row % f) * part * bw + column * part) * channels, bw * channels);
        gathered.tiles++;
        int across = (widths[0] + tileSize - 1) / tileSize;
        int down = (heights[0] + tileSize - 1) / tileSize;
        if (gathered.tiles == across * Math.min(f, down - target * f)) {
            gathering.get(first).remove(target);
            emitRow(first, target, gathered);
        }
    }

    /** Writes a stored level's tile and gathers it, halved, into the next level's row. */
    private void store(int k, int column, int row, byte[] pixels, int w, int h) throws IOException {
        writeJpeg(PreviewLayout.tileFile(dir, k, column, row), pixels, w, h);
        if (k + 1 >= widths.length) {
            return;
        }
        int across = (widths[k] + tileSize - 1) / tileSize;
        int down = (heights[k] + tileSize - 1) / tileSize;
        int parentRow = row / 2;
        int bw = widths[k + 1];
        Row gathered = gathering.get(k + 1).computeIfAbsent(parentRow, r -> new Row(tileSize * bw * channels));
        int half = tileSize / 2;
        reduce(pixels, w, h, gathered.pixels, ((row % 2) * half * bw + column * half) * channels, bw * channels);
        gathered.tiles++;
        if (gathered.tiles == across * (2 * parentRow + 1 < down ? 2 : 1)) {
            gathering.get(k + 1).remove(parentRow);
            emitRow(k + 1, parentRow, gathered);
        }
    }

    /** Cuts a gathered row of level {@code k} into tiles and stores them. */
    private void emitRow(int k, int row, Row gathered) throws IOException {
        int t = tileSize;
        int bw = widths[k];
        int th = Math.min(t, heights[k] - row * t);
        for (int c = 0; c * t < bw; c++) {
            int tw = Math.min(t, bw - c * t);
            byte[] out = new byte[tw * th * channels];
            for (int y = 0; y < th; y++) {
                System.arraycopy(gathered.pixels, (y * bw + c * t) * channels, out, y * tw * channels, tw * channels);
            }
            store(k, c, row, out, tw, th);
        }
    }

    /** Means of {@code f × f} blocks, rounded, per channel, over the pixels there are at the edges. */
    private void boxMeans(byte[] in, int w, int h, int f, byte[] out, int offset, int stride) {
        int ow = (w + f - 1) / f;
        int[] sums = new int[ow * channels];
        for (int oy = 0; oy * f < h; oy++) {
            Arrays.fill(sums, 0);
            int y1 = Math.min(h, (oy + 1) * f);
            for (int y = oy * f; y < y1; y++) {
                int i = y * w * channels;
                for (int x = 0, ox = 0, k = 0; x < w; x++, i += channels) {
                    for (int c = 0; c < channels; c++) {
                        sums[ox + c] += in[i + c] & 0xFF;
                    }
                    if (++k == f) {
                        k = 0;
                        ox += channels;
                    }
                }
            }
            int rows = y1 - oy * f;
            for (int ox = 0; ox < ow; ox++) {
                int n = (Math.min(w, (ox + 1) * f) - ox * f) * rows;
                for (int c = 0; c < channels; c++) {
                    out[offset + oy * stride + ox * channels + c] = (byte) ((sums[ox * channels + c] + n / 2) / n);
                }
            }
        }
    }

    /** 2×2 means, rounded, per channel, over the pixels there are at an odd edge. */
    private void reduce(byte[] in, int w, int h, byte[] out, int offset, int stride) {
        int ch = channels;
        for (int y = 0; y < h / 2; y++) { // whole 2x2 blocks without the edge cases' branches
            int a = 2 * y * w * ch;
            int b = a + w * ch;
            int o = offset + y * stride;
            for (int x = 0; x < w / 2; x++) {
                for (int c = 0; c < ch; c++) {
                    int i = 2 * x * ch + c;
                    out[o + x * ch + c] = (byte) (((in[a + i] & 0xFF) + (in[a + i + ch] & 0xFF) + (in[b + i] & 0xFF)
                            + (in[b + i + ch] & 0xFF) + 2) >> 2);
                }
            }
        }
        if (w % 2 == 0 && h % 2 == 0) {
            return;
        }
        for (int y = 0; y < (h + 1) / 2; y++) {
            for (int x = 0; x < (w + 1) / 2; x++) {
                if (2 * y + 1 < h && 2 * x + 1 < w) {
                    continue; // a whole block, done above
                }
                for (int c = 0; c < channels; c++) {
                    int sum = 0;
                    int n = 0;
                    for (int dy = 0; dy < 2 && 2 * y + dy < h; dy++) {
                        for (int dx = 0; dx < 2 && 2 * x + dx < w; dx++) {
                            sum += in[((2 * y + dy) * w + 2 * x + dx) * channels + c] & 0xFF;
                            n++;
                        }
                    }
                    out[offset + y * stride + x * channels + c] = (byte) ((sum + n / 2) / n);
                }
            }
        }
    }

    private void writeJpeg(Path file, byte[] pixels, int w, int h) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, PreviewLayout.jpeg(pixels, w, h, channels));
        // a viewer never sees half a tile
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
