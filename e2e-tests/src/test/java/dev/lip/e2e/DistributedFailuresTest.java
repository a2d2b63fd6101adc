package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lip.common.testing.SampleImage;
import org.gaul.s3proxy.junit.S3ProxyExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25, the guarantees of the work directory from the broker: a processor killed mid-job has its patches
 * delivered to another; slicer-api killed mid-job (its embedded broker with it) resumes, the processors reconnect,
 * nothing is lost; a broker of its own stopped and restarted mid-job under running services loses nothing; a poison patch is dead-lettered and fails its job naming it, while the next job finishes.
 */
class DistributedFailuresTest {
    @RegisterExtension
    final S3ProxyExtension S3 = S3ProxyExtension.builder()
            .withCredentials(DistributedCluster.ACCESS, DistributedCluster.SECRET).build();

    @TempDir
    Path dir;

    private static String submit(Http api, Path image, String query) throws Exception {
        Http.Answer a = api.upload(query, Files.readAllBytes(image));
        assertEquals(202, a.status(), new String(a.bytes()));
        return a.json().path("id").asText();
    }

    private static void requestResult(Http api, String id) throws Exception {
        api.send(api.request("/api/v1/jobs/" + id + "/result").POST(HttpRequest.BodyPublishers.noBody()));
    }

    private static void download(Http api, String id, Path out) throws Exception {
        Files.write(out, api.get("/api/v1/jobs/" + id + "/result").bytes());
    }

    /**
     * Starts a processor of two threads, submits {@code img} as a PNG in 1102 small patches and returns the job's id
     * once the processor has done 150 of them: a job under way, for a failure in its middle.
     */
    private String jobUnderWay(DistributedCluster cluster, Http api, SampleImage img, String name) throws Exception {
        cluster.startProcessor("processor", "--lip.threads=2");
        Path in = dir.resolve(name + ".png");
        img.writePng(in);
        String id = submit(api, in, "?tileSize=32&overlap=4");
        requestResult(api, id);
        long deadline = System.currentTimeMillis() + 120_000;
        while (cluster.processed(0) < 150) {
            assertTrue(System.currentTimeMillis() < deadline, "the processor got going");
            Thread.sleep(20);
        }
        return id;
    }

    @Test
    void aProcessorKilledMidJobHasItsPatchesDeliveredToAnother() throws Exception {
        try (DistributedCluster cluster = new DistributedCluster(S3, dir)) {
            Http api = new Http(cluster.trio.api(), null);
            SampleImage img = SampleImage.generate(1200, 900, 3, 8, 2);
            Path in = dir.resolve("k.png");
            img.writePng(in);
            String id = submit(api, in, "?tileSize=32&overlap=4"); // 1102 small patches
            requestResult(api, id);
            Process first = cluster.startProcessor("first", "--lip.threads=4");
            long deadline = System.currentTimeMillis() + 120_000;
            while (cluster.processed(0) < 150) {
                assertTrue(System.currentTimeMillis() < deadline, "the first processor got going");
                Thread.sleep(20);
            }
            Trio.kill(first); // kill -9 while it holds deliveries
            JsonNode mid = api.get("/api/v1/jobs/" + id).json();
            assertTrue(!mid.path("state").asText().equals("DONE"), "killed mid-job: " + mid);
            cluster.startProcessor("second", "--lip.threads=2");
            JsonNode job = api.awaitState(id, s -> s.equals("DONE") || s.equals("FAILED"), 180);
            assertEquals("DONE", job.path("state").asText(), job.toString());
            Path out = dir.resolve("k.tif");
            download(api, id, out);
            Masks.assertMaskEquals(img.thresholdMask(128, false), 1200, 900, out, "after a processor was killed");
        }
    }

    @Test
    void slicerApiKilledMidJobWithItsBrokerResumesAndTheProcessorsReconnect() throws Exception {
        try (DistributedCluster cluster = new DistributedCluster(S3, dir)) {
            Http api = new Http(cluster.trio.api(), null);
            SampleImage img = SampleImage.generate(1200, 900, 3, 8, 3);
            String id = jobUnderWay(cluster, api, img, "r");
            cluster.trio.killApi(); // and the embedded broker in it
            cluster.trio.startApi();
            JsonNode job = api.awaitState(id, s -> s.equals("DONE") || s.equals("FAILED"), 240);
            assertEquals("DONE", job.path("state").asText(), job.toString());
            Path out = dir.resolve("r.tif");
            download(api, id, out);
            Masks.assertMaskEquals(img.thresholdMask(128, false), 1200, 900, out, "after slicer-api and its broker were killed");
        }
    }

