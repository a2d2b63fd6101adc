package dev.lip.processor.web;

import dev.lip.processor.work.Workers;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** What this processor has done since it started: for operators, and for tests that count who did what. */
@RestController
public class StatsController {
    private final Workers workers;

    public StatsController(Workers workers) {
        this.workers = workers;
    }

    /** @param processed patches this processor published; @param retried failed attempts queued again */
    public record Stats(long processed, long failedAttempts, int threads) {
    }

    @GetMapping("/api/v1/stats")
    public Stats stats() {
        return new Stats(workers.processedCount(), workers.failedAttempts(), workers.threads());
    }
}
