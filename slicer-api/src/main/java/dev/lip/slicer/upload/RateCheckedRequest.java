package dev.lip.slicer.upload;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import java.io.IOException;

/**
 * The request with its body checked against the minimum rate as it is read; once its first
 * {@link #ARRIVING_BYTES} are read, {@code arriving} is told (a job may start slicing them: a client sends a
 * whole file in one PATCH).
 */
final class RateCheckedRequest extends HttpServletRequestWrapper {
    static final long ARRIVING_BYTES = 256 << 10;
    private final MinimumRate rate;
    private final Runnable arriving;
    private boolean told;
    private ServletInputStream in;

    RateCheckedRequest(HttpServletRequest request, MinimumRate rate, Runnable arriving) {
        super(request);
        this.rate = rate;
        this.arriving = arriving;
    }

    private void check(long total) throws IOException {
        rate.check(total);
        if (!told && total >= ARRIVING_BYTES) {
            told = true;
            arriving.run();
        }
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (in == null) {
            ServletInputStream body = super.getInputStream();
            in = new ServletInputStream() {
                private long total;

                @Override
                public int read() throws IOException {
                    int b = body.read();
                    if (b >= 0) {
                        total++;
                        check(total);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = body.read(buf, off, len);
                    if (n > 0) {
                        total += n;
                        check(total);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return body.isFinished();
                }

                @Override
                public boolean isReady() {
                    return body.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    body.setReadListener(listener);
                }
            };
        }
        return in;
    }
}
