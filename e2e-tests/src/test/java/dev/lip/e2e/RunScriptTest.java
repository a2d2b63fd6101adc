package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, {@code ./run.sh}, as a user runs it (issue 26): the exact result where it says; a
 * second run keeps the first run's job and result (a restart used to delete the result directory inside the work
 * directory, leaving a DONE job whose download answered 409); {@code --serve} keeps the services for the page and
 * the earlier result downloads from them. Ports and directories are the test's own (API_PORT, WORK_DIR, ...).
 */
class RunScriptTest {
    private static final Pattern JOB = Pattern.compile("(?m)^Job ([0-9a-f-]{36}):");

    @TempDir
    Path dir;

    private Map<String, String> env(int api) throws Exception {
        return Map.of("API_PORT", Integer.toString(api), "PROCESSOR_PORT", Integer.toString(Trio.freePort()),
                "WORK_DIR", dir.resolve("work").toString(), "RESULT_DIR", dir.resolve("out").toString(),
                "LIP_CACHE_DIR", dir.resolve("cache").toString());
    }

    private static String job(Trio.Run r) {
        Matcher m = JOB.matcher(r.stdout());
        assertTrue(m.find(), r.stdout() + r.stderr());
        return m.group(1);
    }

    @Test
    void runShKeepsEarlierResultsAndServesThemOnRequest() throws Exception {
        SampleImage first = SampleImage.generate(300, 200, 3, 8, 21);
        Path a = dir.resolve("first.png");
        first.writePng(a);
        SampleImage second = SampleImage.generate(200, 150, 1, 8, 22);
        Path b = dir.resolve("second.png");
        second.writePng(b);
        String runSh = Trio.ROOT.resolve("run.sh").toString();

        int api = Trio.freePort();
        Trio.Run one = Trio.run(List.of(runSh, a.toString(), "-q", "--tile-size", "64"), env(api));
        assertEquals(0, one.exitCode(), one.stderr());
        Path out = dir.resolve("out/first-result.tif");
        Masks.assertMaskEquals(first.thresholdMask(128, false), first.width, first.height, out, "run.sh's result");
        assertTrue(one.stderr().contains("The result: " + dir.resolve("out") + "/first-result.tif"), one.stderr());
        String firstJob = job(one);

        api = Trio.freePort();
        Trio.Run two = Trio.run(List.of(runSh, b.toString(), "-q", "--tile-size", "64"), env(api));
        assertEquals(0, two.exitCode(), two.stderr());
        assertTrue(Files.isRegularFile(dir.resolve("work/results/" + firstJob + ".tif")), "the first run's result is kept");

        // --serve: the services stay up after the job; the first run's job is DONE and its result downloads
        api = Trio.freePort();
        ProcessBuilder pb = new ProcessBuilder(runSh, "--serve", b.toString(), "-q", "--tile-size", "64")
                .redirectErrorStream(true);
        pb.environment().putAll(env(api));
        Process serve = pb.start();
        try {
            String page = null;
            BufferedReader lines = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            for (String line; page == null && System.nanoTime() < deadline && (line = lines.readLine()) != null; ) {
                if (line.contains("The services keep running")) {
                    page = line;
                }
            }
            assertTrue(page != null && page.contains("http://localhost:" + api + "/jobs/"), "--serve says where the page is: " + page);
            Path again = dir.resolve("again.tif");
            Trio.Run result = Trio.run(List.of(Trio.java(), "-jar", Trio.CLIENT_JAR.toString(), "result", firstJob,
                    "-o", again.toString(), "-q", "--api", "http://localhost:" + api), Map.of("LIP_CACHE_DIR", dir.resolve("cache").toString()));
            assertEquals(0, result.exitCode(), result.stderr());
            Masks.assertMaskEquals(first.thresholdMask(128, false), first.width, first.height, again,
                    "the first run's result, downloaded two runs later");
        } finally {
            serve.destroy(); // SIGTERM: run.sh's trap stops the services
            if (!serve.waitFor(30, TimeUnit.SECONDS)) {
                serve.destroyForcibly();
            }
        }
        assertTrue(!serve.isAlive());
        int port = api;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> {
            try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
                return false;
            } catch (java.io.IOException e) {
                return true; // nothing listens: the services stopped with run.sh
            }
        });
    }
}
