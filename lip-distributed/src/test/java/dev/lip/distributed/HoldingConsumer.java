package dev.lip.distributed;

import dev.lip.common.transport.PatchQueue;

import java.time.Duration;

/**
 * A processor reduced to its hold on the broker, run as a process of its own by {@link KilledConsumerTest}: it
 * takes one delivery, says which on its output, and keeps it unsettled until it is killed.
 */
public final class HoldingConsumer {
    private HoldingConsumer() {
    }

    public static void main(String[] args) throws Exception {
        PatchQueue q = new ArtemisPatchQueue(args[0], null, null, 3);
        PatchQueue.Consumer c = q.consumer();
        PatchQueue.Delivery d = c.receive(Duration.ofSeconds(30)).orElseThrow();
        System.out.println("holding " + d.message().id());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
