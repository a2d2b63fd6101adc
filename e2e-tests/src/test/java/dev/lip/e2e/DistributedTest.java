package dev.lip.e2e;

import dev.lip.common.testing.References;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, no shared volume, shown: slicer-api with its embedded Artemis broker and two patch-processors, each with
 * a private directory of its own, nothing shared but the broker and an S3 server (s3proxy, in this JVM). A JPEG, a
 * tiled TIFF and otsu on a PNG come back exact, and both processors did part of the work.
 */
class DistributedTest {
    @RegisterExtension
    static final S3ProxyExtension S3 = S3ProxyExtension.builder()
            .withCredentials(DistributedCluster.ACCESS, DistributedCluster.SECRET).build();

    @TempDir
    Path dir;

    @Test
    void twoProcessorsWithPrivateDirectoriesGiveExactResultsThroughTheBrokerAndTheBucket() throws Exception {
        try (DistributedCluster cluster = new DistributedCluster(S3, dir)) {
            Trio trio = cluster.trio;
            assertTrue(trio.log("slicer-api").contains("embedded Artemis broker listening on tcp://127.0.0.1:"
                    + cluster.brokerPort), "the log says where the broker listens");
            cluster.startProcessor("processor-1");
            cluster.startProcessor("processor-2");
            SampleImage img = SampleImage.generate(700, 450, 3, 8, 41);
            Path tif = dir.resolve("scene.tif");
            img.writeTiff(tif, "Deflate", 128);
            Path out = dir.resolve("scene-mask.tif");
            Trio.Run r = trio.client("process", tif.toString(), "-o", out.toString(), "-q", "--tile-size", "64");
            assertEquals(0, r.exitCode(), r.stderr());
            Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, out, "tiled TIFF, distributed");

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

            for (int i = 0; i < 2; i++) {
                assertTrue(cluster.processed(i) > 0, "processor " + (i + 1) + " took part");
            }
            // the embedded broker's audit loggers (AMQ6015xx, AMQ6017xx: a line with the whole message for every
            // send, delivery and acknowledgement) stay off: they made 24 MB of log for one 20000² job
            String log = trio.log("slicer-api");
            assertTrue(!log.contains("AMQ6015") && !log.contains("AMQ6017"), "no audit line per message in:\n"
                    + log.substring(0, Math.min(log.length(), 4000)));
            // the numbers a dashboard and a scaler read, at /actuator/prometheus on every process
            String api = new String(new Http(trio.api(), null).get("/actuator/prometheus").bytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
            for (String metric : List.of("lip_patches_published_total", "lip_patches_completed_total",
                    "lip_queue_waiting", "lip_job_stage_seconds_count{stage=\"processing\"", "lip_job_stage_seconds_count{stage=\"slicing\"")) {
                assertTrue(api.contains(metric), "slicer-api reports " + metric + ":\n" + api);
            }
            assertTrue(Metrics.value(api, "lip_patches_completed_total") >= 2 * 88, "every patch counted: " + api);
            long total = 0;
            for (int i = 0; i < 2; i++) {
                String p = cluster.metrics(i);
                assertTrue(p.contains("lip_patch_duration_seconds_count{algorithm=\"threshold\"")
                        && p.contains("lip_patches_in_flight"), p);
                total += (long) Metrics.value(p, "lip_patches_processed_total");
            }
            assertTrue(total >= 2 * 88, "the processors counted every patch: " + total);
            for (String name : List.of("processor-1", "processor-2")) {
                try (var files = Files.walk(cluster.privateDir(name))) {
                    assertEquals(List.of(), files.filter(f -> f.toString().endsWith(".patch")).toList(),
                            "a processor keeps no patch on its own disk");
                }
            }

            // processors here share no directory with slicer-api: they say which models they have on the broker,
            // and an onnx job naming a model none has is refused at submission all the same (issue 26)
            Files.writeString(trio.modelsDir.resolve("present.onnx"), "a model file (its name is what counts here)");
            Http check = new Http(trio.api(), null);
            trio.awaitModels("present.onnx");
            Http.assertProblem(check.send(check.request("/api/v1/jobs/check?algorithm=onnx&model=absent.onnx")
                    .POST(java.net.http.HttpRequest.BodyPublishers.noBody())), 400, "No running processor has the model 'absent.onnx'");
        }
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
