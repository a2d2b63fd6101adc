package dev.lip.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.References;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, no shared volume, shown: slicer-api with its embedded Artemis broker and two patch-processors, each with
 * a private directory of its own, nothing shared but the broker and an S3 server (s3proxy, in this JVM). A JPEG, a
 * tiled TIFF and otsu on a PNG come back exact, and both processors did part of the work.
 */
class DistributedTest {
    private static final String ACCESS = "lip-access";
    private static final String SECRET = "lip-secret-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder().withCredentials(ACCESS, SECRET).build();

    @TempDir
    Path dir;

    private static Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL", S3.getUri().toString(), "AWS_ACCESS_KEY_ID", ACCESS,
                "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1");
    }

    @Test
    void twoProcessorsWithPrivateDirectoriesGiveExactResultsThroughTheBrokerAndTheBucket() throws Exception {
        try (S3Client s3 = S3Client.builder().endpointOverride(S3.getUri()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build()) {
            s3.createBucket(b -> b.bucket("lip"));
        }
        int brokerPort = Trio.freePort();
        String[] distributed = {"--lip.queue=artemis", "--lip.store=s3://lip/work"};
        try (Trio trio = new Trio(env(), false, distributed[0], distributed[1], "--lip.broker.embedded=true",
                "--lip.broker.port=" + brokerPort)) {
            assertTrue(trio.log("slicer-api").contains("embedded Artemis broker listening on tcp://127.0.0.1:" + brokerPort),
                    "the log says where the broker listens");
            int[] ports = {Trio.freePort(), Trio.freePort()};
            List<Path> privateDirs = List.of(Files.createDirectories(dir.resolve("p1")), Files.createDirectories(dir.resolve("p2")));
            for (int i = 0; i < 2; i++) {
                trio.startProcessor("processor-" + (i + 1), ports[i], env(), "--lip.temp-dir=" + privateDirs.get(i),
                        "--lip.threads=1", distributed[0], distributed[1],
                        "--spring.artemis.broker-url=tcp://127.0.0.1:" + brokerPort);
            }
            for (int i = 0; i < 2; i++) {
                trio.awaitHealthy(ports[i], "processor-" + (i + 1));
            }

            SampleImage img = SampleImage.generate(700, 450, 3, 8, 41);
            Path tif = dir.resolve("scene.tif");
            img.writeTiff(tif, "Deflate", 128);
            Path out = dir.resolve("scene-mask.tif");
            Trio.Run r = trio.client("process", tif.toString(), "-o", out.toString(), "-q", "--tile-size", "64");
            assertEquals(0, r.exitCode(), r.stderr());
            Masks.assertMaskEquals(threshold(bytes(img.samples), 3), img.width, img.height, out, "tiled TIFF, distributed");

            Path png = dir.resolve("otsu.png");
            img.writePng(png);
            Path otsu = dir.resolve("otsu-mask.tif");
            r = trio.client("process", png.toString(), "-o", otsu.toString(), "-q", "--tile-size", "64",
                    "--algorithm", "otsu");
            assertEquals(0, r.exitCode(), r.stderr());
            Masks.assertMaskEquals(References.otsu(img), img.width, img.height, otsu, "otsu on a PNG, distributed");

            if (FieldTools.installed("gdal_translate")) {
                Path jpg = dir.resolve("scene.jpg");
                img.writeJpeg(jpg, false, 0.9f);
                Path jpegMask = dir.resolve("jpeg-mask.tif");
                r = trio.client("process", jpg.toString(), "-o", jpegMask.toString(), "-q", "--tile-size", "64");
                assertEquals(0, r.exitCode(), r.stderr());
                Masks.assertMaskEquals(threshold(FieldTools.gdalPixels(jpg), 3), img.width, img.height, jpegMask,
                        "JPEG, distributed");
            }

            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> stats = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + ports[i]
                        + "/api/v1/stats")).build(), HttpResponse.BodyHandlers.ofString());
                long processed = JSON.readTree(stats.body()).path("processed").asLong();
                assertTrue(processed > 0, "processor " + (i + 1) + " took part: " + stats.body());
            }
            for (Path p : privateDirs) {
                try (var files = Files.walk(p)) {
                    assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".patch")).toList(),
                            "a processor keeps no patch on its own disk");
                }
            }
        }
    }

    private static byte[] bytes(int[] samples) {
        byte[] out = new byte[samples.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) samples[i];
        }
        return out;
    }

    /** The threshold algorithm's default on the whole image: luma of bands 1-3 at least 128. */
    private static byte[] threshold(byte[] samples, int bands) {
        byte[] mask = new byte[samples.length / bands];
        for (int i = 0; i < mask.length; i++) {
            int luma = 299 * (samples[i * bands] & 0xFF) + 587 * (samples[i * bands + 1] & 0xFF)
                    + 114 * (samples[i * bands + 2] & 0xFF);
            mask[i] = (byte) (luma >= 128_000 ? 255 : 0);
        }
        return mask;
    }
}
