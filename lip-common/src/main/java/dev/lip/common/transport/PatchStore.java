package dev.lip.common.transport;

import java.io.IOException;
import java.util.Optional;

/**
 * Where patches and results are kept between the slicer, the processors and the stitcher: bytes by key (see
 * {@link PatchKeys}). The work directory is one store ({@link FileSystemPatchStore}); an S3 bucket another, for
 * processors that share no volume. Every adapter passes the same contract test ({@code PatchStoreContract}).
 */
public interface PatchStore {
    /**
     * Stores {@code bytes} under {@code key}, whole or not at all: a reader never sees part of them. Putting the same
     * key again replaces it (a duplicate delivery writes the same bytes).
     */
    void put(String key, byte[] bytes) throws IOException;

    /** The bytes under {@code key}, or empty when there are none (never stored, or the job was deleted). */
    Optional<byte[]> get(String key) throws IOException;

    boolean exists(String key) throws IOException;

    /** Removes {@code key}; nothing when it is absent. */
    void delete(String key) throws IOException;

    /** Removes every key of {@code job}, and only those. */
    void deleteJob(String job) throws IOException;
}
