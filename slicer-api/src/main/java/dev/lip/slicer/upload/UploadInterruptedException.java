package dev.lip.slicer.upload;

/** The client stopped sending its upload, or sent it too slowly, before the body was complete: its mistake, not ours. */
public class UploadInterruptedException extends RuntimeException {
    public UploadInterruptedException(String message) {
        super(message);
    }
}
