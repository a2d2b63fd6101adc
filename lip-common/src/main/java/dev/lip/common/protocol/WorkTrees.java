package dev.lip.common.protocol;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Removing a file or directory tree of the work directory that other processes may still be writing into (a
 * slicer thread or a processor that has not noticed the cancel yet). The tree is first renamed to a dot-name
 * ({@code .trash-<uuid>}, which every reader skips), atomically: from then on nobody can add to it under its old
 * name, so the deletion cannot race a writer that recreates what was just deleted. Writers that held an open file
 * finish into the renamed tree, which is then removed. Links inside are removed, never followed.
 */
public final class WorkTrees {
    public static final String TRASH_PREFIX = ".trash-";

    private WorkTrees() {
    }

    /** @return false when something could not be removed after a few tries (the caller logs it) */
    public static boolean remove(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return true;
        }
        Path trash = p.resolveSibling(TRASH_PREFIX + UUID.randomUUID());
        try {
            Files.move(p, trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            trash = p;
        }
        for (int attempt = 1; attempt <= 5; attempt++) {
            try {
                deleteTree(trash);
                return true;
            } catch (IOException e) {
                try {
                    Thread.sleep(100L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return false;
    }

    /** Finishes removals a killed process left half done: every {@code .trash-} entry directly under {@code dir}. */
    public static void finishRemovals(Path dir) throws IOException {
        try (java.nio.file.DirectoryStream<Path> entries = Files.newDirectoryStream(dir, TRASH_PREFIX + "*")) {
            for (Path p : entries) {
                remove(p);
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(root);
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
