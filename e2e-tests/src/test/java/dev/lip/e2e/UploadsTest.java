package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Resumable uploads (tus 1.0) as a tus client speaks them, byte for byte over HTTP: creation, partial PATCHes, the
 * offset surviving a kill -9 of slicer-api, a job made from the finished upload, and the refusals a client can meet.
 */
class UploadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Trio> trios = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        trios.forEach(Trio::close);
    }

    private Trio trio(boolean processor, String... apiArgs) throws IOException {
        Trio t = new Trio(processor, apiArgs);
        trios.add(t);
        return t;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder tus(Trio t, String path) {
        return HttpRequest.newBuilder(URI.create(t.api() + path)).header("Tus-Resumable", "1.0.0");
    }

    private String create(Trio t, long length) throws Exception {
        HttpResponse<String> r = send(tus(t, "/api/v1/uploads").header("Upload-Length", Long.toString(length))
                .header("Upload-Metadata", "filename aW4ucG5n").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, r.statusCode(), r.body());
        String location = r.headers().firstValue("Location").orElseThrow();
        assertTrue(location.matches("/api/v1/uploads/[0-9a-f-]{36}"), location);
        return location;
    }

    private HttpResponse<String> patch(Trio t, String location, long offset, byte[] bytes) throws Exception {
        return send(tus(t, location).header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    private long offset(Trio t, String location) throws Exception {
        HttpResponse<String> r = send(tus(t, location).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertTrue(r.statusCode() == 200 || r.statusCode() == 204, "HEAD " + location + ": " + r.statusCode());
        return Long.parseLong(r.headers().firstValue("Upload-Offset").orElseThrow());
    }

    private int headStatus(Trio t, String location) throws Exception {
        return send(tus(t, location).method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode();
    }

    private HttpResponse<String> job(Trio t, String query) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs?" + query)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    @ExtendWith(Trio.Started.class)
    void optionsAdvertisesTheProtocolAndItsExtensions(Trio t) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/uploads"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(204, r.statusCode());
        assertEquals("1.0.0", r.headers().firstValue("Tus-Version").orElseThrow());
        List<String> extensions = Arrays.asList(r.headers().firstValue("Tus-Extension").orElseThrow().split(","));
        assertTrue(extensions.containsAll(List.of("creation", "termination", "expiration")), extensions.toString());
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private HttpResponse<String> createWithJob(Trio t, long length, String jobQuery) throws Exception {
        return send(tus(t, "/api/v1/uploads").header("Upload-Length", Long.toString(length))
                .header("Upload-Metadata", "filename " + b64("scan.png") + ",job " + b64(jobQuery))
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    private String state(Trio t, String job) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + job)).GET()).body())
                .path("state").asText();
    }

    /**
     * Issue 27 (the job at the upload's creation): the job's parameters ride in the upload's metadata, are checked
     * before the upload exists (a mistake is a 400, no upload), and the job exists from the start, waiting; it takes
     * the image as the last byte arrives (no POST /api/v1/jobs?upload=), through a restart of slicer-api between two
     * PATCHes, and fails saying so when its upload is deleted.
     */
    @Test
    void aJobMadeWithItsUploadTakesTheImageWhenTheLastByteArrives() throws Exception {
        Trio t = trio(true);
        SampleImage img = SampleImage.generate(300, 200, 3, 8, 17);
        Path in = dir.resolve("scan.png");
        img.writePng(in);
        byte[] bytes = Files.readAllBytes(in);

        HttpResponse<String> refused = createWithJob(t, bytes.length, "tileSize=64&threshold=abc");
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("threshold"), refused.body());
        assertTrue(refused.headers().firstValue("Location").isEmpty(), "no upload was created");

        HttpResponse<String> created = createWithJob(t, bytes.length, "tileSize=64&threshold=100");
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        String job = created.headers().firstValue("Lip-Job").orElseThrow();
        var view = JSON.readTree(send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + job)).GET()).body());
        assertEquals("RECEIVING", view.path("state").asText());
        assertEquals("scan.png", view.path("name").asText());
        assertEquals(location.substring(location.lastIndexOf('/') + 1), view.path("upload").asText());
        assertEquals(202, send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + job + "/result"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "the result may be asked for at once");

        int half = bytes.length / 2;
        assertEquals(204, patch(t, location, 0, Arrays.copyOf(bytes, half)).statusCode());
        t.killApi();
        t.startApi();
        assertEquals("RECEIVING", state(t, job), "a restart keeps the job waiting for its upload");
        assertEquals(204, patch(t, location, half, Arrays.copyOfRange(bytes, half, bytes.length)).statusCode());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> state(t, job).equals("DONE"));
        Path out = dir.resolve("made-with-upload.tif");
        Trio.Run result = t.client("result", job, "-o", out.toString(), "-q");
        assertEquals(0, result.exitCode(), result.stderr());
        Masks.assertMaskEquals(img.thresholdMask(100, false), img.width, img.height, out, "a job made with its upload");

        HttpResponse<String> another = createWithJob(t, bytes.length, "tileSize=64");
        String other = another.headers().firstValue("Lip-Job").orElseThrow();
        String otherUpload = another.headers().firstValue("Location").orElseThrow();
        assertEquals(204, send(tus(t, otherUpload).DELETE()).statusCode());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> state(t, other).equals("FAILED"));
        var failed = JSON.readTree(send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + other)).GET()).body());
        assertTrue(failed.path("error").asText().contains("deleted"), failed.toString());
    }

    /**
     * The upload's metadata is the client's to write: malformed, it is a 400 with a sentence and no upload; fuzzed
     * from two threads, creation answers 201, 400 or 413 and never a 5xx, and the service stays up.
     */
    @Test
    @ExtendWith(Trio.Started.class)
    void malformedUploadMetadataIsA400AndFuzzedCreationsNeverA5xx(Trio t) throws Exception {
        for (String metadata : new String[]{"job !!!not-base64", "job " + b64("tileSize=%zz"), "job " + b64("algorithm=nope"),
                "job " + b64("tileSize=1000"), "job " + b64("upload=x&source=file:///etc/passwd&tileSize=7")}) {
            HttpResponse<String> r = send(tus(t, "/api/v1/uploads").header("Upload-Length", "100")
                    .header("Upload-Metadata", metadata).POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(400, r.statusCode(), metadata + ": " + r.body());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), metadata);
            assertTrue(r.headers().firstValue("Location").isEmpty(), "no upload for " + metadata);
        }
        java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            List<java.util.concurrent.Future<String>> outcomes = new ArrayList<>();
            for (int thread = 0; thread < 2; thread++) {
                long seed = thread;
                outcomes.add(two.submit(() -> {
                    java.util.Random random = new java.util.Random(seed);
                    String alphabet = "job filename , =&%aZ9+/ \t\u00e9";
                    for (int i = 0; i < 60; i++) {
                        StringBuilder m = new StringBuilder(random.nextBoolean() ? "job " : "");
                        for (int k = random.nextInt(60); k > 0; k--) {
                            m.append(alphabet.charAt(random.nextInt(alphabet.length())));
                        }
                        if (random.nextBoolean()) {
                            m.append(",job ").append(b64("tileSize=" + (random.nextInt(200) - 20) + "&threshold="
                                    + random.nextInt(300) + (random.nextBoolean() ? "&x=%" : "")));
                        }
                        HttpResponse<String> r;
                        try {
                            r = send(tus(t, "/api/v1/uploads").header("Upload-Length", Integer.toString(random.nextInt(1000)))
                                    .header("Upload-Metadata", m.toString()).POST(HttpRequest.BodyPublishers.noBody()));
                        } catch (IllegalArgumentException e) {
                            continue; // a header the HTTP client itself will not send
                        }
                        if (r.statusCode() != 201 && r.statusCode() != 400 && r.statusCode() != 413) {
                            return m + " -> " + r.statusCode() + " " + r.body();
                        }
                    }
                    return null;
                }));
            }
            for (var f : outcomes) {
                assertEquals(null, f.get(), "a fuzzed creation");
            }
        } finally {
            two.shutdownNow();
        }
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(t.api() + "/actuator/health")).GET()).statusCode());
    }

    /**
     * Issue 26: the job's upload stage lasts as long as its resumable upload did (it said 0.0 s for a 1.4 s upload,
     * timing only the job's creation from the finished upload), and the job carries the name it is given.
     */
    @Test
    @ExtendWith(Trio.Started.class)
    void theUploadStageIsTheUploadsRealDuration(Trio t) throws Exception {
        SampleImage img = SampleImage.generate(200, 150, 3, 8, 6);
        Path in = dir.resolve("slow.png");
        img.writePng(in);
        byte[] bytes = Files.readAllBytes(in);
        String location = create(t, bytes.length);
        assertEquals(204, patch(t, location, 0, Arrays.copyOf(bytes, bytes.length / 2)).statusCode());
        Thread.sleep(1500); // a slow client: the rest comes 1.5 s later
        assertEquals(204, patch(t, location, bytes.length / 2, Arrays.copyOfRange(bytes, bytes.length / 2, bytes.length)).statusCode());
        HttpResponse<String> created = job(t, "upload=" + location.substring(location.lastIndexOf('/') + 1)
                + "&tileSize=64&name=" + java.net.URLEncoder.encode("scans/slow scan.png", java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(202, created.statusCode(), created.body());
        var job = JSON.readTree(created.body());
        assertEquals("slow scan.png", job.path("name").asText(), "the file's name, not its path");
        double seconds = job.path("stages").path("upload").path("seconds").asDouble();
        assertTrue(seconds >= 1.4 && seconds < 30, "upload stage: " + seconds + " s");
    }

    /**
     * A client that cannot send PATCH sends a POST with X-HTTP-Method-Override (tus allows it; lip does, and
     * tus-js-client with overridePatchMethod): it is the PATCH it says, so the job made with the upload takes the image
     * at its last byte (such a PATCH used to pass by the service's own checks: no job ever started).
     */
    @Test
    @ExtendWith(Trio.Started.class)
    void aPatchSentAsAPostWithMethodOverrideIsAPatch(Trio t) throws Exception {
        SampleImage img = SampleImage.generate(240, 180, 3, 8, 23);
        Path in = dir.resolve("override.png");
        img.writePng(in);
        byte[] bytes = Files.readAllBytes(in);
        HttpResponse<String> created = createWithJob(t, bytes.length, "tileSize=64&threshold=90");
        assertEquals(201, created.statusCode(), created.body());
        String location = created.headers().firstValue("Location").orElseThrow();
        String job = created.headers().firstValue("Lip-Job").orElseThrow();
        int half = bytes.length / 2;
        for (int[] part : new int[][]{{0, half}, {half, bytes.length}}) {
            HttpResponse<String> r = send(tus(t, location).header("X-HTTP-Method-Override", "PATCH")
                    .header("Upload-Offset", Integer.toString(part[0]))
                    .header("Content-Type", "application/offset+octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(bytes, part[0], part[1]))));
            assertEquals(204, r.statusCode(), r.body());
            assertEquals(Integer.toString(part[1]), r.headers().firstValue("Upload-Offset").orElseThrow());
        }
        // processed, waiting for someone to ask for the result (before the fix it stayed RECEIVING)
        await().atMost(Duration.ofSeconds(60)).until(() -> state(t, job).equals("PROCESSED"));
        Path out = dir.resolve("override.tif");
        Trio.Run result = t.client("result", job, "-o", out.toString(), "-q");
        assertEquals(0, result.exitCode(), result.stderr());
        Masks.assertMaskEquals(img.thresholdMask(90, false), img.width, img.height, out, "PATCH sent as a POST");
    }

    @Test
    void anUploadSurvivesAKillOfSlicerApiAndBecomesAJobWhenFinished() throws Exception {
        Trio t = trio(true);
        SampleImage img = SampleImage.generate(400, 300, 3, 8, 5);
        Path in = dir.resolve("in.png");
        img.writePng(in);
        byte[] bytes = Files.readAllBytes(in);
        int half = bytes.length / 2;
        String location = create(t, bytes.length);
        String id = location.substring(location.lastIndexOf('/') + 1);

        HttpResponse<String> first = patch(t, location, 0, Arrays.copyOf(bytes, half));
        assertEquals(204, first.statusCode(), first.body());
        assertEquals(Long.toString(half), first.headers().firstValue("Upload-Offset").orElseThrow());
        assertEquals(409, job(t, "upload=" + id).statusCode(), "a job needs the whole upload");

        t.killApi();
        t.startApi();
        assertEquals(half, offset(t, location), "the received bytes survive the restart");
        assertEquals(409, patch(t, location, half - 10, Arrays.copyOfRange(bytes, half - 10, bytes.length)).statusCode(),
                "a PATCH must start at the server's offset");
        assertEquals(204, patch(t, location, half, Arrays.copyOfRange(bytes, half, bytes.length)).statusCode());

        HttpResponse<String> refused = job(t, "upload=" + id + "&threshold=abc");
        assertEquals(400, refused.statusCode(), refused.body());
        assertEquals(bytes.length, offset(t, location), "a refused job leaves the upload for another try");
        HttpResponse<String> created = job(t, "upload=" + id + "&tileSize=64&threshold=100");
        assertEquals(202, created.statusCode(), created.body());
        String jobId = JSON.readTree(created.body()).path("id").asText();
        assertEquals(404, headStatus(t, location), "the job took the upload");
        assertEquals(404, job(t, "upload=" + id).statusCode(), "an upload makes one job");

        Path out = dir.resolve("out.tif");
        Trio.Run result = t.client("result", jobId, "-o", out.toString(), "-q");
        assertEquals(0, result.exitCode(), result.stderr());
        Masks.assertMaskEquals(img.thresholdMask(100, false), img.width, img.height, out, "job from a resumed upload");
    }

    @Test
    void refusalsNameWhatIsWrong() throws Exception {
        Trio t = trio(false, "--lip.max-upload-bytes=1000000");
        assertEquals(404, job(t, "upload=0a1b2c3d-0000-4000-8000-000000000000").statusCode());
        assertEquals(400, job(t, "upload=../../etc").statusCode());
        HttpResponse<String> tooLarge = send(tus(t, "/api/v1/uploads").header("Upload-Length", "2000000")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(413, tooLarge.statusCode(), "over lip.max-upload-bytes before a byte is sent");
        String location = create(t, 10);
        HttpResponse<String> both = send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs?upload="
                + location.substring(location.lastIndexOf('/') + 1))).POST(HttpRequest.BodyPublishers.ofString("image")));
        assertEquals(400, both.statusCode());
        assertTrue(both.body().contains("not both"), both.body());
        assertEquals(204, send(tus(t, location).DELETE()).statusCode());
        assertEquals(404, headStatus(t, location), "DELETE removes it");
    }

    @Test
    void uploadsNeedTheTokenLikeEveryOtherRequest() throws Exception {
        Trio t = trio(false, "--lip.api-token=s3cret-token-for-uploads");
        HttpRequest.Builder create = tus(t, "/api/v1/uploads").header("Upload-Length", "10")
                .POST(HttpRequest.BodyPublishers.noBody());
        assertEquals(401, send(create).statusCode(), "no token");
        HttpResponse<String> created = send(tus(t, "/api/v1/uploads").header("Upload-Length", "10")
                .header("Authorization", "Bearer s3cret-token-for-uploads").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, created.statusCode());
        String location = created.headers().firstValue("Location").orElseThrow();
        assertEquals(401, headStatus(t, location), "HEAD without the token");
        assertEquals(401, patch(t, location, 0, new byte[10]).statusCode(), "PATCH without the token");
        assertEquals(401, send(tus(t, location).DELETE()).statusCode(), "DELETE without the token");
        assertEquals(401, job(t, "upload=" + location.substring(location.lastIndexOf('/') + 1)).statusCode());
    }

    @Test
    void unfinishedUploadsExpire() throws Exception {
        Trio t = trio(false, "--lip.upload-expiry=2s");
        String location = create(t, 100);
        assertEquals(204, patch(t, location, 0, new byte[40]).statusCode());
        await("the unfinished upload is removed after lip.upload-expiry").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200)).until(() -> headStatus(t, location) == 404);
        try (var left = Files.list(t.resultDir.resolve(".uploads").resolve("uploads"))) {
            assertEquals(0, left.count(), "its bytes are gone too");
        }
    }
}
