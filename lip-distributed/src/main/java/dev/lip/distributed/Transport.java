package dev.lip.distributed;

import dev.lip.common.transport.FileSystemPatchQueue;
import dev.lip.common.transport.FileSystemPatchStore;
import dev.lip.common.transport.PatchQueue;
import dev.lip.common.transport.PatchStore;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The one place where the settings pick the adapters of both ports, for slicer-api and the processors alike:
 * {@code lip.queue=filesystem|artemis} and {@code lip.store=filesystem|s3://bucket/prefix}. The work directory is
 * the default of both (one machine, nothing else to run); the distributed mode is Artemis and S3 together, since a
 * broker without shared storage or storage without a broker leaves the processors without either patches or work.
 */
public record Transport(PatchQueue queue, PatchStore store, boolean distributed) implements AutoCloseable {

    /** The settings, as both services bind them. */
    public record Settings(String queue, String store, String brokerUrl, String brokerUser, String brokerPassword,
                           int maxAttempts) {
        public boolean distributed() {
            return "artemis".equals(queue);
        }

        /** A sentence for a setting that names no adapter, or a half-distributed pair; null when fine. */
        public String problem() {
            if (!"filesystem".equals(queue) && !"artemis".equals(queue)) {
                return "lip.queue must be filesystem or artemis, not '" + queue + "'";
            }
            boolean s3 = store != null && store.startsWith("s3://");
            if (!"filesystem".equals(store) && !s3) {
                return "lip.store must be filesystem or s3://bucket/prefix, not '" + store + "'";
            }
            if (distributed() != s3) {
                return "lip.queue=artemis goes with lip.store=s3://bucket/prefix, and lip.queue=filesystem with "
                        + "lip.store=filesystem (processors on other machines need both the broker and the bucket)";
            }
            return null;
        }
    }

    public static Transport open(Settings settings, Path workDir) throws IOException {
        String problem = settings.problem();
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (!settings.distributed()) {
            return new Transport(new FileSystemPatchQueue(workDir, settings.maxAttempts()),
                    new FileSystemPatchStore(workDir), false);
        }
        URI s3 = URI.create(settings.store());
        String prefix = s3.getPath() == null ? "" : s3.getPath().replaceFirst("^/", "");
        PatchStore store = new S3PatchStore(s3Client(), s3.getHost(), prefix);
        PatchQueue queue = new ArtemisPatchQueue(settings.brokerUrl(), blankToNull(settings.brokerUser()),
                settings.brokerPassword(), settings.maxAttempts());
        return new Transport(queue, store, true);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /**
     * The SDK's own configuration chain (AWS_REGION, AWS_ACCESS_KEY_ID, profiles, instance roles); an endpoint in
     * AWS_ENDPOINT_URL (MinIO, Ceph, s3proxy) is addressed path-style, as those servers expect.
     */
    static S3Client s3Client() {
        String endpoint = System.getenv("AWS_ENDPOINT_URL");
        var builder = configured();
        if (endpoint != null && !endpoint.isBlank()) {
            builder.endpointOverride(URI.create(endpoint)).forcePathStyle(true);
        }
        String region = System.getenv("AWS_REGION");
        builder.region(region == null || region.isBlank() ? Region.US_EAST_1 : Region.of(region));
        return builder.build();
    }

    /** The client's settings for patches and results, before where and who: the store's tests use them too. */
    static software.amazon.awssdk.services.s3.S3ClientBuilder configured() {
        // Patches cross the store twice each, a gigabyte for a 20000² RGB image: the SDK's default of an aws-chunked
        // body with a CRC32 trailer (since 2.30) is written plainly instead, its SHA-256 in the signature (which the
        // server checks), and downloads are not checksummed again on top of TCP (the SDK's behaviour before 2.30).
        var builder = S3Client.builder().httpClientBuilder(ApacheHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(10)).socketTimeout(Duration.ofSeconds(60)).maxConnections(64))
                .requestChecksumCalculation(software.amazon.awssdk.core.checksums.RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(software.amazon.awssdk.core.checksums.ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .chunkedEncodingEnabled(false).build());
        return builder;
    }

    @Override
    public void close() throws IOException {
        queue.close();
    }
}
