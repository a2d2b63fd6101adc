package dev.lip.processor.work;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a processor reports at {@code /actuator/prometheus}, in both modes alike (the work directory's and the
 * broker's): patches processed, failed and delivered again, the time a patch takes per algorithm, and the patches in
 * hand. Registered in Micrometer's global registry, which Spring Boot's Prometheus registry joins, so the work loops
 * need no wiring.
 */
final class PatchMetrics {
    private static final AtomicInteger IN_FLIGHT = Metrics.gauge("lip.patches.in.flight", new AtomicInteger());

    private PatchMetrics() {
    }

    /** A patch taken: counted in flight until {@link #ended}. */
    static void started(int attempt) {
        IN_FLIGHT.incrementAndGet();
        if (attempt > 1) {
            Counter.builder("lip.patches.redelivered").description("patches delivered again after a failure or a "
                    + "processor's death").register(Metrics.globalRegistry).increment();
        }
    }

    static void ended() {
        IN_FLIGHT.decrementAndGet();
    }

    /** Patches a kernel call processed and how long the call took. */
    static void processed(String algorithm, int patches, long nanos) {
        Timer.builder("lip.patch.duration").description("time to process one patch (a batch's time shared out)")
                .tag("algorithm", algorithm).register(Metrics.globalRegistry)
                .record(nanos / Math.max(1, patches), java.util.concurrent.TimeUnit.NANOSECONDS);
        Counter.builder("lip.patches.processed").tag("algorithm", algorithm).register(Metrics.globalRegistry)
                .increment(patches);
    }

    static void failed(String algorithm, int patches) {
        Counter.builder("lip.patches.failed").description("failed attempts (each retried or dead-lettered)")
                .tag("algorithm", algorithm == null ? "unknown" : algorithm).register(Metrics.globalRegistry)
                .increment(patches);
    }
}
