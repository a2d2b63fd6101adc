package dev.lip.slicer.decoding;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One job's decoder process, asked one request at a time ({@link #run}) and watched while it works: resident memory
 * over {@link DecoderLimits#maxRssBytes}, silence longer than {@link DecoderLimits#stallTimeout} or a cancelled job
 * end it, and its death fails the request with a sentence ({@link DecoderFailure}).
 */
public final class DecoderSession implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DecoderSession.class);
    private static final long WATCH_MILLIS = 50;
    /** Lines of a decoder's own log copied into this one: a decoder that prints without end must not fill the disk. */
    private static final int MAX_LOG_LINES = 200;
    private static final int MAX_EVENT_CHARS = 1 << 20;

    private final Process p;
    private final DecoderLimits limits;
    private final ScheduledExecutorService watch;
    private final ObjectMapper json;
    private final BufferedReader out;
    private final AtomicReference<String> stoppedFor = new AtomicReference<>();
    private final String label;
    /** The highest resident memory seen (VmHWM), logged at the end for bench/bench.sh and operators. */
    private volatile long peakBytes;

    /** Run once when the session is closed (the pool's count of decoding jobs). */
    private final Runnable onClose;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    DecoderSession(Process p, String label, DecoderLimits limits, ScheduledExecutorService watch, ObjectMapper json,
                   Runnable onClose) {
        this.p = p;
        this.onClose = onClose;
        this.limits = limits;
        this.watch = watch;
        this.json = json;
        this.label = label;
        this.out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        copyLog(p, label);
    }

    /**
     * Carries out a request: a probe first, then a slicing of the same image.
     *
     * @param events    each event before the last (the header, patches sliced), on this thread
     * @param cancelled asked while it runs: true ends the process
     * @return the last event: DONE, REFUSED or FAILED
     * @throws DecoderFailure the process died or was stopped; the message is a sentence
     */
    public DecoderEvent run(DecoderRequest request, Consumer<DecoderEvent> events,
                            BooleanSupplier cancelled) throws IOException {
        AtomicLong lastHeard = new AtomicLong(System.nanoTime());
        ScheduledFuture<?> watching = watch.scheduleWithFixedDelay(() -> check(lastHeard, cancelled),
                WATCH_MILLIS, WATCH_MILLIS, TimeUnit.MILLISECONDS);
        try {
            OutputStream in = p.getOutputStream();
            in.write((json.writeValueAsString(request) + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush(); // kept open: the process ends itself when this service goes
            String line;
            while ((line = readBounded(out)) != null) {
                lastHeard.set(System.nanoTime());
                DecoderEvent e = json.readValue(line, DecoderEvent.class);
                switch (e.kind()) {
                    case DecoderEvent.DONE, DecoderEvent.REFUSED, DecoderEvent.FAILED -> {
                        return e;
                    }
                    case DecoderEvent.WAITING -> {
                        // heard: the image is still arriving, which is no stall of the decoder's
                    }
                    default -> events.accept(e);
                }
            }
            throw ended();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            p.destroyForcibly(); // it wrote something that is not an event: nothing more it says can be trusted
            throw new DecoderFailure("The image's decoder failed on this file.");
        } catch (DecoderFailure e) {
            throw e;
        } catch (IOException e) {
            // the pipe broke under the request or the events: the process died, or the watch stopped it
            throw ended();
        } catch (RuntimeException e) {
            p.destroyForcibly();
            throw e;
        } finally {
            watching.cancel(false);
        }
    }

    /** The failure for a process that ended before its last event, with the reason it was stopped if it was. */
    private DecoderFailure ended() {
        p.destroyForcibly();
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new DecoderFailure("The service stopped while the image was being decoded.");
        }
        return new DecoderFailure(stoppedFor.get() != null ? stoppedFor.get() : crashed(exit));
    }

    private void check(AtomicLong lastHeard, BooleanSupplier cancelled) {
        if (!p.isAlive() || stoppedFor.get() != null) {
            return;
        }
        String reason = null;
        long rss = Decoders.residentBytes(p.pid(), "VmRSS:");
        peakBytes = Math.max(peakBytes, Decoders.residentBytes(p.pid(), "VmHWM:"));
        if (rss > limits.maxRssBytes()) {
            reason = "Decoding this image needed more than " + (limits.maxRssBytes() >> 20) + " MB of memory "
                    + "(lip.decoder.max-memory), so it was stopped: the file is damaged, or laid out so that it can "
                    + "only be decoded whole (a JPEG without restart markers, say).";
        } else if (System.nanoTime() - lastHeard.get() > limits.stallTimeout().toNanos()) {
            reason = "The image's decoder made no progress for " + limits.stallTimeout().toSeconds() + " s "
                    + "(lip.decoder.stall-timeout), so it was stopped: the file is damaged or far too slow to decode.";
        } else if (cancelled.getAsBoolean()) {
            reason = "The job was cancelled.";
        }
        if (reason != null && stoppedFor.compareAndSet(null, reason)) {
            log.warn("decoder process {} stopped: {}", p.pid(), reason);
            p.destroyForcibly();
        }
    }

    private static String crashed(int exit) {
        String how = switch (exit) {
            case 134 -> " (it aborted)";
            case 139 -> " (a segmentation fault)";
            case 137 -> " (it was killed)";
            default -> exit > 128 ? " (signal " + (exit - 128) + ")" : " (exit status " + exit + ")";
        };
        return "The image's decoder crashed on this file" + how + ": the file is damaged or uses a variant the "
                + "decoder cannot handle. Other jobs are not affected.";
    }

    private static String readBounded(BufferedReader r) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = r.read()) >= 0 && c != '\n') {
            if (b.length() < MAX_EVENT_CHARS) {
                b.append((char) c);
            }
        }
        return c < 0 && b.isEmpty() ? null : b.toString();
    }

    private static void copyLog(Process p, String label) {
        Thread t = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                int n = 0;
                while ((line = err.readLine()) != null) {
                    if (n++ < MAX_LOG_LINES) {
                        log.info("{} decoder: {}", label, line.length() > 2000 ? line.substring(0, 2000) + "..." : line);
                    }
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "decoder-log");
        t.setDaemon(true);
        t.start();
    }

    /** The decoder's process (for tests). */
    Process process() {
        return p;
    }

    /** Ends the process (done with, or the job refused). */
    @Override
    public void close() {
        p.destroyForcibly();
        if (closed.compareAndSet(false, true)) {
            log.info("{}: decoder process {} ended, peak {} MB", label, p.pid(), peakBytes >> 20);
            onClose.run();
        }
    }
}
