package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images read where they live: objects in a real S3 server (s3proxy, in this JVM, on its own storage) that slicer-api
 * reaches through the AWS SDK's standard variables; exact results, and a sentence with the right status for each way
 * it can go wrong. Files by reference: {@link FileSourcesTest}.
 */
class SourcesByReferenceTest {
    private static final String ACCESS = "lip-access";
    private static final String SECRET = "lip-secret-key";
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials(ACCESS, SECRET).build();

    @TempDir
    Path dir;

    private static Map<String, String> env(String endpoint, String secret) {
        return Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_ACCESS_KEY_ID", ACCESS, "AWS_SECRET_ACCESS_KEY", secret,
                "AWS_REGION", "us-east-1");
    }

    private static S3Client client() {
        return S3Client.builder().endpointOverride(S3.getUri()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build();
    }

    @Test
    void jpegPngAndTiledTiffObjectsGiveExactResultsAndMistakesGetSentences() throws Exception {
        SampleImage img = SampleImage.generate(700, 450, 3, 8, 16);
        Path png = dir.resolve("scene.png");
        img.writePng(png);
        Path tif = dir.resolve("scene.tif");
        img.writeTiff(tif, "Deflate", 128);
        Path jpg = dir.resolve("scene.jpg");
        img.writeJpeg(jpg, false, 0.9f);
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket("scenes"));
            for (Path p : new Path[]{png, tif, jpg}) {
                s3.putObject(b -> b.bucket("scenes").key("in/" + p.getFileName()), RequestBody.fromFile(p));
            }
        }
        // S3's smallest parts, so that a result of a few MB goes up in several
        try (Trio trio = new Trio(env(S3.getUri().toString(), SECRET), true, "--lip.s3.part-size=5MB");
             S3Client s3 = client()) {
            for (Path p : new Path[]{png, tif, jpg}) {
                String source = "s3://scenes/in/" + p.getFileName();
                HttpResponse<String> r = submit(trio, source);
                assertEquals(202, r.statusCode(), r.body());
                JsonNode job = JSON.readTree(r.body());
                assertEquals(source, job.path("source").asText());
                String id = job.path("id").asText();
                JsonNode done = awaitEnd(trio, id);
                assertEquals("DONE", done.path("state").asText(), done.toString());
                byte[] expected = p == jpg ? SampleImage.decode(jpg).thresholdMask(128, false) : img.thresholdMask(128, false);
                Masks.assertMaskEquals(expected, img.width, img.height, trio.resultDir.resolve(id + ".tif"), source);
            }

            // lip with references both ways uploads and downloads nothing: the result goes to the bucket; the mask
            // of a noisy image is large (deflate cannot shrink noise), so it goes up as a multipart upload
            Path noise = dir.resolve("noise.png");
            writeNoise(noise, 6000, 6000);
            s3.putObject(b -> b.bucket("scenes").key("in/noise.png"), RequestBody.fromFile(noise));
            Trio.Run run = trio.client("process", "s3://scenes/in/noise.png", "-o", "s3://scenes/out/mask.tif", "-q",
                    "--tile-size", "1024");
            assertEquals(0, run.exitCode(), run.stderr());
            assertTrue(run.stdout().contains("Wrote s3://scenes/out/mask.tif ("), run.stdout());
            String id = jobId(run.stdout());
            byte[] object = s3.getObjectAsBytes(b -> b.bucket("scenes").key("out/mask.tif")).asByteArray();
            byte[] local = Files.readAllBytes(trio.resultDir.resolve(id + ".tif"));
            assertTrue(local.length > 5 << 20, "a result of several parts: " + local.length);
            assertArrayEquals(local, object, "the object is the local result, byte for byte");
            JsonNode status = JSON.readTree(body(trio, "/api/v1/jobs/" + id));
            assertEquals("s3://scenes/in/noise.png", status.path("source").asText());
            assertEquals("s3://scenes/out/mask.tif", status.path("resultObject").path("url").asText());
            assertEquals(object.length, status.path("resultObject").path("bytes").asLong());
            // a local image is uploaded as always, and its result goes to the bucket
            run = trio.client("process", png.toString(), "-o", "s3://scenes/out/from-local.tif", "-q");
            assertEquals(0, run.exitCode(), run.stderr());
            Path fromLocal = dir.resolve("from-local.tif");
            Files.write(fromLocal, s3.getObjectAsBytes(b -> b.bucket("scenes").key("out/from-local.tif")).asByteArray());
            Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, fromLocal, "a local image's result object");
            // a destination bucket that is not there: the job fails naming it, after its result was written
            HttpResponse<String> nowhere = submit(trio, "s3://scenes/in/scene.png&destination=s3://no-such-bucket/out.tif");
            assertEquals(202, nowhere.statusCode(), nowhere.body());
            JsonNode failed = awaitEnd(trio, JSON.readTree(nowhere.body()).path("id").asText());
            assertEquals("FAILED", failed.path("state").asText(), failed.toString());
            assertTrue(failed.path("error").asText().contains("not uploaded to s3://no-such-bucket/out.tif: There is no bucket"),
                    failed.toString());
            assertProblem(submit(trio, "s3://scenes/in/scene.png&destination=file:///tmp/x.tif"), 400, "destination must be an object");

            assertProblem(submit(trio, "s3://scenes/in/missing.tif"), 400, "There is no object s3://scenes/in/missing.tif.");
            assertProblem(submit(trio, "s3://no-such-bucket/x.tif"), 400, "There is no bucket 'no-such-bucket'.");
            assertProblem(submit(trio, "s3://scenes"), 400, "names no object");
            assertProblem(submit(trio, "http://example.com/x.tif"), 400, "source must be s3://bucket/key or file:///path");
            // no source roots configured: files are not read by reference
            assertProblem(submit(trio, png.toUri().toString()), 403, "lip.source-roots");
            assertFalse(trio.log("slicer-api").contains(SECRET), "the secret is not logged");
        }
    }

    @Test
    void wrongCredentialsAre403AndAnEndpointThatIsAwayOrDiesIs502() throws Exception {
        SampleImage img = SampleImage.generate(1500, 1500, 3, 8, 3);
        Path png = dir.resolve("big.png");
        img.writePng(png);
        try (S3Client s3 = client()) {
            s3.createBucket(b -> b.bucket("scenes"));
            s3.putObject(b -> b.bucket("scenes").key("big.png"), RequestBody.fromFile(png));
        }
        try (Trio trio = new Trio(env(S3.getUri().toString(), "not-the-secret"), false)) {
            assertProblem(submit(trio, "s3://scenes/big.png"), 403, "was refused");
        }
        try (SlowProxy dying = SlowProxy.dyingAfter(S3.getUri().getPort(), Files.size(png) / 3);
             Trio trio = new Trio(env(dying.url(), SECRET), false)) {
            HttpResponse<String> r = submit(trio, "s3://scenes/big.png");
            assertProblem(r, 502, "s3://scenes/big.png");
            assertEquals("[]", body(trio, "/api/v1/jobs").replaceAll("\\s", ""), "a refused job is not kept");
        }
        try (Trio trio = new Trio(env("http://127.0.0.1:9", SECRET), false)) {
            assertProblem(submit(trio, "s3://scenes/big.png"), 502, "could not be reached");
        }
    }

    static HttpResponse<String> submit(Trio trio, String sourceAndQuery) throws Exception {
        String[] parts = sourceAndQuery.split("&", 2);
        String query = "source=" + URLEncoder.encode(parts[0], StandardCharsets.UTF_8) + "&tileSize=128"
                + (parts.length > 1 ? "&" + parts[1] : "");
        return HTTP.send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs?" + query))
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode awaitEnd(Trio trio, String id) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id + "/result"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(60)).until(() -> JSON.readTree(body(trio, "/api/v1/jobs/" + id))
                .path("state").asText().matches("DONE|FAILED|CANCELLED"));
        return JSON.readTree(body(trio, "/api/v1/jobs/" + id));
    }

    private static String body(Trio trio, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(trio.api() + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** A grey PNG of uniform noise: its threshold mask is noise too. */
    private static void writeNoise(Path file, int w, int h) throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(w, h, java.awt.image.BufferedImage.TYPE_BYTE_GRAY);
        new java.util.Random(7).nextBytes(((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData());
        javax.imageio.ImageIO.write(image, "png", file.toFile());
    }

    private static String jobId(String stdout) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Job ([0-9a-f-]+):").matcher(stdout);
        assertTrue(m.find(), stdout);
        return m.group(1);
    }

    static void assertProblem(HttpResponse<String> r, int status, String detail) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertTrue(body.path("detail").asText().contains(detail), r.body());
    }
}
