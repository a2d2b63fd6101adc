package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static dev.lip.e2e.SourcesByReferenceTest.assertProblem;
import static dev.lip.e2e.SourcesByReferenceTest.awaitEnd;
import static dev.lip.e2e.SourcesByReferenceTest.submit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Images read in place from a shared directory ({@code source=file:///...} under {@code lip.source-roots}). */
class FileSourcesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void filesUnderTheSourceRootsAreReadInPlaceAndNothingOutsideThem() throws Exception {
        Path root = Files.createDirectories(dir.resolve("archive"));
        Path outside = Files.createDirectories(dir.resolve("private"));
        SampleImage img = SampleImage.generate(300, 260, 1, 16, 9);
        Path tif = root.resolve("slide one.tif");
        img.writeTiff(tif, "LZW", 64);
        Path secret = outside.resolve("secret.tif");
        img.writeTiff(secret, "LZW", 64);
        Files.createSymbolicLink(root.resolve("link.tif"), secret);
        try (Trio trio = new Trio(Map.of(), true, "--lip.source-roots=" + root)) {
            HttpResponse<String> r = submit(trio, tif.toUri().toString() + "&threshold=30000");
            assertEquals(202, r.statusCode(), r.body());
            String id = JSON.readTree(r.body()).path("id").asText();
            JsonNode done = awaitEnd(trio, id);
            assertEquals("DONE", done.path("state").asText(), done.toString());
            Masks.assertMaskEquals(img.thresholdMask(30000, false), img.width, img.height,
                    trio.resultDir.resolve(id + ".tif"), "a file read in place");
            assertTrue(Files.isRegularFile(tif), "the user's file stays");
            assertProblem(submit(trio, secret.toUri().toString()), 403, "is not inside a directory listed in lip.source-roots");
            assertProblem(submit(trio, root.resolve("link.tif").toUri().toString()), 403, "lip.source-roots");
            assertProblem(submit(trio, "file://" + root + "/../private/secret.tif"), 400, "climbs out");
            assertProblem(submit(trio, root.resolve("none.tif").toUri().toString()), 400, "There is no file");
        }
    }

    /**
     * Issue 23: the check resolved links, but slicing opened the path as written again, so a directory link on the
     * path swapped after the 202 made the service read a file outside the roots. Now the decoder holds open the file
     * it checked, from the probe to the end of the slicing, and reads nothing else.
     */
    @Test
    void aLinkOnThePathSwappedAfterTheCheckChangesNothing() throws Exception {
        Path root = Files.createDirectories(dir.resolve("archive"));
        Path real = Files.createDirectories(root.resolve("real"));
        Path outside = Files.createDirectories(dir.resolve("private"));
        SampleImage img = SampleImage.generate(600, 400, 1, 8, 4);
        img.writeTiff(real.resolve("scan.tif"), "LZW", 0);
        SampleImage other = SampleImage.generate(600, 400, 1, 8, 5);
        other.writeTiff(outside.resolve("scan.tif"), "LZW", 0);
        Path link = root.resolve("current");
        Files.createSymbolicLink(link, real);
        try (Trio trio = new Trio(Map.of(), true, "--lip.source-roots=" + root)) {
            HttpResponse<String> r = submit(trio, link.resolve("scan.tif").toUri().toString() + "&tileSize=16");
            assertEquals(202, r.statusCode(), r.body());
            Files.delete(link);
            Files.createSymbolicLink(link, outside); // the swap, at once after the 202
            String id = JSON.readTree(r.body()).path("id").asText();
            JsonNode done = awaitEnd(trio, id);
            assertEquals("DONE", done.path("state").asText(), done.toString());
            assertEquals(real.resolve("scan.tif").toRealPath().toUri().toString(), done.path("source").asText(),
                    "the status names the file that was read");
            Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height,
                    trio.resultDir.resolve(id + ".tif"), "the checked file, not the one behind the swapped link");
        }
    }
}
