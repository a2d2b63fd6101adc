package dev.lip.distributed;

import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The broker settings docker-compose.yml and k8s/distributed/artemis.yaml give the Artemis image, read by Artemis'
 * own broker-properties parser: the same as the embedded broker's where the guarantees depend on them (issue 25:
 * lip.max-attempts is the broker's max delivery attempts, then the dead-letter queue the slicer reads; duplicate
 * detection remembers a whole 100k² job's patches). The queue's whole contract runs against such a broker in
 * {@link DeployedBrokerPatchQueueTest}.
 */
class DeployedBrokerSettingsTest {
    @TempDir
    Path dir;

    @Test
    void composeAndKubernetesGiveTheBrokerTheEmbeddedOnesGuarantees() throws Exception {
        for (Map.Entry<String, Map<String, String>> file : Map.of("docker-compose.yml", DeployedBroker.compose(),
                "k8s/distributed/artemis.yaml", DeployedBroker.kubernetes()).entrySet()) {
            String where = file.getKey();
            ConfigurationImpl config = DeployedBroker.configuration(file.getValue(), dir.resolve(where), 0);
            // a misspelt property is no error to Artemis: it is listed in the status and otherwise ignored
            assertTrue(!config.getStatus().contains("errors") || config.getStatus().matches(".*\"errors\":\\[\\].*"),
                    where + ": " + config.getStatus());
            AddressSettings patches = config.getAddressSettings().get(ArtemisPatchQueue.QUEUE);
            assertTrue(patches != null, where + " sets lip.patches' address: " + config.getAddressSettings().keySet());
            assertEquals(3, patches.getMaxDeliveryAttempts(), where + ": lip.max-attempts' default");
            assertEquals(ArtemisPatchQueue.DEAD_LETTERS, String.valueOf(patches.getDeadLetterAddress()),
                    where + ": the dead letters go where the slicer reads them");
            assertTrue(config.getIDCacheSize() >= ArtemisPatchQueue.DUPLICATE_IDS, where + " remembers "
                    + config.getIDCacheSize() + " duplicate ids, the embedded broker " + ArtemisPatchQueue.DUPLICATE_IDS);
            assertTrue(config.isPersistIDCache(), where);
            assertEquals(java.util.Set.of(ArtemisPatchQueue.QUEUE, ArtemisPatchQueue.DEAD_LETTERS, ArtemisPatchQueue.RESULTS),
                    config.getQueueConfigs().stream().map(q -> q.getName().toString()).collect(java.util.stream.Collectors.toSet()),
                    where + " makes the queues at start");
        }
    }
}
