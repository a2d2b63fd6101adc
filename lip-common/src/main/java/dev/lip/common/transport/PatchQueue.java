package dev.lip.common.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The patches waiting to be processed, handed to processors one at a time with at-least-once delivery: a patch
 * received and not settled (its consumer closed, its process killed) is delivered again, to this or another
 * consumer; one failed {@code maxAttempts} times is dead-lettered with its last reason. The work directory is one
 * queue ({@link FileSystemPatchQueue}: renames, leases); Apache ActiveMQ Artemis another. Messages are
 * {@link PatchMessage}s, references to a {@link PatchStore}'s keys. Every adapter passes the same contract test
 * ({@code PatchQueueContract}).
 */
public interface PatchQueue extends AutoCloseable {
    /**
     * Queues a patch whose bytes are already in the store. Publishing the same patch twice queues it once (the
     * broker's duplicate detection; a slicer that resumes after a crash publishes again what it had published).
     */
    void publish(PatchMessage message) throws IOException;

    /**
     * Publishes a patch of a job of {@code jobPatches} patches. A queue that can order deliveries lets smaller jobs'
     * patches go first, so that a small job is not stuck behind a 100k² one queued before it (the broker: JMS
     * priority); the work directory serves the oldest job first.
     */
    default void publish(PatchMessage message, long jobPatches) throws IOException {
        publish(message);
    }

    /**
     * Publishes several patches of one job, each as {@link #publish(PatchMessage, long)} would (its own duplicate
     * detection), returning once all are durable. A broker confirms them together (one journal write for many)
     * where one at a time would wait for a journal write each.
     */
    default void publishAll(java.util.List<PatchMessage> messages, long jobPatches) throws IOException {
        for (PatchMessage m : messages) {
            publish(m, jobPatches);
        }
    }

    /**
     * Says that a processor runs and which models it has, for the slicer to refuse a job naming a model none has
     * (renewed every few seconds by each processor; the latest of a processor replaces its earlier ones).
     */
    void announce(dev.lip.common.protocol.ProcessorRoster.Announcement announcement) throws IOException;

    /** The processors' announcements made within {@code maxAge}, the latest of each. */
    List<dev.lip.common.protocol.ProcessorRoster.Announcement> announced(java.time.Duration maxAge) throws IOException;

    /** A consumer for one thread: it holds at most one unsettled delivery, and takes nothing ahead of it. */
    Consumer consumer() throws IOException;

    /** Patches of {@code job} published and not yet delivered (for a progress bar, a scaler, the metrics). */
    long waiting(String job) throws IOException;

    /** Patches of every job published and not yet delivered. */
    long waiting() throws IOException;

    /** The patches of {@code job} that failed for good, with their last reasons. */
    List<DeadLetter> deadLetters(String job) throws IOException;

    /**
     * The patches acknowledged as processed, each announced at least once, for the one process that gathers results
     * (slicer-api): on a broker a small message sent in the same transaction as the acknowledgement, so no result
     * goes unannounced; in the work directory, results appearing in {@code done/}.
     */
    Completions completions() throws IOException;

    /** Drops every waiting and dead-lettered patch of {@code job} (a cancelled or deleted job). */
    void purge(String job) throws IOException;

    @Override
    void close() throws IOException;

    interface Consumer extends AutoCloseable {
        /**
         * Waits up to {@code wait} for the next patch.
         *
         * @throws IllegalStateException when the previous delivery is not settled
         */
        Optional<Delivery> receive(Duration wait) throws IOException, InterruptedException;

        /** Closing with a delivery unsettled gives it back to the queue, to be delivered again. */
        @Override
        void close() throws IOException;
    }

    interface Delivery {
        PatchMessage message();

        /** 1 for the first delivery, 2 after one failure or abandonment, ... */
        int attempt();

        /** The patch is done: its result is in the store. */
        void acknowledge() throws IOException;

        /**
         * The attempt failed with {@code reason} (one sentence). Below the queue's attempt limit the patch is
         * delivered again; at it, the patch is dead-lettered with the reason.
         *
         * @return true when the patch was dead-lettered
         */
        boolean fail(String reason) throws IOException;

        /** Tells the queue the work goes on (a lease renewed); a no-op where the broker needs none. */
        default void renew() throws IOException {
        }
    }

    interface Completions extends AutoCloseable {
        /** Waits up to {@code wait} for the next processed patch. */
        Optional<Completion> next(Duration wait) throws IOException, InterruptedException;

        @Override
        void close() throws IOException;
    }

    interface Completion {
        PatchMessage message();

        /**
         * The result is fetched: this announcement, and every one received before it from the same
         * {@link Completions}, is not repeated. Unacknowledged ones are announced again.
         */
        void acknowledge() throws IOException;
    }

    /**
     * A patch that failed for good, and why; {@code message} is null for a message on the broker that was no patch
     * message at all (anyone on the broker can send one naming a job).
     */
    record DeadLetter(PatchMessage message, String reason) {
    }
}
