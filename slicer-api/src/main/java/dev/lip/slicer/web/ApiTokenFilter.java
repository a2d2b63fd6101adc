package dev.lip.slicer.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.slicer.config.LipProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * With {@code lip.api-token} set, every {@code /api/} request must carry {@code Authorization: Bearer <token>};
 * health stays open for probes. Without it the API is open, as on a developer's machine.
 */
@Component
public class ApiTokenFilter extends OncePerRequestFilter {
    private final byte[] token;
    private final ObjectMapper json;

    public ApiTokenFilter(LipProperties props, ObjectMapper json) {
        this.token = props.apiToken() == null || props.apiToken().isBlank() ? null
                : props.apiToken().getBytes(StandardCharsets.UTF_8);
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return token == null || !request.getRequestURI().startsWith("/api/");
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
        ProblemDetail p = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, header == null
                ? "This service needs an API token: send 'Authorization: Bearer <token>' (lip --token, or LIP_TOKEN)."
                : "The API token is wrong.");
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader("WWW-Authenticate", "Bearer");
        response.setContentType("application/problem+json");
        json.writeValue(response.getOutputStream(), p);
    }
}
