package dev.lip.e2e;

import dev.lip.common.testing.References;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/protocol.md is enough to write a worker in another language: slicer-api runs alone here, and the example
 * Python worker (examples/python_worker.py, numpy only) does all the processing. Skipped where no python3 with numpy
 * is installed.
 */
class PythonWorkerTest {
    private static Trio api;
    private static Process worker;

    @TempDir
    static Path dir;

    static String python() {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import numpy").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException | InterruptedException e) {
                // try the next one
            }
        }
        return null;
    }

    @BeforeAll
    static void start() throws IOException {
        String python = python();
        assumeTrue(python != null, "no python3 with numpy here; the Python worker example is not exercised");
        api = new Trio(false);
        worker = new ProcessBuilder(python, Trio.ROOT.resolve("examples/python_worker.py").toString(),
                "--temp-dir", api.tempDir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("python-worker.log").toFile()).start();
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.destroy();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void thresholdAndOtsuProcessedByThePythonWorker() throws Exception {
        SampleImage rgb = SampleImage.generate(301, 211, 3, 8, 201);
        Path in = dir.resolve("rgb.png");
        rgb.writePng(in);
        Path out = dir.resolve("rgb.tif");
        Trio.Run run = api.client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "64",
                "--overlap", "3", "--param", "threshold=140", "--param", "invert=true");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(rgb.thresholdMask(140, true), 301, 211, out, "python threshold");

        SampleImage grey16 = SampleImage.generate(150, 170, 1, 16, 202);
        Path tif = dir.resolve("g16.tif");
        grey16.writeTiff(tif, "Deflate", 0);
        Path out16 = dir.resolve("g16.result.tif");
        run = api.client("process", tif.toString(), "-o", out16.toString(), "-q", "--tile-size", "48", "--algorithm", "otsu");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(References.otsu(grey16), 150, 170, out16, "python otsu");
    }
}
