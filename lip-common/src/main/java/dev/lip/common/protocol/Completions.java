package dev.lip.common.protocol;

import dev.lip.common.geometry.TileGrid;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import java.util.BitSet;
import java.util.function.BooleanSupplier;

/**
 * Which of a job's patches have a published result: the one place that knows what a completion looks like on disk (a
 * file under {@code done/}, see {@link JobDirectory#publish}), shared by everyone who needs to know. slicer-api's
 * monitor {@link #refresh}es it by listing {@code done/} and reads the {@link #count}; the stitcher {@link #await}s
 * the patches each output tile needs and is woken as soon as a listing finds them. While it waits, the stitcher also
 * looks at the one file it needs (a stat, much cheaper than listing tens of thousands of names), so stitching follows
 * processing within milliseconds without listing the directory more often.
 *
 * <p>Results are never taken back while a job runs, so what is known done stays done.
 */
public final class Completions {
    private final JobDirectory job;
    private final int columns;
    private final int total;
    private final BitSet done;
    private int count;

    public Completions(JobDirectory job, TileGrid grid) {
        this.job = job;
        this.columns = grid.columns();
        this.total = grid.tileCount();
        this.done = new BitSet(total);
    }

    /**
     * Lists {@code done/} and records what is new; wakes those who wait. Names outside the job's grid are not results
     * of this job and are not counted.
     *
     * @return how many are done
     */
    public int refresh() {
        java.util.List<PatchName> listed = job.list(job.done());
        synchronized (this) {
            for (PatchName p : listed) {
                if (inGrid(p)) {
                    mark(p);
                }
            }
            notifyAll();
            return count;
        }
    }

    public synchronized int count() {
        return count;
    }

    /** Whether the patch's result is published: known already, or found now by looking at its one file. */
    public boolean isDone(PatchName patch) {
        synchronized (this) {
            if (done.get(index(patch))) {
                return true;
            }
        }
        // A link is found here and refused later by PatchFile, which reads results without following links.
        if (!Files.exists(job.done().resolve(patch.fileName()), LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        synchronized (this) {
            mark(patch);
        }
        return true;
    }

    /**
     * Waits until the patch's result is published.
     *
     * @param look how often to look at the patch's file meanwhile (a listing wakes the wait at once)
     * @param stop checked while waiting: true ends the wait
     * @return true when the result is there, false when {@code stop} said so first
     */
    public boolean await(PatchName patch, Duration look, BooleanSupplier stop) throws InterruptedException {
        long millis = Math.max(1, look.toMillis());
        while (!isDone(patch)) {
            if (stop.getAsBoolean()) {
                return false;
            }
            synchronized (this) {
                if (!done.get(index(patch))) {
                    wait(millis);
                }
            }
        }
        return true;
    }

    private void mark(PatchName p) {
        int i = index(p);
        if (!done.get(i)) {
            done.set(i);
            count++;
        }
    }

    private boolean inGrid(PatchName p) {
        return p.column() < columns && (long) p.row() * columns + p.column() < total;
    }

    private int index(PatchName p) {
        if (!inGrid(p)) {
            throw new IllegalArgumentException("patch " + p + " is outside the job's grid");
        }
        return p.row() * columns + p.column();
    }
}
