package dev.lip.slicer.web;

import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.upload.TusUploads;
import dev.lip.web.Problems;
import dev.lip.web.RefusedBodyDrainFilter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.util.concurrent.Semaphore;

/**
 * At most {@code lip.max-concurrent-uploads} uploads are received at once; one more is answered 503 with
 * {@code Retry-After} before a byte of its body is read. An upload holds a request thread for as long as its body
 * takes, so without a cap a few hundred slow clients take every thread and health, status and downloads stop
 * answering. Runs before multipart parsing (which reads the whole body) and after the token check.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class UploadLimitFilter extends OncePerRequestFilter {
    static final String RETRY_AFTER_SECONDS = "10";
    private final Semaphore permits;
    private final int max;

    public UploadLimitFilter(LipProperties props) {
        this.max = Math.max(1, props.maxConcurrentUploads());
        this.permits = new Semaphore(max);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // Both kinds of upload hold a thread while their body arrives: a plain one, and a tus PATCH.
        String path = request.getServletPath();
        return !("POST".equals(request.getMethod()) && "/api/v1/jobs".equals(path)
                || "PATCH".equals(request.getMethod()) && path.startsWith(TusUploads.PATH + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!permits.tryAcquire()) {
            response.setHeader("Retry-After", RETRY_AFTER_SECONDS);
            request.setAttribute(RefusedBodyDrainFilter.DO_NOT_DRAIN, true); // a busy service reads no more of it
            response.setHeader("Connection", "close");
            Problems.write(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "This service is receiving " + max
                    + " uploads already (lip.max-concurrent-uploads); try again in " + RETRY_AFTER_SECONDS + " seconds.");
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            permits.release();
        }
    }
}
