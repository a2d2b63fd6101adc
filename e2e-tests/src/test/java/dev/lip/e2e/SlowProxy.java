package dev.lip.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy in front of a server that passes what clients send at a limited rate and can cut every connection at
 * once: a slow network, and a network that fails, for tests of resumable uploads. Made with {@link #dyingAfter} it
 * passes answers until a number of bytes, then cuts every connection and takes no more: a server that goes away in
 * the middle of a download.
 */
final class SlowProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final long bytesPerSecond;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong sent = new AtomicLong();
    /** Answer bytes after which the proxy closes for good; Long.MAX_VALUE: never. */
    private final long answerLimit;
    private final AtomicLong answered = new AtomicLong();
    private volatile boolean closed;

    SlowProxy(int targetPort, long bytesPerSecond) throws IOException {
        this(targetPort, bytesPerSecond, Long.MAX_VALUE);
    }

    /** A proxy at full speed whose server dies once it has answered {@code answerBytes}. */
    static SlowProxy dyingAfter(int targetPort, long answerBytes) throws IOException {
        return new SlowProxy(targetPort, Long.MAX_VALUE, answerBytes);
    }

    private SlowProxy(int targetPort, long bytesPerSecond, long answerLimit) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        this.bytesPerSecond = bytesPerSecond;
        this.answerLimit = answerLimit;
        Thread accept = new Thread(this::acceptLoop, "slow-proxy");
        accept.setDaemon(true);
        accept.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes passed from clients to slicer-api so far. */
    long sent() {
        return sent.get();
    }

    /** Closes every connection open now, as a failing network would. */
    void cutAll() {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                open.add(client);
                open.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                if (!closed) {
                    continue;
                }
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean limited) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            long start = System.nanoTime();
            long total = 0;
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    if (!limited && answered.addAndGet(n) >= answerLimit) {
                        close(); // the server dies
                        return;
                    }
                    if (limited) {
                        sent.addAndGet(n);
                        total += n;
                        long due = bytesPerSecond == Long.MAX_VALUE ? 0 : start + total * 1_000_000_000L / bytesPerSecond;
                        long wait = due - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
            } catch (IOException | InterruptedException e) {
                // the other side closed, or cutAll
            } finally {
                close(from);
                close(to);
            }
        }, "slow-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private void close(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // closed already
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        cutAll();
    }
}
