package dev.lip.processor.work;

/**
 * The processor's worker threads, whichever queue they take patches from: the work directory's
 * ({@link PatchWorkers}) or a broker's ({@link BrokerWorkers}).
 */
public interface Workers {
    /** Patches processed and published since the start. */
    long processedCount();

    /** Failed attempts since the start (each queued again or dead-lettered). */
    long failedAttempts();

    int threads();

    /** Tells slicer-api, where it reads the queue, that this processor runs and which models it has. */
    void announce(dev.lip.common.protocol.ProcessorRoster.Announcement announcement) throws java.io.IOException;

    /** Takes the announcement back (stopping); one that is not taken back expires. */
    default void withdraw(String id) throws java.io.IOException {
    }
}
