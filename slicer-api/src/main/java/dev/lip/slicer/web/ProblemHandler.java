package dev.lip.slicer.web;

import dev.lip.slicer.job.JobException;
import dev.lip.slicer.upload.UploadInterruptedException;
import dev.lip.web.RefusedBodyDrainFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

import java.io.IOException;

/**
 * Every error leaves as {@code application/problem+json} with a sentence in {@code detail}; Spring MVC's own
 * errors (unknown path, wrong method, bad media type) through the base class, ours through {@link ApiException},
 * client mistakes Spring only knows as exceptions (a broken multipart body, an upload cut short) as 400, and
 * anything unexpected as a 500 that says no more than that: exception texts and file paths stay in the log.
 */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    /** The job service's refusals, in its own terms; here they become HTTP statuses. */
    @ExceptionHandler(JobException.class)
    public ResponseEntity<ProblemDetail> job(JobException e) {
        HttpStatus status = switch (e.kind()) {
            case INVALID -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case UPSTREAM -> HttpStatus.BAD_GATEWAY;
            case CONFLICT -> HttpStatus.CONFLICT;
            case TOO_LARGE -> HttpStatus.PAYLOAD_TOO_LARGE;
            case INSUFFICIENT_STORAGE -> HttpStatus.INSUFFICIENT_STORAGE;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
        return problem(status, e.getMessage());
    }

    @ExceptionHandler(MultipartException.class)
    public ResponseEntity<ProblemDetail> multipart(MultipartException e) {
        log.info("unreadable multipart upload: {}", e.toString());
        return problem(HttpStatus.BAD_REQUEST, "The multipart/form-data body cannot be read: it needs a boundary in its "
                + "Content-Type and must end with its closing boundary.");
    }

    @ExceptionHandler(UploadInterruptedException.class)
    public ResponseEntity<ProblemDetail> uploadInterrupted(UploadInterruptedException e, HttpServletRequest request) {
        log.info("upload interrupted: {}", e.toString());
        request.setAttribute(RefusedBodyDrainFilter.DO_NOT_DRAIN, true); // it was too slow already
        return problem(HttpStatus.BAD_REQUEST, e.getMessage());
    }

    @ExceptionHandler(IOException.class)
    public ResponseEntity<ProblemDetail> io(IOException e) {
        log.warn("I/O error while serving a request", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "The server could not read or write a file; its log has the details.");
    }

    @ExceptionHandler(RuntimeException.class)
    public ResponseEntity<ProblemDetail> unexpected(RuntimeException e) {
        log.error("unexpected error", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "An unexpected error occurred; the server log has the details.");
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        // the one boundary every refusal passes: no server paths or control characters leave, whoever wrote the text
        return ResponseEntity.status(status).body(ProblemDetail.forStatusAndDetail(status,
                dev.lip.common.protocol.SafeFiles.withoutPaths(detail)));
    }
}
