package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
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
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The REST API and the client against the real services: bad input gets a 4xx problem+json or a FAILED job with a
 * sentence, the services keep serving, and the result endpoint behaves (409 before, Range requests after).
 */
@ExtendWith(Trio.Started.class)
class ApiBehaviourTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @TempDir
    Path dir;

    record Answer(int status, String contentType, JsonNode body, HttpResponse<byte[]> raw) {
        String detail() {
            return body.path("detail").asText();
        }
    }

    private Answer send(HttpRequest.Builder req) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        String type = r.headers().firstValue("Content-Type").orElse("");
        JsonNode body = type.contains("json") ? JSON.readTree(r.body()) : JSON.missingNode();
        return new Answer(r.statusCode(), type, body, r);
    }

    private Answer upload(Trio trio, String query, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs" + query))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private Answer get(Trio trio, String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(trio.api() + path)).GET());
    }

    private static void assertProblem(Answer a, int status, String detailContains) {
        assertEquals(status, a.status(), () -> "status; body " + a.body());
        assertTrue(a.contentType().startsWith("application/problem+json"), a.contentType());
        assertTrue(a.detail().contains(detailContains), () -> "detail '" + a.detail() + "' should contain '" + detailContains + "'");
    }

    private JsonNode awaitState(Trio trio, String id, Predicate<String> done) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            JsonNode job = get(trio, "/api/v1/jobs/" + id).body();
            if (done.test(job.path("state").asText()) || System.currentTimeMillis() > deadline) {
                return job;
            }
            Thread.sleep(100);
        }
    }

    private byte[] png(int w, int h) throws IOException {
        Path f = dir.resolve("ok-" + w + "x" + h + ".png");
        SampleImage.generate(w, h, 3, 8, w).writePng(f);
        return Files.readAllBytes(f);
    }

    @Test
    void badUploadsAreRefusedWithASentence(Trio trio) throws Exception {
        assertProblem(upload(trio, "", new byte[0]), 400, "empty");
        assertProblem(upload(trio, "", "hello, I am a text file\n".getBytes()), 400, "not an image");
        assertProblem(upload(trio, "", "<!DOCTYPE html><html><body>hi</body></html>".getBytes()), 400, "not an image");
        byte[] ok = png(50, 40);
        assertProblem(upload(trio, "?tileSize=100", ok), 400, "multiple of 16");
        assertProblem(upload(trio, "?tileSize=0", ok), 400, "tileSize");
        assertProblem(upload(trio, "?tileSize=-16", ok), 400, "tileSize");
        assertProblem(upload(trio, "?tileSize=1000000000", ok), 400, "tileSize");
        assertProblem(upload(trio, "?tileSize=abc", ok), 400, "whole number");
        assertProblem(upload(trio, "?overlap=-1", ok), 400, "overlap");
        assertProblem(upload(trio, "?tileSize=64&overlap=65", ok), 400, "overlap");
        assertProblem(upload(trio, "?tileSize=64&overlap=64", ok), 400, "less than the tile size");
        assertProblem(upload(trio, "?overlap=1000000000", ok), 400, "overlap");
        assertProblem(upload(trio, "?algorithm=nope", ok), 400, "threshold");
        assertProblem(upload(trio, "?colour=blue", ok), 400, "Unknown parameter 'colour'");
        assertProblem(upload(trio, "?threshold=300", ok), 400, "threshold must be between 0 and 256");
        assertProblem(upload(trio, "?invert=perhaps", ok), 400, "invert");
        // nothing of the refused uploads is left in the work directory: every job directory there is an accepted job's
        java.util.Set<String> accepted = new java.util.HashSet<>();
        get(trio, "/api/v1/jobs").body().forEach(j -> accepted.add(j.path("id").asText()));
        try (var jobs = Files.list(trio.tempDir)) {
            List<String> strays = jobs.map(d -> d.getFileName().toString())
                    .filter(n -> !n.startsWith(".") && !accepted.contains(n)).toList();
            assertTrue(strays.isEmpty(), "left behind by refused uploads: " + strays);
        }
    }

    @Test
    void truncatedImagesAreRefusedOrFailTheirJobWithAReasonAndTheServiceGoesOn(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(400, 300, 3, 8, 77);
        Path png = dir.resolve("t.png");
        img.writePng(png);
        Path jpg = dir.resolve("t.jpg");
        img.writeJpeg(jpg, false, 0.9f);
        Path tif = dir.resolve("t.tif");
        img.writeTiff(tif, "Deflate", 0);
        // A PNG and a TIFF cut short show it in their structure (a chunk, a strip past the end): refused at once.
        // A JPEG shows it only when decoded: its job fails.
        for (Path f : new Path[]{png, tif}) {
            byte[] all = Files.readAllBytes(f);
            assertProblem(upload(trio, "?tileSize=64", Arrays.copyOf(all, all.length * 2 / 3)), 400, "truncated");
        }
        byte[] all = Files.readAllBytes(jpg);
        Answer a = upload(trio, "?tileSize=64", Arrays.copyOf(all, all.length * 2 / 3));
        assertEquals(202, a.status(), a.body().toString());
        JsonNode job = awaitState(trio, a.body().path("id").asText(), s -> s.equals("FAILED") || s.equals("PROCESSED"));
        assertEquals("FAILED", job.path("state").asText(), jpg + ": " + job);
        assertTrue(job.path("error").asText().contains("truncated or corrupt"), job.toString());
        assertFalse(job.path("error").asText().contains("Exception"), job.path("error").asText());
        // the services still serve: a good image goes all the way through
        Path good = dir.resolve("good.png");
        img.writePng(good);
        Path out = dir.resolve("good.tif");
        Trio.Run run = trio.client("process", good.toString(), "-o", out.toString(), "-q", "--tile-size", "64");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), 400, 300, out, "after bad inputs");
    }

    @Test
    void unknownAndMalformedJobIds(Trio trio) throws Exception {
        String id = UUID.randomUUID().toString();
        assertProblem(get(trio, "/api/v1/jobs/" + id), 404, id);
        assertProblem(get(trio, "/api/v1/jobs/" + id + "/result"), 404, id);
        assertProblem(send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id)).DELETE()), 404, id);
        assertProblem(send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id + "/result"))
                .POST(HttpRequest.BodyPublishers.noBody())), 404, id);
        Answer dots = get(trio, "/api/v1/jobs/..%2F..%2Fetc");
        assertTrue(dots.status() == 400 || dots.status() == 404, "status " + dots.status());
        assertTrue(dots.contentType().startsWith("application/problem+json"), dots.contentType());
        assertProblem(get(trio, "/api/v1/nothing-here"), 404, "");
    }

    @Test
    void resultIsAConflictUntilStitchedThenServedWithRangeSupport(Trio trio) throws Exception {
        Answer created = upload(trio, "?tileSize=32&overlap=4", png(130, 70));
        assertEquals(202, created.status(), created.body().toString());
        String id = created.body().path("id").asText();
        assertEquals("/api/v1/jobs/" + id, created.raw().headers().firstValue("Location").orElse(""));
        JsonNode job = created.body();
        assertEquals(130, job.path("image").path("width").asInt());
        assertEquals(3, job.path("image").path("bands").asInt());
        assertEquals(8, job.path("image").path("bitsPerSample").asInt());
        assertEquals(5, job.path("grid").path("columns").asInt());
        assertEquals(3, job.path("grid").path("rows").asInt());
        assertEquals(15, job.path("patches").path("total").asInt());

        job = awaitState(trio, id, s -> s.equals("PROCESSED"));
        assertEquals("PROCESSED", job.path("state").asText(), job.toString());
        assertEquals(15, job.path("patches").path("processed").asInt());
        assertProblem(get(trio, "/api/v1/jobs/" + id + "/result"), 409, "ask for it");

        for (int i = 0; i < 2; i++) { // idempotent
            Answer asked = send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id + "/result"))
                    .POST(HttpRequest.BodyPublishers.noBody()));
            assertEquals(202, asked.status());
        }
        job = awaitState(trio, id, s -> s.equals("DONE"));
        assertEquals("DONE", job.path("state").asText(), job.toString());
        assertTrue(job.path("stages").has("slicing") && job.path("stages").has("stitching"), job.toString());

        Answer whole = get(trio, "/api/v1/jobs/" + id + "/result");
        assertEquals(200, whole.status());
        assertEquals("image/tiff", whole.contentType());
        byte[] bytes = whole.raw().body();
        assertEquals(Long.toString(bytes.length), whole.raw().headers().firstValue("Content-Length").orElse(""));
        assertEquals(job.path("result").path("bytes").asLong(), bytes.length);
        assertArrayEquals(Files.readAllBytes(trio.resultDir.resolve(id + ".tif")), bytes);

        Answer range = send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id + "/result"))
                .header("Range", "bytes=0-3").GET());
        assertEquals(206, range.status());
        assertArrayEquals(new byte[]{'I', 'I', 42, 0}, range.raw().body());

        // the job's patches are gone from temp/, its record stays
        assertFalse(Files.exists(trio.tempDir.resolve(id).resolve("done")));
        assertTrue(Files.exists(trio.tempDir.resolve(id).resolve("status.json")));
        JsonNode list = get(trio, "/api/v1/jobs").body();
        assertTrue(list.findValuesAsText("id").contains(id));
    }

    @Test
    void multipartUploadWithAPartNamedImageWorks(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(97, 61, 1, 16, 5);
        Path f = dir.resolve("m.png");
        img.writePng(f);
        String boundary = "lip-" + UUID.randomUUID();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"m.png\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes());
        body.write(Files.readAllBytes(f));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes());
        Answer a = send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs?tileSize=32&threshold=20000"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        assertEquals(202, a.status(), a.body().toString());
        assertEquals("20000", a.body().path("parameters").path("threshold").asText());
        String id = a.body().path("id").asText();
        send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id + "/result")).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals("DONE", awaitState(trio, id, s -> s.equals("DONE") || s.equals("FAILED")).path("state").asText());
        Masks.assertMaskEquals(img.thresholdMask(20000, false), 97, 61, trio.resultDir.resolve(id + ".tif"), "multipart");

        String other = "lip-" + UUID.randomUUID();
        Answer noPart = send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs"))
                .header("Content-Type", "multipart/form-data; boundary=" + other)
                .POST(HttpRequest.BodyPublishers.ofString("--" + other + "\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--" + other + "--\r\n")));
        assertProblem(noPart, 400, "image");
    }

    @Test
    void cancelRemovesTheJobsFiles(Trio trio) throws Exception {
        Answer created = upload(trio, "?tileSize=16", png(300, 200));
        String id = created.body().path("id").asText();
        Answer cancelled = send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id)).DELETE());
        assertEquals(200, cancelled.status());
        assertEquals("CANCELLED", cancelled.body().path("state").asText());
        assertFalse(Files.exists(trio.tempDir.resolve(id)), "temp/<job> must be removed");
        Thread.sleep(500); // let a slicer or processor that was mid-patch notice
        assertFalse(Files.exists(trio.tempDir.resolve(id)), "nothing may recreate temp/<job> after a cancel");
        assertEquals("CANCELLED", get(trio, "/api/v1/jobs/" + id).body().path("state").asText());
        assertProblem(get(trio, "/api/v1/jobs/" + id + "/result"), 409, "cancelled");
    }

    @Test
    void clientFailuresAreOneSentenceAndANonZeroExit(Trio trio) throws Exception {
        Trio.Run missing = trio.client("process", dir.resolve("nope.png").toString(), "-o", dir.resolve("x.tif").toString());
        assertEquals(2, missing.exitCode());
        assertTrue(missing.stderr().contains("No such file"), missing.stderr());
        assertFalse(missing.stderr().contains("at dev.lip"), "no stack trace: " + missing.stderr());

        Path img = dir.resolve("i.png");
        Files.write(img, png(40, 40));
        Trio.Run unreachable = trio.client("process", img.toString(), "-o", dir.resolve("x.tif").toString(),
                "--api", "http://localhost:" + Trio.freePort());
        assertEquals(3, unreachable.exitCode());
        assertTrue(unreachable.stderr().contains("Cannot reach slicer-api"), unreachable.stderr());

        Path text = dir.resolve("notes.png");
        Files.writeString(text, "not really a png");
        Trio.Run refused = trio.client("process", text.toString(), "-o", dir.resolve("x.tif").toString(), "-q");
        assertEquals(1, refused.exitCode());
        assertTrue(refused.stderr().contains("not an image") && refused.stderr().contains("HTTP 400"), refused.stderr());

        Trio.Run unknown = trio.client("status", UUID.randomUUID().toString());
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.stderr().contains("There is no job"), unknown.stderr());

        Trio.Run algorithms = trio.client("algorithms");
        assertEquals(0, algorithms.exitCode());
        assertTrue(algorithms.stdout().contains("threshold") && algorithms.stdout().contains("invert"), algorithms.stdout());

        Trio.Run upload = trio.client("upload", img.toString(), "-q", "--tile-size", "16");
        assertEquals(0, upload.exitCode(), upload.stderr());
        String id = upload.stdout().trim();
        // the job exists from the upload's start (issue 27), and the client says where to follow it
        assertTrue(upload.stderr().contains("Job " + id + " receives i.png: its page is " + trio.api() + "/jobs/" + id),
                upload.stderr());
        Trio.Run watch = trio.client("status", id, "--watch", "-q");
        assertEquals(0, watch.exitCode(), watch.stderr());
        assertTrue(watch.stdout().contains(id), watch.stdout());
        Trio.Run result = trio.client("result", id, "-o", dir.resolve("r.tif").toString(), "-q");
        assertEquals(0, result.exitCode(), result.stderr());
        assertTrue(Files.size(dir.resolve("r.tif")) > 8);
        Trio.Run list = trio.client("list");
        assertTrue(list.stdout().contains(id), list.stdout());
        // issue 26: a header, and on each row the image's name, size, algorithm and age
        String[] lines = list.stdout().split("\n");
        assertTrue(lines[0].startsWith("JOB") && lines[0].contains("IMAGE") && lines[0].contains("AGE"), lines[0]);
        String row = java.util.Arrays.stream(lines).filter(l -> l.startsWith(id)).findFirst().orElseThrow();
        assertTrue(row.contains(img.getFileName().toString()) && row.contains("threshold") && row.matches(".*\\d+ (s|min)\\s*$"),
                row);
        Trio.Run cancel = trio.client("cancel", id);
        assertEquals(0, cancel.exitCode(), cancel.stderr());
        assertTrue(cancel.stdout().contains("CANCELLED"), cancel.stdout());
    }
}
