package dev.lip.slicer.distributed;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where patches go ({@code lip.queue}, {@code lip.store}) and the broker slicer-api may start itself.
 *
 * @param queue       {@code filesystem} (the work directory, processors on this machine or a shared volume) or
 *                    {@code artemis} (the broker at {@code spring.artemis.broker-url}: processors anywhere)
 * @param store       {@code filesystem}, or {@code s3://bucket/prefix} with {@code lip.queue=artemis}
 * @param maxAttempts deliveries of a patch before it is dead-lettered (must match the processors')
 * @param broker      {@code lip.broker.embedded=true} starts an Artemis broker in slicer-api on 127.0.0.1 only
 *                    ({@code lip.broker.port}), its journal in the work directory: the distributed mode on one
 *                    machine without installing a broker
 */
@ConfigurationProperties("lip")
public record TransportProperties(@DefaultValue("filesystem") String queue, @DefaultValue("filesystem") String store,
                                  @DefaultValue("3") int maxAttempts, @DefaultValue Broker broker) {
    public record Broker(@DefaultValue("false") boolean embedded, @DefaultValue("61616") int port) {
    }
}
