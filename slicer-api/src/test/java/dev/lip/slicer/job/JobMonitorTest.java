package dev.lip.slicer.job;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobMonitorTest {
    @Test
    void aBlockedStepHoldsUpNeitherTheOtherJobsNorThePassAndHealthSaysDown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, AtomicInteger> steps = new ConcurrentHashMap<>();
        try (JobMonitor<String> monitor = new JobMonitor<>(Duration.ofMillis(10), Duration.ofMillis(200),
                () -> List.of("stuck", "fine"), id -> id, id -> {
                    steps.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                    if (id.equals("stuck")) {
                        try {
                            release.await(); // as a read of a FIFO would, for ever
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }, System::currentTimeMillis)) {
            assertTrue(monitor.health().up());
            long t0 = System.nanoTime();
            monitor.pass();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "the pass ends at its deadline");
            assertFalse(monitor.health().up());
            assertTrue(monitor.health().detail().contains("stuck"), monitor.health().detail());
            monitor.pass();
            monitor.pass();
            assertEquals(1, steps.get("stuck").get(), "the stuck job is skipped until its step returns");
            assertEquals(3, steps.get("fine").get(), "the other job is followed on every pass");

            release.countDown();
            Thread.sleep(50);
            monitor.pass();
            assertTrue(monitor.health().up(), monitor.health().detail());
            assertEquals(2, steps.get("stuck").get());
        }
    }

    @Test
    void healthIsDownWhenNoPassHasEndedForSeveralDeadlines() {
        AtomicLong now = new AtomicLong(1_000_000);
        try (JobMonitor<String> monitor = new JobMonitor<>(Duration.ofMillis(200), Duration.ofSeconds(30),
                List::of, id -> id, id -> { }, now::get)) {
            monitor.pass();
            now.addAndGet(60_000);
            assertTrue(monitor.health().up());
            now.addAndGet(60_000);
            assertFalse(monitor.health().up(), "no pass for 120 s with a 30 s deadline");
        }
    }
}
