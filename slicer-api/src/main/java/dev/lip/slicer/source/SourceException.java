package dev.lip.slicer.source;

/** Why an image named by reference cannot be read; the message is the sentence the client sees (no credentials). */
public class SourceException extends RuntimeException {
    public enum Kind {
        /** No such object, bucket or file, or a malformed reference: the request is wrong. */
        INVALID,
        /** The service may not read it: credentials refused, or a file outside {@code lip.source-roots}. */
        FORBIDDEN,
        /** The object storage did not answer (unreachable endpoint, a connection cut mid-read). */
        UNREACHABLE
    }

    private final Kind kind;

    public SourceException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public SourceException(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
