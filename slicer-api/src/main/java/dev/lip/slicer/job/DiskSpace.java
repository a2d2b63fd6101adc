package dev.lip.slicer.job;

import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free space under the work directory, and what accepted jobs will still write there. A job's patches are written
 * while it slices, long after it was accepted, so checking the free space alone let three concurrent uploads that
 * each needed a third more than half the disk all through. Each accepted job reserves its estimate until it has
 * finished slicing (its patches are then on disk and counted by the file system itself).
 */
final class DiskSpace {
    private final Path workDir;
    private final long keepFree;
    private final Map<String, Long> reserved = new ConcurrentHashMap<>();

    DiskSpace(Path workDir, long keepFree) {
        this.workDir = workDir;
        this.keepFree = keepFree;
    }

    /** Patch and result bytes a job writes under the work directory: patches with their halos, then results. */
    static long estimate(ImageInfo info, TileGrid grid, boolean blends) {
        double halo = (double) (grid.tileSize() + 2L * grid.overlap()) / grid.tileSize();
        double patchPixels = info.pixels() * Math.min(halo * halo, 9.0);
        long patchBytes = (long) (patchPixels * info.bands() * (info.bitsPerSample() / 8));
        // Results are 8-bit cores, or float predictions over whole patches (one channel counted) for blending algorithms.
        return patchBytes + (blends ? (long) (patchPixels * 4) : info.pixels());
    }

    /**
     * Reserves {@code bytes} for a job if they fit beside what other accepted jobs reserved.
     *
     * @return empty when reserved; otherwise the MiB that were available
     */
    synchronized OptionalLong reserve(String jobId, long bytes) throws IOException {
        long available = Files.getFileStore(workDir).getUsableSpace() - keepFree
                - reserved.values().stream().mapToLong(Long::longValue).sum();
        if (bytes > available) {
            return OptionalLong.of(Math.max(0, available >> 20));
        }
        reserved.put(jobId, bytes);
        return OptionalLong.empty();
    }

    /** The job has finished slicing, failed or was cancelled. Idempotent. */
    void release(String jobId) {
        reserved.remove(jobId);
    }

    long reservedBytes() {
        return reserved.values().stream().mapToLong(Long::longValue).sum();
    }
}
