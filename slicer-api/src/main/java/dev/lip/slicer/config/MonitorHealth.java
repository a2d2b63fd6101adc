package dev.lip.slicer.config;

import dev.lip.slicer.job.JobService;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health is DOWN while the job monitor is stuck, so that a probe restarts a service that no longer follows its jobs. */
@Component("jobMonitor")
public class MonitorHealth implements HealthIndicator {
    private final JobService jobs;

    public MonitorHealth(JobService jobs) {
        this.jobs = jobs;
    }

    @Override
    public Health health() {
        var h = jobs.monitorHealth();
        return (h.up() ? Health.up() : Health.down()).withDetail("monitor", h.detail()).build();
    }
}
