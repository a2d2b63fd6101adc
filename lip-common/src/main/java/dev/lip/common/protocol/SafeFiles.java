package dev.lip.common.protocol;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Opening files in the shared work directory without trusting it. Anyone who can write there (another container,
 * a processor in another language) could leave a symbolic link, a FIFO or a directory where a file belongs: the
 * services, running as root in containers, then read or wrote outside the work directory, or blocked for ever
 * opening a FIFO. So every path is checked without following links (each directory on the way by
 * {@link JobDirectory#verify}, the file itself here) before it is opened, and opened with {@code O_NOFOLLOW}: a
 * path made only of real directories and ending in a regular file lies inside the work directory. What fails the
 * check is moved aside into {@code .quarantine/} (a rename moves a link, never its target).
 *
 * <p>A FIFO swapped in between the check and the open would still block that one open; the check makes that a race
 * an attacker must win on every attempt rather than a file left lying there.
 */
public final class SafeFiles {
    public static final String QUARANTINE = ".quarantine";
    /**
     * Absolute paths of two segments or more, and relative ones of three ({@code temp/<job>/upload.bin}); never the
     * path of a URL ({@code s3://bucket/key}, {@code file:///...}), which is the user's own reference.
     */
    private static final Pattern PATH = Pattern.compile("(?<![\\w.:/-])(?:[\\w.-]+)?(/[^/\\s:'\"]+){2,}/?");

    private SafeFiles() {
    }

    /** A path in the work directory that is not what the protocol puts there. */
    public static final class UnsafeFileException extends IOException {
        public UnsafeFileException(String message) {
            super(message);
        }
    }

    public static void requireRegularFile(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new UnsafeFileException(file.getFileName() + " is " + kind(a) + ", not a regular file");
        }
    }

    public static void requireDirectory(Path dir) throws IOException {
        BasicFileAttributes a = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new UnsafeFileException(dir.getFileName() + " is " + kind(a) + ", not a directory");
        }
    }

    public static boolean isDirectory(Path dir) {
        return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
    }

    public static boolean isRegularFile(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }

    private static String kind(BasicFileAttributes a) {
        return a.isSymbolicLink() ? "a symbolic link" : a.isDirectory() ? "a directory"
                : a.isOther() ? "a special file (FIFO, socket or device)" : "not a regular file";
    }

    /** Opens a regular file for reading, never through a link. */
    public static FileChannel openForReading(Path file) throws IOException {
        requireRegularFile(file);
        return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }

    /** Reads a small file whole, refusing one larger than {@code maxBytes} instead of allocating for it. */
    public static byte[] readSmall(Path file, int maxBytes) throws IOException {
        try (FileChannel ch = openForReading(file)) {
            long size = ch.size();
            if (size > maxBytes) {
                throw new UnsafeFileException(file.getFileName() + " has " + size + " bytes, more than the " + maxBytes
                        + " such a file may have");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) size);
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until full or at the end
            }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    /**
     * Sets a regular file's modification time without following a link (a lease must not touch a file outside).
     * Java 17 sets times by opening the file, which blocks for ever on a FIFO: anything but a regular file, found
     * with lstat, is refused before that.
     */
    public static void touch(Path file, long millis) throws IOException {
        requireRegularFile(file);
        Files.getFileAttributeView(file, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                .setTimes(FileTime.fromMillis(millis), null, null);
    }

    public static long modifiedMillis(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastModifiedTime().toMillis();
    }

    /**
     * Moves {@code entry} (a link, a FIFO, a directory where a file belongs) into {@code <workDir>/.quarantine/},
     * where no service looks. Losing a race with another process that moved it first is fine.
     *
     * @return where it went, for the log line
     */
    public static Path quarantine(Path workDir, Path entry) throws IOException {
        Path dir = workDir.resolve(QUARANTINE);
        Files.createDirectories(dir);
        Path target = dir.resolve(UUID.randomUUID() + "-" + entry.getFileName());
        try {
            Files.move(entry, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.nio.file.NoSuchFileException e) {
            // moved or removed meanwhile
        }
        return target;
    }

    /**
     * Removes file paths and control characters from a text that may reach an API client (exception texts quote
     * files; a NUL in a request was echoed back).
     */
    public static String withoutPaths(String text) {
        return PATH.matcher(text).replaceAll("the file").replaceAll("\\p{Cntrl}", " ");
    }
}
