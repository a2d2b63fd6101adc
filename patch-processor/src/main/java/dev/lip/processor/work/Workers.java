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
}
