package dev.lip.distributed;

import java.nio.file.Path;

/**
 * Artemis as the patch queue, held to the queues' contract against a broker configured as docker-compose.yml
 * configures the Artemis image ({@link DeployedBroker}): queues made at start, the rest auto-created, the patches'
 * max delivery attempts and dead letters from broker properties. On a machine with a Docker engine,
 * {@link ArtemisImagePatchQueueTest} runs the same contract against the image itself.
 */
class DeployedBrokerPatchQueueTest extends ArtemisPatchQueueTest {
    @Override
    EmbeddedBroker startBroker(Path dir, int maxAttempts) throws Exception {
        return DeployedBroker.start(DeployedBroker.compose(), dir);
    }
}
