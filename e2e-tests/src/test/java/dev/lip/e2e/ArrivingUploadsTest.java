package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 27: a job made with its resumable upload slices a JPEG, a PNG or a TIFF while the upload still arrives, through the
 * real service and tus requests as a client sends them: patches are sliced before the last byte is sent, a paused
 * upload pauses the job (longer than the decoder's watchdog allows a silent decoder), the result is exact, a kill -9
 * of slicer-api mid-upload resumes, a deleted upload fails the job; a TIFF is sliced as it arrives when its
 * directory comes first (GDAL's), and once that has come when it is at its end (libvips').
 */
class ArrivingUploadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<Trio> trios = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        trios.forEach(Trio::close);
    }

    private Trio trio() throws IOException {
        // a watchdog shorter than the pauses below: a decoder waiting for bytes must not be taken for a stuck one
        return trio("--lip.decoder.stall-timeout=2s");
    }

    private Trio trio(String... apiArgs) throws IOException {
        Trio t = new Trio(true, apiArgs);
        trios.add(t);
        return t;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder tus(Trio t, String path) {
        return HttpRequest.newBuilder(URI.create(t.api() + path)).header("Tus-Resumable", "1.0.0");
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Creates an upload that makes its job; returns {location, job id}. */
    private String[] create(Trio t, long length, String name) throws Exception {
        HttpResponse<String> r = send(tus(t, "/api/v1/uploads").header("Upload-Length", Long.toString(length))
                .header("Upload-Metadata", "filename " + b64(name) + ",job " + b64("tileSize=128&threshold=100"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(201, r.statusCode(), r.body());
        String job = r.headers().firstValue("Lip-Job").orElseThrow();
        assertEquals(202, send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + job + "/result"))
                .POST(HttpRequest.BodyPublishers.noBody())).statusCode(), "the result is asked for, as lip does");
        return new String[]{r.headers().firstValue("Location").orElseThrow(), job};
    }

    private void patch(Trio t, String location, byte[] bytes, int from, int to) throws Exception {
        HttpResponse<String> r = send(tus(t, location).header("Upload-Offset", Integer.toString(from))
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOfRange(bytes, from, to))));
        assertEquals(204, r.statusCode(), r.body());
    }

    /**
     * Sends the whole file in one PATCH, as lip does, holding the request open after {@code part} bytes until
     * {@code go} opens: the job must start on the bytes of a request still arriving.
     */
    private java.util.concurrent.CompletableFuture<HttpResponse<String>> patchHeld(
            Trio t, String location, byte[] bytes, int part, java.util.concurrent.CountDownLatch go) {
        java.io.InputStream held = new HeldBody(bytes, part, go);
        return http.sendAsync(tus(t, location).header("Upload-Offset", "0")
                .header("Content-Type", "application/offset+octet-stream")
                .method("PATCH", HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> held), bytes.length)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode job(Trio t, String id) throws Exception {
        return JSON.readTree(send(HttpRequest.newBuilder(URI.create(t.api() + "/api/v1/jobs/" + id)).GET()).body());
    }

    private static int sliced(JsonNode job) {
        return job.path("patches").path("sliced").asInt();
    }

    private void awaitSliced(Trio t, String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode j = job(t, id);
            assertNotEquals("FAILED", j.path("state").asText(), j.toString());
            return sliced(j) > 0;
        });
    }

    private static long millis(JsonNode instant) {
        return instant.isTextual() ? java.time.Instant.parse(instant.asText()).toEpochMilli()
                : (long) (instant.asDouble() * 1000);
    }

    private void assertResult(Trio t, String id, SampleImage reference, String what) throws Exception {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode j = job(t, id);
            assertNotEquals("FAILED", j.path("state").asText(), j.toString());
            return j.path("state").asText().equals("DONE");
        });
        Path out = dir.resolve(id + ".tif");
        Trio.Run result = t.client("result", id, "-o", out.toString(), "-q");
        assertEquals(0, result.exitCode(), result.stderr());
        Masks.assertMaskEquals(reference.thresholdMask(100, false), reference.width, reference.height, out, what);
    }

    @Test
    void jpegsPngsAndTiffsAreSlicedWhileTheirUploadsArriveATiffWithItsDirectoryAtItsEndOnceThatHasCome() throws Exception {
        Trio t = trio();
        SampleImage img = SampleImage.generate(1600, 1200, 3, 8, 27);
        Path jpeg = dir.resolve("arriving.jpg");
        img.writeJpeg(jpeg, false, 0.9f);
        Path png = dir.resolve("arriving.png");
        img.writePng(png);
        List<Path> inputs = new ArrayList<>(List.of(jpeg, png));
        boolean tools = dev.lip.formats.testing.FieldTools.installed("gdal_translate")
                && dev.lip.formats.testing.FieldTools.installed("vips");
        Path gdalTiff = dir.resolve("gdal.tif");
        Path vipsTiff = dir.resolve("vips.tif");
        if (tools) { // GDAL writes a TIFF's directory first, libvips (like libtiff) after the image data
            dev.lip.formats.testing.FieldTools.make("gdal_translate -q -co TILED=YES -co COMPRESS=DEFLATE IN OUT", png, gdalTiff);
            dev.lip.formats.testing.FieldTools.make("vips tiffsave IN OUT --tile --compression deflate", png, vipsTiff);
            inputs.add(gdalTiff);
            Path bigTiff = dir.resolve("gdal-big.tif"); // a BigTIFF, directory first as GDAL writes it
            dev.lip.formats.testing.FieldTools.make("gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co COMPRESS=DEFLATE "
                    + "IN OUT", png, bigTiff);
            inputs.add(bigTiff);
        }
        for (Path input : inputs) {
            byte[] bytes = Files.readAllBytes(input);
            String[] up = create(t, bytes.length, input.getFileName().toString());
            int part = bytes.length * 3 / 5;
            // the JPEG in one PATCH held open (as lip sends it), the PNG in two (as a tus client in chunks)
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            var oneRequest = input == jpeg ? patchHeld(t, up[0], bytes, part, go) : null;
            if (oneRequest == null) {
                patch(t, up[0], bytes, 0, part);
            }
            awaitSliced(t, up[1]);
            JsonNode early = job(t, up[1]);
            assertEquals(up[0].substring(up[0].lastIndexOf('/') + 1), early.path("upload").asText(),
                    "sliced while its upload is still unfinished: " + early);
            assertTrue(early.path("notes").toString().contains("slicing began while the image was still arriving"),
                    early.toString());
            int slicedThen = sliced(early);
            if (oneRequest != null) {
                // a HEAD while the PATCH is open says how much has been written (a page follows the upload by it)
                HttpResponse<String> head = send(tus(t, up[0]).method("HEAD", HttpRequest.BodyPublishers.noBody()));
                assertEquals(200, head.statusCode());
                long offset = Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
                assertTrue(offset > 0 && offset <= part, "offset " + offset + " of the " + part + " sent so far");
                assertEquals(Long.toString(bytes.length), head.headers().firstValue("Upload-Length").orElseThrow());
            }
            Thread.sleep(4000); // the upload pauses for twice the decoder's watchdog: the job pauses with it
            JsonNode paused = job(t, up[1]);
            assertNotEquals("FAILED", paused.path("state").asText(), paused.toString());
            assertTrue(sliced(paused) < paused.path("patches").path("total").asInt(),
                    "not every patch can be sliced before the rest arrives: " + paused);
            if (oneRequest != null) {
                go.countDown();
                assertEquals(204, oneRequest.get(60, java.util.concurrent.TimeUnit.SECONDS).statusCode());
            } else {
                patch(t, up[0], bytes, part, bytes.length);
            }
            SampleImage reference = input == jpeg ? SampleImage.decode(jpeg) : img;
            assertResult(t, up[1], reference, input.getFileName() + " sliced while it arrived");
            JsonNode done = job(t, up[1]);
            assertTrue(done.path("upload").isMissingNode() || done.path("upload").isNull(), done.toString());
            assertTrue(slicedThen > 0);
            // the upload stage lasted until the last byte, past the start of slicing
            assertTrue(millis(done.path("stages").path("upload").path("endedAt"))
                    > millis(done.path("stages").path("slicing").path("startedAt")), done.toString());
        }

        if (!tools) {
            return;
        }
        byte[] bytes = Files.readAllBytes(vipsTiff);
        String[] up = create(t, bytes.length, "vips.tif");
        patch(t, up[0], bytes, 0, bytes.length * 3 / 5);
        Thread.sleep(1500);
        assertEquals("RECEIVING", job(t, up[1]).path("state").asText(), "its directory has not arrived");
        patch(t, up[0], bytes, bytes.length * 3 / 5, bytes.length);
        assertResult(t, up[1], img, "a TIFF whose directory is at its end");
        assertTrue(job(t, up[1]).path("notes").toString().contains("began with the image's last byte"),
                job(t, up[1]).toString());
    }

    @Test
    void aKillOfSlicerApiMidUploadResumesAndADeletedUploadFailsItsJob() throws Exception {
        Trio t = trio();
        SampleImage img = SampleImage.generate(1600, 1200, 3, 8, 28);
        Path jpeg = dir.resolve("restart.jpg");
        img.writeJpeg(jpeg, false, 0.9f);
        byte[] bytes = Files.readAllBytes(jpeg);

        String[] up = create(t, bytes.length, "restart.jpg");
        int half = bytes.length / 2;
        patch(t, up[0], bytes, 0, half);
        awaitSliced(t, up[1]);
        t.killApi();
        t.startApi();
        assertNotEquals("FAILED", job(t, up[1]).path("state").asText(), "a restart follows the upload again");
        patch(t, up[0], bytes, half, bytes.length);
        assertResult(t, up[1], SampleImage.decode(jpeg), "a JPEG sliced while it arrived, across a kill -9");

        String[] other = create(t, bytes.length, "deleted.jpg");
        patch(t, other[0], bytes, 0, half);
        awaitSliced(t, other[1]);
        assertEquals(204, send(tus(t, other[0]).DELETE()).statusCode());
        await().atMost(Duration.ofSeconds(20)).until(() -> job(t, other[1]).path("state").asText().equals("FAILED"));
        assertTrue(job(t, other[1]).path("error").asText().contains("deleted"), job(t, other[1]).toString());
    }

    @Test
    void anUploadThatExpiresBeforeItsLastByteFailsItsJobWithASentence() throws Exception {
        Trio t = trio("--lip.decoder.stall-timeout=2s", "--lip.upload-expiry=3s");
        SampleImage img = SampleImage.generate(1600, 1200, 3, 8, 29);
        Path jpeg = dir.resolve("expiring.jpg");
        img.writeJpeg(jpeg, false, 0.9f);
        byte[] bytes = Files.readAllBytes(jpeg);

        // one job slicing its upload as it arrives, one still waiting for its first quarter megabyte
        String[] slicing = create(t, bytes.length, "expiring.jpg");
        patch(t, slicing[0], bytes, 0, bytes.length / 2);
        String[] waiting = create(t, bytes.length, "waiting.jpg");
        patch(t, waiting[0], bytes, 0, 1000);
        for (String[] up : List.of(slicing, waiting)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> job(t, up[1]).path("state").asText().equals("FAILED"));
            assertTrue(job(t, up[1]).path("error").asText().contains("The upload expired before its last byte "
                    + "arrived (lip.upload-expiry)"), job(t, up[1]).toString());
            assertEquals(404, send(tus(t, up[0]).method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode(),
                    "the upload is gone");
        }
        assertTrue(sliced(job(t, slicing[1])) > 0, "the first job was slicing its first half when it expired: "
                + job(t, slicing[1]));
        assertEquals(0, sliced(job(t, waiting[1])), job(t, waiting[1]).toString());
    }

    /**
     * The attacker's view of slicing as bytes arrive: mutated JPEGs, PNGs and TIFFs (bits flipped, cut, header fields set to
     * extremes; FuzzTest's mutations) sent in two PATCHes from two threads at once, while two uploads that never
     * finish hold both places for arriving slicings. Every request answers below 500, every job ends DONE or FAILED
     * with a sentence, the held uploads cost the others nothing but the wait for their last byte, and deleting the
     * held uploads fails their jobs.
     */
    @Test
    void mutatedArrivingUploadsFromTwoThreadsEndInAResultOrASentence() throws Exception {
        Trio t = trio(new String[0]); // the decoder's watchdog as configured (a busy machine starts decoders slowly)
        SampleImage img = SampleImage.generate(700, 500, 3, 8, 29);
        Path jpeg = dir.resolve("seed.jpg");
        img.writeJpeg(jpeg, false, 0.9f);
        Path png = dir.resolve("seed.png");
        img.writePng(png);
        Path tiff = dir.resolve("seed.tif");
        img.writeTiff(tiff, "Deflate", 64);
        List<byte[]> seeds = new ArrayList<>(List.of(Files.readAllBytes(jpeg), Files.readAllBytes(png), Files.readAllBytes(tiff)));
        if (dev.lip.formats.testing.FieldTools.installed("gdal_translate")) {
            // BigTIFFs, read as they arrive too: deflate blocks with a predictor (inflated and undone in native memory)
            // and JPEG tiles (libjpeg-turbo), AlgART's directory
            for (String compression : List.of("DEFLATE -co PREDICTOR=2", "JPEG")) {
                Path big = dir.resolve("seed-big-" + compression.split(" ")[0] + ".tif");
                dev.lip.formats.testing.FieldTools.make("gdal_translate -q -co BIGTIFF=YES -co TILED=YES -co BLOCKXSIZE=128 "
                        + "-co BLOCKYSIZE=128 -co COMPRESS=" + compression + " IN OUT", png, big);
                seeds.add(Files.readAllBytes(big));
            }
        }

        runCases(t, seeds, 2026120700L, 40); // each may be sliced as it arrives

        // whole files of a little over the first 256 KB in one PATCH each: the last byte races the intake that
        // started on the first ones (a job once FAILED there, taken in twice); each must end DONE, and exact
        SampleImage reference = SampleImage.decode(jpeg);
        byte[] whole = seeds.get(0);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<String>> quick = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            quick.add(pool.submit(() -> {
                String[] up = create(t, whole.length, "quick.jpg");
                patch(t, up[0], whole, 0, whole.length);
                return up[1];
            }));
        }
        for (var q : quick) {
            assertResult(t, q.get(2, java.util.concurrent.TimeUnit.MINUTES), reference, "a small JPEG in one PATCH");
        }
        pool.shutdown();

        List<String[]> held = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            byte[] b = seeds.get(i);
            String[] up = create(t, b.length * 4L, "held-" + i); // declares four times what will ever come
            patch(t, up[0], b, 0, b.length);
            awaitSliced(t, up[1]);
            held.add(up);
        }
        runCases(t, seeds, 2026120800L, 4); // both places held: these wait for their last byte, and end all the same

        for (String[] up : held) {
            JsonNode j = job(t, up[1]);
            assertNotEquals("FAILED", j.path("state").asText(), "still waiting for bytes that may come: " + j);
            assertEquals(204, send(tus(t, up[0]).DELETE()).statusCode());
            await().atMost(Duration.ofSeconds(20)).until(() -> job(t, up[1]).path("state").asText().equals("FAILED"));
        }
        assertEquals(200, send(HttpRequest.newBuilder(URI.create(t.api() + "/actuator/health")).GET()).statusCode());
    }

    /** Sends {@code cases} mutated seeds in two PATCHes each from two threads; each job must end with a result or a sentence. */
    private void runCases(Trio t, List<byte[]> seeds, long firstSeed, int cases) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        List<java.util.concurrent.Future<String>> runs = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            long seed = firstSeed + i;
            byte[] source = seeds.get(i % seeds.size());
            runs.add(pool.submit(() -> {
                java.util.Random r = new java.util.Random(seed);
                byte[] b = FuzzTest.mutate(source, r);
                String[] up = create(t, b.length, "case-" + seed);
                int part = 1 + r.nextInt(b.length - 1);
                patch(t, up[0], b, 0, part);
                patch(t, up[0], b, part, b.length);
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    String s = job(t, up[1]).path("state").asText();
                    return s.equals("DONE") || s.equals("FAILED");
                });
                JsonNode j = job(t, up[1]);
                if (j.path("state").asText().equals("FAILED")) {
                    String error = j.path("error").asText();
                    assertTrue(error.length() > 10 && !error.contains("Exception") && !error.contains("/tmp/"),
                            "case " + seed + ": a failure without a plain sentence: " + error);
                    System.out.println("case " + seed + " FAILED: " + error);
                }
                return j.path("state").asText();
            }));
        }
        java.util.Map<String, Integer> outcomes = new java.util.TreeMap<>();
        try {
            for (var run : runs) {
                outcomes.merge(run.get(3, java.util.concurrent.TimeUnit.MINUTES), 1, Integer::sum);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            // what slicer-api logged at WARN and above, to see why
            throw new AssertionError(e.getCause().getMessage() + "\nslicer-api's log:\n" + t.log("slicer-api").lines()
                    .filter(l -> l.contains("ERROR") || l.contains("WARN") || l.startsWith("\tat ") || l.contains("Exception"))
                    .limit(60).collect(java.util.stream.Collectors.joining("\n")), e);
        } finally {
            pool.shutdownNow();
        }
        System.out.println("arriving fuzz outcomes (first seed " + firstSeed + "): " + outcomes);
        assertEquals(cases, outcomes.values().stream().mapToInt(Integer::intValue).sum());
    }
}
