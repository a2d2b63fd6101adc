package dev.lip.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The client's HTTP/1.1 requests to slicer-api, on the JDK's {@link HttpURLConnection}.
 *
 * <p>Why not {@code java.net.http.HttpClient}, which the client used before: building one sets up TLS even for
 * {@code http://} (about 190 ms on the project's machine kind), and its selector thread waits in native code, which
 * holds the JVM's exit for 300 ms (HotSpot waits that long for threads in native before it exits). A {@code lip
 * process} of a few seconds spent about 0.6 s on the two (docs/performance.md). HttpURLConnection cannot send PATCH;
 * tus lets a client send it as a POST with {@code X-HTTP-Method-Override}, which slicer-api takes as the PATCH it is.
 */
final class Http {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String token;

    Http(String token) {
        this.token = token;
    }

    /** The server could not be reached at all (refused, no route, unknown host, connect timeout). */
    static final class Unreachable extends IOException {
        Unreachable(IOException cause) {
            super(cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName(), cause);
        }
    }

    /** A response read whole: slicer-api's answers other than a result's bytes are small (JSON, problem details). */
    record Response(int status, Map<String, List<String>> headers, String body) {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

        /** The problem detail's sentence with the status ("... (HTTP 409)"), when the body is problem+json. */
        Optional<String> problem() {
            try {
                com.fasterxml.jackson.databind.JsonNode p = JSON.readTree(body == null ? "" : body);
                if (p != null && p.hasNonNull("detail")) {
                    return Optional.of(p.get("detail").asText() + " (HTTP " + status + ")");
                }
            } catch (IOException | RuntimeException notJson) {
                // no sentence: the caller says the status
            }
            return Optional.empty();
        }

        /** The header's first value; names are case-insensitive, as HTTP has them. */
        Optional<String> header(String name) {
            for (Map.Entry<String, List<String>> h : headers.entrySet()) {
                if (h.getKey() != null && h.getKey().equalsIgnoreCase(name) && !h.getValue().isEmpty()) {
                    return Optional.of(h.getValue().get(0));
                }
            }
            return Optional.empty();
        }
    }

    /** A response whose body is read by the caller (a result's download); closing it ends the exchange. */
    record Opened(int status, long length, InputStream body) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            body.close();
        }
    }

    /** @param timeout how long to wait for the answer; null: as long as it takes */
    Response send(String method, URI uri, Map<String, String> headers, Duration timeout) throws IOException {
        HttpURLConnection c = open(method, uri, headers, timeout);
        connect(c);
        if (c.getDoOutput()) {
            c.getOutputStream().close(); // the empty body
        }
        return read(c);
    }

    /** Sends {@code length} bytes of {@code body} as the request's body, streamed (never held in memory). */
    Response stream(String method, URI uri, Map<String, String> headers, long length, InputStream body) throws IOException {
        HttpURLConnection c = open(method, uri, headers, null);
        c.setDoOutput(true);
        c.setFixedLengthStreamingMode(length);
        connect(c);
        try (OutputStream out = c.getOutputStream()) {
            byte[] buffer = new byte[1 << 20]; // large writes: the socket takes a megabyte a call, not 8 KB
            int n;
            while ((n = body.read(buffer)) > 0) {
                out.write(buffer, 0, n);
            }
        } catch (IOException cut) {
            // the server may have answered before taking the whole body (a refusal): its sentence beats "broken pipe"
            try {
                Response r = read(c);
                if (r.status() >= 400) {
                    return r;
                }
            } catch (IOException noAnswer) {
                cut.addSuppressed(noAnswer);
            }
            throw cut;
        }
        return read(c);
    }

    /** A GET whose body the caller reads; an error's body is read here and given as the body. */
    Opened get(URI uri) throws IOException {
        HttpURLConnection c = open("GET", uri, Map.of(), null);
        connect(c);
        int status = c.getResponseCode();
        if (status >= 400) {
            InputStream err = c.getErrorStream();
            return new Opened(status, -1, err != null ? err : InputStream.nullInputStream());
        }
        return new Opened(status, c.getContentLengthLong(), c.getInputStream());
    }

    private HttpURLConnection open(String method, URI uri, Map<String, String> headers, Duration timeout)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setInstanceFollowRedirects(false);
        c.setUseCaches(false);
        c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        c.setReadTimeout(timeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        if (method.equals("PATCH")) {
            c.setRequestMethod("POST");
            c.setRequestProperty("X-HTTP-Method-Override", "PATCH");
        } else {
            c.setRequestMethod(method);
        }
        if (token != null) {
            c.setRequestProperty("Authorization", "Bearer " + token);
        }
        headers.forEach(c::setRequestProperty);
        if ((method.equals("POST") || method.equals("PATCH")) && !headers.containsKey("Content-Length")) {
            // a POST with no body still says so: some servers want the length of even an empty body
            c.setFixedLengthStreamingMode(0);
            c.setDoOutput(true);
        }
        return c;
    }

    private static void connect(HttpURLConnection c) throws IOException {
        try {
            c.connect();
        } catch (IOException e) {
            throw new Unreachable(e);
        }
    }

    private static Response read(HttpURLConnection c) throws IOException {
        int status = c.getResponseCode();
        InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
        String body = "";
        if (in != null) {
            try (in) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Response(status, c.getHeaderFields(), body);
    }
}
