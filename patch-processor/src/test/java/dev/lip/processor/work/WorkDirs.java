package dev.lip.processor.work;

import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.JobManifest;
import dev.lip.common.protocol.PatchName;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/** Real job directories, laid out as slicer-api lays them out, for the processor's tests. */
final class WorkDirs {
    private WorkDirs() {
    }

    /** A gray 8-bit image with a value per pixel that a test can recompute: {@link #pixel}. */
    static int pixel(int x, int y) {
        return (x * 7 + y * 13) % 256;
    }

    /** A job whose every patch is pending, with its manifest: claimable. */
    static JobDirectory job(Path workDir, String id, TileGrid grid, String algorithm, Map<String, String> parameters)
            throws IOException {
        JobDirectory dir = new JobDirectory(workDir, id);
        dir.createDirectories();
        ImageInfo image = new ImageInfo(grid.imageWidth(), grid.imageHeight(), 1, 8, "PNG");
        dir.writeManifest(new JobManifest(JobManifest.PROTOCOL_VERSION, id, image, JobManifest.GridSpec.of(grid),
                algorithm, parameters, Map.of()));
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                dir.addPending(new PatchName(r, c), patch(grid.tile(r, c)));
            }
        }
        return dir;
    }

    static PixelRegion patch(Tile tile) {
        PixelRegion p = new PixelRegion(tile.patch(), 1, 8);
        for (int y = 0; y < tile.patch().height(); y++) {
            for (int x = 0; x < tile.patch().width(); x++) {
                p.setSample(x, y, 0, pixel(tile.patch().x() + x, tile.patch().y() + y));
            }
        }
        return p;
    }

    static String randomId(Random random) {
        return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
    }
}
