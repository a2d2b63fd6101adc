package dev.lip.slicer.upload;

import dev.lip.web.Problems;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** The library's refusals ({@code sendError}) as problem+json, like every other answer of this service. */
final class TusErrors extends jakarta.servlet.http.HttpServletResponseWrapper {
    TusErrors(HttpServletResponse response) {
        super(response);
    }

    @Override
    public void sendError(int status, String message) throws IOException {
        if (isCommitted()) {
            super.sendError(status, message);
            return;
        }
        Problems.write((HttpServletResponse) getResponse(), status, message == null || message.isBlank()
                ? "The resumable upload request was refused (HTTP " + status + ")." : sentence(message));
    }

    @Override
    public void sendError(int status) throws IOException {
        sendError(status, null);
    }

    private static String sentence(String m) {
        String s = m.trim();
        return s.endsWith(".") ? s : s + ".";
    }
}
