package dev.lip.slicer.upload;

import java.time.Duration;

/**
 * The slowest an upload may arrive: at least {@code bytesPerSecond} on average once {@code grace} has passed, so that
 * trickling bytes cannot hold a request thread for ever (a client that stops sending altogether gets Tomcat's read
 * timeout). One per request body.
 */
final class MinimumRate {
    private final long bytesPerSecond;
    private final Duration grace;
    private final long start = System.nanoTime();

    MinimumRate(long bytesPerSecond, Duration grace) {
        this.bytesPerSecond = bytesPerSecond;
        this.grace = grace;
    }

    /** @param total bytes of this body received so far */
    void check(long total) throws UploadInterruptedException {
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seconds > grace.toSeconds() && total < seconds * bytesPerSecond) {
            throw new UploadInterruptedException("The upload arrived at " + (long) (total / seconds)
                    + " bytes a second, below the " + bytesPerSecond + " this service requires "
                    + "(lip.min-upload-rate); it was cut off after " + total + " bytes.");
        }
    }
}
