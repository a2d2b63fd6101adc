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

    /**
     * Every legal transition, in one place: forward through the stages; FAILED or CANCELLED from any state that
     * has not ended; STITCHING back to PROCESSED when a restarted service starts a stitch over; DONE to CANCELLED
     * when a finished job is deleted with its result. FAILED and CANCELLED are final.
     */
    public boolean canMoveTo(JobState next) {
        return switch (this) {
            case RECEIVING -> next == SLICING || next == FAILED || next == CANCELLED;
            case SLICING -> next == PROCESSING || next == FAILED || next == CANCELLED;
            case PROCESSING -> next == PROCESSED || next == FAILED || next == CANCELLED;
            case PROCESSED -> next == STITCHING || next == FAILED || next == CANCELLED;
            case STITCHING -> next == DONE || next == PROCESSED || next == FAILED || next == CANCELLED;
            case DONE -> next == CANCELLED;
            case FAILED, CANCELLED -> false;
        };
    }
}
