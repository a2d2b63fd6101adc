package dev.lip.slicer.web;

import dev.lip.slicer.job.JobService;
import dev.lip.slicer.job.JobState;
import dev.lip.slicer.job.JobView;
import dev.lip.slicer.job.Submission;
import dev.lip.slicer.upload.UploadReceiver;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.InputStreamResource;
import org.springframework.http.HttpRange;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The REST API; thin: it parses and answers, {@link JobService} does the work. See README "REST API". */
@RestController
@RequestMapping("/api/v1/jobs")
public class JobController implements JobsApi {
    private final JobService jobs;
    private final UploadReceiver uploads;

    public JobController(JobService jobs, UploadReceiver uploads) {
        this.jobs = jobs;
        this.uploads = uploads;
    }

    /**
     * Checks a job's parameters before its image is sent (the query of a job's creation, without the image): 200
     * when they can work, a 400 problem with the reason otherwise. What depends on the image itself (a band past its
     * bands) is checked when it arrives.
     */
    @PostMapping("/check")
    public Map<String, Object> check(HttpServletRequest request) {
        Map<String, String> query = queryParameters(request);
        query.remove("upload");
        query.remove("source");
        jobs.check(SubmissionParser.parse(query));
        return Map.of("valid", true);
    }

    /**
     * Upload with the image as the raw body. Parameters are read from the query string only: asking the servlet
     * for parameters would make it parse a body sent as a form (curl's default type) and swallow the image.
     */
    @PostMapping(consumes = "!multipart/form-data")
    public ResponseEntity<JobView> createFromBody(HttpServletRequest request) throws IOException {
        Map<String, String> query = queryParameters(request);
        String uploadId = query.remove("upload");
        String source = query.remove("source");
        Submission submission = SubmissionParser.parse(query);
        boolean hasBody = request.getContentLengthLong() > 0 || request.getHeader("Transfer-Encoding") != null;
        if (source != null) {
            if (hasBody || uploadId != null) {
                throw ApiException.badRequest("Name the image either by reference (source=s3://... or file://...), "
                        + "or send it (the request body, upload=ID), not both.");
            }
            return accepted(jobs.createFromSource(submission, source));
        }
        if (uploadId != null) {
            if (hasBody) {
                throw ApiException.badRequest("Send the image either as the request body or as a finished resumable "
                        + "upload (upload=ID), not both.");
            }
            return accepted(jobs.createFromUpload(submission, uploadId.trim()));
        }
        uploads.checkDeclaredLength(request.getContentLengthLong());
        try (InputStream body = request.getInputStream()) {
            return accepted(jobs.create(submission, body));
        }
    }

    /** Upload as {@code multipart/form-data} with the image in a part named {@code image}. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public ResponseEntity<JobView> createFromMultipart(@RequestPart(name = "image", required = false) MultipartFile image,
                                                       @RequestParam Map<String, String> parameters) throws IOException {
        if (image == null) {
            throw ApiException.badRequest("The multipart request has no part named 'image'.");
        }
        Submission submission = SubmissionParser.parse(parameters);
        uploads.checkDeclaredLength(image.getSize());
        try (InputStream body = image.getInputStream()) {
            return accepted(jobs.create(submission, body));
        }
    }

    private static ResponseEntity<JobView> accepted(JobView job) {
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + job.id())).body(job);
    }

    private static Map<String, String> queryParameters(HttpServletRequest request) {
        return SubmissionParser.query(request.getQueryString());
    }

    @GetMapping
    public List<JobView> list() {
        return jobs.list();
    }

    @GetMapping("/{id}")
    public JobView get(@PathVariable String id) {
        return jobs.get(id);
    }

    @DeleteMapping("/{id}")
    public JobView cancel(@PathVariable String id) {
        return jobs.cancel(id);
    }

    /**
     * Asks for the stitched result. Accepted at any time before the job ends: if patches are still outstanding the
     * stitch starts as soon as the last one is processed. Idempotent.
     */
    @PostMapping("/{id}/result")
    public ResponseEntity<JobView> requestResult(@PathVariable String id) {
        JobView job = jobs.requestResult(id);
        return ResponseEntity.accepted().location(URI.create("/api/v1/jobs/" + id + "/result")).body(job);
    }

    /**
     * The stitched TIFF, with HTTP Range support done here rather than left to Spring: for a range past the end it
     * answered 416 and then sent the whole file anyway, and it answered 416 to a unit it does not know
     * ({@code items=0-5}), where RFC 9110 says to ignore the header and send the whole file.
     */
    @GetMapping("/{id}/result")
    public ResponseEntity<?> result(@PathVariable String id,
                                    @RequestHeader(value = HttpHeaders.RANGE, required = false) String range) throws IOException {
        JobView job = jobs.get(id);
        Path file = jobs.resultFile(id);
        if (job.state() != JobState.DONE || !Files.isRegularFile(file)) {
            String why = switch (job.state()) {
                case FAILED -> "the job failed: " + job.error();
                case CANCELLED -> "the job was cancelled.";
                case DONE -> "its file has been removed.";
                default -> "the job is " + job.state() + " (" + job.patches().processed() + " of "
                        + job.patches().total() + " patches processed"
                        + (job.resultRequested() ? "" : "; ask for it with POST /api/v1/jobs/" + id + "/result") + ").";
            };
            throw ApiException.conflict("The result is not ready: " + why);
        }
        long length = Files.size(file);
        ResponseEntity.BodyBuilder ok = ResponseEntity.ok()
                .contentType(TIFF)
                .header(HttpHeaders.ACCEPT_RANGES, "bytes")
                .header(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment().filename(id + ".tif").build().toString());
        FileSystemResource resource = new FileSystemResource(file);
        List<HttpRange> ranges = byteRanges(range);
        if (range == null) {
            return ok.body(resource);
        }
        if (ranges.size() != 1) {
            // A unit we do not know, a malformed header or several ranges: ignored (RFC 9110 allows it), the whole
            // file, as a plain stream so that Spring does not act on the header again.
            return ok.contentLength(length).body(new InputStreamResource(Files.newInputStream(file)));
        }
        HttpRange r = ranges.get(0);
        long start;
        long end;
        try {
            start = r.getRangeStart(length);
            end = r.getRangeEnd(length);
            if (start >= length || end < start) {
                throw new IllegalArgumentException("unsatisfiable");
            }
        } catch (IllegalArgumentException e) {
            ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
                    "The range '" + range + "' is outside the result, which has " + length + " bytes.");
            return ResponseEntity.status(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
                    .header(HttpHeaders.CONTENT_RANGE, "bytes */" + length)
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(p);
        }
        InputStream in = Files.newInputStream(file);
        in.skipNBytes(start);
        return ResponseEntity.status(HttpStatus.PARTIAL_CONTENT).contentType(TIFF)
                .header(HttpHeaders.CONTENT_RANGE, "bytes " + start + "-" + end + "/" + length)
                .contentLength(end - start + 1)
                .body(new InputStreamResource(new org.apache.commons.io.input.BoundedInputStream.Builder()
                        .setInputStream(in).setMaxCount(end - start + 1).get()));
    }

    private static final MediaType TIFF = MediaType.parseMediaType("image/tiff");

    /** The byte ranges of a Range header; empty for another unit or a malformed header, which are ignored. */
    private static List<HttpRange> byteRanges(String header) {
        if (header == null || !header.trim().toLowerCase(java.util.Locale.ROOT).startsWith("bytes=")) {
            return List.of();
        }
        try {
            return HttpRange.parseRanges(header);
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }
}
