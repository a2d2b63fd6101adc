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

    /** First in the chain: nothing else runs for a request without the token. */
    @Bean
    FilterRegistrationBean<ApiTokenFilter> apiTokenFilter(@Value("${lip.api-token:}") String token) {
        FilterRegistrationBean<ApiTokenFilter> registration = new FilterRegistrationBean<>(new ApiTokenFilter(token));
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }
}
