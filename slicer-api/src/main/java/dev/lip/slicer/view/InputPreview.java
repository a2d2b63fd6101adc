package dev.lip.slicer.view;

import dev.lip.common.protocol.SafeFiles;
import dev.lip.slicer.job.JobException;
import dev.lip.slicer.job.JobService;
import dev.lip.slicer.job.JobView;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.slicer.slicing.PreviewLayout;
import dev.lip.slicer.slicing.PreviewPyramid;
import org.springframework.stereotype.Component;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The input as Deep Zoom tiles, from the preview the slicer wrote while slicing ({@link PreviewPyramid}): the
 * preview's level {@code maxLevel - L} is Deep Zoom level {@code L}. A tile not sliced yet is not there.
 */
@Component
public class InputPreview {
    private static final int MAX_TILE_BYTES = 16 << 20;
    /** The sketches read last, by file, with the time each was saved: a viewer asks for a dozen tiles at once. */
    private final java.util.Map<Path, Sketch> sketches = new java.util.concurrent.ConcurrentHashMap<>();

    private record Sketch(java.nio.file.attribute.FileTime saved, LiveOverview overview) {
    }
    private final JobService jobs;
    private final ResultTiles results;

    public InputPreview(JobService jobs, ResultTiles results) {
        this.jobs = jobs;
        this.results = results;
    }

    /** Refuses jobs that have no preview, saying why. */
    public void requireEnabled(String id) {
        JobView job = jobs.get(id);
        if (!Boolean.TRUE.equals(job.preview())) {
            throw JobException.notFound("Job " + id + " has no input preview: ask for one with preview=true when "
                    + "submitting (the web page does).");
        }
    }

    public Optional<byte[]> tile(String id, int level, int column, int row) throws IOException {
        requireEnabled(id);
        ImageInfo image = jobs.get(id).image();
        Optional<byte[]> tile = stored(id, level, column, row);
        if (tile.isEmpty() || image.sampleFormat() == dev.lip.common.pixels.SampleFormat.UINT8) {
            return tile;
        }
        // the preview of samples wider than 8 bits is stored on a log scale: shown stretched between its percentiles
        Path dir = jobs.previewDirectory(id);
        int[] cut = PreviewStretch.saved(dir);
        if (cut == null) {
            LiveOverview sketch = sketch(dir);
            cut = sketch == null ? null : PreviewStretch.cut(sketch.histogram());
        }
        return cut == null ? tile : Optional.of(PreviewStretch.apply(tile.get(), cut));
    }

    private Optional<byte[]> stored(String id, int level, int column, int row) throws IOException {
        DeepZoom zoom = results.geometry(id);
        if (!zoom.contains(level, column, row)) {
            throw JobException.notFound("Level " + level + " of the input has no tile " + column + "," + row + ".");
        }
        Path dir = jobs.previewDirectory(id);
        int stored = zoom.maxLevel() - level; // the preview counts levels from full resolution
        ImageInfo image = jobs.get(id).image();
        int first = PreviewLayout.firstStored(image.width(), image.height(), zoom.tileSize(), PreviewPyramid.channels(image));
        if (stored < first) { // finer than the preview keeps: its pixels enlarged
            return Optional.ofNullable(PreviewLayout.enlargedTile(dir, first, stored, zoom.tileSize(), zoom.width(level),
                    zoom.height(level), column, row));
        }
        Path file = PreviewLayout.tileFile(dir, stored, column, row);
        if (!Files.exists(file)) {
            return sketched(dir, stored, column, row, zoom.tileSize());
        }
        try {
            return Optional.of(SafeFiles.readSmall(file, MAX_TILE_BYTES));
        } catch (NoSuchFileException e) {
            return Optional.empty(); // the job was removed meanwhile
        }
    }

    /** A tile not written yet, from the decoder's sketch of the input sliced so far; empty when there is none. */
    private Optional<byte[]> sketched(Path dir, int level, int column, int row, int tileSize) throws IOException {
        LiveOverview overview = sketch(dir);
        LiveOverview.Pixels pixels = overview == null ? null : overview.tile(level, column, row, tileSize);
        return pixels == null ? Optional.empty() : Optional.of(PreviewLayout.jpeg(pixels.data(), pixels.width(),
                pixels.height(), overview.channels()));
    }

    /** The decoder's sketch of the input sliced so far, read again when it is saved anew; null when there is none. */
    private LiveOverview sketch(Path dir) {
        Path file = PreviewLayout.sketchFile(dir);
        try {
            var saved = Files.getLastModifiedTime(file);
            Sketch cached = sketches.get(file);
            if (cached == null || !cached.saved().equals(saved)) {
                if (sketches.size() > 8) {
                    sketches.clear(); // a few jobs are watched at once; the others' sketches are old
                }
                cached = new Sketch(saved, LiveOverview.load(file, MAX_TILE_BYTES));
                sketches.put(file, cached);
            }
            return cached.overview();
        } catch (IOException e) {
            return null; // not begun, slicing has ended (every tile is written), or replaced while read
        }
    }
}
