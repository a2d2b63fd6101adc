package dev.lip.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 26: the README and the client's own messages say {@code lip ...}; the checkout's {@code ./lip} runs the
 * client, from the project root and through a link on the PATH, so that what the messages say can be pasted.
 */
@ExtendWith(Trio.Started.class)
class LauncherTest {
    @TempDir
    Path dir;

    @Test
    void theLipLauncherRunsTheClientFromTheRootAndThroughALink(Trio trio) throws Exception {
        Path lip = Trio.ROOT.resolve("lip");
        assertTrue(Files.isExecutable(lip), "./lip is executable");
        Trio.Run version = Trio.run(List.of(lip.toString(), "--version"));
        assertEquals(0, version.exitCode(), version.stderr());
        assertTrue(version.stdout().startsWith("lip "), version.stdout());

        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("lip"), lip);
        // a shell finds it on the PATH it is given, as a user's would
        Trio.Run algorithms = Trio.run(List.of("sh", "-c", "lip algorithms --api " + trio.api()),
                Map.of("PATH", bin + ":" + System.getenv("PATH")));
        assertEquals(0, algorithms.exitCode(), algorithms.stderr());
        assertTrue(algorithms.stdout().contains("threshold") && algorithms.stdout().contains("otsu"), algorithms.stdout());
    }

    /** Issue 26: no "Standard Commons Logging discovery ... remove commons-logging.jar" at every start. */
    @Test
    void theServicesStartWithoutTheCommonsLoggingWarning(Trio trio) {
        for (String service : List.of("slicer-api", "patch-processor")) {
            assertTrue(trio.log(service).contains("Started"), service + " started");
            assertTrue(!trio.log(service).contains("Commons Logging discovery"), service + "'s log:\n" + trio.log(service));
        }
    }
}
