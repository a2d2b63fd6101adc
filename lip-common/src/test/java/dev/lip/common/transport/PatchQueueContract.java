package dev.lip.common.transport;

import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link PatchQueue} adapter must do, written once (the work directory's and Artemis' tests extend it):
 * at-least-once delivery one patch at a time, failures retried and then dead-lettered with their reason, an
 * abandoned patch delivered again, publishing idempotent, a job's patches counted and purged apart from others'.
 */
public abstract class PatchQueueContract {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration NONE = Duration.ofMillis(300);
    private final List<AutoCloseable> opened = new ArrayList<>();

    /** A fresh, empty queue that dead-letters a patch at its {@code maxAttempts}-th failure. */
    protected abstract PatchQueue newQueue(int maxAttempts) throws Exception;

    /** The store the queue's messages refer to. */
    protected abstract PatchStore store() throws Exception;

    /** Makes {@code job} ready to take patches (the work directory needs its directories and manifest). */
    protected void prepareJob(String job) throws Exception {
    }

    private PatchQueue queue(int maxAttempts) throws Exception {
        PatchQueue q = newQueue(maxAttempts);
        opened.add(q);
        return q;
    }

    private PatchQueue.Consumer consumer(PatchQueue q) throws Exception {
        PatchQueue.Consumer c = q.consumer();
        opened.add(0, c);
        return c;
    }

    /** Runs after every consumer and queue a test opened is closed (a broker stops here, not before). */
    protected void afterQueuesClosed() throws Exception {
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        afterQueuesClosed();
    }

