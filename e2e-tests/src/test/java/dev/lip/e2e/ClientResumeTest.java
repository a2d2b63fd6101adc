package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client resumes: {@code lip} sends images with tus through a slow proxy that can cut the network, and is
 * stopped mid-upload and run again; what the server had is not sent again, and results are exact.
 */
@ExtendWith(Trio.Started.class)
class ClientResumeTest {
    /** Bytes a second the proxy passes: a few seconds for the test image. */
    private static final long RATE = 4 << 20;
    private final List<AutoCloseable> open = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private SlowProxy proxy(Trio t) throws IOException {
        SlowProxy p = new SlowProxy(t.apiPort, RATE);
        open.add(p);
        return p;
    }

    /** A textured image: its PNG is several MB, a few seconds through the proxy. */
    private Path noise(SampleImage img) throws IOException {
        Path in = dir.resolve("noise.png");
        img.writePng(in);
        return in;
    }

    private Process start(Trio t, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(dir.resolve("client.err").toFile())
                .redirectOutput(dir.resolve("client.out").toFile());
        pb.environment().put("LIP_CACHE_DIR", t.work.resolve("client-cache").toString());
        return pb.start();
    }

    @Test
    void aCutNetworkIsRetriedAndTheUploadGoesOnFromTheServersOffset(Trio t) throws Exception {
        SlowProxy proxy = proxy(t);
        SampleImage img = SampleImage.generate(2000, 2000, 3, 8, 11);
        Path in = noise(img);
        long size = Files.size(in);
        Process client = start(t, "process", in.toString(), "-o", dir.resolve("out.tif").toString(), "-q",
                "--tile-size", "256", "--api", proxy.url());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> proxy.sent() > size / 3);
        proxy.cutAll();
        assertTrue(client.waitFor(120, TimeUnit.SECONDS), "the client finishes");
        String err = Files.readString(dir.resolve("client.err"));
        assertEquals(0, client.exitValue(), err);
        assertTrue(err.contains("The connection failed; the upload goes on at"), err);
        assertTrue(proxy.sent() < size * 1.5, "resumed, not sent again: " + proxy.sent() + " bytes for " + size);
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, dir.resolve("out.tif"), "after a cut");
    }

    @Test
    void aStoppedClientRunAgainResumesAndSaysSo(Trio t) throws Exception {
        SlowProxy proxy = proxy(t);
        SampleImage img = SampleImage.generate(2000, 2000, 3, 8, 12);
        Path in = noise(img);
        long size = Files.size(in);
        Path out = dir.resolve("out.tif");
        Process client = start(t, "process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "256",
                "--api", proxy.url());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> proxy.sent() > size / 3);
        client.destroy(); // SIGTERM, as Ctrl-C would
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        String stopped = Files.readString(dir.resolve("client.err"));
        assertTrue(stopped.contains("Interrupted: the upload of") && stopped.contains("Run the same command again to resume"),
                stopped);

        // the stopped connection's last bytes may still be on their way through the proxy: counted before the rerun
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            long now = proxy.sent();
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        long before = proxy.sent();
        Trio.Run again = Trio.run(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString(), "process", in.toString(),
                "-o", out.toString(), "-q", "--tile-size", "256", "--api", proxy.url()),
                java.util.Map.of("LIP_CACHE_DIR", t.work.resolve("client-cache").toString()));
        assertEquals(0, again.exitCode(), again.stderr());
        java.util.regex.Matcher resumed = java.util.regex.Pattern.compile("Resuming the upload of .* at ([1-9][0-9]*) of "
                + size + " bytes").matcher(again.stderr());
        assertTrue(resumed.find(), again.stderr());
        long rest = size - Long.parseLong(resumed.group(1));
        // the rerun sends the rest of the file and its requests' headers, not the file again
        assertTrue(proxy.sent() - before <= rest + 64 * 1024, "resumed, not sent again: " + (proxy.sent() - before)
                + " bytes sent for the " + rest + " left of " + size);
        Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, out, "after a resumed run");
    }

    @Test
    void noResumeStartsOver(Trio t) throws Exception {
        SlowProxy proxy = proxy(t);
        Path in = noise(SampleImage.generate(1500, 1500, 3, 8, 13));
        long size = Files.size(in);
        Process client = start(t, "upload", in.toString(), "-q", "--api", proxy.url());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)).until(() -> proxy.sent() > size / 2);
        client.destroy();
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        long before = proxy.sent();
        Trio.Run again = Trio.run(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString(), "upload", in.toString(),
                "-q", "--no-resume", "--api", proxy.url()),
                java.util.Map.of("LIP_CACHE_DIR", t.work.resolve("client-cache").toString()));
        assertEquals(0, again.exitCode(), again.stderr());
        assertTrue(!again.stderr().contains("Resuming"), again.stderr());
        assertTrue(proxy.sent() - before >= size, "sent whole again: " + (proxy.sent() - before) + " of " + size);
    }

    @Test
    void stoppingProcessAfterTheUploadTellsTheJobAndHowToFollowIt(Trio t) throws Exception {
        Path in = dir.resolve("small.png");
        SampleImage.generate(1200, 900, 3, 8, 3).writePng(in);
        Process client = start(t, "process", in.toString(), "-o", dir.resolve("x.tif").toString(), "-q",
                "--tile-size", "16", "--api", t.api());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                .until(() -> Files.readString(dir.resolve("client.out")).startsWith("Job "));
        client.destroy();
        assertTrue(client.waitFor(30, TimeUnit.SECONDS));
        String id = Files.readString(dir.resolve("client.out")).replaceAll("(?s)^Job ([0-9a-f-]+):.*", "$1");
        String err = Files.readString(dir.resolve("client.err"));
        assertTrue(err.contains("job " + id + " goes on at slicer-api") && err.contains("lip status " + id + " --watch")
                && err.contains("lip result " + id), err);
        assertEquals(0, t.client("cancel", id).exitCode(), "the job was there, going on"); // and the shared processor is free again
    }
}
