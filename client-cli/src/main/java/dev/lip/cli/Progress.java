package dev.lip.cli;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.time.Duration;

/** Progress bars on stderr, or nothing with --quiet. */
final class Progress implements AutoCloseable {
    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    static Progress bytes(boolean quiet, String task, long total) {
        if (quiet) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0))
                .setUnit(" MiB", 1 << 20).showSpeed().setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250).setMaxRenderedLength(100).build());
    }

    static Progress count(boolean quiet, String task, long total) {
        if (quiet) {
            return new Progress(null);
        }
        return new Progress(new ProgressBarBuilder().setTaskName(task).setInitialMax(Math.max(total, 0))
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250).setMaxRenderedLength(100)
                .setSpeedUnit(java.time.temporal.ChronoUnit.SECONDS).build());
    }

    void step(long n) {
        if (bar != null) {
            bar.stepBy(n);
        }
    }

    void to(long n, long max, String message) {
        if (bar != null) {
            if (max > 0 && bar.getMax() != max) {
                bar.maxHint(max);
            }
            bar.stepTo(n);
            bar.setExtraMessage(message);
        }
    }

    void max(long max) {
        if (bar != null && max > 0) {
            bar.maxHint(max);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }

    static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
