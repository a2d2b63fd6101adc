package dev.lip.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The second red-team round's findings at the HTTP boundary (issue 23, items 9 to 13), against a real slicer-api
 * without a token, as a developer runs it.
 */
class BoundaryTest {
    private static Trio trio;
    private static Http api;

    @BeforeAll
    static void start() throws Exception {
        trio = new Trio(false);
        api = new Http(trio.api(), null);
    }

    @AfterAll
    static void stop() {
        trio.close();
    }

    /** A request written by hand: Java's client will not send another Host. @return the status line and headers */
    private static String raw(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", trio.apiPort)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void withoutATokenOnlyLoopbackHostNamesAreServedAgainstDnsRebinding() throws Exception {
        String evil = raw("GET /api/v1/jobs HTTP/1.1\r\nHost: evil.example:" + trio.apiPort + "\r\nConnection: close\r\n\r\n");
        assertTrue(evil.startsWith("HTTP/1.1 403"), evil);
        assertTrue(evil.contains("application/problem+json") && evil.contains("lip.allowed-hosts"), evil);
        String local = raw("GET /api/v1/jobs HTTP/1.1\r\nHost: localhost:" + trio.apiPort + "\r\nConnection: close\r\n\r\n");
        assertTrue(local.startsWith("HTTP/1.1 200"), local);
        String health = raw("GET /actuator/health HTTP/1.1\r\nHost: 10.1.2.3:" + trio.apiPort + "\r\nConnection: close\r\n\r\n");
        assertTrue(health.startsWith("HTTP/1.1 200"), "probes address the pod by its IP: " + health);
    }

    @Test
    void aPageFromAnotherOriginCannotSubmitAJob() throws Exception {
        String query = "/api/v1/jobs?source=" + URLEncoder.encode("s3://bucket/key", StandardCharsets.UTF_8)
                + "&destination=" + URLEncoder.encode("s3://bucket/out", StandardCharsets.UTF_8);
        Http.Answer crossOrigin = api.send(api.request(query).header("Origin", "http://evil.example")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")));
        Http.assertProblem(crossOrigin, 403, "another origin");
        Http.Answer crossSite = api.send(api.request(query).header("Sec-Fetch-Site", "cross-site")
                .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("x")));
        Http.assertProblem(crossSite, 403, "another origin");
        // its own pages may (same origin), and so may programs that send no Origin
        Http.Answer own = api.send(api.request("/api/v1/jobs?source=s3://bucket/key").header("Origin", trio.api())
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertNotEquals(403, own.status(), new String(own.bytes()));
    }

    @Test
    void pagesAndAnswersCarryTheSecurityHeaders() throws Exception {
        for (String path : new String[]{"/", "/api/v1/jobs", "/api/v1/jobs/nope"}) {
            Http.Answer a = api.get(path);
            var h = a.raw().headers();
            assertTrue(h.firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), path);
            assertEquals("nosniff", h.firstValue("X-Content-Type-Options").orElse(""), path);
            assertEquals("DENY", h.firstValue("X-Frame-Options").orElse(""), path);
            assertEquals("no-referrer", h.firstValue("Referrer-Policy").orElse(""), path);
        }
    }

    @Test
    void referencesThatCouldEscapeOrOverwriteAreRefusedWithASentence() throws Exception {
        Http.Answer same = api.send(api.request("/api/v1/jobs?source=s3://bucket/a.tif&destination=s3://bucket/a.tif")
                .POST(HttpRequest.BodyPublishers.noBody()));
        Http.assertProblem(same, 400, "own source");
        Http.Answer dots = api.send(api.request("/api/v1/jobs?source=s3://bucket/in.tif&destination="
                + URLEncoder.encode("s3://bucket/../../x", StandardCharsets.UTF_8)).POST(HttpRequest.BodyPublishers.noBody()));
        Http.assertProblem(dots, 400, "'..' segment");
        Http.Answer nul = api.send(api.request("/api/v1/jobs?source=" + URLEncoder.encode("file:///data/a\u0000b.tif",
                StandardCharsets.UTF_8)).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(400, nul.status(), new String(nul.bytes()));
        assertFalse(nul.detail().contains("Nul character") || nul.detail().contains("\u0000"), nul.detail());
    }

    @Test
    void resumableUploadErrorsAreProblemJson() throws Exception {
        Http.Answer missing = api.send(api.request("/api/v1/uploads/" + java.util.UUID.randomUUID())
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("abc")));
        assertEquals(404, missing.status(), new String(missing.bytes()));
        assertTrue(missing.type().startsWith("application/problem+json"), missing.type() + " " + new String(missing.bytes()));
    }
}
