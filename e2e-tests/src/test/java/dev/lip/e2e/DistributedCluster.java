package dev.lip.e2e;

import org.gaul.s3proxy.junit.S3ProxyExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The distributed mode as a user tries it on one machine: slicer-api with its embedded Artemis broker, and
 * processors each with a private directory, sharing nothing but the broker and an S3 server (the test's s3proxy).
 */
final class DistributedCluster implements AutoCloseable {
    static final String ACCESS = "lip-access";
    static final String SECRET = "lip-secret-key";
    static final String BUCKET = "lip";
    static final String STORE = "s3://" + BUCKET + "/work";

    final Trio trio;
    final int brokerPort;
    private final S3ProxyExtension s3;
    private final Path dir;
    private final List<Integer> processorPorts = new ArrayList<>();

    /** @param apiArgs more slicer-api arguments */
    DistributedCluster(S3ProxyExtension s3, Path dir, String... apiArgs) throws Exception {
        this(s3, dir, 0, apiArgs);
    }

    /**
     * @param externalBrokerPort a broker already listening on 127.0.0.1 at this port, which slicer-api and the
     *                           processors join as a cluster's do (slicer-api starts none); 0: slicer-api's embedded one
     * @param apiArgs            more slicer-api arguments
     */
    DistributedCluster(S3ProxyExtension s3, Path dir, int externalBrokerPort, String... apiArgs) throws Exception {
        this.s3 = s3;
        this.dir = dir;
        try (S3Client client = s3()) {
            if (client.listBuckets().buckets().stream().noneMatch(b -> b.name().equals(BUCKET))) {
                client.createBucket(b -> b.bucket(BUCKET));
            }
        }
        this.brokerPort = externalBrokerPort != 0 ? externalBrokerPort : Trio.freePort();
        List<String> args = new ArrayList<>(List.of("--lip.queue=artemis", "--lip.store=" + STORE));
        args.addAll(externalBrokerPort != 0 ? List.of("--spring.artemis.broker-url=tcp://127.0.0.1:" + brokerPort)
                : List.of("--lip.broker.embedded=true", "--lip.broker.port=" + brokerPort));
        args.addAll(List.of(apiArgs));
        this.trio = new Trio(env(), false, args.toArray(String[]::new));
    }

    Map<String, String> env() {
        return Map.of("AWS_ENDPOINT_URL", s3.getUri().toString(), "AWS_ACCESS_KEY_ID", ACCESS,
                "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "us-east-1");
    }

    S3Client s3() {
        return S3Client.builder().endpointOverride(s3.getUri()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS, SECRET))).build();
    }

    /** Starts a processor with a private directory of its own and waits until it is healthy; returns its process. */
    Process startProcessor(String name, String... args) throws IOException {
        int port = Trio.freePort();
        Path own = Files.createDirectories(dir.resolve(name));
        List<String> all = new ArrayList<>(List.of("--lip.temp-dir=" + own, "--lip.threads=1", "--lip.queue=artemis",
                "--lip.store=" + STORE, "--spring.artemis.broker-url=tcp://127.0.0.1:" + brokerPort));
        all.addAll(List.of(args));
        Process p = trio.startProcessor(name, port, env(), all.toArray(String[]::new));
        trio.awaitHealthy(port, name);
        processorPorts.add(port);
        return p;
    }

    Path privateDir(String name) {
        return dir.resolve(name);
    }

    /** Patches processed by the {@code i}-th processor started. */
    long processed(int i) throws Exception {
        HttpResponse<String> stats = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://localhost:" + processorPorts.get(i) + "/api/v1/stats")).build(), HttpResponse.BodyHandlers.ofString());
        return Http.JSON.readTree(stats.body()).path("processed").asLong();
    }

    /** What the {@code i}-th processor started reports at /actuator/prometheus. */
    String metrics(int i) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + processorPorts.get(i) + "/actuator/prometheus")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        trio.close();
    }
}
