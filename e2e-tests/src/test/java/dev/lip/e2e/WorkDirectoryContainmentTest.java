package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Someone who can write in the shared work directory leaves links, FIFOs and damaged files where the protocol's
 * files belong. Nothing outside the work directory is read, written or touched, nothing blocks, the job concerned
 * fails with a sentence, and the other jobs go on.
 */
class WorkDirectoryContainmentTest {
    private static Trio trio;
    private static Http api;

    @TempDir
    static Path outside;

    @BeforeAll
    static void start() throws Exception {
        trio = new Trio(false); // no processor yet: the jobs wait in pending/ for us to tamper with
        api = new Http(trio.api(), null);
    }

    @AfterAll
    static void stop() {
        trio.close();
    }

    private static String upload(int seed) throws Exception {
        Path in = outside.resolve("in" + seed + ".png");
        SampleImage.generate(64, 64, 3, 8, seed).writePng(in);
        String id = api.upload("?tileSize=32", Files.readAllBytes(in)).json().path("id").asText();
        // sliced: PROCESSING, or already PROCESSED when a running processor took its four patches between two polls
        api.awaitState(id, s -> s.equals("PROCESSING") || s.equals("PROCESSED"), 30);
        return id;
    }

    @Test
    void linksFifosAndDamagedFilesFailTheirJobAndNothingElse() throws Exception {
        Path secret = outside.resolve("secret.bin");
        Files.writeString(secret, "outside the work directory");
        FileTime secretTime = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(secret, secretTime);

        // A pending patch that is a link to a file outside.
        String linked = upload(1);
        Path pending = trio.tempDir.resolve(linked).resolve("pending/r0-c0.patch");
        Files.delete(pending);
        Files.createSymbolicLink(pending, secret);

        // done/ as a link to a directory outside: results would be written there.
        String doneLinked = upload(2);
        Path outsideDone = Files.createDirectories(outside.resolve("done-outside"));
        Path done = trio.tempDir.resolve(doneLinked).resolve("done");
        Files.delete(done);
        Files.createSymbolicLink(done, outsideDone);

        // A failure reason that is a FIFO: reading it would block slicer-api's monitor for ever.
        String fifo = upload(3);
        Path failedDir = trio.tempDir.resolve(fifo).resolve("failed");
        // The FIFO first: the monitor, running meanwhile, must never see the failed patch without it.
        assertEquals(0, new ProcessBuilder("mkfifo", failedDir.resolve("r1-c1.patch.error").toString()).start().waitFor());
        Files.move(trio.tempDir.resolve(fifo).resolve("pending/r1-c1.patch"), failedDir.resolve("r1-c1.patch"));

        // A manifest that is not JSON: the processor must skip that job, not stop.
        String damaged = upload(4);
        Files.writeString(trio.tempDir.resolve(damaged).resolve("manifest.json"), "{ not json");

        trio.startProcessor("patch-processor", trio.processorPort, "--lip.threads=2");
        trio.awaitHealthy(trio.processorPort, "patch-processor");

        JsonNode a = api.awaitState(linked, s -> s.equals("FAILED"), 60);
        assertTrue(a.path("error").asText().contains("symbolic link"), a.toString());
        assertEquals("outside the work directory", Files.readString(secret), "the outside file is untouched");
        assertEquals(secretTime, Files.getLastModifiedTime(secret), "its time too (a lease once renewed it)");

        JsonNode b = api.awaitState(doneLinked, s -> s.equals("FAILED"), 60);
        assertTrue(b.path("error").asText().contains("done was not a directory"), b.toString());
        try (var written = Files.list(outsideDone)) {
            assertEquals(0, written.count(), "nothing was written through the link");
        }

        JsonNode c = api.awaitState(fifo, s -> s.equals("FAILED"), 60);
        assertTrue(c.path("error").asText().contains("could not be read"), c.toString());
        assertFalse(c.path("error").asText().contains(trio.tempDir.toString()), c.toString());

        // Meanwhile a good job goes through, and the services are healthy.
        String good = upload(5);
        api.send(api.request("/api/v1/jobs/" + good + "/result").POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals("DONE", api.awaitState(good, s -> s.equals("DONE") || s.equals("FAILED"), 60).path("state").asText());
        assertTrue(new String(api.get("/actuator/health").bytes()).contains("UP"));

        String log = trio.log("patch-processor");
        Matcher skipped = Pattern.compile("job " + damaged + " is skipped").matcher(log);
        int times = 0;
        while (skipped.find()) {
            times++;
        }
        assertEquals(1, times, "the damaged job is reported once, not on every pass:\n" + log);

        try (var quarantined = Files.list(trio.tempDir.resolve(".quarantine"))) {
            List<String> names = quarantined.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith("r0-c0.patch")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("-done")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("r1-c1.patch.error")), names.toString());
        }
    }
}
