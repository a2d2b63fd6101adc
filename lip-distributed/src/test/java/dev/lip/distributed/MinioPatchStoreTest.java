package dev.lip.distributed;

import dev.lip.common.transport.PatchStore;
import dev.lip.common.transport.PatchStoreContract;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.net.URI;

/**
 * An S3 bucket as the patch store, held to the stores' contract against MinIO (the image docker-compose's
 * {@code distributed} profile runs), through the client as the services configure it. Needs a Docker engine;
 * skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class MinioPatchStoreTest extends PatchStoreContract {
    private static final String USER = "lip-minio";
    private static final String PASSWORD = "lip-minio-secret";

    @Container
    static final GenericContainer<?> MINIO = new GenericContainer<>("minio/minio:RELEASE.2024-10-13T13-34-11Z")
            .withCommand("server", "/data").withEnv("MINIO_ROOT_USER", USER).withEnv("MINIO_ROOT_PASSWORD", PASSWORD)
            .withExposedPorts(9000).waitingFor(Wait.forHttp("/minio/health/live").forPort(9000));
    private static int buckets;

    @Override
    protected PatchStore store() {
        S3Client client = Transport.configured()
                .endpointOverride(URI.create("http://" + MINIO.getHost() + ":" + MINIO.getMappedPort(9000)))
                .forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(USER, PASSWORD)))
                .build();
        String bucket = "patches-" + ++buckets;
        client.createBucket(b -> b.bucket(bucket));
        return new S3PatchStore(client, bucket, "work/");
    }
}
