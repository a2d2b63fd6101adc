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

    /** Runs {@code command} (words split on spaces) with the words IN and OUT replaced by these files. */
    public static void make(String command, Path in, Path out) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        for (String word : command.split(" +")) {
            cmd.add(word.equals("IN") ? in.toString() : word.equals("OUT") ? out.toString() : word);
        }
        run(cmd);
    }

    /**
     * The pixels GDAL decodes from {@code file}: its ENVI dump, interleaved by pixel, samples in the machine's byte
     * order (little-endian here, as a PixelRegion's).
     */
    public static byte[] gdalPixels(Path file) throws IOException, InterruptedException {
        Path raw = file.resolveSibling(file.getFileName() + ".gdal.raw");
        run("gdal_translate", "-q", "-of", "ENVI", "-co", "INTERLEAVE=BIP", file.toString(), raw.toString());
        return java.nio.file.Files.readAllBytes(raw);
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

    /**
     * Writes, with GDAL, a Philips TIFF as OpenSlide recognises one (vendor "philips", a vendor only OpenSlide reads
     * here): JPEG tiles of 256², gdaladdo's overviews 2 and 4, Software "Philips…", and a DPUfsImport XML description
     * with one WSI image, its pixel spacing (0.25 µm) and a spacing for each level.
     */
    public static void philipsSlide(Path png, Path out) throws IOException, InterruptedException {
        StringBuilder levels = new StringBuilder();
        for (String spacing : List.of("0.00025", "0.0005", "0.001")) {
            levels.append("<DataObject ObjectType=\"PixelDataRepresentation\"><Attribute Name=\"DICOM_PIXEL_SPACING\" ")
                    .append("Group=\"0x0028\" Element=\"0x0030\" PMSVR=\"IDoubleArray\">&quot;").append(spacing)
                    .append("&quot; &quot;").append(spacing).append("&quot;</Attribute></DataObject>");
        }
        String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?><DataObject ObjectType=\"DPUfsImport\">"
                + "<Attribute Name=\"PIM_DP_SCANNED_IMAGES\" Group=\"0x301D\" Element=\"0x1003\" PMSVR=\"IDataObjectArray\">"
                + "<Array><DataObject ObjectType=\"DPScannedImage\">"
                + "<Attribute Name=\"PIM_DP_IMAGE_TYPE\" Group=\"0x301D\" Element=\"0x1004\" PMSVR=\"IString\">WSI</Attribute>"
                + "<Attribute Name=\"DICOM_PIXEL_SPACING\" Group=\"0x0028\" Element=\"0x0030\" PMSVR=\"IDoubleArray\">"
                + "&quot;0.00025&quot; &quot;0.00025&quot;</Attribute>"
                + "<Attribute Name=\"PIIM_PIXEL_DATA_REPRESENTATION_SEQUENCE\" Group=\"0x1001\" Element=\"0x8B01\" "
                + "PMSVR=\"IDataObjectArray\"><Array>" + levels + "</Array></Attribute>"
                + "</DataObject></Array></Attribute></DataObject>";
        run("gdal_translate", "-q", "-co", "TILED=YES", "-co", "BLOCKXSIZE=256", "-co", "BLOCKYSIZE=256", "-co",
                "COMPRESS=JPEG", "-mo", "TIFFTAG_SOFTWARE=Philips DP v1.0", "-mo", "TIFFTAG_IMAGEDESCRIPTION=" + xml,
                png.toString(), out.toString());
        run("gdaladdo", "-q", out.toString(), "2", "4");
    }
}
