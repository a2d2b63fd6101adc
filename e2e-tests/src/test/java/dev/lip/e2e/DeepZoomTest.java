package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deep Zoom over HTTP, checked against libvips' own {@code dzsave} of the same result: the same descriptor geometry
 * and, at every level, the same pixels in every tile; the input's preview as JPEG tiles when the job asked for one;
 * 404 outside the geometry; browser caching of finished tiles.
 */
@ExtendWith(Trio.Started.class)
class DeepZoomTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void resultTilesAreLibvipsDzsaveTilesAndTheInputHasAPreview(Trio trio) throws Exception {
        Assumptions.assumeTrue(FieldTools.installed("vips"), "libvips is not installed: apt-get install libvips-tools");
        SampleImage img = SampleImage.generate(1000, 617, 3, 8, 12);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        String job = trio.api() + "/api/v1/jobs/";
        String id = submit(trio, "/api/v1/jobs?tileSize=128&preview=true", png);
        send(HttpRequest.newBuilder(URI.create(job + id + "/result")).POST(HttpRequest.BodyPublishers.noBody()));
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(get(job + id).body()).path("state").asText().matches("DONE|FAILED"));
        assertEquals("DONE", JSON.readTree(get(job + id).body()).path("state").asText(), get(job + id).body());

        String dzi = get(job + id + "/dzi/result.dzi").body();
        assertTrue(dzi.contains("TileSize=\"128\" Overlap=\"0\" Format=\"png\"><Size Width=\"1000\" Height=\"617\"/>"), dzi);
        Path result = trio.resultDir.resolve(id + ".tif");
        Path vips = dir.resolve("vips");
        FieldTools.run("vips", "dzsave", result.toString(), vips.toString(), "--tile-size", "128", "--overlap", "0",
                "--suffix", ".png");
        String theirs = Files.readString(dir.resolve("vips.dzi"));
        assertTrue(theirs.contains("TileSize=\"128\"") && theirs.contains("Height=\"617\"") && theirs.contains("Width=\"1000\""), theirs);
        int tiles = 0;
        for (int level = 0; level <= 10; level++) { // ceil(log2(1000)) = 10
            try (var files = Files.list(vips.resolveSibling("vips_files").resolve(Integer.toString(level)))) {
                for (Path tile : files.toList()) {
                    HttpResponse<byte[]> ours = getBytes(job + id + "/dzi/result_files/" + level + "/" + tile.getFileName());
                    assertEquals(200, ours.statusCode(), tile.toString());
                    assertEquals("image/png", ours.headers().firstValue("Content-Type").orElse(""));
                    assertArrayEquals(grey(Files.readAllBytes(tile)), grey(ours.body()), "level " + level + " " + tile.getFileName());
                    tiles++;
                }
            }
        }
        assertEquals(8 * 5 + 4 * 3 + 2 * 2 + 8, tiles); // 1000x617, 500x309, 250x155 in tiles of 128, then one tile a level

        // outside the geometry: 404, never an invented tile
        assertEquals(404, getBytes(job + id + "/dzi/result_files/10/8_0.png").statusCode());
        assertEquals(404, getBytes(job + id + "/dzi/result_files/11/0_0.png").statusCode());
        assertEquals(404, getBytes(job + id + "/dzi/elsewhere.dzi").statusCode());
        // finished tiles are cached
        HttpResponse<byte[]> first = getBytes(job + id + "/dzi/result_files/10/3_2.png");
        String etag = first.headers().firstValue("ETag").orElseThrow();
        assertTrue(first.headers().firstValue("Cache-Control").orElse("").contains("max-age"), first.headers().toString());
        assertEquals(304, send(HttpRequest.newBuilder(URI.create(job + id + "/dzi/result_files/10/3_2.png"))
                .header("If-None-Match", etag)).statusCode());

        // the input: the slicer's JPEG preview, the image's size at full resolution
        assertTrue(get(job + id + "/dzi/input.dzi").body().contains("Format=\"jpg\""));
        HttpResponse<byte[]> input = getBytes(job + id + "/dzi/input_files/10/7_4.jpg");
        assertEquals(200, input.statusCode());
        BufferedImage corner = ImageIO.read(new ByteArrayInputStream(input.body()));
        assertEquals(1000 - 7 * 128, corner.getWidth());
        assertEquals(617 - 4 * 128, corner.getHeight());
        // the generated image carries per-pixel noise that JPEG smooths away: compare the tile's mean red
        double previewRed = 0, inputRed = 0;
        for (int y = 0; y < corner.getHeight(); y++) {
            for (int x = 0; x < corner.getWidth(); x++) {
                previewRed += corner.getRGB(x, y) >> 16 & 0xFF;
                inputRed += img.sample(7 * 128 + x, 4 * 128 + y, 0);
            }
        }
        int n = corner.getWidth() * corner.getHeight();
        assertEquals(inputRed / n, previewRed / n, 2.0, "the JPEG preview's mean red against the input's");
        assertEquals(200, getBytes(job + id + "/dzi/input_files/0/0_0.jpg").statusCode());
    }

    /**
     * Issue 26: a uint16 scene of values up to 4000 (a satellite band, say) was nearly black in the viewer (the
     * preview kept the high byte: 0 to 15), and a float32 elevation model had no preview at all. Both are shown
     * stretched between their percentiles: dark to bright.
     */
    @Test
    void wideSamplesAreShownStretched(Trio trio) throws Exception {
        java.awt.image.BufferedImage scene = new java.awt.image.BufferedImage(640, 480,
                java.awt.image.BufferedImage.TYPE_USHORT_GRAY);
        java.awt.image.BufferedImage grey = new java.awt.image.BufferedImage(640, 480,
                java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        java.util.Random random = new java.util.Random(3);
        for (int y = 0; y < 480; y++) {
            for (int x = 0; x < 640; x++) {
                scene.getRaster().setSample(x, y, 0, 300 + (x * 3000) / 640 + random.nextInt(200)); // 300..3500
                grey.getRaster().setSample(x, y, 0, (x * 240) / 640 + random.nextInt(16));
            }
        }
        Path png = dir.resolve("uint16.png");
        javax.imageio.ImageIO.write(scene, "png", png.toFile());
        assertStretched(trio, submit(trio, "/api/v1/jobs?preview=true&tileSize=128&threshold=2000", png), "uint16");
        if (dev.lip.formats.testing.FieldTools.installed("gdal_translate")) {
            Path grey8 = dir.resolve("grey.png");
            javax.imageio.ImageIO.write(grey, "png", grey8.toFile());
            Path dem = dir.resolve("dem.tif"); // heights from -50 to 1500 m, as GDAL writes a float32 DEM
            dev.lip.formats.testing.FieldTools.run("gdal_translate", "-q", "-ot", "Float32", "-scale", "0", "255",
                    "-50", "1500", grey8.toString(), dem.toString());
            assertStretched(trio, submit(trio, "/api/v1/jobs?preview=true&tileSize=128&threshold=700", dem), "float32");
        }
    }

    private static void assertStretched(Trio trio, String id, String what) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String state = JSON.readTree(get(trio.api() + "/api/v1/jobs/" + id).body()).path("state").asText();
            return state.equals("PROCESSED") || state.equals("DONE");
        });
        // level 7: the whole 640x480 in one tile of 80x60
        HttpResponse<byte[]> tile = getBytes(trio.api() + "/api/v1/jobs/" + id + "/dzi/input_files/7/0_0.jpg");
        assertEquals(200, tile.statusCode(), what);
        java.awt.image.BufferedImage shown = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(tile.body()));
        int left = 0;
        int right = 0;
        for (int y = 5; y < 55; y++) {
            left += shown.getRaster().getSample(2, y, 0);
            right += shown.getRaster().getSample(77, y, 0);
        }
        assertTrue(left / 50 < 60, what + ": the scene's dark side is dark: " + left / 50);
        assertTrue(right / 50 > 190, what + ": its bright side is bright: " + right / 50);
    }

    @Test
    void aPreviewIsAJobOption(Trio trio) throws Exception {
        Path png = dir.resolve("small.png");
        SampleImage.generate(200, 100, 3, 8, 1).writePng(png);
        String first = submit(trio, "/api/v1/jobs", png);
        HttpResponse<String> r = get(trio.api() + "/api/v1/jobs/" + first + "/dzi/input.dzi");
        assertEquals(404, r.statusCode());
        assertTrue(r.body().contains("has no input preview"), r.body());

        // lip asks for one with --preview
        Trio.Run upload = trio.client("upload", png.toString(), "-q", "--preview");
        assertEquals(0, upload.exitCode(), upload.stderr());
        String id = upload.stdout().trim();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode patches = JSON.readTree(get(trio.api() + "/api/v1/jobs/" + id).body()).path("patches");
            return patches.path("total").asInt() > 0 && patches.path("sliced").asInt() == patches.path("total").asInt();
        });
        HttpResponse<String> dzi = get(trio.api() + "/api/v1/jobs/" + id + "/dzi/input.dzi");
        assertEquals(200, dzi.statusCode(), dzi.body());
        assertTrue(dzi.body().contains("<Size Width=\"200\" Height=\"100\"/>"), dzi.body());
        assertEquals(200, getBytes(trio.api() + "/api/v1/jobs/" + id + "/dzi/input_files/0/0_0.jpg").statusCode());
    }

    /**
     * The viewer while the job runs: with this test as the only worker, the result's tiles appear as the rows they
     * need are published, and not before; live tiles are not cached.
     */
    @Test
    void resultTilesAppearAsTheirPatchesArePublished() throws Exception {
        SampleImage img = SampleImage.generate(300, 200, 1, 8, 5);
        Path png = dir.resolve("live.png");
        img.writePng(png);
        try (Trio trio = new Trio(false)) {
            String jobs = trio.api() + "/api/v1/jobs/";
            String id = submit(trio, "/api/v1/jobs?tileSize=64", png);
            send(HttpRequest.newBuilder(URI.create(jobs + id + "/result")).POST(HttpRequest.BodyPublishers.noBody()));
            JobDirectory job = new JobDirectory(trio.tempDir, id);
            await().atMost(Duration.ofSeconds(30)).until(() -> job.count(job.pending()) == 5 * 4); // 300x200 in 64s
            String tiles = jobs + id + "/dzi/result_files/9/"; // ceil(log2(300)) = 9
            assertEquals(404, getBytes(tiles + "0_0.png").statusCode(), "nothing is processed yet");

            byte[] mask = img.thresholdMask(128, false);
            for (int c = 0; c < 5; c++) {
                work(job, new PatchName(0, c), mask, img.width);
            }
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> getBytes(tiles + "4_0.png").statusCode() == 200);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(get(jobs + id).body() + "\n" + new String(getBytes(tiles + "4_0.png").body()) + "\n" + trio.log("slicer-api"), e);
            }
            HttpResponse<byte[]> live = getBytes(tiles + "2_0.png");
            assertTrue(live.headers().firstValue("Cache-Control").orElse("").contains("no-store"), live.headers().toString());
            assertArrayEquals(ints(crop(mask, img.width, 128, 0, 64, 64)), grey(live.body()), "a live tile");
            assertEquals(404, getBytes(tiles + "0_1.png").statusCode(), "the second row is not processed yet");

            for (int r = 1; r < 4; r++) {
                for (int c = 0; c < 5; c++) {
                    work(job, new PatchName(r, c), mask, img.width);
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(get(jobs + id).body()).path("state").asText().equals("DONE"));
            assertArrayEquals(ints(crop(mask, img.width, 256, 192, 44, 8)), grey(getBytes(tiles + "4_3.png").body()), "the last tile");
        }
    }

    /** Uploads {@code image} with the query {@code path}; returns the job's id (the upload must be accepted). */
    private static String submit(Trio trio, String path, Path image) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(trio.api() + path))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofFile(image)));
        assertEquals(202, r.statusCode(), r.body());
        return JSON.readTree(r.body()).path("id").asText();
    }

    /** Processes one patch as a worker does (claim, threshold at 128, publish), through the work directory. */
    private static void work(JobDirectory job, PatchName patch, byte[] mask, int width) throws Exception {
        Path claimed = job.claim(patch).orElseThrow();
        Rect bounds = PatchFile.read(claimed).bounds();
        PixelRegion result = new PixelRegion(bounds, 1, 8,
                crop(mask, width, bounds.x(), bounds.y(), bounds.width(), bounds.height()));
        job.publish(patch, tmp -> PatchFile.write(tmp, result));
    }

    private static int[] ints(byte[] bytes) {
        int[] out = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = bytes[i] & 0xFF;
        }
        return out;
    }

    private static byte[] crop(byte[] mask, int width, int x, int y, int w, int h) {
        byte[] out = new byte[w * h];
        for (int row = 0; row < h; row++) {
            System.arraycopy(mask, (y + row) * width + x, out, row * w, w);
        }
        return out;
    }

    /** The grey values of a PNG tile. */
    private static int[] grey(byte[] png) throws Exception {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(), (int[]) null);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<byte[]> getBytes(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