    /** Puts the patch's bytes in the store, then publishes its message, as the slicer does. */
    private void publish(PatchQueue q, String job, int row, int col) throws Exception {
        PatchName p = new PatchName(row, col);
        store().put(PatchKeys.patch(job, p), (job + " " + p).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        q.publish(PatchMessage.of(job, p));
    }

    @Test
    void everyPatchIsDeliveredOnceAndItsBytesAreInTheStore() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(3);
        for (int c = 0; c < 3; c++) {
            publish(q, "job-1", 0, c);
        }
        PatchQueue.Consumer consumer = consumer(q);
        Set<PatchName> got = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            PatchQueue.Delivery d = consumer.receive(WAIT).orElseThrow();
            assertEquals(1, d.attempt());
            assertEquals("job-1", d.message().job());
            assertArrayEquals(("job-1 " + d.message().patch()).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    store().get(d.message().patchKey()).orElseThrow());
            assertEquals(PatchKeys.result("job-1", d.message().patch()), d.message().resultKey());
            assertTrue(got.add(d.message().patch()), "delivered twice: " + d.message().patch());
            d.acknowledge();
        }
        assertTrue(consumer.receive(NONE).isEmpty(), "nothing more");
        assertEquals(0, q.waiting("job-1"));
    }

    @Test
    void publishingAPatchTwiceQueuesItOnce() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(3);
        publish(q, "job-1", 2, 5);
        publish(q, "job-1", 2, 5);
        PatchQueue.Consumer consumer = consumer(q);
        consumer.receive(WAIT).orElseThrow().acknowledge();
        assertTrue(consumer.receive(NONE).isEmpty(), "a duplicate was delivered");
    }

    /** A batch beside a patch published before it (a slicer resuming): the new ones are queued, the old one once. */
    @Test
    void publishingABatchQueuesEachPatchOnceBesideOnesPublishedBefore() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(3);
        publish(q, "job-1", 0, 0);
        List<PatchMessage> batch = new java.util.ArrayList<>();
        for (int c = 0; c < 5; c++) {
            PatchName p = new PatchName(0, c);
            store().put(PatchKeys.patch("job-1", p), new byte[]{(byte) c});
            batch.add(PatchMessage.of("job-1", p));
        }
        q.publishAll(batch, 5);
        assertEquals(5, q.waiting("job-1"));
        PatchQueue.Consumer consumer = consumer(q);
        Set<PatchName> got = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            PatchQueue.Delivery d = consumer.receive(WAIT).orElseThrow();
            assertTrue(got.add(d.message().patch()), "delivered twice: " + d.message().patch());
            d.acknowledge();
        }
        assertTrue(consumer.receive(NONE).isEmpty(), "a duplicate was delivered");
    }

    /** Processors say which models they have; the latest of each counts, and old ones do not. */
    @Test
    void processorsAnnouncedAreListedTheLatestOfEach() throws Exception {
        PatchQueue q = queue(3);
        long now = System.currentTimeMillis();
        q.announce(new dev.lip.common.protocol.ProcessorRoster.Announcement("proc-a", List.of("a.onnx"), now));
        q.announce(new dev.lip.common.protocol.ProcessorRoster.Announcement("proc-b", List.of(), now));
        q.announce(new dev.lip.common.protocol.ProcessorRoster.Announcement("proc-a", List.of("a.onnx", "b.onnx"), now + 1));
        q.announce(new dev.lip.common.protocol.ProcessorRoster.Announcement("proc-old", List.of("x.onnx"), now - 300_000));
        List<dev.lip.common.protocol.ProcessorRoster.Announcement> seen = List.of();
        long deadline = System.nanoTime() + WAIT.toNanos() * 5;
        while (System.nanoTime() < deadline) { // a broker may take a moment to have them
            seen = q.announced(Duration.ofMinutes(1));
            if (seen.size() == 2 && seen.stream().anyMatch(a -> a.models().size() == 2)) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(Set.of("proc-a", "proc-b"), seen.stream().map(a -> a.id()).collect(java.util.stream.Collectors.toSet()),
                "latest of each, none older than a minute: " + seen);
        assertEquals(List.of("a.onnx", "b.onnx"), seen.stream().filter(a -> a.id().equals("proc-a")).findFirst()
                .orElseThrow().models());
    }

    @Test
    void aConsumerHoldsOneUnsettledDeliveryAtATime() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(3);
        publish(q, "job-1", 0, 0);
        publish(q, "job-1", 0, 1);
        PatchQueue.Consumer consumer = consumer(q);
        PatchQueue.Delivery d = consumer.receive(WAIT).orElseThrow();
        assertThrows(IllegalStateException.class, () -> consumer.receive(NONE));
        d.acknowledge();
        assertThrows(IllegalStateException.class, d::acknowledge, "settled twice");
        // the second patch went to no one while the first was held: a second consumer gets it
        PatchQueue.Consumer other = consumer(q);
        other.receive(WAIT).orElseThrow().acknowledge();
    }

    @Test
    void aFailedAttemptIsDeliveredAgainAndTheLastIsDeadLetteredWithItsReason() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(2);
        publish(q, "job-1", 1, 1);
        PatchQueue.Consumer consumer = consumer(q);
        PatchQueue.Delivery first = consumer.receive(WAIT).orElseThrow();
        assertFalse(first.fail("the disk was full"), "one attempt of two");
        PatchQueue.Delivery second = consumer.receive(WAIT).orElseThrow();
        assertEquals(new PatchName(1, 1), second.message().patch());
        assertEquals(2, second.attempt());
        assertTrue(second.fail("the model ran out of memory"), "the last attempt");
        assertTrue(consumer.receive(NONE).isEmpty(), "dead-lettered, not delivered again");
        List<PatchQueue.DeadLetter> dead = q.deadLetters("job-1");
        assertEquals(1, dead.size());
        assertEquals(new PatchName(1, 1), dead.get(0).message().patch());
        assertTrue(dead.get(0).reason().contains("the model ran out of memory"), dead.get(0).reason());
    }

    @Test
    void aPatchWhoseConsumerClosesUnsettledIsDeliveredAgain() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(3);
        publish(q, "job-1", 4, 2);
        PatchQueue.Consumer dying = q.consumer();
        assertTrue(dying.receive(WAIT).isPresent());
        dying.close();
        PatchQueue.Delivery again = consumer(q).receive(WAIT).orElseThrow();
        assertEquals(new PatchName(4, 2), again.message().patch());
        again.acknowledge();
    }

    @Test
    void twoConsumersAtOnceGetEveryPatchExactlyOnce() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(3);
        int n = 40;
        for (int i = 0; i < n; i++) {
            publish(q, "job-1", i / 8, i % 8);
        }
        Set<PatchName> got = ConcurrentHashMap.newKeySet();
        List<String> twice = new java.util.concurrent.CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                PatchQueue.Consumer consumer = consumer(q);
                done.add(threads.submit(() -> {
                    Optional<PatchQueue.Delivery> d;
                    while ((d = consumer.receive(NONE)).isPresent()) {
                        if (!got.add(d.get().message().patch())) {
                            twice.add(d.get().message().patch().toString());
                        }
                        d.get().acknowledge();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            threads.shutdown();
        }
        assertEquals(List.of(), twice);
        assertEquals(n, got.size());
    }

    @Test
    void waitingPatchesAreCountedByJob() throws Exception {
        prepareJob("job-a");
        prepareJob("job-b");
        PatchQueue q = queue(3);
        for (int c = 0; c < 3; c++) {
            publish(q, "job-a", 0, c);
        }
        publish(q, "job-b", 0, 0);
        publish(q, "job-b", 0, 1);
        assertEquals(3, q.waiting("job-a"));
        assertEquals(2, q.waiting("job-b"));
        assertEquals(5, q.waiting());
    }

    @Test
    void purgingAJobDropsItsPatchesAndNoOthers() throws Exception {
        prepareJob("job-a");
        prepareJob("job-b");
        PatchQueue q = queue(3);
        publish(q, "job-a", 0, 0);
        publish(q, "job-a", 0, 1);
        publish(q, "job-b", 0, 0);
        q.purge("job-a");
        assertEquals(0, q.waiting("job-a"));
        PatchQueue.Consumer consumer = consumer(q);
        PatchQueue.Delivery d = consumer.receive(WAIT).orElseThrow();
        assertEquals("job-b", d.message().job());
        d.acknowledge();
        assertTrue(consumer.receive(NONE).isEmpty());
    }

    /** The gatherer of results hears of every acknowledged patch, with its result key, and of no other. */
    @Test
    void acknowledgedPatchesAreAnnouncedAsCompleted() throws Exception {
        prepareJob("job-1");
        PatchQueue q = queue(1);
        publish(q, "job-1", 0, 0);
        publish(q, "job-1", 0, 1);
        PatchQueue.Consumer consumer = consumer(q);
        for (int i = 0; i < 2; i++) {
            PatchQueue.Delivery d = consumer.receive(WAIT).orElseThrow();
            if (d.message().col() == 0) {
                store().put(d.message().resultKey(), new byte[]{1, 2, 3});
                d.acknowledge();
            } else {
                d.fail("cannot be processed");
            }
        }
        PatchQueue.Completions completions = q.completions();
        opened.add(0, completions);
        PatchQueue.Completion c = completions.next(WAIT).orElseThrow();
        assertEquals(new PatchName(0, 0), c.message().patch());
        assertArrayEquals(new byte[]{1, 2, 3}, store().get(c.message().resultKey()).orElseThrow());
        c.acknowledge();
        assertTrue(completions.next(NONE).isEmpty(), "the failed patch is no completion, nor is one announced twice");
    }
}
