package dev.lip.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.boot.web.embedded.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.embedded.tomcat.TomcatContextCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class TomcatSettings {
    /**
     * Tomcat answers an encoded slash in a path ({@code /jobs/..%2Fetc}) with its own error before Spring sees the
     * request. Passing it through lets the API refuse it as a malformed job id with a sentence; it never becomes a
     * file path (job ids are checked against a strict pattern), and the token filter decides on the mapped path.
     */
    @Bean
    TomcatConnectorCustomizer encodedSlashPassThrough() {
        return connector -> connector.setEncodedSolidusHandling("passthrough");
    }

    /**
     * A client that sends {@code Expect: 100-continue} (curl, for large bodies) gets "100 Continue" only when the upload is
     * actually read, so an upload refused from its headers alone (too large, bad parameters) is answered before a
     * byte of a multi-gigabyte body crosses the network, instead of a connection reset half-way.
     */
    @Bean
    TomcatConnectorCustomizer continueOnRead() {
        return connector -> connector.setProperty("continueResponseTiming", "onRead");
    }

    /** Errors Tomcat answers itself come out as problem+json too (see {@link ProblemErrorReportValve}). */
    @Bean
    TomcatContextCustomizer problemErrorPages() {
        return context -> {
            if (context.getParent() instanceof StandardHost host) {
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
            }
        };
    }
}
