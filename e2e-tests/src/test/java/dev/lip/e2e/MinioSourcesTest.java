package dev.lip.e2e;

import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The same round trip as {@link SourcesByReferenceTest} against MinIO, the S3-compatible server most users run
 * themselves (and docker-compose's {@code s3} profile starts). Needs a Docker engine; skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioSourcesTest {
    private static final String USER = "lip-minio";
    private static final String PASSWORD = "lip-minio-secret";

    @Container
    static final GenericContainer<?> MINIO = new GenericContainer<>("minio/minio:RELEASE.2024-10-13T13-34-11Z")
            .withCommand("server", "/data").withEnv("MINIO_ROOT_USER", USER).withEnv("MINIO_ROOT_PASSWORD", PASSWORD)
            .withExposedPorts(9000).waitingFor(Wait.forHttp("/minio/health/live").forPort(9000));

    @TempDir
    Path dir;

    @Test
    void anImageInMinioIsProcessedIntoAnObjectInMinio() throws Exception {
        String endpoint = "http://" + MINIO.getHost() + ":" + MINIO.getMappedPort(9000);
        SampleImage img = SampleImage.generate(640, 480, 3, 8, 4);
        Path png = dir.resolve("in.png");
        img.writePng(png);
        try (S3Client s3 = S3Client.builder().endpointOverride(URI.create(endpoint)).forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(USER, PASSWORD))).build();
             Trio trio = new Trio(Map.of("AWS_ENDPOINT_URL", endpoint, "AWS_ACCESS_KEY_ID", USER,
                     "AWS_SECRET_ACCESS_KEY", PASSWORD, "AWS_REGION", "us-east-1"), true)) {
            s3.createBucket(b -> b.bucket("images"));
            s3.putObject(b -> b.bucket("images").key("in.png"), RequestBody.fromFile(png));
            Trio.Run run = trio.client("process", "s3://images/in.png", "-o", "s3://images/out.tif", "-q");
            assertEquals(0, run.exitCode(), run.stderr());
            Path out = dir.resolve("out.tif");
            Files.write(out, s3.getObjectAsBytes(b -> b.bucket("images").key("out.tif")).asByteArray());
            Masks.assertMaskEquals(img.thresholdMask(128, false), img.width, img.height, out, "MinIO round trip");
        }
    }
}
