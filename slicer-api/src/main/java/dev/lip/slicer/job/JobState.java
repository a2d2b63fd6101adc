package dev.lip.slicer.job;

/**
 * Where a job is. Processing overlaps slicing: patches are processed as soon as they are written, so a SLICING job
 * may already have processed patches.
 */
public enum JobState {
    /** The upload is arriving. */
    RECEIVING,
    /** The image is being cut into patches; processors work on those already written. */
    SLICING,
    /** All patches are written; processors are working through them. */
    PROCESSING,
    /** All patches are processed; the result is stitched once the client asks for it. */
    PROCESSED,
    /** The result image is being written. */
    STITCHING,
    /** The result can be downloaded. */
    DONE,
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == DONE || this == FAILED || this == CANCELLED;
    }
}
