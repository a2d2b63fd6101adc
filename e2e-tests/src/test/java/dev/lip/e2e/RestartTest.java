package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.References;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A restart never throws away an upload or finished patches: slicer-api killed with kill -9 early, in the middle and
 * near the end of slicing picks the job up again and slices on from its stored upload, and the result is exact. For a
 * streamed format (PNG) with an algorithm that needs statistics of the whole image (Otsu: its histogram must be
 * gathered again over every pixel) and for a random-access one (tiled TIFF) with a processor working meanwhile.
 */
class RestartTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Trio> trios = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        trios.forEach(Trio::close);
    }

    private JsonNode job(Trio t, String id) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + id)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    /** What the killed service had saved: the state a restart starts from. */
    private static String savedState(Trio t, String id) throws Exception {
        return JSON.readTree(Files.readAllBytes(t.tempDir.resolve(id).resolve("status.json"))).path("state").asText();
    }

    /** Kills slicer-api once slicing has passed each fraction of the patches, and starts it again each time. */
    private void killWhileSlicing(Trio t, String id, double... fractions) throws Exception {
        int total = job(t, id).path("patches").path("total").asInt();
        for (double f : fractions) {
            int at = (int) (total * f);
            await("slicing passes " + at + " of " + total).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2))
                    .until(() -> job(t, id).path("patches").path("sliced").asInt() >= at);
            String seen = job(t, id).toString();
            t.killApi();
            assertEquals("SLICING", savedState(t, id), "killed while slicing, at " + f + " of the patches; last seen "
                    + seen + "; its log:\n" + t.log("slicer-api"));
            t.startApi();
        }
    }

    private Path result(Trio t, String id) throws Exception {
        Path out = dir.resolve(id + ".tif");
        Trio.Run run = t.client("result", id, "-o", out.toString(), "-q");
        assertEquals(0, run.exitCode(), run.stderr() + "\n" + t.log("slicer-api"));
        return out;
    }

    @Test
    void aStreamedImageWithWholeImageStatisticsResumesSlicingAfterEachKill() throws Exception {
        // an interpreted decoder slices slowly enough that each kill lands during slicing: resumed slicing starts
        // while slicer-api is still coming up, and a JIT-compiled decoder finished the rest before the test could look
        Trio t = new Trio(false, "--lip.decoder.java-options=-Xint");
        trios.add(t);
        SampleImage img = SampleImage.generate(1600, 1200, 3, 8, 41);
        Path in = dir.resolve("in.png");
        img.writePng(in);
        Trio.Run up = t.client("upload", in.toString(), "-q", "--tile-size", "16", "--algorithm", "otsu");
        assertEquals(0, up.exitCode(), up.stderr());
        String id = up.stdout().trim();
        killWhileSlicing(t, id, 0.05, 0.45, 0.7); // the last well before the end: a kill takes a moment
        t.startProcessor("processor", 0, "--lip.threads=2");
        Masks.assertMaskEquals(References.otsu(img), img.width, img.height, result(t, id), "otsu after three kills while slicing");
        JsonNode done = job(t, id);
        assertEquals("DONE", done.path("state").asText(), done.toString());
        assertEquals(done.path("patches").path("total").asInt(), done.path("patches").path("sliced").asInt());
    }

    @Test
    void aTiledTiffResumesSlicingWhileAProcessorKeepsWorking() throws Exception {
        Trio t = new Trio(true);
        trios.add(t);
        SampleImage img = SampleImage.generate(1200, 1000, 3, 8, 43);
        Path in = dir.resolve("in.tif");
        img.writeTiff(in, "LZW", 64);
        Trio.Run up = t.client("upload", in.toString(), "-q", "--tile-size", "16", "--overlap", "3");
        assertEquals(0, up.exitCode(), up.stderr());
        String id = up.stdout().trim();
        killWhileSlicing(t, id, 0.05, 0.45, 0.7); // the last well before the end: a kill takes a moment
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, result(t, id),
                "threshold after three kills while slicing");
    }
}
