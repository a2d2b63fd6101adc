package dev.lip.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.time.Duration;

/**
 * What happens to the rest of a body the service refused (a 401, a 413 from the declared length, a 400 on bad
 * parameters). Clients that cannot wait for "100 Continue" (Java's HttpClient, which the CLI uses) send the whole
 * body before reading the answer; if the connection closed under them they would see a reset instead of the
 * sentence. Tomcat could read the rest for us, but for as long as the client takes: a client trickling a byte at a
 * time kept a request thread for ever after its refusal. So Tomcat reads nothing after a request
 * ({@code max-swallow-size: 0}) and this filter, after sending the answer, reads the rest itself for at most
 * {@code lip.refused-body-drain-time}; a client still sending then has its connection closed.
 */
public class RefusedBodyDrainFilter extends OncePerRequestFilter {
    /** A request attribute: set it when the service has given up on the client's body (too slow, over a cap). */
    public static final String DO_NOT_DRAIN = RefusedBodyDrainFilter.class.getName() + ".doNotDrain";
    private final long budgetNanos;

    public RefusedBodyDrainFilter(Duration budget) {
        this.budgetNanos = budget.toNanos();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(request, response);
        if (response.getStatus() < 400 || request.getAttribute(DO_NOT_DRAIN) != null
                || (request.getContentLengthLong() <= 0 && request.getHeader("Transfer-Encoding") == null)) {
            return; // no body, or the service will not read more of it
        }
        try {
            response.flushBuffer(); // the answer first: the client may read it only once its body is sent
            ServletInputStream in = request.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long deadline = System.nanoTime() + budgetNanos;
            while (System.nanoTime() < deadline && in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the body was taken as a reader: nothing more to do
        }
    }
}
