package dev.lip.slicer.slicing;

import dev.lip.formats.testing.TestTiffs;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.source.ImageSource;
import dev.lip.formats.source.ImageSources;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every patch the slicer publishes must hold exactly the image's pixels of its patch rectangle, halo included. */
class SlicerTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} tile {1} overlap {2} threads {3}")
    @CsvSource({"png,64,0,1", "png,48,5,1", "png,32,32,1", "png,16,16,1", "tiled-tiff,64,9,1", "tiled-tiff,32,9,3",
            "striped-tiff,32,20,1", "bigtiff,48,48,1", "bigtiff,16,7,4", "png,16,40,1", "striped-tiff,16,35,2"})
    void patchesHoldTheImagePixelsOfTheirRectangles(String kind, int tileSize, int overlap, int threads) throws IOException {
        SampleImage img = SampleImage.generate(203, 119, 3, kind.equals("bigtiff") ? 16 : 8, 31);
        Path file = dir.resolve("in");
        switch (kind) {
            case "png" -> img.writePng(file);
            case "tiled-tiff" -> img.writeTiff(file, "LZW", 32);
            case "striped-tiff" -> img.writeTiff(file, null, 0);
            default -> TestTiffs.writeBigTiff(img, file, 32);
        }
        JobDirectory job = new JobDirectory(dir, "job");
        job.createDirectories();
        TileGrid grid = new TileGrid(img.width, img.height, tileSize, overlap);
        AtomicInteger written = new AtomicInteger();
        ImageSources sources = new ImageSources(1_000_000);
        try (ImageSource src = sources.open(file)) {
            new Slicer(threads).slice(src, () -> sources.open(file), grid, job, new JobStatistics(Set.of()), new Slicer.Progress() {
                @Override
                public void patchWritten(Tile tile) {
                    written.incrementAndGet();
                }

                @Override
                public boolean cancelled() {
                    return false;
                }
            });
        }
        assertEquals(grid.tileCount(), written.get());
        assertEquals(grid.tileCount(), job.count(job.pending()));
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                PixelRegion patch = PatchFile.read(job.pending().resolve(new PatchName(r, c).fileName()));
                assertEquals(img.region(t.patch()), patch, "patch " + r + "," + c);
            }
        }
    }
}
