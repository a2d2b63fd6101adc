package dev.lip.slicer.slicing;

import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.source.ImageSource;
import dev.lip.slicer.source.UnreadableImageException;

import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * Cuts an image into patches (core plus halo) and publishes each to {@code pending/} as soon as it is complete, so
 * processing starts while slicing goes on. Random-access sources are read patch by patch; the others are streamed
 * once, top to bottom, through a {@link BandAssembler}.
 */
public final class Slicer {

    /** Told after each published patch; also asked whether to stop (the job was cancelled). */
    public interface Progress {
        void patchWritten(Tile tile);

        boolean cancelled();
    }

    /**
     * @param statistics job-wide statistics to gather over every pixel (each core once), or an empty set
     */
    public void slice(ImageSource source, TileGrid grid, JobDirectory job, JobStatistics statistics, Progress progress)
            throws IOException {
        PatchWriter writer = new PatchWriter(job);
        ImageInfo info = source.info();
        if (source.supportsRegions()) {
            for (int r = 0; r < grid.rows(); r++) {
                for (int c = 0; c < grid.columns(); c++) {
                    checkCancelled(progress::cancelled);
                    Tile tile = grid.tile(r, c);
                    PixelRegion patch = source.readRegion(tile.patch());
                    statistics.add(patch, tile.core());
                    writer.write(tile, patch);
                    progress.patchWritten(tile);
                }
            }
            return;
        }
        BandAssembler assembler = new BandAssembler(grid, info.bands(), info.bitsPerSample(), (row, rows) -> {
            checkCancelled(progress::cancelled);
            for (int c = 0; c < grid.columns(); c++) {
                Tile tile = grid.tile(row, c);
                PixelRegion patch = rows.crop(tile.patch());
                statistics.add(patch, tile.core());
                writer.write(tile, patch);
                progress.patchWritten(tile);
            }
        });
        source.streamRows(assembler);
        if (!assembler.complete()) {
            throw new UnreadableImageException("The image ended before its last row (truncated?).");
        }
    }

    private static void checkCancelled(BooleanSupplier cancelled) throws IOException {
        if (cancelled.getAsBoolean()) {
            throw new SlicingCancelledException();
        }
    }

    public static final class SlicingCancelledException extends IOException {
        public SlicingCancelledException() {
            super("cancelled");
        }
    }
}
