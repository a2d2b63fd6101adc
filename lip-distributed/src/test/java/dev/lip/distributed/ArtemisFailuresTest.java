package dev.lip.distributed;

import dev.lip.common.protocol.PatchName;
import dev.lip.common.transport.PatchMessage;
import dev.lip.common.transport.PatchQueue;
import jakarta.jms.Connection;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the broker adds beyond the queues' contract: its journal outlives it, and anyone on it can send anything. */
class ArtemisFailuresTest {
    @TempDir
    Path dir;

    @Test
    void patchesPublishedBeforeTheBrokerRestartsAreDeliveredAfterIt() throws Exception {
        EmbeddedBroker broker = EmbeddedBroker.start(dir, 0, 3);
        int port = URI.create(broker.url()).getPort();
        try (PatchQueue q = new ArtemisPatchQueue(broker.url(), null, null, 3)) {
            for (int c = 0; c < 5; c++) {
                q.publish(PatchMessage.of("job-1", new PatchName(0, c)));
            }
        }
        broker.close();
        broker = EmbeddedBroker.start(dir, port, 3);
        try (PatchQueue q = new ArtemisPatchQueue(broker.url(), null, null, 3); PatchQueue.Consumer c = q.consumer()) {
            // and a duplicate published after the restart is still recognised (the id cache is journalled too)
            q.publish(PatchMessage.of("job-1", new PatchName(0, 0)));
            Set<PatchName> got = new HashSet<>();
            for (var d = c.receive(Duration.ofSeconds(5)); d.isPresent(); d = c.receive(Duration.ofMillis(500))) {
                assertTrue(got.add(d.get().message().patch()), "twice: " + d.get().message().patch());
                d.get().acknowledge();
            }
            assertEquals(5, got.size());
        } finally {
            broker.close();
        }
    }

    @Test
    void aMessageThatIsNoPatchIsDeadLetteredAndTheNextPatchStillArrives() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, 0, 3);
             PatchQueue q = new ArtemisPatchQueue(broker.url(), null, null, 3)) {
            ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(broker.url());
            try (Connection connection = factory.createConnection()) {
                Session s = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                var producer = s.createProducer(s.createQueue(ArtemisPatchQueue.QUEUE));
                for (String body : List.of("not json", "{\"version\":1,\"job\":\"job-1\",\"row\":0,\"col\":0,"
                        + "\"patchKey\":\"../../etc/passwd\",\"resultKey\":\"job-1/done/r0-c0.patch\"}")) {
                    var m = s.createTextMessage(body);
                    m.setStringProperty("job", "job-1");
                    producer.send(m);
                }
                producer.send(s.createBytesMessage());
            }
            q.publish(PatchMessage.of("job-1", new PatchName(2, 2)));
            try (PatchQueue.Consumer c = q.consumer()) {
                PatchQueue.Delivery d = c.receive(Duration.ofSeconds(5)).orElseThrow();
                assertEquals(new PatchName(2, 2), d.message().patch());
                d.acknowledge();
            }
            List<PatchQueue.DeadLetter> dead = q.deadLetters("job-1");
            assertEquals(2, dead.size(), "the two job-1 messages that are no patches: " + dead);
        }
    }

    /** Issue 25: a small job's patches go ahead of a large job's published before them (JMS priority by job size). */
    @Test
    void aSmallJobIsNotStuckBehindALargeOne() throws Exception {
        try (EmbeddedBroker broker = EmbeddedBroker.start(dir, 0, 3);
             PatchQueue q = new ArtemisPatchQueue(broker.url(), null, null, 3)) {
            for (int i = 0; i < 300; i++) {
                q.publish(PatchMessage.of("job-big", new PatchName(i / 20, i % 20)), 40_000);
            }
            for (int i = 0; i < 6; i++) {
                q.publish(PatchMessage.of("job-small", new PatchName(0, i)), 6);
            }
            try (PatchQueue.Consumer c = q.consumer()) {
                for (int i = 0; i < 6; i++) {
                    PatchQueue.Delivery d = c.receive(Duration.ofSeconds(5)).orElseThrow();
                    assertEquals("job-small", d.message().job(), "delivery " + i);
                    d.acknowledge();
                }
                assertEquals("job-big", c.receive(Duration.ofSeconds(5)).orElseThrow().message().job());
            }
        }
        assertEquals(9, ArtemisPublisher.priority(6));
        assertTrue(ArtemisPublisher.priority(40_000) < ArtemisPublisher.priority(1_600));
        assertEquals(1, ArtemisPublisher.priority(10_000_000));
    }
}
