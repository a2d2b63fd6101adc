package dev.lip.slicer.stitching;

import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.blend.Blend;
import dev.lip.algorithms.blend.Blender;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.Completions;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.formats.tiff.Placement;
import dev.lip.formats.tiff.PyramidWriter;
import dev.lip.formats.tiff.Reduction;
import dev.lip.formats.tiff.ResultLayout;
import dev.lip.formats.tiff.TileArchive;
import dev.lip.formats.tiff.TileDeflater;
import dev.lip.formats.tiff.TiledTiffWriter;
import dev.lip.common.geometry.Rect;
import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.view.LiveOverview;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Writes the processed cores of a job as one tiled, deflate-compressed result (BigTIFF when it could pass 4 GiB): by
 * default a Cloud Optimized GeoTIFF pyramid ({@link PyramidWriter}), or an OME-TIFF pyramid, or one level. The
 * output tile size is the core tile size, so each processed core is one output tile. Tiles are compressed on all
 * cores and written in order; at most a few tiles are in memory at once, plus a row of tiles a reduced level.
 *
 * <p>For an algorithm that blends (see {@link Blend}), each output tile is made from the float predictions of every
 * patch that overlaps it, read strip by strip from their result files ({@link Blender}); memory stays a few tiles.
 *
 * <p>Stitching may start before processing ends: each tile waits until the results it needs are published, so when
 * a client asks for the result up front, compressing the result overlaps slicing and processing.
 */
@Component
public class Stitcher {
    /** How often a waiting tile looks at the result it needs, between the monitor's listings. */
    private static final java.time.Duration RESULT_LOOK = java.time.Duration.ofMillis(20);
    private final int threads;
    private final int deflateLevel;
    /** Pyramids being written, by result file: a viewer shows their stored tiles before the file exists. */
    private final Map<Path, TileArchive> live = new ConcurrentHashMap<>();
    /** And a sketch of each, finished tiles reduced, for the levels the pyramid has not stored yet. */
    private final Map<Path, LiveOverview> sketches = new ConcurrentHashMap<>();

    public Stitcher(LipProperties props) {
        this.threads = props.effectiveStitchThreads();
        this.deflateLevel = Math.max(1, Math.min(9, props.deflateLevel()));
    }

    /** Thrown when the job ended (failed or cancelled) while its result was being stitched. */
    public static final class StitchAbortedException extends IOException {
        StitchAbortedException() {
            super("the job ended while its result was being stitched");
        }
    }

    /**
     * Where and how the result is written.
     *
     * @param file      the result's path; written under a temporary name and moved there when whole
     * @param layout    a pyramid (COG, OME-TIFF) or one level (TIFF)
     * @param placement the input's GeoTIFF tags and pixel size, written into the result
     */
    public record Output(Path file, ResultLayout layout, Placement placement) {
    }

    /** One output tile: its pixels (for the reduced levels) and its deflated bytes. */
    private record Encoded(PixelRegion pixels, ByteBuffer bytes) {
    }

    /** Takes encoded full-resolution tiles in row-major order: one writer or the other. */
    private interface TileSink extends java.io.Closeable {
        void write(Tile tile, Encoded encoded) throws IOException;
    }

