package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nothing already done is lost: processors killed with kill -9, slicer-api killed and restarted, poison patches,
 * several processors sharing the work. Each test runs its own services as real processes.
 */
class RobustnessTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Trio> trios = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        trios.forEach(Trio::close);
    }

    private Trio trio(boolean withProcessor, String... apiArgs) throws IOException {
        Trio t = new Trio(withProcessor, apiArgs);
        trios.add(t);
        return t;
    }

    private JsonNode get(String url) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode awaitJob(Trio t, String id, Predicate<JsonNode> done, int seconds) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        JsonNode job = get(t.api() + "/api/v1/jobs/" + id);
        while (!done.test(job) && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            job = get(t.api() + "/api/v1/jobs/" + id);
        }
        return job;
    }

    private static Predicate<JsonNode> state(String... states) {
        return j -> List.of(states).contains(j.path("state").asText());
    }

    private String upload(Trio t, Path image, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("upload", image.toString(), "-q"));
        args.addAll(List.of(options));
        Trio.Run run = t.client(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), run.stderr());
        return run.stdout().trim();
    }

    private static long count(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".patch")).count();
        }
    }

    private void download(Trio t, String id, Path out) throws Exception {
        Trio.Run run = t.client("result", id, "-o", out.toString(), "-q");
        assertEquals(0, run.exitCode(), run.stderr() + "\n" + t.log("slicer-api"));
    }

    @Test
    void poisonPatchIsRetriedThenFailsItsJobNamingThePatchWhileOtherJobsFinish() throws Exception {
        Trio t = trio(false);
        SampleImage img = SampleImage.generate(100, 70, 3, 8, 1);
        Path in = dir.resolve("p.png");
        img.writePng(in);
        String poisoned = upload(t, in, "--tile-size", "32");
        JsonNode job = awaitJob(t, poisoned, state("PROCESSING"), 30);
        assertEquals("PROCESSING", job.path("state").asText(), job.toString());
        Path patch = t.tempDir.resolve(poisoned).resolve("pending").resolve("r1-c2.patch");
        byte[] bytes = Files.readAllBytes(patch);
        Files.write(patch, java.util.Arrays.copyOf(bytes, bytes.length - 7)); // a corrupt patch: it ends early

        Process processor = t.startProcessor("processor", 0, "--lip.threads=2", "--lip.max-attempts=3");
        job = awaitJob(t, poisoned, state("FAILED", "PROCESSED"), 60);
        assertEquals("FAILED", job.path("state").asText(), job.toString());
        assertTrue(job.path("error").asText().contains("r1-c2"), job.path("error").asText());
        assertTrue(job.path("error").asText().contains("failed 3 times"), job.path("error").asText());
        assertTrue(Files.exists(t.tempDir.resolve(poisoned).resolve("failed").resolve("r1-c2.patch.error")));

        String good = upload(t, in, "--tile-size", "32", "--stitch");
        assertEquals("DONE", awaitJob(t, good, state("DONE", "FAILED"), 60).path("state").asText());
        Path out = dir.resolve("good.tif");
        download(t, good, out);
        Masks.assertMaskEquals(img.thresholdMask(128, false), 100, 70, out, "the job after the poisoned one");
        assertTrue(processor.isAlive(), "the processor survives a poison patch");
    }

    @Test
    void aKilledProcessorsClaimsAreTakenBackAndAnotherFinishesTheJobExactly() throws Exception {
        Trio t = trio(false, "--lip.lease-timeout=3s");
        SampleImage img = SampleImage.generate(1200, 900, 3, 8, 2);
        Path in = dir.resolve("k.png");
        img.writePng(in);
        String id = upload(t, in, "--tile-size", "16", "--overlap", "4", "--stitch"); // 4275 small patches
        Path job = t.tempDir.resolve(id);
        Process first = t.startProcessor("first", 0, "--lip.threads=8", "--lip.lease-timeout=3s");
        // kill -9 while it holds claims
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> count(job.resolve("done")) >= 200 && count(job.resolve("claimed")) > 0);
        Trio.kill(first);
        long orphans = count(job.resolve("claimed"));
        long doneAtKill = count(job.resolve("done"));
        assertTrue(doneAtKill > 0 && doneAtKill < 4275, "killed mid-job: " + doneAtKill + " done");
        if (orphans > 0) {
            // nobody renews them now: slicer-api must queue them again once the 3 s lease runs out
            await("expired claims return to pending/").atMost(Duration.ofSeconds(20))
                    .until(() -> count(job.resolve("claimed")) == 0);
            // the log line follows the renames by a moment
            await("slicer-api says it took claims back").atMost(Duration.ofSeconds(5))
                    .until(() -> t.log("slicer-api").contains("claims expired"));
        }
        t.startProcessor("second", 0, "--lip.threads=2", "--lip.lease-timeout=3s");
        assertEquals("DONE", awaitJob(t, id, state("DONE", "FAILED"), 120).path("state").asText());
        Path out = dir.resolve("k.tif");
        download(t, id, out);
        Masks.assertMaskEquals(img.thresholdMask(128, false), 1200, 900, out, "after a processor was killed (" + orphans + " orphaned claims)");
    }

    @Test
    void slicerApiKilledMidProcessingPicksTheJobUpAfterARestart() throws Exception {
        Trio t = trio(false);
        SampleImage img = SampleImage.generate(1200, 900, 3, 8, 3);
        Path in = dir.resolve("r.png");
        img.writePng(in);
        String id = upload(t, in, "--tile-size", "16");
        assertEquals("PROCESSING", awaitJob(t, id, state("PROCESSING"), 60).path("state").asText());
        t.startProcessor("processor", 0, "--lip.threads=1");
        Path job = t.tempDir.resolve(id);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> count(job.resolve("done")) >= 100);
        t.killApi();
        assertTrue(count(job.resolve("pending")) > 0, "killed while patches were outstanding");
        t.startApi();
        JsonNode recovered = get(t.api() + "/api/v1/jobs/" + id);
        assertTrue(List.of("PROCESSING", "PROCESSED").contains(recovered.path("state").asText()), recovered.toString());
        assertEquals(1200, recovered.path("image").path("width").asInt());
        JsonNode processed = awaitJob(t, id, state("PROCESSED"), 120);
        assertEquals(processed.path("patches").path("total").asInt(), processed.path("patches").path("processed").asInt());
        Path out = dir.resolve("r.tif");
        download(t, id, out);
        Masks.assertMaskEquals(img.thresholdMask(128, false), 1200, 900, out, "after an API restart");
    }

    @Test
    void slicerApiKilledWhileStitchingEarlyStartsTheStitchOverAfterARestart() throws Exception {
        Trio t = trio(false);
        SampleImage img = SampleImage.generate(1100, 800, 3, 8, 6);
        Path in = dir.resolve("e.png");
        img.writePng(in);
        String id = upload(t, in, "--tile-size", "16", "--stitch"); // the result is asked for up front
        assertEquals("PROCESSING", awaitJob(t, id, state("PROCESSING"), 60).path("state").asText());
        t.startProcessor("processor", 0, "--lip.threads=1");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                .until(() -> count(t.tempDir.resolve(id).resolve("done")) >= 200);
        try (Stream<Path> partial = Files.list(t.resultDir)) {
            assertTrue(partial.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")),
                    "the stitch runs while patches are processed, writing a partial result");
        }
        t.killApi();
        assertTrue(count(t.tempDir.resolve(id).resolve("pending")) > 0, "killed while patches were outstanding");
        t.startApi();
        assertEquals("DONE", awaitJob(t, id, state("DONE", "FAILED"), 120).path("state").asText());
        try (Stream<Path> left = Files.list(t.resultDir)) {
            // .uploads is where resumable uploads are received (lip.upload-dir), not a result
            assertEquals(List.of(id + ".tif"), left.map(p -> p.getFileName().toString())
                            .filter(n -> !n.equals(".uploads")).toList(),
                    "the killed run's partial result is removed");
        }
        Path out = dir.resolve("e.tif");
        download(t, id, out);
        Masks.assertMaskEquals(img.thresholdMask(128, false), 1100, 800, out, "after an API restart mid-stitch");
    }

    @Test
    void threeProcessorsWithFourThreadsEachProcessEveryPatchExactlyOnce() throws Exception {
        Trio t = trio(false);
        int[] ports = {Trio.freePort(), Trio.freePort(), Trio.freePort()};
        for (int i = 0; i < 3; i++) {
            t.startProcessor("processor-" + i, ports[i], "--lip.threads=4");
        }
        for (int p : ports) {
            t.awaitHealthy(p, "processor");
        }
        SampleImage img = SampleImage.generate(800, 600, 3, 8, 5);
        Path in = dir.resolve("s.png");
        img.writePng(in);
        Path out = dir.resolve("s.tif");
        Trio.Run run = t.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "16", "--overlap", "3");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), 800, 600, out, "three processors");
        long total = 0;
        int busy = 0;
        for (int p : ports) {
            long n = get("http://localhost:" + p + "/api/v1/stats").path("processed").asLong();
            total += n;
            busy += n > 0 ? 1 : 0;
        }
        assertEquals(50L * 38, total, "each of the 1900 patches published exactly once across the processors");
        assertTrue(busy >= 2, "the work was shared");
    }
}
