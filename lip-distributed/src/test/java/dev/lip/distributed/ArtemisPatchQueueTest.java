package dev.lip.distributed;

import dev.lip.common.transport.FileSystemPatchStore;
import dev.lip.common.transport.PatchQueue;
import dev.lip.common.transport.PatchQueueContract;
import dev.lip.common.transport.PatchStore;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Artemis as the patch queue, held to the queues' contract against a real broker: an embedded Artemis in this JVM
 * with a persistent journal in a temporary directory, started afresh for each test.
 */
class ArtemisPatchQueueTest extends PatchQueueContract {
    @TempDir
    Path dir;
    private EmbeddedBroker broker;

    @Override
    protected PatchQueue newQueue(int maxAttempts) throws Exception {
        if (broker == null) {
            broker = startBroker(dir.resolve("broker"), maxAttempts);
        }
        return new ArtemisPatchQueue(broker.url(), null, null, maxAttempts);
    }

    /** The broker under test, started afresh for each test: the embedded one, with the test's attempts. */
    EmbeddedBroker startBroker(Path dir, int maxAttempts) throws Exception {
        return EmbeddedBroker.start(dir, 0, maxAttempts);
    }

    @Override
    protected PatchStore store() {
        return new FileSystemPatchStore(dir.resolve("store"));
    }

    @Override
    protected void afterQueuesClosed() throws Exception {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
