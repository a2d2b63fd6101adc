package dev.lip.slicer.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Runs one step per active job at a fixed delay, on threads of its own, each step under a deadline. It used to run
 * on Spring's single scheduler thread: one job whose step blocked (a FIFO where a failure reason belongs) stopped
 * reclaim, progress and state changes for every job while health said UP. Now a step that overruns is left to
 * finish on its own thread, its job is skipped until it does, the other jobs go on, and {@link #health} says DOWN.
 *
 * @param <T> a job
 */
public final class JobMonitor<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobMonitor.class);

    private final Duration interval;
    private final Duration deadline;
    private final Supplier<Collection<T>> jobs;
    private final Function<T, String> idOf;
    private final Consumer<T> step;
    private final LongSupplier clock;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(daemon("job-monitor"));
    private final ExecutorService steps = Executors.newCachedThreadPool(daemon("job-monitor-step"));
    /** Steps still running after their deadline, with the time they started. */
    private final Map<String, Started> overdue = new ConcurrentHashMap<>();
    private volatile long lastPassEnded;

    private record Started(Future<?> future, long at) {
    }

    /** What health reports: UP, or DOWN with the reason. */
    public record Health(boolean up, String detail) {
    }

    JobMonitor(Duration interval, Duration deadline, Supplier<Collection<T>> jobs, Function<T, String> idOf,
               Consumer<T> step, LongSupplier clockMillis) {
        this.interval = interval;
        this.deadline = deadline;
        this.jobs = jobs;
        this.idOf = idOf;
        this.step = step;
        this.clock = clockMillis;
        this.lastPassEnded = clockMillis.getAsLong();
    }

    void start() {
        loop.scheduleWithFixedDelay(this::passQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("a monitor pass failed: {}", e.toString());
        }
    }

    /** One step for each job, in parallel, each within the deadline. Visible for tests, which call it directly. */
    void pass() {
        overdue.values().removeIf(s -> s.future().isDone());
        List<Map.Entry<T, Started>> running = new java.util.ArrayList<>();
        for (T job : jobs.get()) {
            String id = idOf.apply(job);
            if (overdue.containsKey(id)) {
                continue; // its last step has not returned yet
            }
            running.add(Map.entry(job, new Started(steps.submit(() -> step.accept(job)), clock.getAsLong())));
        }
        long passDeadline = clock.getAsLong() + deadline.toMillis();
        for (Map.Entry<T, Started> r : running) {
            try {
                r.getValue().future().get(Math.max(0, passDeadline - clock.getAsLong()), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                String id = idOf.apply(r.getKey());
                overdue.put(id, r.getValue());
                log.error("job {}: its monitor step has run for more than {}; the job is skipped until it returns", id, deadline);
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("job {}: monitor step failed: {}", idOf.apply(r.getKey()), e.getCause().toString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        lastPassEnded = clock.getAsLong();
    }

    /** DOWN when a step is overdue or no pass has ended for several deadlines. */
    Health health() {
        long now = clock.getAsLong();
        if (!overdue.isEmpty()) {
            return new Health(false, "monitor steps overdue for jobs " + overdue.keySet());
        }
        long since = now - lastPassEnded;
        if (since > 3 * deadline.toMillis() + interval.toMillis()) {
            return new Health(false, "no monitor pass has ended for " + since / 1000 + " s");
        }
        return new Health(true, "last pass " + since + " ms ago");
    }

    @Override
    public void close() {
        loop.shutdownNow();
        steps.shutdownNow();
    }

    /** Threads that do not keep the JVM alive, named for thread dumps. */
    static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
