package dev.lip.distributed;

import dev.lip.common.transport.FileSystemPatchStore;
import dev.lip.common.transport.PatchQueue;
import dev.lip.common.transport.PatchQueueContract;
import dev.lip.common.transport.PatchStore;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Artemis as the patch queue, held to the queues' contract against a broker configured as docker-compose.yml
 * configures the Artemis image ({@link DeployedBroker}): queues made at start, the rest auto-created, the patches'
 * max delivery attempts and dead letters from broker properties. On a machine with a Docker engine,
 * {@link ArtemisImagePatchQueueTest} runs the same contract against the image itself.
 */
class DeployedBrokerPatchQueueTest extends PatchQueueContract {
    @TempDir
    Path dir;
    private EmbeddedActiveMQ broker;
    private int port;

    @Override
    protected PatchQueue newQueue(int maxAttempts) throws Exception {
        if (broker == null) {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            broker = DeployedBroker.start(DeployedBroker.configuration(DeployedBroker.compose(), dir.resolve("broker"), port));
        }
        return new ArtemisPatchQueue("tcp://127.0.0.1:" + port, null, null, maxAttempts);
    }

    @Override
    protected PatchStore store() {
        return new FileSystemPatchStore(dir.resolve("store"));
    }

    @Override
    protected void afterQueuesClosed() throws Exception {
        if (broker != null) {
            broker.stop();
            broker = null;
        }
    }
}
