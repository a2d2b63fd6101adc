package dev.lip.slicer.web;

import dev.lip.slicer.job.JobView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.Parameters;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.ResponseEntity;
import org.springframework.web.multipart.MultipartFile;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The jobs' REST API as its OpenAPI description tells it, kept apart from {@link JobController}'s code so that each
 * reads on its own. The job's settings are query parameters (read from the query string itself: see the controller),
 * listed here once for creation and for the check.
 */
@Tag(name = "jobs", description = "Submit an image, follow its job, download the result")
interface JobsApi {

    /** Methods whose operations take the job's query parameters ({@link ApiDescription#jobQuery}). */
    java.util.Set<String> TAKE_JOB_QUERY = java.util.Set.of("check", "createFromBody");

    @Operation(summary = "Check a job's parameters before sending its image",
            description = "Answers 200 when the parameters can work for some image, 400 with the reason otherwise "
                    + "(an unknown algorithm, parameter or value, a bad tile size, an onnx model no running processor "
                    + "has). What depends on the image itself (a band past its bands) is checked when it arrives.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "The parameters can work.",
                            content = @Content(mediaType = "application/json", schema = @Schema(example = "{\"valid\": true}"))),
                    @ApiResponse(responseCode = "400", description = "They cannot, and why.")})
    Map<String, Object> check(@Parameter(hidden = true) HttpServletRequest request);

    @Parameters({
            @Parameter(name = "upload", in = ParameterIn.QUERY, description = "A finished resumable (tus) upload's id, "
                    + "instead of a body: the job takes the upload.", schema = @Schema(type = "string")),
            @Parameter(name = "source", in = ParameterIn.QUERY, description = "The image where it lives, instead of a "
                    + "body: s3://bucket/key, or file:///path under lip.source-roots.", schema = @Schema(type = "string"))})
    @Operation(summary = "Submit an image and create its job",
            description = "The image is the request body (any content type but multipart), a finished resumable upload "
                    + "(upload=ID) or a reference (source=...). The header is read before the answer: an image that "
                    + "cannot be read exactly is refused here, with the reason.",
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false, description = "The image's bytes.",
                    content = @Content(mediaType = "application/octet-stream", schema = @Schema(type = "string", format = "binary"))),
            responses = {
                    @ApiResponse(responseCode = "202", description = "The job, slicing; Location is its URL.",
                            content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobView.class))),
                    @ApiResponse(responseCode = "400", description = "Bad parameters, an empty body, or an image that "
                            + "cannot be read exactly (a format, compression or layout not read here, damage)."),
                    @ApiResponse(responseCode = "403", description = "A source the service may not read (credentials "
                            + "refused, a file outside lip.source-roots)."),
                    @ApiResponse(responseCode = "404", description = "No such upload."),
                    @ApiResponse(responseCode = "409", description = "The upload is not finished."),
                    @ApiResponse(responseCode = "413", description = "The image is larger than lip.max-upload-size."),
                    @ApiResponse(responseCode = "502", description = "The object storage cannot be reached."),
                    @ApiResponse(responseCode = "507", description = "Too little disk space left for the job.")})
    ResponseEntity<JobView> createFromBody(@Parameter(hidden = true) HttpServletRequest request) throws IOException;

    @Operation(summary = "Submit an image as a multipart form",
            description = "The image in a part named image; the job's parameters as form fields or query parameters.",
            responses = {
                    @ApiResponse(responseCode = "202", description = "The job, slicing.",
                            content = @Content(mediaType = "application/json", schema = @Schema(implementation = JobView.class))),
                    @ApiResponse(responseCode = "400", description = "No part named image, bad parameters, or an image "
                            + "that cannot be read exactly."),
                    @ApiResponse(responseCode = "413", description = "The image is larger than lip.max-upload-size.")})
    ResponseEntity<JobView> createFromMultipart(@Parameter(description = "The image.") MultipartFile image,
                                                @Parameter(hidden = true) Map<String, String> parameters) throws IOException;

    @Operation(summary = "List the jobs", description = "Every job the service knows, oldest first.",
            responses = @ApiResponse(responseCode = "200", description = "The jobs."))
    List<JobView> list();

    @Operation(summary = "A job's status", description = "State, progress, stage timings, notes and errors.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "The job."),
                    @ApiResponse(responseCode = "400", description = "Not a job id."),
                    @ApiResponse(responseCode = "404", description = "No such job.")})
    JobView get(@Parameter(description = "The job's id.") String id);

    @Operation(summary = "Cancel a job, or delete a finished one with its result",
            responses = {
                    @ApiResponse(responseCode = "200", description = "The job, CANCELLED."),
                    @ApiResponse(responseCode = "400", description = "Not a job id."),
                    @ApiResponse(responseCode = "404", description = "No such job.")})
    JobView cancel(@Parameter(description = "The job's id.") String id);

    @Operation(summary = "Ask for the stitched result",
            description = "Accepted at any time before the job ends: the stitch starts as soon as the patches are "
                    + "claimable and follows processing. Idempotent.",
            responses = {
                    @ApiResponse(responseCode = "202", description = "The job; Location is the result's URL."),
                    @ApiResponse(responseCode = "400", description = "Not a job id."),
                    @ApiResponse(responseCode = "404", description = "No such job."),
                    @ApiResponse(responseCode = "409", description = "The job has failed or was cancelled.")})
    ResponseEntity<JobView> requestResult(@Parameter(description = "The job's id.") String id);

    @Operation(summary = "Download the result",
            description = "The result TIFF once the job is DONE; a Range header (bytes=) gets a part of it.",
            responses = {
                    @ApiResponse(responseCode = "200", description = "The result.",
                            content = @Content(mediaType = "image/tiff", schema = @Schema(type = "string", format = "binary"))),
                    @ApiResponse(responseCode = "206", description = "The range asked for.",
                            content = @Content(mediaType = "image/tiff", schema = @Schema(type = "string", format = "binary"))),
                    @ApiResponse(responseCode = "400", description = "Not a job id."),
                    @ApiResponse(responseCode = "404", description = "No such job."),
                    @ApiResponse(responseCode = "409", description = "The result is not ready, and why."),
                    @ApiResponse(responseCode = "416", description = "The range is outside the result.")})
    ResponseEntity<?> result(@Parameter(description = "The job's id.") String id,
                             @Parameter(description = "bytes=first-last, for a part of the file.") String range) throws IOException;
}
