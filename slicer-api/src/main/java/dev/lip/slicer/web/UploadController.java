package dev.lip.slicer.web;

import dev.lip.slicer.upload.TusUploads;
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
 * upload becomes a job with {@code POST /api/v1/jobs?upload=ID} ({@link JobController}).
 */
@RestController
public class UploadController {
    private final TusUploads uploads;

    public UploadController(TusUploads uploads) {
        this.uploads = uploads;
    }

    @RequestMapping(path = {TusUploads.PATH, TusUploads.PATH + "/{id}"}, method = {RequestMethod.POST,
            RequestMethod.PATCH, RequestMethod.HEAD, RequestMethod.DELETE, RequestMethod.OPTIONS})
    public void tus(HttpServletRequest request, HttpServletResponse response) throws IOException {
        uploads.handle(request, response);
    }
}
