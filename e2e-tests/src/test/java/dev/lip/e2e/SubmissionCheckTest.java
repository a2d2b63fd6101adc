package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 26: a mistake in a job's parameters is reported before its image is sent (a 38 MB upload used to come
 * first, then "Unknown algorithm 'otsuu'"): the client asks {@code POST /api/v1/jobs/check} with the job's query,
 * and no upload is started for a job that cannot work.
 */
@ExtendWith(Trio.Started.class)
class SubmissionCheckTest {
    @TempDir
    Path dir;

    private static Http.Answer check(Trio trio, String query) throws Exception {
        Http api = new Http(trio.api(), null);
        return api.send(api.request("/api/v1/jobs/check" + query).POST(HttpRequest.BodyPublishers.noBody()));
    }

    @Test
    void theCheckRefusesWhatCannotWorkForAnyImageAndAcceptsTheRest(Trio trio) throws Exception {
        Http.assertProblem(check(trio, "?algorithm=otsuu"), 400, "Unknown algorithm 'otsuu'");
        Http.assertProblem(check(trio, "?algorithm=threshold&threshold=abc"), 400, "threshold");
        Http.assertProblem(check(trio, "?algorithm=threshold&tileSize=1000"), 400, "16");
        Http.assertProblem(check(trio, "?algorithm=threshold&resultFormat=png"), 400, "resultFormat");
        assertEquals(200, check(trio, "?algorithm=threshold&threshold=100").status());
        assertEquals(200, check(trio, "?algorithm=threshold&band=5").status(), "a band the image may have: checked on arrival");
        assertEquals(200, check(trio, "").status(), "the defaults");
    }

    @Test
    void theClientReportsAMistakeBeforeSendingAByte(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(600, 400, 3, 8, 7);
        Path png = dir.resolve("scene.png");
        img.writePng(png);
        Path uploads = trio.resultDir.resolve(".uploads");
        long before = count(uploads);
        Trio.Run r = trio.client("process", png.toString(), "-o", dir.resolve("out.tif").toString(), "-q",
                "--algorithm", "otsuu");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("Unknown algorithm 'otsuu'"), r.stderr());
        assertEquals(before, count(uploads), "no upload was started");
    }

    /**
     * An onnx job naming a model that no running processor has is a 400 at submission (processors announce theirs
     * in the work directory every three seconds), and the client starts no upload.
     */
    @Test
    void anOnnxModelNoRunningProcessorHasIsRefusedBeforeTheUpload(Trio trio) throws Exception {
        Files.writeString(trio.modelsDir.resolve("present.onnx"), "a model file (its name is what counts here)");
        trio.awaitModels("present.onnx"); // announced by the running processor within seconds
        Http.assertProblem(check(trio, "?algorithm=onnx&model=absent.onnx"), 400,
                "No running processor has the model 'absent.onnx'");
        assertTrue(!check(trio, "?algorithm=onnx&model=absent.onnx").detail().contains("present.onnx"),
                "the models the processors have stay in their logs");

        SampleImage img = SampleImage.generate(300, 200, 3, 8, 9);
        Path png = dir.resolve("model.png");
        img.writePng(png);
        Path uploads = trio.resultDir.resolve(".uploads");
        long before = count(uploads);
        Trio.Run r = trio.client("process", png.toString(), "-o", dir.resolve("out.tif").toString(), "-q",
                "--algorithm", "onnx", "--param", "model=absent.onnx");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("No running processor has the model 'absent.onnx'"), r.stderr());
        assertEquals(before, count(uploads), "no upload was started");
    }

    private static long count(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.count();
        }
    }

    /** Issue 26: mistakes in the user's words: a job setting given as --param, an empty file, a directory. */
    @Test
    void theClientNamesItsOwnFlagsAndWhatIsWrongWithTheFile(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(100, 80, 3, 8, 8);
        Path png = dir.resolve("small.png");
        img.writePng(png);
        Path out = dir.resolve("out.tif");
        Trio.Run r = trio.client("process", png.toString(), "-o", out.toString(), "-q", "--param", "tileSize=1024");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("--param tileSize is not an algorithm parameter: use --tile-size."), r.stderr());
        Path empty = Files.createFile(dir.resolve("empty.png"));
        r = trio.client("process", empty.toString(), "-o", out.toString(), "-q");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("empty.png is empty."), r.stderr());
        r = trio.client("process", dir.toString(), "-o", out.toString(), "-q");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("is a directory, not an image file."), r.stderr());
    }

    /**
     * Issue 26: an --api without its scheme and the processor's port get a sentence saying what is wrong; a bad
     * --param its one-line reason, not the whole usage; help text never breaks a URL across lines.
     */
    @Test
    void theClientSaysWhatIsWrongWithItsCommandLine(Trio trio) throws Exception {
        Trio.Run r = trio.client("list", "--api", "localhost:8080");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("--api is slicer-api's URL with its scheme, such as http://localhost:8080, "
                + "not 'localhost:8080'."), r.stderr());

        int port = Trio.freePort();
        Process processor = trio.startProcessor("wrong-port", port);
        try {
            trio.awaitHealthy(port, "patch-processor");
            r = trio.client("list", "--api", "http://127.0.0.1:" + port);
            assertEquals(2, r.exitCode(), r.stderr());
            assertTrue(r.stderr().contains("http://127.0.0.1:" + port + " is not slicer-api") && r.stderr().contains("8080"),
                    r.stderr());
        } finally {
            Trio.kill(processor);
        }

        SampleImage img = SampleImage.generate(64, 48, 3, 8, 4);
        Path png = dir.resolve("flags.png");
        img.writePng(png);
        r = trio.client("process", png.toString(), "-o", dir.resolve("f.tif").toString(), "-q", "--tile-size", "1000");
        assertEquals(1, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("--tile-size must be a multiple of 16") && !r.stderr().contains("tileSize")
                && !r.stderr().contains("HTTP 400"), r.stderr());
        r = trio.client("process", png.toString(), "-o", dir.resolve("f.tif").toString(), "-q", "--param", "threshold=abc");
        assertTrue(r.stderr().contains("--param threshold must be a whole number, not 'abc'."), r.stderr());

        r = trio.client("process", "x.png", "-o", "y.tif", "--param", "foo");
        assertEquals(2, r.exitCode(), r.stderr());
        assertTrue(r.stderr().contains("KEY=VALUE") && r.stderr().contains("See 'lip process --help'."), r.stderr());
        assertTrue(!r.stderr().contains("Usage:") && r.stderr().lines().count() <= 2, r.stderr());

        for (String command : new String[]{"process", "upload", "status", "result", "list", "cancel", "algorithms", "sample"}) {
            Trio.Run help = trio.client(command, "--help");
            for (String line : (help.stdout() + trio.client("--help").stdout()).split("\n")) {
                assertTrue(!line.matches(".*(http|https|file|s3):\\s*$") && !line.contains(": //"),
                        "lip " + command + " --help breaks a URL: " + line);
            }
        }
    }
}
