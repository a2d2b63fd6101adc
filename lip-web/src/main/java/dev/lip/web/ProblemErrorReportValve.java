package dev.lip.web;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Tomcat answers some requests itself before Spring sees them (a request line or headers too large, a path that is
 * not valid UTF-8 such as {@code %c0}, a malformed request); its default valve writes an HTML page. This one writes
 * the same problem+json as every other error of the API, with a sentence and nothing of the server's internals.
 */
public class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        try {
            response.setContentType(Problems.MEDIA_TYPE);
            response.setCharacterEncoding("UTF-8");
            byte[] body = Problems.json(status, sentence(status)).getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the response was committed meanwhile: nothing more to say
        }
    }

    static String sentence(int status) {
        return switch (status) {
            case 400 -> "The request is malformed: its path, query or headers cannot be read (invalid encoding or characters).";
            case 408 -> "The request took too long to arrive.";
            case 413 -> "The request is too large.";
            case 414 -> "The request's URL is too long.";
            case 431 -> "The request's headers are too large.";
            case 505 -> "This HTTP version is not supported.";
            default -> status >= 500 ? "The server could not answer this request; its log has the details."
                    : "The request was refused (HTTP " + status + ").";
        };
    }
}
