package dev.lip.algorithms;

import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PixelRegion;

import java.util.Set;

/**
 * Accumulates the {@link JobStatistic}s a job needs while the slicer sees the image, each pixel once (the core of
 * each patch). Safe to feed from several threads.
 */
public final class JobStatistics {
    private final Set<JobStatistic> wanted;
    private final long[] lumaHistogram = new long[256];

    public JobStatistics(Set<JobStatistic> wanted) {
        this.wanted = Set.copyOf(wanted);
    }

    public Set<JobStatistic> wanted() {
        return wanted;
    }

    /** Adds a histogram gathered elsewhere (by the decoder process that sliced the image). */
    public void addLumaHistogram(long[] counts) {
        if (counts.length != lumaHistogram.length) {
            throw new IllegalArgumentException("a luma histogram has 256 counts, not " + counts.length);
        }
        synchronized (lumaHistogram) {
            for (int i = 0; i < counts.length; i++) {
                lumaHistogram[i] += counts[i];
            }
        }
    }

    public boolean isEmpty() {
        return wanted.isEmpty();
    }

    /** Adds the pixels of {@code area} (image coordinates, inside the region). */
    public void add(PixelRegion region, Rect area) {
        if (wanted.contains(JobStatistic.LUMA_HISTOGRAM)) {
            long[] local = new long[256];
            int ox = area.x() - region.bounds().x();
            int oy = area.y() - region.bounds().y();
            for (int y = 0; y < area.height(); y++) {
                for (int x = 0; x < area.width(); x++) {
                    local[Luma.floorLuma8(region, ox + x, oy + y)]++;
                }
            }
            synchronized (lumaHistogram) {
                for (int i = 0; i < 256; i++) {
                    lumaHistogram[i] += local[i];
                }
            }
        }
    }

    public long[] lumaHistogram() {
        synchronized (lumaHistogram) {
            return lumaHistogram.clone();
        }
    }
}
