package dev.lip.slicer.distributed;

import dev.lip.distributed.EmbeddedBroker;
import dev.lip.distributed.Transport;
import dev.lip.slicer.config.LipProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The patch queue and store slicer-api hands patches to, and the embedded broker when it is asked for. */
@Configuration
@EnableConfigurationProperties(TransportProperties.class)
public class TransportConfiguration {
    private static final Logger log = LoggerFactory.getLogger(TransportConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnProperty(name = "lip.broker.embedded", havingValue = "true")
    EmbeddedBroker embeddedBroker(TransportProperties props, LipProperties lip) throws Exception {
        java.nio.file.Path journal = lip.tempDir().resolve(".broker");
        EmbeddedBroker broker = EmbeddedBroker.start(journal, props.broker().port(), props.maxAttempts());
        log.info("embedded Artemis broker listening on {} only (journal in {}); processors join it with "
                + "--lip.queue=artemis --lip.store=<s3://...> --spring.artemis.broker-url={}", broker.url(),
                journal.toAbsolutePath(), broker.url());
        return broker;
    }

    /** Started after the embedded broker, when there is one, so the queue can connect to it. */
    @Bean(destroyMethod = "close")
    Transport transport(TransportProperties props, LipProperties lip, ObjectProvider<EmbeddedBroker> embedded,
                        @Value("${spring.artemis.broker-url:tcp://127.0.0.1:61616}") String brokerUrl,
                        @Value("${spring.artemis.user:}") String user,
                        @Value("${spring.artemis.password:}") String password) throws java.io.IOException {
        EmbeddedBroker broker = embedded.getIfAvailable();
        String url = broker != null ? broker.url() : brokerUrl;
        Transport t = Transport.open(new Transport.Settings(props.queue(), props.store(), url, user, password,
                props.maxAttempts()), lip.tempDir());
        if (t.distributed()) {
            log.info("patches go to the broker at {} and to {}; processors need no shared volume", url, props.store());
        }
        // the number a scaler and a dashboard read: patches published and not yet taken, in either mode
        io.micrometer.core.instrument.Gauge.builder("lip.queue.waiting", t, transport -> {
            try {
                return transport.queue().waiting();
            } catch (java.io.IOException | RuntimeException e) {
                return Double.NaN;
            }
        }).description("patches waiting for a processor").register(io.micrometer.core.instrument.Metrics.globalRegistry);
        return t;
    }
}
