package dev.lip.slicer.web;

import dev.lip.slicer.job.JobService;
import dev.lip.slicer.job.Submission;
import dev.lip.slicer.upload.TusUploads;
import io.swagger.v3.oas.annotations.Hidden;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Resumable uploads, tus 1.0 (core, creation, termination, expiration): {@code POST /api/v1/uploads} with
 * {@code Upload-Length} creates one ({@code 201}, {@code Location}), {@code PATCH} appends at {@code Upload-Offset},
 * {@code HEAD} tells the offset, {@code DELETE} removes it, {@code OPTIONS} lists what the server supports. A finished
 * upload becomes a job with {@code POST /api/v1/jobs?upload=ID} ({@link JobController}). The tus library answers
 * every request; the methods here are one a request kind so that the API's description says what each does.
 */
@RestController
@Tag(name = "uploads", description = "Resumable uploads, the tus 1.0 protocol (https://tus.io/protocols/resumable-upload)")
public class UploadController {
    private static final String ID = TusUploads.PATH + "/{id}";
    /** The id of the job made with an upload whose metadata names the job's parameters. */
    public static final String JOB_HEADER = "Lip-Job";
    private final TusUploads uploads;
    private final JobService jobs;

    public UploadController(TusUploads uploads, JobService jobs) {
        this.uploads = uploads;
        this.jobs = jobs;
    }

    @Operation(summary = "Create an upload", description = "Upload-Length says how many bytes will come; "
            + "Upload-Metadata may carry the file's name (filename) and the job's parameters (job: a query string "
            + "as POST /api/v1/jobs takes, algorithm=otsu&tileSize=1024; both base64 as tus has it). With job, the "
            + "parameters are checked before the upload is created (a 400 with the reason, no upload), the job is "
            + "made at once (its id in the Lip-Job header, RECEIVING) and takes the image when its last byte arrives: "
            + "no POST /api/v1/jobs?upload= is needed.",
            parameters = {@Parameter(name = "Tus-Resumable", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "string", example = "1.0.0")),
                    @Parameter(name = "Upload-Length", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "integer"))},
            responses = {@ApiResponse(responseCode = "201", description = "Created; Location is the upload's URL, "
                    + "Lip-Job the id of the job made with it (when the metadata names the job's parameters)."),
                    @ApiResponse(responseCode = "400", description = "Upload-Length missing or not a number, or the "
                            + "job's parameters cannot work."),
                    @ApiResponse(responseCode = "412", description = "No Tus-Resumable header, or another version."),
                    @ApiResponse(responseCode = "413", description = "Longer than lip.max-upload-size."),
                    @ApiResponse(responseCode = "507", description = "Too little disk space for it.")})
    @RequestMapping(path = TusUploads.PATH, method = RequestMethod.POST)
    public void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, String> metadata = metadata(request.getHeader("Upload-Metadata"));
        String query = metadata.get("job");
        if (query == null) {
            uploads.handle(request, response);
            return;
        }
        // the job's parameters, checked before the upload exists: a mistake costs no byte
        Map<String, String> parameters = SubmissionParser.query(query);
        if (!parameters.containsKey("name") && metadata.containsKey("filename")) {
            parameters.put("name", metadata.get("filename"));
        }
        parameters.remove("upload");
        parameters.remove("source");
        Submission submission = SubmissionParser.parse(parameters);
        jobs.check(submission);
        String jobId = UUID.randomUUID().toString();
        response.setHeader(JOB_HEADER, jobId);
        uploads.handle(request, response);
        String location = response.getHeader("Location");
        if (response.getStatus() == HttpServletResponse.SC_CREATED && location != null) {
            jobs.createForUpload(submission, jobId, location.substring(location.lastIndexOf('/') + 1));
        }
    }

    /** tus' Upload-Metadata: comma-separated pairs of a key and its value in base64 (a key alone has no value). */
    static Map<String, String> metadata(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return out;
        }
        for (String pair : header.split(",")) {
            String[] kv = pair.trim().split(" ", 2);
            if (kv[0].isEmpty()) {
                continue;
            }
            try {
                out.put(kv[0], kv.length < 2 ? "" : new String(Base64.getDecoder().decode(kv[1].trim()),
                        StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("Upload-Metadata's " + kv[0] + " is not base64.");
            }
        }
        return out;
    }

    @Operation(summary = "Append bytes", description = "At Upload-Offset, which must be the upload's offset; "
            + "Content-Type: application/offset+octet-stream. The answer's Upload-Offset is the new offset.",
            parameters = {@Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The upload's id (from Location).", schema = @Schema(type = "string")),
                    @Parameter(name = "Tus-Resumable", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "string", example = "1.0.0")),
                    @Parameter(name = "Upload-Offset", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "integer"))},
            responses = {@ApiResponse(responseCode = "204", description = "Appended."),
                    @ApiResponse(responseCode = "400", description = "A header missing or malformed."),
                    @ApiResponse(responseCode = "404", description = "No such upload (or it expired)."),
                    @ApiResponse(responseCode = "409", description = "Upload-Offset is not the upload's offset."),
                    @ApiResponse(responseCode = "412", description = "No Tus-Resumable header, or another version."),
                    @ApiResponse(responseCode = "415", description = "Not application/offset+octet-stream.")})
    @RequestMapping(path = ID, method = RequestMethod.PATCH)
    public void append(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
    }

    @Operation(summary = "The upload's offset", description = "In the Upload-Offset header: where to go on.",
            parameters = {@Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The upload's id (from Location).", schema = @Schema(type = "string")),
                    @Parameter(name = "Tus-Resumable", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "string", example = "1.0.0"))},
            responses = {@ApiResponse(responseCode = "200", description = "Upload-Offset and Upload-Length."),
                    @ApiResponse(responseCode = "404", description = "No such upload (or it expired)."),
                    @ApiResponse(responseCode = "412", description = "No Tus-Resumable header, or another version.")})
    @RequestMapping(path = ID, method = RequestMethod.HEAD)
    public void offset(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
    }

    @Operation(summary = "Remove an upload",
            parameters = {@Parameter(name = "id", in = ParameterIn.PATH, required = true, description = "The upload's id (from Location).", schema = @Schema(type = "string")),
                    @Parameter(name = "Tus-Resumable", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "string", example = "1.0.0"))},
            responses = {@ApiResponse(responseCode = "204", description = "Removed."),
                    @ApiResponse(responseCode = "404", description = "No such upload (or it expired)."),
                    @ApiResponse(responseCode = "412", description = "No Tus-Resumable header, or another version.")})
    @RequestMapping(path = ID, method = RequestMethod.DELETE)
    public void remove(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
    }

    @Operation(summary = "What the server supports", description = "Tus-Version, Tus-Extension (creation, "
            + "termination, expiration) and Tus-Max-Size.",
            responses = @ApiResponse(responseCode = "204", description = "The headers."))
    @RequestMapping(path = TusUploads.PATH, method = RequestMethod.OPTIONS)
    public void options(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
    }

    /** The same for an upload's URL, and a PATCH sent as POST with X-HTTP-Method-Override (tus allows it). */
    @Hidden
    @RequestMapping(path = ID, method = {RequestMethod.OPTIONS, RequestMethod.POST})
    public void other(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
    }
}
