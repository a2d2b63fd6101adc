package dev.lip.processor.work;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * The patches found and not yet taken, each at most once, and the batching of them: a worker takes the next patch
 * and, when its job's algorithm takes several patches a call, more of the same job that are queued already or arrive
 * within {@code gather}; patches of other jobs met on the way go back in the queue. Bounded, so a huge job never
 * fills the processor's memory with names: the scanner stops when it is full and finds the rest later.
 */
final class WorkQueue {
    private final BlockingQueue<WorkItem> queue;
    private final Set<WorkItem> queued = ConcurrentHashMap.newKeySet();
    private final Duration gather;

    WorkQueue(int capacity, Duration gather) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.gather = gather;
    }

    /** @return false when the queue is full (the item is not queued); true when queued now or already */
    boolean offer(WorkItem item) {
        if (!queued.add(item)) {
            return true;
        }
        if (!queue.offer(item)) {
            queued.remove(item);
            return false;
        }
        return true;
    }

    boolean contains(WorkItem item) {
        return queued.contains(item);
    }

    int size() {
        return queue.size();
    }

    boolean isFull() {
        return queue.remainingCapacity() == 0;
    }

    /**
     * Waits for the next patch and gathers its batch.
     *
     * @param batchSize how many patches a call the job's algorithm takes (1 or more)
     * @return one job's patches, the oldest queued first
     */
    List<WorkItem> nextBatch(ToIntFunction<String> batchSize) throws InterruptedException {
        WorkItem first = queue.take();
        List<WorkItem> batch = new ArrayList<>(List.of(first));
        int size = Math.max(1, batchSize.applyAsInt(first.jobId()));
        List<WorkItem> others = new ArrayList<>();
        long deadline = System.nanoTime() + gather.toNanos();
        while (batch.size() < size) {
            long left = deadline - System.nanoTime();
            WorkItem next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            (next.jobId().equals(first.jobId()) ? batch : others).add(next);
        }
        for (WorkItem other : others) {
            if (!queue.offer(other)) {
                queued.remove(other); // full again: the scanner finds it on a later pass
            }
        }
        batch.forEach(queued::remove);
        return batch;
    }
}
