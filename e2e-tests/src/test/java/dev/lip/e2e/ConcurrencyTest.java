package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several jobs at once, status while slicing, cancellation while slicing and while processing. */
@ExtendWith(Trio.Started.class)
class ConcurrencyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonNode status(Trio t, String id) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void fourJobsSubmittedAtOnceAllFinishExactly(Trio trio) throws Exception {
        List<SampleImage> images = new ArrayList<>();
        List<CompletableFuture<Trio.Run>> runs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            SampleImage img = SampleImage.generate(400 + 37 * i, 300 + 11 * i, i % 2 == 0 ? 3 : 1, 8, 300 + i);
            images.add(img);
            Path in = dir.resolve("c" + i + ".png");
            img.writePng(in);
            Path out = dir.resolve("c" + i + ".tif");
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return trio.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "32", "--overlap", "2");
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }));
        }
        for (int i = 0; i < 4; i++) {
            Trio.Run run = runs.get(i).get();
            assertEquals(0, run.exitCode(), run.stderr());
            SampleImage img = images.get(i);
            Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, dir.resolve("c" + i + ".tif"), "job " + i);
        }
    }

    @Test
    void statusAnswersWhileAnImageSlicesAndCancelStopsSlicing(Trio trio) throws Exception {
        Path in = dir.resolve("big.png");
        SampleImage.generate(2500, 2000, 3, 8, 310).writePng(in);
        Trio.Run up = trio.client("upload", in.toString(), "-q", "--tile-size", "16");
        assertEquals(0, up.exitCode(), up.stderr());
        String id = up.stdout().trim();
        long slowest = 0;
        int answers = 0;
        JsonNode job = status(trio, id);
        while (job.path("state").asText().equals("SLICING") && answers < 20) {
            long t0 = System.nanoTime();
            job = status(trio, id);
            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1_000_000);
            answers++;
        }
        System.out.println("status while slicing: " + answers + " answers, slowest " + slowest + " ms");
        assertTrue(answers > 0, "caught the job slicing");
        assertEquals("SLICING", job.path("state").asText(), "a 2500x2000 image in 16-pixel tiles slices for a while");

        HttpResponse<String> del = http.send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id)).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, del.statusCode());
        int sliced = awaitSlicedCountSettles(trio, id);
        assertFalse(Files.exists(trio.tempDir.resolve(id)), "the job's files are gone and slicing did not recreate them");
        JsonNode after = status(trio, id);
        assertEquals("CANCELLED", after.path("state").asText());
        assertTrue(sliced < after.path("patches").path("total").asInt(), "slicing stopped before the end");
    }

    /**
     * Polls the job's sliced count until it has not changed for five polls in a row (a second), within 30 s: the
     * slicer thread has noticed the cancel and stopped.
     */
    private int awaitSlicedCountSettles(Trio trio, String id) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        int last = -1;
        int same = 0;
        while (same < 5) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("slicing did not stop within 30 s of the cancel");
            }
            int now = status(trio, id).path("patches").path("sliced").asInt();
            same = now == last ? same + 1 : 0;
            last = now;
            Thread.sleep(200);
        }
        return last;
    }

    @Test
    void cancelWhileProcessingDropsTheClaimsAndTheProcessorGoesOn(Trio trio) throws Exception {
        Path in = dir.resolve("p.png");
        SampleImage.generate(1500, 1000, 3, 8, 320).writePng(in);
        Trio.Run up = trio.client("upload", in.toString(), "-q", "--tile-size", "16");
        String id = up.stdout().trim();
        long deadline = System.currentTimeMillis() + 60_000;
        JsonNode job = status(trio, id);
        while (job.path("patches").path("processed").asInt() < 50 && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            job = status(trio, id);
        }
        assertTrue(job.path("patches").path("processed").asInt() < job.path("patches").path("total").asInt(), "still processing");
        http.send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
        assertFalse(Files.exists(trio.tempDir.resolve(id)), "the tree is moved away before DELETE answers");

        SampleImage img = SampleImage.generate(100, 80, 3, 8, 321);
        Path next = dir.resolve("next.png");
        img.writePng(next);
        Path out = dir.resolve("next.tif");
        Trio.Run run = trio.client("process", next.toString(), "-o", out.toString(), "-q", "--tile-size", "32");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(img.thresholdMask(128, false), 100, 80, out, "the job after a cancelled one");
    }
}
