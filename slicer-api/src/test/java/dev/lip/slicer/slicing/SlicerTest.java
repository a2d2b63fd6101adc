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

    /** Counts the patches announced; never cancelled. */
    private static Slicer.Progress counting(AtomicInteger written) {
        return new Slicer.Progress() {
            @Override
            public void patchWritten(Tile tile) {
                written.incrementAndGet();
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
    }

    @ParameterizedTest(name = "{0} tile {1} overlap {2} threads {3}")
    @CsvSource({"png,64,0,1", "png,48,5,1", "png,32,32,1", "png,16,16,1", "tiled-tiff,64,9,1", "tiled-tiff,32,9,3",
            "striped-tiff,32,20,1", "bigtiff,48,48,1", "bigtiff,16,7,4", "png,16,40,1", "striped-tiff,16,35,2",
            "deflate-tiled-tiff,32,9,3", "deflate-tiled-tiff,16,0,4"})
    void patchesHoldTheImagePixelsOfTheirRectangles(String kind, int tileSize, int overlap, int threads) throws IOException {
        SampleImage img = SampleImage.generate(203, 119, 3, kind.equals("bigtiff") ? 16 : 8, 31);
        Path file = dir.resolve("in");
        switch (kind) {
            case "png" -> img.writePng(file);
            case "tiled-tiff" -> img.writeTiff(file, "LZW", 32);
            // our block reader: one source instance shared by every slicing thread
            case "deflate-tiled-tiff" -> img.writeTiff(file, "Deflate", 32);
            case "striped-tiff" -> img.writeTiff(file, null, 0);
            default -> TestTiffs.writeBigTiff(img, file, 32);
        }
        JobDirectory job = new JobDirectory(dir, "job");
        job.createDirectories();
        TileGrid grid = new TileGrid(img.width, img.height, tileSize, overlap);
        AtomicInteger written = new AtomicInteger();
        ImageSources sources = new ImageSources(1_000_000);
        try (ImageSource src = sources.open(file)) {
            new Slicer(threads).slice(src, () -> sources.open(file), grid, job, new JobStatistics(Set.of()), counting(written));
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

    /**
     * Slicing again after a restart: patches already published anywhere (pending, claimed, done, failed) are left
     * as they are, the missing ones are written, and statistics still cover every pixel once.
     */
    @ParameterizedTest(name = "{0}, statistics {1}")
    @CsvSource({"png,false", "png,true", "tiled-tiff,false", "tiled-tiff,true"})
    void resumedSlicingWritesOnlyMissingPatchesAndGathersStatisticsOverEveryPixel(String kind, boolean statistics)
            throws IOException {
        SampleImage img = SampleImage.generate(150, 100, 3, 8, 17);
        Path file = dir.resolve("in");
        if (kind.equals("png")) {
            img.writePng(file);
        } else {
            img.writeTiff(file, "LZW", 32);
        }
        JobDirectory job = new JobDirectory(dir, "job");
        job.createDirectories();
        TileGrid grid = new TileGrid(img.width, img.height, 32, 4);
        // the killed run published four patches, which have moved on since
        java.util.Map<PatchName, Path> before = new java.util.LinkedHashMap<>();
        before.put(new PatchName(0, 0), job.pending());
        before.put(new PatchName(0, 1), job.claimed());
        before.put(new PatchName(1, 2), job.done());
        before.put(new PatchName(2, 4), job.failed());
        for (var e : before.entrySet()) {
            java.nio.file.Files.writeString(e.getValue().resolve(e.getKey().fileName()), "from the killed run");
        }
        Set<dev.lip.algorithms.JobStatistic> wanted = statistics ? Set.of(dev.lip.algorithms.JobStatistic.LUMA_HISTOGRAM) : Set.of();
        JobStatistics stats = new JobStatistics(wanted);
        AtomicInteger counted = new AtomicInteger();
        ImageSources sources = new ImageSources(1_000_000);
        try (ImageSource src = sources.open(file)) {
            new Slicer(2).slice(src, () -> sources.open(file), grid, job, stats, new Slicer.Progress() {
                @Override
                public void patchWritten(Tile tile) {
                    counted.incrementAndGet();
                }

                @Override
                public boolean cancelled() {
                    return false;
                }
            }, job::isPublished);
        }
        assertEquals(grid.tileCount(), counted.get(), "every patch is counted, found or written");
        for (var e : before.entrySet()) {
            assertEquals("from the killed run", java.nio.file.Files.readString(e.getValue().resolve(e.getKey().fileName())));
        }
        assertEquals(grid.tileCount() - 3, job.count(job.pending()), "the missing patches are pending, one written before");
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                if (!before.containsKey(new PatchName(r, c))) {
                    Tile t = grid.tile(r, c);
                    assertEquals(img.region(t.patch()), PatchFile.read(job.pending().resolve(new PatchName(r, c).fileName())));
                }
            }
        }
        if (statistics) {
            JobStatistics whole = new JobStatistics(wanted);
            whole.add(img.region(new dev.lip.common.geometry.Rect(0, 0, img.width, img.height)),
                    new dev.lip.common.geometry.Rect(0, 0, img.width, img.height));
            org.junit.jupiter.api.Assertions.assertArrayEquals(whole.lumaHistogram(), stats.lumaHistogram());
        }
    }

    /** Killed at the very last patch: a resumed slicing writes only that one and finds the rest. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"png", "tiled-tiff"})
    void resumedAtTheLastPatchWritesOnlyIt(String kind) throws IOException {
        SampleImage img = SampleImage.generate(150, 100, 3, 8, 19);
        Path file = dir.resolve("in");
        if (kind.equals("png")) {
            img.writePng(file);
        } else {
            img.writeTiff(file, "LZW", 32);
        }
        JobDirectory job = new JobDirectory(dir, "job");
        job.createDirectories();
        TileGrid grid = new TileGrid(img.width, img.height, 32, 4);
        Tile last = grid.tile(grid.rows() - 1, grid.columns() - 1);
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                if (r != last.row() || c != last.column()) {
                    java.nio.file.Files.writeString(job.done().resolve(new PatchName(r, c).fileName()), "processed");
                }
            }
        }
        ImageSources sources = new ImageSources(1_000_000);
        try (ImageSource src = sources.open(file)) {
            new Slicer(1).slice(src, () -> sources.open(file), grid, job, new JobStatistics(Set.of()), new Slicer.Progress() {
                @Override
                public void patchWritten(Tile tile) {
                }

                @Override
                public boolean cancelled() {
                    return false;
                }
            }, job::isPublished);
        }
        assertEquals(java.util.List.of(new PatchName(last.row(), last.column())), job.list(job.pending()));
        assertEquals(img.region(last.patch()), PatchFile.read(job.pending().resolve(new PatchName(last.row(), last.column()).fileName())));
    }

    /**
     * Issue 23: when one slicing thread fails, the slicer returns only after the others have left the source, so
     * that the caller's close cannot free a native decoder another thread is inside (a TurboJPEG handle destroyed
     * under tjDecompress2 took the JVM down). Before, the first failure was thrown at once.
     */
    @org.junit.jupiter.api.RepeatedTest(8) // which thread fails first is the scheduler's choice; half the tries catch it
    void aFailingThreadIsReportedOnlyAfterEveryOtherThreadHasLeftTheSource() throws Exception {
        java.util.concurrent.CountDownLatch slowInside = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger calls = new AtomicInteger();
        ImageSource source = new ImageSource() {
            @Override
            public dev.lip.common.pixels.ImageInfo info() {
                return new dev.lip.common.pixels.ImageInfo(64, 64, 1, 8, "test");
            }

            @Override
            public boolean supportsRegions() {
                return true;
            }

            @Override
            public boolean concurrentRegions() {
                return true;
            }

            @Override
            public PixelRegion readRegion(dev.lip.common.geometry.Rect area) throws IOException {
                inside.incrementAndGet();
                try {
                    if (calls.incrementAndGet() == 1) {
                        slowInside.countDown();
                        Thread.sleep(500); // a long native decode on the other thread
                        return new PixelRegion(area, 1, 8);
                    }
                    slowInside.await();
                    throw new IOException("tile 0 is damaged");
                } catch (InterruptedException e) {
                    throw new IOException("interrupted inside the decoder");
                } finally {
                    inside.decrementAndGet();
                }
            }

            @Override
            public void streamRows(RowConsumer consumer) {
                throw new UnsupportedOperationException();
            }
        };
        JobDirectory job = new JobDirectory(dir, "job");
        job.createDirectories();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> new Slicer(2).slice(source,
                () -> source, new TileGrid(64, 64, 16, 0), job, new JobStatistics(Set.of()), new Slicer.Progress() {
                    @Override
                    public void patchWritten(Tile tile) {
                    }

                    @Override
                    public boolean cancelled() {
                        return false;
                    }
                }));
        assertEquals(0, inside.get(), "a thread was still reading when the failure was reported");
        assertEquals("tile 0 is damaged", e.getMessage());
    }

    /**
     * A streamed image's patches are written by another thread (PatchWriter): each is announced only once its file is
     * in pending/, and a write that fails (here pending/ is a file, not a directory) fails the slicing with its
     * IOException instead of leaving the decoding thread waiting for a writer that stopped.
     */
    @org.junit.jupiter.api.Test
    void aStreamedImagesPatchesAreAnnouncedWhenWrittenAndAFailedWriteFailsTheSlicing() throws IOException {
        SampleImage img = SampleImage.generate(300, 260, 3, 8, 7);
        Path file = dir.resolve("in.png");
        img.writePng(file);
        JobDirectory job = new JobDirectory(dir, "job");
        job.createDirectories();
        TileGrid grid = new TileGrid(img.width, img.height, 16, 3);
        ImageSources sources = new ImageSources(1_000_000);
        AtomicInteger announcedBeforeWritten = new AtomicInteger();
        AtomicInteger written = new AtomicInteger();
        Slicer.Progress progress = new Slicer.Progress() {
            @Override
            public void patchWritten(Tile tile) {
                written.incrementAndGet();
                if (!java.nio.file.Files.exists(job.pending().resolve(new PatchName(tile.row(), tile.column()).fileName()))) {
                    announcedBeforeWritten.incrementAndGet();
                }
            }

            @Override
            public boolean cancelled() {
                return false;
            }
        };
        try (ImageSource src = sources.open(file)) {
            org.junit.jupiter.api.Assertions.assertFalse(src.supportsRegions(), "a PNG is streamed");
            new Slicer(1).slice(src, () -> sources.open(file), grid, job, new JobStatistics(Set.of()), progress);
        }
        assertEquals(grid.tileCount(), written.get());
        assertEquals(0, announcedBeforeWritten.get());

        JobDirectory broken = new JobDirectory(dir, "broken");
        broken.createDirectories();
        java.nio.file.Files.delete(broken.pending());
        java.nio.file.Files.writeString(broken.pending(), "not a directory");
        written.set(0);
        try (ImageSource src = sources.open(file)) {
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> new Slicer(1).slice(src,
                    () -> sources.open(file), grid, broken, new JobStatistics(Set.of()), counting(written)));
        }
        assertEquals(0, written.get(), "no patch announced that was not written");
    }
}