    /**
     * @param completions which results are published: each output tile waits there for the patches it needs
     * @param ended       true once the job has failed or was cancelled: stitching stops and leaves no file behind
     * @return the size of the written file
     */
    public long stitch(JobDirectory job, TileGrid grid, JobSettings settings, Completions completions, Output output,
                       BooleanSupplier ended) throws IOException {
        Blend blend = settings.blend();
        Path result = output.file();
        Files.createDirectories(result.toAbsolutePath().getParent());
        Path tmp = JobDirectory.temporaryFileIn(result.toAbsolutePath().getParent());
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "stitch-deflate");
            t.setDaemon(true);
            return t;
        });
        // One deflater a pool thread, each freed when the stitch ends (libdeflate's are native memory)
        java.util.Queue<TileDeflater> made = new java.util.concurrent.ConcurrentLinkedQueue<>();
        ThreadLocal<TileDeflater> deflaters = ThreadLocal.withInitial(() -> {
            TileDeflater d = new TileDeflater(deflateLevel);
            made.add(d);
            return d;
        });
        try (TileSink sink = sink(tmp, grid, settings, output)) {
            Deque<Future<Encoded>> window = new ArrayDeque<>();
            Deque<Tile> windowTiles = new ArrayDeque<>();
            int inFlight = threads * 4;
            for (int r = 0; r < grid.rows(); r++) {
                for (int c = 0; c < grid.columns(); c++) {
                    Tile tile = grid.tile(r, c);
                    for (Tile needed : blend.blends() ? Blender.contributors(grid, tile) : java.util.List.of(tile)) {
                        PatchName patch = new PatchName(needed.row(), needed.column());
                        // About to wait for processing: store the tiles in hand first, so that a viewer shows them
                        while (!completions.isDone(patch) && !window.isEmpty()) {
                            writeNext(sink, window, windowTiles);
                        }
                        awaitResult(completions, patch, ended);
                    }
                    Path file = job.done().resolve(new PatchName(r, c).fileName());
                    window.add(pool.submit(() -> {
                        PixelRegion core = blend.blends()
                                ? Blender.blendCore(grid, tile, blend, (nb, area) -> PatchFile.readRegion(
                                        job.done().resolve(new PatchName(nb.row(), nb.column()).fileName()), area),
                                settings::finish)
                                : PatchFile.read(file);
                        if (!core.bounds().equals(tile.core()) || core.bands() != 1 || core.bitsPerSample() != 8) {
                            throw new IOException("result " + file.getFileName() + " covers " + core.bounds()
                                    + " with " + core.bands() + " band(s), expected the core " + tile.core() + " as one 8-bit band");
                        }
                        return new Encoded(core, TiledTiffWriter.encodeTile(core, grid.tileSize(),
                                TiledTiffWriter.COMPRESSION_DEFLATE, deflaters.get()));
                    }));
                    windowTiles.add(tile);
                    if (window.size() >= inFlight) {
                        writeNext(sink, window, windowTiles);
                    }
                }
            }
            while (!window.isEmpty()) {
                writeNext(sink, window, windowTiles);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            pool.shutdownNow();
            if (quiet(pool)) { // never free a native deflater a thread may still be using
                made.forEach(TileDeflater::close);
            }
        }
        JobDirectory.moveAtomically(tmp, result);
        return Files.size(result);
    }

    /** The pyramid being written to {@code result}, while it is; its tiles as they are stored. */
    public Optional<TileArchive> live(Path result) {
        return Optional.ofNullable(live.get(result.toAbsolutePath()));
    }

    /** A sketch of the pyramid being written to {@code result}, while it is (see {@link LiveOverview}). */
    public Optional<LiveOverview> sketch(Path result) {
        return Optional.ofNullable(sketches.get(result.toAbsolutePath()));
    }

    /** The writer of the chosen layout: a pyramid written as tiles arrive, or today's single level. */
    private TileSink sink(Path tmp, TileGrid grid, JobSettings settings, Output output) throws IOException {
        if (output.layout() == ResultLayout.TIFF) {
            boolean big = TiledTiffWriter.needsBigTiff(grid.imageWidth(), grid.imageHeight(), grid.tileSize(), 1, 8);
            TiledTiffWriter writer = new TiledTiffWriter(tmp, grid.imageWidth(), grid.imageHeight(), grid.tileSize(),
                    1, 8, TiledTiffWriter.COMPRESSION_DEFLATE, big);
            writer.placement(output.placement());
            return new TileSink() {
                public void write(Tile tile, Encoded e) throws IOException {
                    writer.writeTile(tile.row(), tile.column(), e.bytes());
                }

                public void close() throws IOException {
                    writer.close();
                }
            };
        }
        PyramidWriter writer = new PyramidWriter(tmp, grid.imageWidth(), grid.imageHeight(), grid.tileSize(),
                output.layout(), settings.categorical() ? Reduction.NEAREST : Reduction.MEAN, output.placement(), deflateLevel);
        Path key = output.file().toAbsolutePath();
        LiveOverview sketch = new LiveOverview(grid.imageWidth(), grid.imageHeight(), 1, LiveOverview.RESULT_SIDE);
        live.put(key, writer);
        sketches.put(key, sketch);
        return new TileSink() {
            public void write(Tile tile, Encoded e) throws IOException {
                writer.writeTile(tile.row(), tile.column(), e.pixels(), e.bytes());
                Rect core = e.pixels().bounds();
                sketch.add(core.x(), core.y(), core.width(), core.height(), e.pixels().data());
            }

            public void close() throws IOException {
                try {
                    writer.close();
                } finally {
                    live.remove(key, writer);
                    sketches.remove(key, sketch);
                }
            }
        };
    }

    /** Whether the pool's threads have all stopped (they are told to; a tile's encoding takes milliseconds). */
    private static boolean quiet(ExecutorService pool) {
        try {
            return pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void awaitResult(Completions completions, PatchName patch, BooleanSupplier ended) throws IOException {
        try {
            if (!completions.await(patch, RESULT_LOOK, ended) || ended.getAsBoolean()) {
                throw new StitchAbortedException();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StitchAbortedException();
        }
    }

    private static void writeNext(TileSink sink, Deque<Future<Encoded>> window, Deque<Tile> tiles) throws IOException {
        Tile tile = tiles.removeFirst();
        try {
            sink.write(tile, window.removeFirst().get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getCause());
        }
    }
}
