package dev.lip.formats.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The field's own command-line tools (GDAL, libvips, OpenSlide), run by tests that make inputs or check outputs. */
public final class FieldTools {
    private FieldTools() {
    }

    public static boolean installed(String tool) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a command to its end; it must succeed. @return what it printed, stdout and stderr together */
    public static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + out);
        return out;
    }

    public static String run(String... cmd) throws IOException, InterruptedException {
        return run(List.of(cmd));
    }

    /**
     * A Python that imports GDAL's bindings (Debian's python3-gdal lives in the system Python, which a pyenv or
     * virtualenv python3 first on the PATH does not see), or null.
     */
    public static String gdalPython() {
        for (String python : List.of("/usr/bin/python3", "python3")) {
            try {
                if (new ProcessBuilder(python, "-c", "from osgeo import gdal; import numpy").start().waitFor() == 0) {
                    return python;
                }
            } catch (IOException | InterruptedException e) {
                // try the next
            }
        }
        return null;
    }

    /**
     * Writes, with GDAL, a 3-band float32 GeoTIFF of smooth values with negatives, NaN pixels and pixels of its
     * nodata value -9999 (see float-scene.py beside this class).
     */
    public static void floatScene(Path out, int width, int height) throws IOException, InterruptedException {
        String python = gdalPython();
        org.junit.jupiter.api.Assumptions.assumeTrue(python != null,
                "GDAL's Python bindings are not installed: apt-get install python3-gdal");
        Path script = out.resolveSibling("float-scene.py");
        try (java.io.InputStream in = FieldTools.class.getResourceAsStream("float-scene.py")) {
            java.nio.file.Files.write(script, in.readAllBytes());
        }
        run(python, script.toString(), out.toString(), Integer.toString(width), Integer.toString(height));
    }
}
