package dev.lip.distributed;

import dev.lip.common.transport.FileSystemPatchStore;
import dev.lip.common.transport.PatchQueue;
import dev.lip.common.transport.PatchQueueContract;
import dev.lip.common.transport.PatchStore;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.nio.file.Path;

/**
 * Artemis as the patch queue, held to the queues' contract against the broker users deploy rather than the embedded
 * one: the {@code apache/activemq-artemis} image configured as docker-compose's {@code distributed} profile and
 * {@code k8s/distributed/artemis.yaml} configure it (a login, the queues made at start, the patches' max delivery
 * attempts and dead-letter address as broker properties), a fresh container per test since the contract asks for an
 * empty queue with the test's own number of attempts. Needs a Docker engine; skipped without one.
 */
@Testcontainers(disabledWithoutDocker = true)
class ArtemisImagePatchQueueTest extends PatchQueueContract {
    static final String IMAGE = "apache/activemq-artemis:2.40.0";
    private static final String USER = "lip";
    private static final String PASSWORD = "lip-artemis-secret";

    @TempDir
    Path dir;
    private GenericContainer<?> broker;

    /** The image as docker-compose.yml runs it, with {@code maxAttempts} for the patches' address. */
    @SuppressWarnings("resource") // stopped in afterQueuesClosed
    static GenericContainer<?> broker(int maxAttempts) {
        return new GenericContainer<>(IMAGE)
                .withEnv("ARTEMIS_USER", USER).withEnv("ARTEMIS_PASSWORD", PASSWORD)
                .withEnv("EXTRA_ARGS", "--http-host 0.0.0.0 --relax-jolokia "
                        + "--queues lip.patches:anycast,lip.patches.dead:anycast,lip.results:anycast")
                .withEnv("JAVA_ARGS_APPEND", "-Dbrokerconfig.addressSettings.\"lip.patches\".maxDeliveryAttempts="
                        + maxAttempts + " -Dbrokerconfig.addressSettings.\"lip.patches\".deadLetterAddress=lip.patches.dead")
                .withExposedPorts(61616)
                // AMQ221007: Server is now active
                .waitingFor(Wait.forLogMessage(".*AMQ221007.*", 1));
    }

    @Override
    protected PatchQueue newQueue(int maxAttempts) throws Exception {
        if (broker == null) {
            broker = broker(maxAttempts);
            broker.start();
        }
        return new ArtemisPatchQueue("tcp://" + broker.getHost() + ":" + broker.getMappedPort(61616), USER, PASSWORD,
                maxAttempts);
    }

    @Override
    protected PatchStore store() {
        return new FileSystemPatchStore(dir.resolve("store"));
    }

    @Override
    protected void afterQueuesClosed() {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }
}
