package dev.lip.distributed;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.config.impl.ConfigurationImpl;
import org.apache.activemq.artemis.core.server.JournalType;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;

import java.nio.file.Path;

/**
 * An Apache ActiveMQ Artemis broker in this JVM, for trying the distributed mode on one machine
 * ({@code lip.broker.embedded=true} in slicer-api) and for the tests: listening on 127.0.0.1 only, no security
 * (nothing but this machine reaches it), a persistent journal in {@code dir} (a restart loses no patch), the patch
 * queue and its dead-letter queue declared with the attempt limit, and paging to disk beyond 64 MB of messages
 * (a 100k² job's 40,000 messages never sit in the heap). A real cluster runs its own broker with the same address
 * settings (docs/deploy.md, "Scaling out").
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final EmbeddedActiveMQ server = new EmbeddedActiveMQ();
    private final String url;

    private EmbeddedBroker(String url) {
        this.url = url;
    }

    /**
     * @param port        0 for any free port
     * @param maxAttempts deliveries of a patch before the broker itself dead-letters it (a processor killed during
     *                    each attempt; failures that processors report are dead-lettered by them, with the reason)
     */
    public static EmbeddedBroker start(Path dir, int port, int maxAttempts) throws Exception {
        int chosen = port != 0 ? port : freePort();
        ConfigurationImpl config = journalled("lip-embedded", dir, chosen);
        config.setSecurityEnabled(false);
        config.setGlobalMaxSize(64L << 20);
        config.setIDCacheSize(ArtemisPatchQueue.DUPLICATE_IDS);
        config.setPersistIDCache(true);
        config.setJMXManagementEnabled(false);
        config.addAddressSetting(ArtemisPatchQueue.QUEUE, new AddressSettings()
                .setMaxDeliveryAttempts(maxAttempts)
                .setDeadLetterAddress(SimpleString.of(ArtemisPatchQueue.DEAD_LETTERS))
                .setRedeliveryDelay(0)
                .setAddressFullMessagePolicy(AddressFullMessagePolicy.PAGE));
        config.addQueueConfiguration(QueueConfiguration.of(ArtemisPatchQueue.QUEUE).setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(ArtemisPatchQueue.DEAD_LETTERS).setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(ArtemisPatchQueue.RESULTS).setRoutingType(RoutingType.ANYCAST));
        config.addQueueConfiguration(QueueConfiguration.of(ArtemisRoster.QUEUE).setRoutingType(RoutingType.ANYCAST)
                .setLastValue(true));
        return start(config, chosen);
    }

    /** A persistent broker's configuration: its journal under {@code dir}, listening on 127.0.0.1:{@code port}. */
    static ConfigurationImpl journalled(String name, Path dir, int port) throws Exception {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setName(name);
        config.setPersistenceEnabled(true);
        config.setJournalType(JournalType.NIO); // no libaio: the same on every machine
        config.setJournalDirectory(dir.resolve("journal").toString());
        config.setBindingsDirectory(dir.resolve("bindings").toString());
        config.setPagingDirectory(dir.resolve("paging").toString());
        config.setLargeMessagesDirectory(dir.resolve("large-messages").toString());
        config.addAcceptorConfiguration("tcp", "tcp://127.0.0.1:" + port);
        return config;
    }

    /** Starts a broker with {@code config}, whose acceptor listens on 127.0.0.1:{@code port}. */
    static EmbeddedBroker start(ConfigurationImpl config, int port) throws Exception {
        EmbeddedBroker broker = new EmbeddedBroker("tcp://127.0.0.1:" + port);
        broker.server.setConfiguration(config);
        broker.server.start();
        return broker;
    }

    /** What processors pass as {@code spring.artemis.broker-url}. */
    public String url() {
        return url;
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
