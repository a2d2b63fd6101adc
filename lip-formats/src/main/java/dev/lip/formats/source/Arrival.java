package dev.lip.formats.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Files still arriving (issue 27: an upload sliced while its bytes come in). A decoder process {@linkplain #expect
 * expects} its image at the length the upload declared; readers that follow the bytes in the order they are stored
 * (a JPEG's or PNG's stream) then {@linkplain #await wait} for each part they read instead of finding the file short,
 * and every other reader, and every check that needs the file's size, sees the whole file: the format is opened only
 * once it has all arrived ({@link ImageSources}), and {@link #length} is the declared length. A file nobody expects
 * is read as it is: these calls cost a map lookup.
 *
 * <p>Waiting has no limit of its own: the upload's expiry, a cancelled job or a decoder's watchdog end the process.
 */
public final class Arrival {
    /** How often a waiting reader looks at the file's size again. */
    private static final long POLL_MILLIS = 5;
    private static final Map<Path, Expected> FILES = new ConcurrentHashMap<>();

    private Arrival() {
    }

    private static final class Expected {
        final long length;
        /** The size last seen: reads below it need no look at the file. */
        volatile long seen;

        Expected(long length) {
            this.length = length;
        }
    }

    /** The file at {@code file} is arriving and will be {@code length} bytes long. */
    public static void expect(Path file, long length) {
        FILES.put(file, new Expected(length));
    }

    /** Forgets an expected file (its reading is over). */
    public static void forget(Path file) {
        FILES.remove(file);
    }

    /** Whether the file is expected and not all there yet. */
    public static boolean arriving(Path file) throws IOException {
        Expected e = FILES.get(file);
        return e != null && size(file, e) < e.length;
    }

    /** The file's length: the declared one while it arrives. */
    public static long length(Path file) throws IOException {
        Expected e = FILES.get(file);
        return e != null ? e.length : Files.size(file);
    }

    /** Returns once the file holds its first {@code end} bytes, or all of them if it will be shorter. */
    public static void await(Path file, long end) throws IOException {
        Expected e = FILES.get(file);
        if (e == null) {
            return;
        }
        long needed = Math.min(end, e.length);
        if (e.seen >= needed) {
            return;
        }
        try {
            while (size(file, e) < needed) {
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("stopped while waiting for the image's bytes");
        }
    }

    /** Returns once the whole file has arrived. */
    public static void awaitAll(Path file) throws IOException {
        await(file, Long.MAX_VALUE);
    }

    private static long size(Path file, Expected e) throws IOException {
        long s = Files.size(file);
        if (s > e.seen) {
            e.seen = s;
        }
        return s;
    }

    /** The file's bytes from its start, each read waiting for what it reads. */
    public static InputStream stream(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        if (!FILES.containsKey(file)) {
            return in;
        }
        return new InputStream() {
            private long position;

            @Override
            public int read() throws IOException {
                await(file, position + 1);
                int b = in.read();
                if (b >= 0) {
                    position++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                await(file, position + 1);
                Expected e = FILES.get(file);
                // as much as has arrived, at least one byte: a reader asking for a block must not wait for all of it
                long there = e == null ? len : Math.max(1, Math.min(len, e.seen - position));
                int n = in.read(b, off, (int) Math.min(len, there));
                if (n > 0) {
                    position += n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                byte[] scratch = new byte[(int) Math.min(Math.max(n, 1), 64 << 10)];
                long done = 0;
                int r;
                while (done < n && (r = read(scratch, 0, (int) Math.min(scratch.length, n - done))) > 0) {
                    done += r;
                }
                return done;
            }

            @Override
            public void close() throws IOException {
                in.close();
            }
        };
    }

    /** The file for an ImageIO reader, each read waiting for what it reads; its length the declared one. */
    public static javax.imageio.stream.ImageInputStream imageStream(Path file) throws IOException {
        Expected e = FILES.get(file);
        if (e == null) {
            return javax.imageio.ImageIO.createImageInputStream(file.toFile());
        }
        java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "r");
        return new javax.imageio.stream.ImageInputStreamImpl() {
            @Override
            public int read() throws IOException {
                checkClosed();
                bitOffset = 0;
                await(file, streamPos + 1);
                raf.seek(streamPos);
                int v = raf.read();
                if (v >= 0) {
                    streamPos++;
                }
                return v;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                checkClosed();
                bitOffset = 0;
                if (len == 0) {
                    return 0;
                }
                await(file, streamPos + len); // ImageIO reads a tile or a directory at once
                raf.seek(streamPos);
                int n = raf.read(b, off, len);
                if (n > 0) {
                    streamPos += n;
                }
                return n;
            }

            @Override
            public long length() {
                return e.length;
            }

            @Override
            public void close() throws IOException {
                super.close();
                raf.close();
            }
        };
    }
}
