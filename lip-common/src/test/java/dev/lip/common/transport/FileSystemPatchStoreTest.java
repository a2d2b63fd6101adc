package dev.lip.common.transport;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

/** The work directory as a patch store, held to the stores' contract. */
class FileSystemPatchStoreTest extends PatchStoreContract {
    @TempDir
    Path root;

    @Override
    protected PatchStore store() throws Exception {
        return new FileSystemPatchStore(Files.createTempDirectory(root, "work"));
    }
}
