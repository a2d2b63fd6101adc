package dev.lip.slicer.view;

import dev.lip.algorithms.Algorithms;
import dev.lip.formats.tiff.PyramidReader;
import dev.lip.formats.tiff.Reduction;
import dev.lip.formats.tiff.TileArchive;
import dev.lip.slicer.job.JobException;
import dev.lip.slicer.job.JobService;
import dev.lip.slicer.job.JobState;
import dev.lip.slicer.job.JobView;
import dev.lip.slicer.stitching.Stitcher;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A job's result as Deep Zoom tiles: read from the result's pyramid, one stored tile a request (the finished file,
 * or, while the stitch runs, the tiles it has stored so far), never by decoding the whole result. Deep Zoom levels
 * smaller than the pyramid's smallest (which fits in one tile) are reduced from it by the pyramid's own rule. While
 * the stitch runs, a coarse tile it has not stored yet is drawn from its {@link LiveOverview}: the finished part of
 * the result, so a viewer's zoomed-out view grows with the job instead of staying empty until the end.
 */
@Component
public class ResultTiles {
    private final JobService jobs;
    private final Stitcher stitcher;

    public ResultTiles(JobService jobs, Stitcher stitcher) {
        this.jobs = jobs;
        this.stitcher = stitcher;
    }

    /** A tile's pixels, one 8-bit band, cropped to the tile's size in its level. */
    public record Tile(int width, int height, byte[] pixels, boolean finished) {
    }

    /** The result's geometry; the job must have read its image's header. */
    public DeepZoom geometry(String id) {
        JobView job = jobs.get(id);
        if (job.image() == null || job.grid() == null) {
            throw JobException.notFound("Job " + id + " has no image yet.");
        }
        return new DeepZoom(job.image().width(), job.image().height(), job.grid().tileSize());
    }

    /** The tile, or empty when it is not written yet (or the result's layout has no such level). */
    public Optional<Tile> tile(String id, int level, int column, int row) throws IOException {
        DeepZoom zoom = geometry(id);
        if (!zoom.contains(level, column, row)) {
            throw JobException.notFound("Level " + level + " of the result has no tile " + column + "," + row + ".");
        }
        JobView job = jobs.get(id);
        Path file = jobs.resultFile(id);
        if (job.state() == JobState.DONE && Files.isRegularFile(file)) {
            try (PyramidReader reader = new PyramidReader(file)) {
                return tile(reader, zoom, level, column, row, job, true);
            }
        }
        Optional<TileArchive> live = stitcher.live(file);
        Optional<Tile> stored = live.isPresent() ? tile(live.get(), zoom, level, column, row, job, false) : Optional.empty();
        if (stored.isPresent()) {
            return stored;
        }
        // not stored yet: the finished part from the stitch's sketch, at the levels it is as fine as
        Optional<LiveOverview> sketch = stitcher.sketch(file);
        LiveOverview.Pixels pixels = sketch.isPresent()
                ? sketch.get().tile(zoom.maxLevel() - level, column, row, zoom.tileSize()) : null;
        return pixels == null ? Optional.empty()
                : Optional.of(new Tile(pixels.width(), pixels.height(), pixels.data(), false));
    }

    private static Optional<Tile> tile(TileArchive archive, DeepZoom zoom, int level, int column, int row, JobView job,
                                       boolean finished) throws IOException {
        int k = zoom.maxLevel() - level;
        int w = Math.min(zoom.tileSize(), zoom.width(level) - column * zoom.tileSize());
        int h = Math.min(zoom.tileSize(), zoom.height(level) - row * zoom.tileSize());
        int t = archive.tileSize();
        if (k < archive.levels()) {
            byte[] tile = archive.tile(k, column, row);
            return tile == null ? Optional.empty() : Optional.of(new Tile(w, h, crop(tile, t, w, h), finished));
        }
        int smallest = archive.levels() - 1;
        if (archive.width(smallest) > t || archive.height(smallest) > t) {
            return Optional.empty(); // one level larger than a tile: only its own resolution is there
        }
        byte[] pixels = archive.tile(smallest, 0, 0);
        if (pixels == null) {
            return Optional.empty();
        }
        Reduction reduction = categorical(job) ? Reduction.NEAREST : Reduction.MEAN;
        int pw = archive.width(smallest);
        int ph = archive.height(smallest);
        pixels = crop(pixels, t, pw, ph);
        for (int step = smallest; step < k; step++) {
            byte[] next = new byte[((pw + 1) / 2) * ((ph + 1) / 2)];
            reduction.reduce(pixels, pw, ph, next, 0, (pw + 1) / 2);
            pixels = next;
            pw = (pw + 1) / 2;
            ph = (ph + 1) / 2;
        }
        return Optional.of(new Tile(pw, ph, pixels, finished));
    }

    private static boolean categorical(JobView job) {
        return Algorithms.byName(job.algorithm()).map(a -> a.settings(job.parameters()).categorical()).orElse(false);
    }

    private static byte[] crop(byte[] tile, int tileSize, int w, int h) {
        if (w == tileSize && h == tileSize) {
            return tile;
        }
        byte[] out = new byte[w * h];
        for (int y = 0; y < h; y++) {
            System.arraycopy(tile, y * tileSize, out, y * w, w);
        }
        return out;
    }
}
