package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A small HTTP client for tests that speak to the services directly, with an optional API token. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String base;
    private final String token;

    Http(String base, String token) {
        this.base = base;
        this.token = token;
    }

    record Answer(int status, String type, byte[] bytes, HttpResponse<byte[]> raw) {
        JsonNode json() {
            try {
                return bytes.length == 0 ? JSON.missingNode() : JSON.readTree(bytes);
            } catch (IOException e) {
                return JSON.missingNode();
            }
        }

        String detail() {
            return json().path("detail").asText();
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    Answer send(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(), r);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    Answer upload(String query, byte[] body) throws IOException, InterruptedException {
        return send(request("/api/v1/jobs" + query).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** Polls a job until {@code done} accepts its state, for at most {@code seconds}. */
    JsonNode awaitState(String id, Predicate<String> done, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (true) {
            JsonNode job = get("/api/v1/jobs/" + id).json();
            if (done.test(job.path("state").asText())) {
                return job;
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + id + " did not reach the state in " + seconds + " s: " + job);
            }
            Thread.sleep(20);
        }
    }

    static void assertProblem(Answer a, int status, String detailContains) {
        assertEquals(status, a.status(), () -> "status; body " + new String(a.bytes()));
        assertTrue(a.type().startsWith("application/problem+json"), a.type());
        assertTrue(a.detail().contains(detailContains), () -> "detail '" + a.detail() + "' should contain '" + detailContains + "'");
        assertFalse(a.detail().contains("/tmp/") || a.detail().contains("Exception"), () -> "detail leaks: " + a.detail());
    }
}
