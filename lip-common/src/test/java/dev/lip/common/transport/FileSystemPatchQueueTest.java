package dev.lip.common.transport;

import dev.lip.common.protocol.JobDirectory;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The work-directory protocol as a patch queue, held to the queues' contract. */
class FileSystemPatchQueueTest extends PatchQueueContract {
    @TempDir
    Path workDir;

    @Override
    protected PatchQueue newQueue(int maxAttempts) {
        return new FileSystemPatchQueue(workDir, maxAttempts);
    }

    @Override
    protected PatchStore store() {
        return new FileSystemPatchStore(workDir);
    }

    /** A job takes patches once its directories and manifest exist (docs/protocol.md). */
    @Override
    protected void prepareJob(String job) throws Exception {
        JobDirectory dir = new JobDirectory(workDir, job);
        dir.createDirectories();
        Files.writeString(dir.manifestFile(), "{}");
    }
}
