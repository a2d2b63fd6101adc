package dev.lip.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * With {@code lip.api-token} set, every request must carry {@code Authorization: Bearer <token>}, except health
 * (for probes) and the pages' static shell. Without it the service is open, as on a developer's machine.
 *
 * <p>Deny by default: the one exception is decided on the path Tomcat maps (the servlet path: decoded, normalised,
 * {@code ;parameters} removed), and only when the raw URI is that same path written plainly. Testing the raw URI
 * for a protected prefix, as this filter once did, let {@code /api;x=1/v1/jobs} and {@code /%61pi/v1/jobs} through:
 * Spring routes them to the API, but their raw text does not start with {@code /api/}.
 */
public class ApiTokenFilter extends OncePerRequestFilter {
    static final String HEALTH = "/actuator/health";
    private final byte[] token;

    public ApiTokenFilter(String token) {
        this.token = token == null || token.isBlank() ? null : token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return token == null || isHealth(request) || isPageShell(request);
    }

    /**
     * The pages' static shell (slicer-api's {@code /}, {@code /jobs/<id>}, {@code /ui/...} and Swagger UI's files under
     * {@code /swagger-ui/}: HTML, scripts, styles),
     * read with GET by its plain path only: it holds no data, and must load so that it can ask for the token that
     * every request for data then carries.
     */
    static boolean isPageShell(HttpServletRequest request) {
        String mapped = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        boolean read = request.getMethod().equals("GET") || request.getMethod().equals("HEAD");
        return read && raw.equals(mapped) && (mapped.equals("/") || mapped.matches("/jobs/[A-Za-z0-9-]{1,64}")
                || mapped.matches("/ui/[A-Za-z0-9/._-]{1,200}") && !mapped.contains("..")
                // Swagger UI's scripts and styles, which the API page (/ui/api.html) loads; the description itself,
                // /v3/api-docs, is behind the token
                || mapped.matches("/swagger-ui/[A-Za-z0-9._-]{1,100}"));
    }

    /** Health and its groups ({@code /actuator/health/liveness}), asked for by their plain path only. */
    static boolean isHealth(HttpServletRequest request) {
        String mapped = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        String raw = request.getRequestURI().substring(request.getContextPath().length());
        return raw.equals(mapped) && (mapped.equals(HEALTH) || mapped.startsWith(HEALTH + "/"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader("Authorization");
        byte[] given = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (MessageDigest.isEqual(token, given)) { // constant time
            chain.doFilter(request, response);
            return;
        }
        response.setHeader("WWW-Authenticate", "Bearer");
        Problems.write(response, HttpServletResponse.SC_UNAUTHORIZED, header == null
                ? "This service needs an API token: send 'Authorization: Bearer <token>' (lip --token, or LIP_TOKEN)."
                : "The API token is wrong.");
    }
}
