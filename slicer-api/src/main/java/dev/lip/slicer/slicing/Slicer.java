package dev.lip.slicer.slicing;

import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.formats.source.ImageSource;
import dev.lip.formats.source.UnreadableImageException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * Cuts an image into patches (core plus halo) and publishes each to {@code pending/} as soon as it is complete, so
 * processing starts while slicing goes on. Random-access sources are read patch by patch; the others are streamed
 * once, top to bottom, through a {@link BandAssembler}, their patches written by a {@link PatchWriter} while the
 * decoding goes on.
 */
public final class Slicer {

    /** Told after each patch that is in the work directory; also asked whether to stop (the job was cancelled). */
    public interface Progress {
        /** The patch is published: written now, or found there already (slicing resumed after a restart). */
        void patchWritten(Tile tile);

        boolean cancelled();
    }

    /** Opens another instance of the same source, for another thread (ImageIO readers are not thread-safe). */
    @FunctionalInterface
    public interface SourceOpener {
        ImageSource open() throws IOException;
    }

    /** Shown each patch the slicer reads, with the tile whose core it holds (the input's preview, say). */
    @FunctionalInterface
    public interface Cores {
        void add(PixelRegion patch, Tile tile) throws IOException;
    }

    /** Patches of a streamed image waiting for the writer thread: about a band of a 20000-pixel-wide RGB image. */
    private static final long WRITE_QUEUE_BYTES = 32L << 20;

    private final int threads;
    private Cores cores = (patch, tile) -> {
    };

    /**
     * @param threads threads reading patches from random-access sources that serve threads at once (tiled TIFF through
     *                our block reader); other sources use one
     */
    public Slicer(int threads) {
        this.threads = Math.max(1, threads);
    }

    /** Also hands every patch read to {@code cores}. */
    public Slicer withCores(Cores cores) {
        this.cores = cores;
        return this;
    }

    /**
     * @param more       opens further instances of the source for parallel region reads
     * @param statistics job-wide statistics to gather over every pixel (each core once), or an empty set
     */
    public void slice(ImageSource source, SourceOpener more, TileGrid grid, JobDirectory job, JobStatistics statistics,
                      Progress progress) throws IOException {
        slice(source, more, grid, job, statistics, progress, p -> false);
    }

    /**
     * Slices again after a restart: patches {@code published} says are in the work directory already (pending,
     * claimed, processed or failed) are not written again. Statistics still see every pixel, so a random-access
     * source skips reading a published patch only when no statistics are wanted; a streamed one decodes it anyway.
     * A patch published meanwhile by a race (moved back to pending by a reclaim) may be written twice: the bytes are
     * the same, and the protocol takes a second publication of a patch.
     */
    public void slice(ImageSource source, SourceOpener more, TileGrid grid, JobDirectory job, JobStatistics statistics,
                      Progress progress, Predicate<PatchName> published) throws IOException {
        ImageInfo info = source.info();
        if (source.supportsRegions()) {
            sliceRegions(source, more, grid, job, statistics, progress, published);
            return;
        }
        try (PatchWriter writer = new PatchWriter(job, progress, WRITE_QUEUE_BYTES)) {
            BandAssembler assembler = new BandAssembler(grid, info.bands(), info.sampleFormat(), (row, rows) -> {
                checkCancelled(progress::cancelled);
                for (int c = 0; c < grid.columns(); c++) {
                    Tile tile = grid.tile(row, c);
                    PatchName name = new PatchName(tile.row(), tile.column());
                    boolean there = published.test(name);
                    if (!there || !statistics.isEmpty()) {
                        PixelRegion patch = rows.crop(tile.patch());
                        statistics.add(patch, tile.core());
                        cores.add(patch, tile);
                        if (!there) {
                            writer.submit(name, patch, tile);
                            continue;
                        }
                    }
                    progress.patchWritten(tile);
                }
            });
            source.streamRows(assembler);
            writer.finish();
            if (!assembler.complete()) {
                throw new UnreadableImageException("The image ended before its last row (truncated?).");
            }
        }
    }

    /**
     * Reads patch by patch. With several threads each reads its own tiles, through the one source where it serves
     * threads at once, else through an instance of its own; patches are published in whatever order they complete,
     * which the protocol allows.
     */
    private void sliceRegions(ImageSource first, SourceOpener more, TileGrid grid, JobDirectory job,
                              JobStatistics statistics, Progress progress, Predicate<PatchName> published)
            throws IOException {
        // The fallback readers (the JDK's, AlgART) cannot share an instance, and a second one carries a full reader
        // and its caches: on a 50000² BigTIFF that crossed the 600 MB limit. They read on one thread.
        int n = Math.min(first.concurrentRegions() ? threads : 1, grid.tileCount());
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "slice-region");
            t.setDaemon(true);
            return t;
        });
        AtomicBoolean failed = new AtomicBoolean();
        try {
            for (int w = 0; w < n; w++) {
                // A source that serves threads at once (our TIFF block reader) is shared: one file handle, and a
                // decoder's buffers a thread, instead of one full reader and its caches a thread.
                boolean useFirst = w == 0 || first.concurrentRegions();
                workers.add(pool.submit(() -> {
                    ImageSource source = useFirst ? first : more.open();
                    try {
                        int i;
                        while (!failed.get() && (i = next.getAndIncrement()) < grid.tileCount()) {
                            checkCancelled(progress::cancelled);
                            Tile tile = grid.tile(i / grid.columns(), i % grid.columns());
                            PatchName name = new PatchName(tile.row(), tile.column());
                            boolean there = published.test(name);
                            if (!there || !statistics.isEmpty()) {
                                PixelRegion patch = source.readRegion(tile.patch());
                                statistics.add(patch, tile.core());
                                cores.add(patch, tile);
                                if (!there) {
                                    job.addPending(name, patch);
                                }
                            }
                            progress.patchWritten(tile);
                        }
                    } catch (Throwable e) {
                        failed.set(true); // the other workers stop after the patch they are reading
                        throw e;
                    } finally {
                        if (!useFirst) {
                            source.close();
                        }
                    }
                    return null;
                }));
            }
        } finally {
            // Every worker has finished before the caller may close the source: a worker still inside a native
            // decoder (TurboJPEG, libdeflate) while another's failure closed the source used a freed handle and took
            // the process down. No interrupt either: an interrupted positional read closes the shared FileChannel.
            pool.shutdown();
            awaitUninterruptibly(pool);
        }
        Throwable cause = null;
        for (Future<?> f : workers) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (cause == null || cause instanceof SlicingCancelledException) {
                    cause = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SlicingCancelledException();
            }
        }
        if (cause != null) {
            throw rethrown(cause);
        }
    }

    /** A worker's failure for the caller: thrown as it is where it may be, else wrapped in an IOException. */
    static IOException rethrown(Throwable cause) {
        if (cause instanceof IOException io) {
            return io;
        }
        if (cause instanceof RuntimeException re) {
            throw re;
        }
        if (cause instanceof Error err) {
            throw err;
        }
        return new IOException(cause);
    }

    /** Waits for the pool's workers to end, however long; an interrupt is kept for the caller, not obeyed. */
    static void awaitUninterruptibly(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
