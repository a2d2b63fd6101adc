package dev.lip.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.Ordered;

/** What both services' front doors share; picked up by Spring Boot from this module's auto-configuration list. */
@AutoConfiguration
@Import(TomcatSettings.class)
public class LipWebAutoConfiguration {

    /** Outermost: it sees every answer, the token filter's too, before deciding what to do with an unread body. */
    @Bean
    FilterRegistrationBean<RefusedBodyDrainFilter> refusedBodyDrainFilter(
            @Value("${lip.refused-body-drain-time:10s}") java.time.Duration budget) {
        FilterRegistrationBean<RefusedBodyDrainFilter> registration = new FilterRegistrationBean<>(new RefusedBodyDrainFilter(budget));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    /** Every answer, refusals too, carries the security headers. */
    @Bean
    FilterRegistrationBean<SecurityHeadersFilter> securityHeadersFilter() {
        FilterRegistrationBean<SecurityHeadersFilter> registration = new FilterRegistrationBean<>(new SecurityHeadersFilter());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return registration;
    }

    /** Without a token: loopback Host names only, and nothing changed from another origin's page. */
    @Bean
    FilterRegistrationBean<OriginFilter> originFilter(@Value("${lip.api-token:}") String token,
                                                      @Value("${lip.allowed-hosts:}") java.util.List<String> allowedHosts) {
        FilterRegistrationBean<OriginFilter> registration = new FilterRegistrationBean<>(new OriginFilter(token, allowedHosts));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 2);
        return registration;
    }

    /** Then the token: nothing else runs for a request without it. */
    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(@Value("${lip.api-token:}") String token) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(token));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 3);
        return registration;
    }
}
