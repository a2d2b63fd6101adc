package dev.lip.slicer.job;

/**
 * Why the job service refuses a request, in its own terms; the web layer turns the kind into an HTTP status
 * ({@code web.ProblemHandler}). The message is the sentence the client sees.
 */
public class JobException extends RuntimeException {
    /** What went wrong, from the caller's side. */
    public enum Kind {
        /** The request or the image is not acceptable as it is. */
        INVALID,
        NOT_FOUND,
        /** The job is not in a state that allows this. */
        CONFLICT,
        TOO_LARGE,
        /** The service may not read what the request names (credentials refused, a file outside the roots). */
        FORBIDDEN,
        /** A service the request depends on (object storage) did not answer. */
        UPSTREAM,
        /** Not enough disk for the job's patches. */
        INSUFFICIENT_STORAGE,
        /** Our fault: the service could not do what it should have. */
        INTERNAL
    }

    private final Kind kind;

    public JobException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public static JobException invalid(String message) {
        return new JobException(Kind.INVALID, message);
    }

    public static JobException notFound(String message) {
        return new JobException(Kind.NOT_FOUND, message);
    }

    public static JobException conflict(String message) {
        return new JobException(Kind.CONFLICT, message);
    }
}
