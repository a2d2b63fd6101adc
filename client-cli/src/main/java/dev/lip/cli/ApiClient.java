package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

/** The slicer-api REST API as Java calls; every failure becomes a {@link CliException} with a sentence. */
final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final Http http;
    private final String token;

    ApiClient(String base, String token) {
        base = base == null ? "" : base.trim();
        if (!base.matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
            throw new CliException(LipCli.USAGE, "--api is slicer-api's URL with its scheme, such as "
                    + "http://localhost:8080, not '" + base + "'.");
        }
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token == null || token.isBlank() ? null : token.trim();
        this.http = new Http(this.token);
    }

    /** The job's parameters as a query string (URL-encoded), as the job's creation and an upload's metadata take them. */
    static String queryString(Map<String, String> query) {
        return query.entrySet().stream()
                .map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
    }

    /** Creates a job from a finished resumable upload. */
    JsonNode createJob(String uploadId, Map<String, String> query) {
        String q = queryString(query);
        String upload = uploadId == null ? "" : "upload=" + enc(uploadId);
        String all = upload.isEmpty() ? q : q.isEmpty() ? upload : upload + "&" + q;
        // a job from an object in storage is created once the object is copied: allow the time that takes
        return json(send("POST", "/api/v1/jobs?" + all, Duration.ofHours(1)));
    }

    /**
     * Asks slicer-api whether a job with these parameters can work, before its image is sent: a mistake (an unknown
     * algorithm or parameter, a bad value) is then reported before the upload, not after it. A server without the
     * check (older) is not asked again.
     */
    void checkJob(Map<String, String> query) {
        String q = queryString(query);
        try {
            send("POST", "/api/v1/jobs/check" + (q.isEmpty() ? "" : "?" + q), Duration.ofSeconds(30));
        } catch (CliException e) {
            if (!e.getMessage().contains("(HTTP 404)") && !e.getMessage().contains("(HTTP 405)")) {
                throw e;
            }
        }
    }

    String base() {
        return base;
    }

    String token() {
        return token;
    }

    JsonNode job(String id) {
        return json(send("GET", "/api/v1/jobs/" + enc(id), null));
    }

    JsonNode jobs() {
        return json(send("GET", "/api/v1/jobs", null));
    }

    JsonNode algorithms() {
        return json(send("GET", "/api/v1/algorithms", null));
    }

    JsonNode requestResult(String id) {
        return json(send("POST", "/api/v1/jobs/" + enc(id) + "/result", null));
    }

    JsonNode cancel(String id) {
        return json(send("DELETE", "/api/v1/jobs/" + enc(id), null));
    }

    /** Downloads the result to {@code out} (through a temporary file beside it, so a failed download leaves nothing). */
    long download(String id, Path out, LongConsumer totalKnown, LongConsumer progress) {
        String path = "/api/v1/jobs/" + enc(id) + "/result";
        Path abs = out.toAbsolutePath();
        Path tmp = abs.resolveSibling("." + abs.getFileName() + ".part");
        try (Http.Opened resp = http.get(uri(path))) {
            if (resp.status() >= 400) {
                String body = new String(resp.body().readNBytes(64 * 1024), StandardCharsets.UTF_8);
                throw failed(new Http.Response(resp.status(), Map.of(), body), path);
            }
            totalKnown.accept(resp.length());
            Files.createDirectories(abs.getParent());
            long total = 0;
            try (OutputStream o = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = resp.body().read(buf)) > 0) {
                    o.write(buf, 0, n);
                    total += n;
                    progress.accept(n);
                }
            }
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            return total;
        } catch (Http.Unreachable e) {
            throw unreachable();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // nothing more to do
            }
            throw new CliException(LipCli.FAILED, "The download to " + out + " failed: " + e.getMessage());
        }
    }

    private Http.Response send(String method, String path, Duration timeout) {
        Http.Response resp;
        try {
            resp = http.send(method, uri(path), Map.of(), timeout);
        } catch (Http.Unreachable e) {
            throw unreachable();
        } catch (IOException e) {
            throw new CliException(LipCli.UNREACHABLE, "The connection to slicer-api at " + base + " failed: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        }
        if (resp.status() >= 400) {
            throw failed(resp, path);
        }
        return resp;
    }

    private CliException unreachable() {
        return new CliException(LipCli.UNREACHABLE, "Cannot reach slicer-api at " + base + ": is it running? (--api sets the address)");
    }

    private CliException failed(Http.Response resp, String path) {
        String problem = problem(resp);
        if (resp.status() == 404 && problem.startsWith("No static resource")) {
            // Spring's answer for a path it does not serve: the server is some other Spring service
            return new CliException(LipCli.USAGE, base + " is not slicer-api: it has no " + path.replaceAll("\\?.*", "")
                    + " (HTTP 404). Is that patch-processor? slicer-api listens on port 8080 and patch-processor "
                    + "on 8081 unless told otherwise; --api names slicer-api.");
        }
        return new CliException(LipCli.FAILED, problem);
    }

    /** The problem detail's sentence, or the status line when the body is not problem+json. */
    private static String problem(Http.Response resp) {
        String body = resp.body();
        return resp.problem().orElseGet(() -> "slicer-api answered HTTP " + resp.status()
                + (body != null && !body.isBlank() && body.length() < 300 ? ": " + body : "."));
    }

    private static JsonNode json(Http.Response resp) {
        try {
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new CliException(LipCli.FAILED, "slicer-api sent a response that is not JSON.");
        }
    }

    private URI uri(String path) {
        try {
            return URI.create(base + path);
        } catch (IllegalArgumentException e) {
            throw new CliException(LipCli.USAGE, "Not a valid API URL: " + base);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
