package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes the patches of a streamed image on a thread of its own, so the decoding thread goes on to the next band
 * of rows while the last band's patches are written: a band of a 20000-pixel-wide image is forty patches, 30 MB of
 * file writes, renames and inode allocations (a quarter of the decoder's CPU), which otherwise paused the decoding.
 * Patches wait for the writer up to {@code maxQueuedBytes} (at least one patch at a time), so memory stays bounded
 * whatever the decoder's speed. Each patch is announced to {@link Slicer.Progress} once it is in the work directory,
 * as before; a write that fails is thrown at the decoding thread by the next {@link #submit} or by {@link #finish}.
 */
final class PatchWriter implements AutoCloseable {
    private final JobDirectory job;
    private final Slicer.Progress progress;
    private final int maxQueuedKb;
    private final Semaphore queuedKb;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "patch-writer");
        t.setDaemon(true);
        return t;
    });

    PatchWriter(JobDirectory job, Slicer.Progress progress, long maxQueuedBytes) {
        this.job = job;
        this.progress = progress;
        this.maxQueuedKb = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxQueuedBytes / 1024));
        this.queuedKb = new Semaphore(maxQueuedKb);
    }

    /** Queues the patch for writing; waits while the queue is full. */
    void submit(PatchName name, PixelRegion patch, Tile tile) throws IOException {
        rethrow();
        // a patch larger than the whole allowance takes all of it: alone in the queue
        int kb = (int) Math.min(maxQueuedKb, Math.max(1, patch.data().length / 1024));
        queuedKb.acquireUninterruptibly(kb);
        try {
            writer.execute(() -> {
                try {
                    if (failure.get() == null) {
                        job.addPending(name, patch);
                        progress.patchWritten(tile);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    queuedKb.release(kb);
                }
            });
        } catch (RuntimeException e) {
            queuedKb.release(kb);
            throw e;
        }
    }

    /** Waits until every queued patch is written; throws the first failure. */
    void finish() throws IOException {
        close();
        rethrow();
    }

    /** Stops taking patches and waits for those queued (none is left half-written behind a returning slicer). */
    @Override
    public void close() {
        writer.shutdown();
        Slicer.awaitUninterruptibly(writer);
    }

    private void rethrow() throws IOException {
        Throwable e = failure.get();
        if (e != null) {
            throw Slicer.rethrown(e);
        }
    }
}
