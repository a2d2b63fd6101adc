package dev.lip.e2e;

import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/**
 * A request body that gives its first {@code part} bytes at once and the rest once {@code go} opens: a request
 * still arriving, for tests of what the server does with the bytes it has so far.
 */
final class HeldBody extends InputStream {
    private final byte[] bytes;
    private final int part;
    private final CountDownLatch go;
    private int at;

    HeldBody(byte[] bytes, int part, CountDownLatch go) {
        this.bytes = bytes;
        this.part = part;
        this.go = go;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (at == part) {
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        if (at >= bytes.length) {
            return -1;
        }
        int n = Math.min(len, (at < part ? part : bytes.length) - at);
        System.arraycopy(bytes, at, b, off, n);
        at += n;
        return n;
    }
}
