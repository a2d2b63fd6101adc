package dev.lip.slicer.web;

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
    private final TusUploads uploads;

    public UploadController(TusUploads uploads) {
        this.uploads = uploads;
    }

    @Operation(summary = "Create an upload", description = "Upload-Length says how many bytes will come; "
            + "Upload-Metadata may carry the file's name (filename, base64).",
            parameters = {@Parameter(name = "Tus-Resumable", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "string", example = "1.0.0")),
                    @Parameter(name = "Upload-Length", in = ParameterIn.HEADER, required = true, schema = @Schema(type = "integer"))},
            responses = {@ApiResponse(responseCode = "201", description = "Created; Location is the upload's URL."),
                    @ApiResponse(responseCode = "400", description = "Upload-Length missing or not a number."),
                    @ApiResponse(responseCode = "412", description = "No Tus-Resumable header, or another version."),
                    @ApiResponse(responseCode = "413", description = "Longer than lip.max-upload-size."),
                    @ApiResponse(responseCode = "507", description = "Too little disk space for it.")})
    @RequestMapping(path = TusUploads.PATH, method = RequestMethod.POST)
    public void create(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
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
