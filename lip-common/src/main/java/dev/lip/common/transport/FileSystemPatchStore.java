package dev.lip.common.transport;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.SafeFiles;
import dev.lip.common.protocol.WorkTrees;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The work directory as a {@link PatchStore}: a key is the path of its file under the work directory
 * ({@code <job>/pending/r0-c0.patch}), written through a temporary file and a rename so that no reader sees part of
 * it, read only when it is a regular file (never a link or a FIFO someone left there). The default on one machine,
 * where slicer-api and the processors share the directory.
 */
public final class FileSystemPatchStore implements PatchStore {
    /** A patch with the largest halo of 16 bands of float64 is far below this; anything larger is not ours. */
    static final int MAX_OBJECT_BYTES = 1 << 30;

    private final Path workDir;

    public FileSystemPatchStore(Path workDir) {
        this.workDir = workDir.toAbsolutePath().normalize();
    }

    private Path file(String key) {
        Path f = workDir.resolve(PatchKeys.check(key)).normalize();
        if (!f.startsWith(workDir)) {
            throw new IllegalArgumentException("not a patch store key: " + key);
        }
        return f;
    }

    @Override
    public void put(String key, byte[] bytes) throws IOException {
        Path f = file(key);
        Files.createDirectories(f.getParent());
        JobDirectory.writeAtomically(f, bytes);
    }

    @Override
    public Optional<byte[]> get(String key) throws IOException {
        try {
            return Optional.of(SafeFiles.readSmall(file(key), MAX_OBJECT_BYTES));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean exists(String key) {
        return SafeFiles.isRegularFile(file(key));
    }

    @Override
    public void delete(String key) throws IOException {
        Files.deleteIfExists(file(key));
    }

    /** The job's patch directories: the rest of its directory (manifest, status, upload) is slicer-api's. */
    @Override
    public void deleteJob(String job) throws IOException {
        if (!JobDirectory.isValidJobId(job)) {
            throw new IllegalArgumentException("not a job id: " + job);
        }
        JobDirectory dir = new JobDirectory(workDir, job);
        for (Path p : new Path[]{dir.pending(), dir.claimed(), dir.done(), dir.failed(), dir.attempts()}) {
            WorkTrees.remove(p);
        }
    }
}
