package dev.lip.slicer.web;

import org.springframework.boot.web.embedded.tomcat.TomcatConnectorCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration
public class TomcatSettings {
    /**
     * Tomcat answers an encoded slash in a path ({@code /jobs/..%2Fetc}) with its own HTML error page before Spring
     * sees the request. Passing it through lets the API refuse it as a malformed job id, as problem+json like every
     * other error; it never becomes a file path (job ids are checked against a strict pattern).
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
}
