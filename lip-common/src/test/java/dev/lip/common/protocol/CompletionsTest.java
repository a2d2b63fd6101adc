package dev.lip.common.protocol;

import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompletionsTest {
    @TempDir
    Path work;

    final TileGrid grid = new TileGrid(64, 48, 16, 0); // 4 x 3 patches
    JobDirectory job;
    Completions completions;

    void setUp() throws Exception {
        job = new JobDirectory(work, "0a1b2c3d-0000-4000-8000-000000000001");
        job.createDirectories();
        completions = new Completions(job, grid);
    }

    void publish(int row, int column) throws Exception {
        PatchName p = new PatchName(row, column);
        Files.createFile(job.claimed().resolve(p.fileName()));
        job.publish(p, tmp -> PatchFile.write(tmp, new PixelRegion(grid.tile(row, column).core(), 1, 8)));
    }

    @Test
    void aListingCountsWhatIsPublishedOnceAndIgnoresNamesOutsideTheGrid() throws Exception {
        setUp();
        assertEquals(0, completions.refresh());
        publish(0, 0);
        publish(2, 3);
        Files.createFile(job.done().resolve(new PatchName(3, 0).fileName())); // below the grid
        Files.createFile(job.done().resolve(new PatchName(0, 4).fileName())); // right of it
        assertEquals(2, completions.refresh());
        assertEquals(2, completions.refresh(), "a result is counted once");
        assertTrue(completions.isDone(new PatchName(2, 3)));
        assertFalse(completions.isDone(new PatchName(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> completions.isDone(new PatchName(0, 4)));
    }

    @Test
    void aWaitEndsWhenTheResultIsPublishedOrWhenToldToStop() throws Exception {
        setUp();
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return completions.await(new PatchName(1, 2), Duration.ofMillis(10), () -> false);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "nothing published yet");
        publish(1, 2);
        assertTrue(waiting.get(5, TimeUnit.SECONDS));
        assertEquals(1, completions.count(), "what a waiter found is known to everyone");

        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<Boolean> stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return completions.await(new PatchName(0, 1), Duration.ofMillis(10), stop::get);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        stop.set(true);
        assertFalse(stopped.get(5, TimeUnit.SECONDS));
    }

    @Test
    void aListingWakesAWaiterAtOnce() throws Exception {
        setUp();
        CompletableFuture<Long> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                // looks at its file only once a minute: only the listing can end this wait in time
                completions.await(new PatchName(2, 0), Duration.ofMinutes(1), () -> false);
                return System.nanoTime();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(100);
        publish(2, 0);
        long listed = System.nanoTime();
        completions.refresh();
        long woke = waiting.get(10, TimeUnit.SECONDS);
        assertTrue(woke - listed < TimeUnit.SECONDS.toNanos(5), "woken by the listing");
    }

}
