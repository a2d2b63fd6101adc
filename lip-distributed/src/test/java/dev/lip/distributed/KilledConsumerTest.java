package dev.lip.distributed;

import dev.lip.common.protocol.PatchName;
import dev.lip.common.transport.PatchMessage;
import dev.lip.common.transport.PatchQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 25: a processor killed (kill -9, out of memory, a node lost) while it holds a patch has that patch delivered
 * to another processor as soon as the broker sees its connection close, not a connection TTL later (Artemis keeps a
 * vanished client's connection 60 s for it to re-attach when the client asked for a confirmation window).
 */
class KilledConsumerTest {
    @TempDir
    Path dir;

    @Test
    void aPatchHeldByAKilledProcessIsDeliveredToAnotherWithinSeconds() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, 0, 3);
             PatchQueue q = new ArtemisPatchQueue(broker.url(), null, null, 3)) {
            PatchMessage patch = PatchMessage.of("job-1", new PatchName(1, 2));
            q.publish(patch);
            Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), HoldingConsumer.class.getName(), broker.url())
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                String line;
                do {
                    line = out.readLine();
                    assertTrue(line != null, "the holding process ended before it held the patch");
                } while (!line.startsWith("holding "));
                assertEquals("holding " + patch.id(), line);
            } finally {
                holder.destroyForcibly(); // SIGKILL: no close, no rollback from the client
                assertTrue(holder.waitFor(30, TimeUnit.SECONDS));
            }
            long killed = System.nanoTime();
            try (PatchQueue.Consumer other = q.consumer()) {
                PatchQueue.Delivery d = other.receive(Duration.ofSeconds(20)).orElseThrow(() -> new AssertionError(
                        "the killed process' patch was not delivered again within 20 s"));
                assertEquals(patch.id(), d.message().id());
                assertEquals(2, d.attempt(), "its second delivery");
                d.acknowledge();
                System.out.printf("delivered again %.1f s after the kill%n", (System.nanoTime() - killed) / 1e9);
            }
        }
    }
}
