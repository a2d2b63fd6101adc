package dev.lip.slicer.decoding;

import dev.lip.formats.source.UnreadableImageException;

import java.io.FileDescriptor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

/**
 * The image a decoder process reads, opened once and then named by its open descriptor ({@code /proc/self/fd/N}),
 * so that every reader, OpenSlide's too, reads the very file that was checked: a directory on the way swapped for a
 * link after the job was accepted (a time-of-check to time-of-use attack on {@code source=file://}) changes nothing,
 * and where the open file really is is checked against the allowed directories after it is open.
 */
final class PinnedFile implements AutoCloseable {
    private static final Path FDS = Path.of("/proc/self/fd");

    private final RandomAccessFile file;
    private final Path path;

    private PinnedFile(RandomAccessFile file, Path path) {
        this.file = file;
        this.path = path;
    }

    /** The path that reads the pinned file. */
    Path path() {
        return path;
    }

    static PinnedFile open(Path image, List<Path> allowedDirs) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(image, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UnreadableImageException("The image's file is no longer there.");
        }
        // Never opened unless a regular file (a FIFO would block the open, a device would be read)
        if (!a.isRegularFile()) {
            throw new UnreadableImageException("The image's file is not a regular file.");
        }
        RandomAccessFile raf = new RandomAccessFile(image.toFile(), "r");
        try {
            int fd = descriptor(raf.getFD());
            if (fd < 0 || !Files.isDirectory(FDS)) {
                return new PinnedFile(raf, image); // not Linux: the path as checked, which is all we have
            }
            Path pinned = FDS.resolve(Integer.toString(fd));
            Path where = Files.readSymbolicLink(pinned);
            if (allowedDirs.stream().noneMatch(where::startsWith)
                    || !Files.isRegularFile(pinned) || !Files.isReadable(pinned)) {
                throw new UnreadableImageException("The image's file is no longer where it was when the job was "
                        + "accepted (a link on its path changed); it was not read.");
            }
            return new PinnedFile(raf, pinned);
        } catch (IOException | RuntimeException e) {
            raf.close();
            throw e;
        }
    }

    /** The descriptor's number; the decoder process is started with java.io open to this code for it. */
    private static int descriptor(FileDescriptor fd) {
        try {
            Field f = FileDescriptor.class.getDeclaredField("fd");
            f.setAccessible(true);
            return f.getInt(fd);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