    @Test
    void aBrokerOfItsOwnStoppedAndRestartedMidJobLosesNothing() throws Exception {
        // the broker a cluster runs apart from slicer-api (here in the test's JVM, its journal in a directory of the
        // test's): stopped while slicer-api publishes and the processor consumes, then started again on its journal
        Path journal = dir.resolve("broker");
        int port = Trio.freePort();
        dev.lip.distributed.EmbeddedBroker broker = dev.lip.distributed.EmbeddedBroker.start(journal, port, 3);
        try (DistributedCluster cluster = new DistributedCluster(S3, dir, port)) {
            Http api = new Http(cluster.trio.api(), null);
            SampleImage img = SampleImage.generate(1200, 900, 3, 8, 5);
            String id = jobUnderWay(cluster, api, img, "b");
            broker.close();
            JsonNode mid = api.get("/api/v1/jobs/" + id).json();
            assertTrue(!mid.path("state").asText().equals("DONE"), "stopped mid-job: " + mid);
            assertEquals(200, api.get("/api/v1/jobs/" + id).status(), "slicer-api answers without its broker");
            broker = dev.lip.distributed.EmbeddedBroker.start(journal, port, 3);
            JsonNode job = api.awaitState(id, s -> s.equals("DONE") || s.equals("FAILED"), 240);
            assertEquals("DONE", job.path("state").asText(), job.toString());
            Path out = dir.resolve("b.tif");
            download(api, id, out);
            Masks.assertMaskEquals(img.thresholdMask(128, false), 1200, 900, out, "after the broker was restarted");
        } finally {
            broker.close();
        }
    }

    @Test
    void aPoisonPatchIsDeadLetteredAndFailsItsJobNamingItWhileTheNextJobFinishes() throws Exception {
        try (DistributedCluster cluster = new DistributedCluster(S3, dir); S3Client s3 = cluster.s3()) {
            Http api = new Http(cluster.trio.api(), null);
            SampleImage img = SampleImage.generate(100, 70, 3, 8, 1);
            Path in = dir.resolve("p.png");
            img.writePng(in);
            String poisoned = submit(api, in, "?tileSize=32");
            api.awaitState(poisoned, s -> s.equals("PROCESSING"), 30);
            String key = "work/" + poisoned + "/pending/r1-c2.patch";
            long deadline = System.currentTimeMillis() + 30_000;
            byte[] bytes = null;
            while (bytes == null) { // relayed to the bucket a moment after slicing ends
                try {
                    bytes = s3.getObjectAsBytes(b -> b.bucket(DistributedCluster.BUCKET).key(key)).asByteArray();
                } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
                    assertTrue(System.currentTimeMillis() < deadline, "the patch reached the bucket");
                    Thread.sleep(50);
                }
            }
            byte[] corrupt = java.util.Arrays.copyOf(bytes, bytes.length - 7); // it ends early
            s3.putObject(b -> b.bucket(DistributedCluster.BUCKET).key(key), RequestBody.fromBytes(corrupt));

            Process processor = cluster.startProcessor("processor", "--lip.max-attempts=3");
            JsonNode job = api.awaitState(poisoned, s -> s.equals("FAILED") || s.equals("PROCESSED"), 60);
            assertEquals("FAILED", job.path("state").asText(), job.toString());
            assertTrue(job.path("error").asText().contains("r1-c2"), job.path("error").asText());
            assertTrue(job.path("error").asText().contains("failed 3 times"), job.path("error").asText());

            String good = submit(api, in, "?tileSize=32");
            requestResult(api, good);
            assertEquals("DONE", api.awaitState(good, s -> s.equals("DONE") || s.equals("FAILED"), 60).path("state").asText());
            Path out = dir.resolve("good.tif");
            download(api, good, out);
            Masks.assertMaskEquals(img.thresholdMask(128, false), 100, 70, out, "the job after the poisoned one");
            assertTrue(processor.isAlive(), "the processor survives a poison patch");
        }
    }
}
