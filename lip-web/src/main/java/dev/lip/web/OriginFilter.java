package dev.lip.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Without an API token the service trusts whoever reaches it, so it makes sure that is not a web page in someone's
 * browser: requests must name this machine's loopback in {@code Host} (or a host in {@code lip.allowed-hosts}), so
 * that a DNS-rebinding page (evil.example resolving to 127.0.0.1) is refused; and a request that changes something
 * (POST, PUT, PATCH, DELETE) sent by a browser from another origin (its {@code Origin}, or
 * {@code Sec-Fetch-Site: cross-site}) is refused, so that a page cannot make the browser submit a job
 * ({@code destination=s3://...}) with a cross-origin {@code text/plain} POST that needs no preflight. Programs that
 * send no {@code Origin} (lip, curl, a Python worker) are not affected. Health is always served, for probes that
 * address the pod by its IP. With a token none of this is needed: a page cannot know it, or send it cross-origin
 * without a preflight this service does not grant.
 */
public class OriginFilter extends OncePerRequestFilter {
    private static final Set<String> CHANGES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private final boolean open;
    private final List<String> allowedHosts;

    /**
     * @param token        lip.api-token: with one, this filter does nothing
     * @param allowedHosts host names besides the loopback that clients may use (lip.allowed-hosts)
     */
    public OriginFilter(String token, List<String> allowedHosts) {
        this.open = token == null || token.isBlank();
        this.allowedHosts = allowedHosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).filter(h -> !h.isEmpty()).toList();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !open || ApiTokenFilter.isHealth(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String host = hostName(request.getHeader("Host"));
        if (host == null || !allowed(host)) {
            Problems.write(response, HttpServletResponse.SC_FORBIDDEN, "This service has no API token, so it answers "
                    + "requests addressed to this machine's loopback only (Host localhost, 127.0.0.1 or [::1]); "
                    + "list other host names in lip.allowed-hosts, or set lip.api-token.");
            return;
        }
        if (CHANGES.contains(request.getMethod())) {
            String origin = request.getHeader("Origin");
            boolean crossSite = "cross-site".equalsIgnoreCase(request.getHeader("Sec-Fetch-Site"));
            if (crossSite || origin != null && !sameOrAllowed(origin, request.getHeader("Host"))) {
                Problems.write(response, HttpServletResponse.SC_FORBIDDEN, "A page from another origin may not change "
                        + "anything on this service (it has no API token); use the service's own pages or a client.");
                return;
            }
        }
        chain.doFilter(request, response);
    }

    private boolean allowed(String host) {
        return host.equals("localhost") || host.endsWith(".localhost") || host.equals("[::1]") || host.equals("::1")
                || host.matches("127(\\.\\d{1,3}){3}") || allowedHosts.contains(host);
    }

    /** An {@code Origin} of this very host and port, or of an allowed host. */
    private boolean sameOrAllowed(String origin, String hostHeader) {
        try {
            URI o = URI.create(origin);
            if (o.getHost() == null) {
                return false; // "null": a sandboxed frame or a file:// page
            }
            String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
            return authority.equalsIgnoreCase(hostHeader) || allowed(o.getHost().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The host of a Host header, without its port; null when there is none. */
    static String hostName(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String h = header.trim().toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? null : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
