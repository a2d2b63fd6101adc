package dev.lip.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;

/**
 * Headers every answer carries, pages and API alike: no content sniffing, no framing (clickjacking of the pages'
 * Delete and upload), no referrer, and a Content-Security-Policy that lets the pages run only their own scripts.
 * OpenSeadragon draws tiles from this origin and sets styles through the DOM, which the policy allows; the pages'
 * few {@code style} attributes need {@code 'unsafe-inline'} for styles only.
 */
public class SecurityHeadersFilter extends OncePerRequestFilter {
    static final String POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
            + "form-action 'self'; frame-ancestors 'none'";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Referrer-Policy", "no-referrer");
        chain.doFilter(request, response);
    }
}
