package dev.lip.slicer.slicing;

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

    public void slice(ImageSource source, TileGrid grid, JobDirectory job, Progress progress) throws IOException {
        PatchWriter writer = new PatchWriter(job);
        ImageInfo info = source.info();
        if (source.supportsRegions()) {
            for (int r = 0; r < grid.rows(); r++) {
                for (int c = 0; c < grid.columns(); c++) {
                    checkCancelled(progress::cancelled);
                    Tile tile = grid.tile(r, c);
                    writer.write(tile, source.readRegion(tile.patch()));
                    progress.patchWritten(tile);
                }
            }
            return;
        }
        BandAssembler assembler = new BandAssembler(grid, info.bands(), info.bitsPerSample(), (row, band) -> {
            checkCancelled(progress::cancelled);
            for (int c = 0; c < grid.columns(); c++) {
                Tile tile = grid.tile(row, c);
                PixelRegion patch = band.crop(tile.patch());
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
