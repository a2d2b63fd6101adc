package dev.lip.slicer.upload;

/**
 * What becomes of resumable uploads, for the one who follows them: a job made when its upload was created (its
 * parameters in the upload's metadata) is taken in when the upload's last byte arrives, and fails when the upload
 * is deleted or expires first.
 */
public interface UploadEvents {
    /** The upload's last byte has arrived. */
    void finished(String uploadId);

    /** More of the upload has arrived (a PATCH ended), and it is not finished. */
    default void received(String uploadId) {
    }

    /** The upload was deleted by its client, before a job took it. */
    void deleted(String uploadId);

    /** Expired uploads were removed: any of the followed ones may be gone. */
    void swept();

    UploadEvents NONE = new UploadEvents() {
        public void finished(String uploadId) {
        }

        public void deleted(String uploadId) {
        }

        public void swept() {
        }
    };
}
