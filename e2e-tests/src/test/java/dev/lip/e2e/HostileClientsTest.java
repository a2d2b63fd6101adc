package dev.lip.e2e;

import dev.lip.formats.testing.TestTiffs;
import com.fasterxml.jackson.databind.JsonNode;
import dev.lip.common.testing.CraftedFiles;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.lip.e2e.Http.assertProblem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An attacker's requests against services with a token and tight limits: each is refused with a sentence. */
class HostileClientsTest {
    private static final String TOKEN = "hostile-test-token";
    private static Trio trio;
    private static Http api;
    private static Http anonymous;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        trio = new Trio(false, "--lip.api-token=" + TOKEN, "--lip.max-concurrent-uploads=2",
                "--lip.min-upload-rate=100000", "--lip.upload-rate-grace=2s", "--lip.refused-body-drain-time=2s");
        trio.startProcessor("patch-processor", trio.processorPort, "--lip.threads=2", "--lip.api-token=" + TOKEN);
        trio.awaitHealthy(trio.processorPort, "patch-processor");
        api = new Http(trio.api(), TOKEN);
        anonymous = new Http(trio.api(), null);
    }

    @AfterAll
    static void stop() {
        trio.close();
    }

    @Test
    void theTokenCannotBeSkippedByWritingThePathDifferently() throws Exception {
        for (String path : List.of("/api;x=1/v1/jobs", "/%61pi/v1/jobs", "/api/v1/jobs;x=1", "/api/v1/%6Aobs",
                "/actuator/health/../../api/v1/jobs", "/actuator/health;x=1", "/api/v1/algorithms")) {
            assertProblem(anonymous.get(path), 401, "needs an API token");
        }
        // The same odd paths do reach the API with the token: the 401s above are the filter, not a 404.
        assertEquals(200, api.get("/api;x=1/v1/jobs").status());
        assertEquals(200, api.get("/%61pi/v1/jobs").status());
        byte[] png = Files.readAllBytes(png(40, 30));
        assertProblem(anonymous.send(anonymous.request("/api;x=1/v1/jobs").header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(png))), 401, "needs an API token");
        String id = api.upload("", png).json().path("id").asText();
        assertProblem(anonymous.send(anonymous.request("/%61pi/v1/jobs/" + id).DELETE()), 401, "needs an API token");
        assertProblem(anonymous.get("/api;/v1/jobs/" + id + "/result"), 401, "needs an API token");
        assertEquals(200, anonymous.get("/actuator/health").status());

        Http processor = new Http("http://localhost:" + trio.processorPort, null);
        assertProblem(processor.get("/api/v1/stats"), 401, "needs an API token");
        assertEquals(200, new Http("http://localhost:" + trio.processorPort, TOKEN).get("/api/v1/stats").status());
        assertEquals(200, processor.get("/actuator/health").status());
    }

    @Test
    void requestsTomcatRefusesItselfAreProblemJsonToo() throws Exception {
        assertProblem(api.get("/api/v1/jobs/%c0"), 400, "malformed");
        assertProblem(api.send(api.request("/api/v1/jobs").header("X-Big", "a".repeat(20000)).GET()), 400, "malformed");
        assertProblem(api.get("/api/v1/jobs?q=" + "a".repeat(20000)), 400, "malformed");
        for (String query : List.of("?%zz=1", "?algorithm=%")) { // java.net.URI refuses these; a socket does not
            String answer = raw("POST /api/v1/jobs" + query + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
            assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("application/problem+json")
                    && answer.contains("not valid URL encoding"), answer);
        }
        assertProblem(api.send(api.request("/api/v1/jobs").header("Content-Type", "multipart/form-data")
                .POST(HttpRequest.BodyPublishers.ofString("x"))), 400, "multipart");
        assertProblem(api.send(api.request("/api/v1/jobs").header("Content-Type", "multipart/form-data; boundary=XX")
                .POST(HttpRequest.BodyPublishers.ofString("--XX\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nabc"))),
                400, "multipart");
    }

    @Test
    void damagedPngsAreRefusedOrFailTheirJobAndNothingIsLeftReceiving() throws Exception {
        assertProblem(api.upload("", CraftedFiles.pngWithRows(90000, 90000, 0, 1)), 400, "cannot hold that many rows");
        assertProblem(api.upload("", CraftedFiles.png(300, 200, 2, 0x7fffffffL, new byte[16])), 400, "IHDR");

        JsonNode job = api.upload("?tileSize=64", CraftedFiles.pngWithRows(300, 200, 1, 9)).json();
        api.send(api.request("/api/v1/jobs/" + job.path("id").asText() + "/result").POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode failed = api.awaitState(job.path("id").asText(), s -> s.equals("FAILED") || s.equals("DONE"), 60);
        assertEquals("FAILED", failed.path("state").asText(), failed.toString());
        assertTrue(failed.path("error").asText().contains("ends at row 1 of 200"), failed.toString());

        for (JsonNode j : api.get("/api/v1/jobs").json()) {
            assertFalse(j.path("state").asText().equals("RECEIVING"), "a job left RECEIVING: " + j);
        }
        try (var dirs = Files.list(trio.tempDir)) {
            long jobDirs = dirs.filter(d -> !d.getFileName().toString().startsWith(".")).count();
            assertEquals(api.get("/api/v1/jobs").json().size(), jobDirs, "every job directory belongs to a job");
        }
    }

    @Test
    void aDamagedBigTiffIsRefusedWithoutNamingTheServersFiles() throws Exception {
        Path big = dir.resolve("big.tif");
        TestTiffs.writeBigTiff(SampleImage.generate(64, 64, 3, 8, 3), big, 32);
        byte[] whole = Files.readAllBytes(big);
        for (int cut : new int[]{whole.length / 2, whole.length - 20, 40}) {
            Http.Answer a = api.upload("", java.util.Arrays.copyOf(whole, cut));
            assertEquals(400, a.status(), new String(a.bytes()));
            assertProblem(a, 400, "TIFF");
            assertFalse(a.detail().contains(trio.tempDir.toString()) || a.detail().contains("upload.bin"), a.detail());
        }
    }

    @Test
    void aJobCancelledDuringItsUploadAnswersTheUploader409() throws Exception {
        try (Socket s = new Socket("localhost", trio.apiPort)) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 3000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[200_000]);
            out.flush();
            String id = null;
            long deadline = System.currentTimeMillis() + 10_000;
            while (id == null && System.currentTimeMillis() < deadline) {
                for (JsonNode j : api.get("/api/v1/jobs").json()) {
                    if (j.path("state").asText().equals("RECEIVING")) {
                        id = j.path("id").asText();
                    }
                }
            }
            assertTrue(id != null, "the upload shows as a RECEIVING job");
            assertEquals(200, api.send(api.request("/api/v1/jobs/" + id).DELETE()).status());
            String answer = trickleUntilAnswered(s);
            assertTrue(answer.startsWith("HTTP/1.1 409") && answer.contains("cancelled while its image was being uploaded"), answer);
            assertFalse(Files.exists(trio.tempDir.resolve(id)), "nothing is left of it");
        }
    }

    @Test
    void rangeRequestsPastTheEndGet416WithoutTheFileAndUnknownUnitsAreIgnored() throws Exception {
        Path in = png(50, 40);
        Path out = dir.resolve("r.tif");
        Trio.Run run = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "16", "--token", TOKEN);
        assertEquals(0, run.exitCode(), run.stderr());
        String id = run.stdout().replaceAll("(?s).*Job ([0-9a-f-]+):.*", "$1");
        long size = Files.size(out);

        Http.Answer past = api.send(api.request("/api/v1/jobs/" + id + "/result").header("Range", "bytes=" + (size + 10) + "-"));
        assertProblem(past, 416, size + " bytes");
        assertEquals("bytes */" + size, past.raw().headers().firstValue("Content-Range").orElse(""));
        assertTrue(past.bytes().length < 400, "a 416 carries a sentence, not the file");

        Http.Answer items = api.send(api.request("/api/v1/jobs/" + id + "/result").header("Range", "items=0-5"));
        assertEquals(200, items.status());
        assertEquals(size, items.bytes().length);

        Http.Answer part = api.send(api.request("/api/v1/jobs/" + id + "/result").header("Range", "bytes=0-7"));
        assertEquals(206, part.status());
        assertEquals(8, part.bytes().length);
        assertEquals("bytes 0-7/" + size, part.raw().headers().firstValue("Content-Range").orElse(""));
    }

    /**
     * Slow uploads hold a thread each for as long as they trickle. Two take the cap; a third is told to come back;
     * health still answers; the slow ones are cut off by the minimum rate; then uploads are accepted again.
     */
    @Test
    void slowUploadsCannotTakeTheServiceDown() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                Socket s = new Socket("localhost", trio.apiPort);
                s.getOutputStream().write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + TOKEN
                        + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nabc")
                        .getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            long deadline = System.currentTimeMillis() + 20_000;
            long receiving = 0;
            while (receiving < 2 && System.currentTimeMillis() < deadline) { // both slow uploads hold their permits
                receiving = java.util.stream.StreamSupport.stream(api.get("/api/v1/jobs").json().spliterator(), false)
                        .filter(j -> j.path("state").asText().equals("RECEIVING")).count();
                Thread.sleep(20);
            }
            assertEquals(2, receiving, "the two slow uploads are being received; slicer-api's log:\n" + trio.log("slicer-api"));
            Http.Answer busy = api.upload("", Files.readAllBytes(png(20, 20)));
            assertProblem(busy, 503, "lip.max-concurrent-uploads");
            assertTrue(busy.raw().headers().firstValue("Retry-After").isPresent(), "Retry-After");
            long t0 = System.nanoTime();
            assertEquals(200, anonymous.get("/actuator/health").status());
            assertEquals(200, api.get("/api/v1/jobs").status());
            assertTrue(System.nanoTime() - t0 < 2_000_000_000L, "health and status answer at once");

            for (Socket s : slow) {
                String answer = trickleUntilAnswered(s);
                assertTrue(answer.startsWith("HTTP/1.1 400") && answer.contains("lip.min-upload-rate"), answer);
                assertTrue(closedWithin(s, 3000), "the connection is closed, not drained at the client's pace");
            }
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        assertEquals(202, api.upload("", Files.readAllBytes(png(20, 20))).status(), "permits are given back");
    }

    /**
     * A refused body is read for a bounded time only (lip.refused-body-drain-time, 2 s here): a client that
     * trickles it after its refusal does not keep a request thread.
     */
    @Test
    void aRefusedBodyIsReadForABoundedTimeOnly() throws Exception {
        try (Socket s = new Socket("localhost", trio.apiPort)) {
            s.getOutputStream().write(("POST /api/v1/jobs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer wrong"
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\nabc")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = trickleUntilAnswered(s);
            assertTrue(answer.startsWith("HTTP/1.1 401"), answer);
            long t0 = System.nanoTime();
            assertTrue(closedWithin(s, 8000), "closed after the drain time");
            assertTrue(System.nanoTime() - t0 > 1_000_000_000L, "but the body was read for a while first");
        }
        // A client that sends its whole refused body quickly gets the answer (not a reset), without 100-continue.
        Http.Answer refused = anonymous.upload("", new byte[6_000_000]);
        assertProblem(refused, 401, "needs an API token");
    }

    /** Keeps trickling bytes; true once the server has closed the connection. */
    private static boolean closedWithin(Socket s, long millis) throws Exception {
        s.setSoTimeout(100);
        long deadline = System.currentTimeMillis() + millis;
        byte[] buf = new byte[4096];
        while (System.currentTimeMillis() < deadline) {
            try {
                s.getOutputStream().write('x');
                s.getOutputStream().flush();
                if (s.getInputStream().read(buf) < 0) {
                    return true;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open
            } catch (java.io.IOException e) {
                return true; // reset: closed
            }
        }
        return false;
    }

    /** One request written as raw bytes; the whole answer. */
    private static String raw(String request) throws Exception {
        try (Socket s = new Socket("localhost", trio.apiPort)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends a byte every 200 ms until the server answers; returns the answer's head. */
    private static String trickleUntilAnswered(Socket s) throws Exception {
        s.setSoTimeout(200);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[4096];
        long deadline = System.currentTimeMillis() + 20_000;
        StringBuilder answer = new StringBuilder();
        while (System.currentTimeMillis() < deadline) {
            try {
                out.write('x');
                out.flush();
            } catch (java.io.IOException closed) {
                // the server stopped reading: its answer is already on the way
            }
            try {
                int n = in.read(buf);
                if (n < 0) {
                    break;
                }
                answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                if (answer.indexOf("}") >= 0) {
                    break;
                }
            } catch (java.net.SocketTimeoutException e) {
                // nothing yet
            }
        }
        return answer.toString();
    }

    private Path png(int w, int h) throws Exception {
        Path f = dir.resolve("p" + w + "x" + h + ".png");
        SampleImage.generate(w, h, 3, 8, w).writePng(f);
        return f;
    }
}
