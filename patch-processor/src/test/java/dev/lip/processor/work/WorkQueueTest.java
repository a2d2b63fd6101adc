package dev.lip.processor.work;

import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkQueueTest {
    private static WorkItem item(String job, int column) {
        return new WorkItem(job, new PatchName(0, column));
    }

    @Test
    void aBatchTakesPatchesOfOneJobAndPutsTheOthersBackInOrder() throws Exception {
        WorkQueue q = new WorkQueue(16, Duration.ofMillis(20));
        for (WorkItem i : List.of(item("a", 0), item("b", 0), item("a", 1), item("b", 1), item("a", 2), item("a", 3))) {
            assertTrue(q.offer(i));
        }
        Map<String, Integer> sizes = Map.of("a", 3, "b", 1);
        assertEquals(List.of(item("a", 0), item("a", 1), item("a", 2)), q.nextBatch(sizes::get));
        // a's fourth is next; b's met on the way went back behind it, in their order
        assertEquals(List.of(item("a", 3)), q.nextBatch(sizes::get));
        assertEquals(List.of(item("b", 0)), q.nextBatch(sizes::get));
        assertEquals(List.of(item("b", 1)), q.nextBatch(sizes::get));
        assertEquals(0, q.size());
    }

    @Test
    void aBatchOfOneDoesNotWaitAndALargerOneGathersLateArrivals() throws Exception {
        WorkQueue q = new WorkQueue(16, Duration.ofSeconds(5));
        q.offer(item("a", 0));
        q.offer(item("a", 1));
        long start = System.nanoTime();
        assertEquals(List.of(item("a", 0)), q.nextBatch(j -> 1));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1), "a batch of one returned at once");

        CompletableFuture<Void> late = CompletableFuture.runAsync(() -> {
            sleep(100);
            q.offer(item("a", 2));
        });
        assertEquals(List.of(item("a", 1), item("a", 2)), q.nextBatch(j -> 2));
        late.get();
    }

    @Test
    void aBatchStopsGatheringAfterTheWindow() throws Exception {
        WorkQueue q = new WorkQueue(16, Duration.ofMillis(50));
        q.offer(item("a", 0));
        long start = System.nanoTime();
        assertEquals(List.of(item("a", 0)), q.nextBatch(j -> 8));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(ms >= 45 && ms < 5000, "waited " + ms + " ms for more patches");
    }

    @Test
    void eachPatchIsQueuedOnceAndAFullQueueRefuses() throws Exception {
        WorkQueue q = new WorkQueue(2, Duration.ofMillis(20));
        assertTrue(q.offer(item("a", 0)));
        assertTrue(q.offer(item("a", 0)));
        assertEquals(1, q.size());
        assertTrue(q.offer(item("a", 1)));
        assertTrue(q.isFull());
        assertFalse(q.offer(item("a", 2)));
        assertFalse(q.contains(item("a", 2)), "a refused patch is not remembered: the scanner finds it again");
        q.nextBatch(j -> 1);
        assertFalse(q.contains(item("a", 0)), "a taken patch may be queued again (if it goes back to pending)");
        assertTrue(q.offer(item("a", 2)));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
