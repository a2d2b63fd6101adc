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

    /**
     * ./lip archives the classes of its first command that talks to slicer-api (AppCDS) and later commands load the
     * client's own classes from that archive; their output is the same, with no word from the JVM about the archive.
     */
    @Test
    void theLauncherArchivesTheClientsClassesAndLaterCommandsUseThem(Trio trio) throws Exception {
        Path lip = Trio.ROOT.resolve("lip");
        Path archive = Trio.ROOT.resolve("client-cli/target/client-cli.jsa");
        Files.deleteIfExists(archive);
        Trio.Run first = Trio.run(List.of(lip.toString(), "algorithms", "--api", trio.api()));
        assertEquals(0, first.exitCode(), first.stderr());
        assertTrue(!Files.exists(archive), "algorithms is not a command the archive is made from");
        Trio.Run list = Trio.run(List.of(lip.toString(), "list", "--api", trio.api()));
        assertEquals(0, list.exitCode(), list.stderr());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(archive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(archive), "the archive is made after a list");

        Path classes = dir.resolve("classes.log");
        Trio.Run again = Trio.run(List.of(lip.toString(), "list", "--api", trio.api()),
                Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load:file=" + classes));
        assertEquals(0, again.exitCode(), again.stderr());
        assertEquals(list.stdout().lines().findFirst(), again.stdout().lines().findFirst(), "the same listing's header");
        assertTrue(!again.stdout().contains("cds") && !again.stderr().contains("[cds]"), again.stdout() + again.stderr());
        String loaded = Files.readString(classes);
        assertTrue(loaded.lines().anyMatch(l -> l.contains("dev.lip.cli.LipCli ") && l.contains("shared objects file")),
                "the client's main class comes from the archive:\n" + loaded.lines().filter(l -> l.contains("dev.lip.cli")).toList());

        Trio.Run off = Trio.run(List.of(lip.toString(), "--version"), Map.of("LIP_CDS", "0"));
        assertEquals(0, off.exitCode(), off.stderr());
        assertTrue(off.stdout().startsWith("lip "), off.stdout());
    }
}
