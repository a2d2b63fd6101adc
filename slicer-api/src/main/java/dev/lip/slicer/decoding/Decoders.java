package dev.lip.slicer.decoding;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Gives each job a decoder process of its own ({@link DecoderMain}, talked to through a {@link DecoderSession}), so
 * that an abort in OpenSlide, a crash in a codec or a runaway allocation fails that one job and never the service.
 * One process is kept started and waiting, with its codecs loaded, so that a job does not wait for a JVM to start.
 * For a job decoding alone, the next one is started once it has ended, not as soon as the waiting one is taken: a
 * decoder's start is about a core-second of class loading and compiling, which on a two-core machine was taken from
 * the job that had just begun (its slicing is what the user waits for). When jobs overlap (a batch of images, many
 * users), it is started at once: otherwise each job came while the one before it was decoding, found none waiting
 * and waited half a second in its submission for a start of its own.
 */
public final class Decoders implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Decoders.class);

    private final DecoderLimits limits;
    private final List<String> javaOptions;
    private volatile List<String> command;
    private final ObjectMapper json = new ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "decoder-watch");
        t.setDaemon(true);
        return t;
    });
    private final AtomicReference<Process> spare = new AtomicReference<>();
    /** Sessions open: the spare is replaced when this comes back to 0. */
    private final java.util.concurrent.atomic.AtomicInteger decoding = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean closed;

    /** @param javaOptions more JVM options for the decoder processes (lip.decoder.java-options) */
    public Decoders(DecoderLimits limits, List<String> javaOptions) {
        this(limits, javaOptions, null);
    }

    /**
     * @param javaOptions more JVM options for the decoder processes (lip.decoder.java-options)
     * @param workDir     where the decoders' classes are extracted from slicer-api's jar to start faster
     *                    ({@link DecoderClassPath}); null: they start from slicer-api's class path
     */
    public Decoders(DecoderLimits limits, List<String> javaOptions, Path workDir) {
        this.limits = limits;
        this.javaOptions = javaOptions;
        this.command = DecoderCommand.of(limits, javaOptions);
        if (workDir == null) {
            watch.execute(this::startSpare);
        } else {
            // on a thread of its own: watch also runs the decoders' memory and stall checks
            Thread t = new Thread(() -> {
                startFromExtractedClasses(workDir);
                startSpareSoon();
            }, "decoder-classes");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Until this is done (a second or two after the service's start), decoders start from the jar as before. */
    private void startFromExtractedClasses(Path workDir) {
        var jar = DecoderCommand.bootJar();
        if (jar.isEmpty()) {
            return; // run from a class path (tests, an IDE): nothing to extract
        }
        try {
            var extracted = DecoderClassPath.extracted(jar.get(), workDir);
            if (extracted.isPresent()) {
                var classes = DecoderClassPath.archived(extracted.get(),
                        DecoderCommand.java(limits, javaOptions, extracted.get()));
                command = DecoderCommand.of(limits, javaOptions, classes);
                log.info("decoder processes start from the classes extracted to {}{}", workDir.resolve(DecoderClassPath.DIR),
                        classes.archive() != null ? ", with a class-data-sharing archive" : " (no class-data-sharing archive could be made)");
            }
        } catch (IOException | RuntimeException e) {
            log.warn("decoder processes start from slicer-api's jar: cannot extract its classes ({})", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // closing
        }
    }

    /**
     * A decoder process for one job: the header probed, then (if the job is accepted) the slicing, by the same
     * process, which holds the image open in between.
     */
    public DecoderSession open(String label) throws IOException {
        if (closed) {
            throw new DecoderFailure("The service is stopping.");
        }
        int open = decoding.incrementAndGet();
        Process p = null;
        try {
            p = take();
            if (open > 1) {
                startSpareSoon(); // jobs overlap: the next one should find a decoder waiting
            }
            log.info("{}: decoder process {}", label, p.pid());
            return new DecoderSession(p, label, limits, watch, json, this::ended);
        } catch (IOException | RuntimeException e) {
            if (p != null) {
                p.destroyForcibly(); // no session holds it
            }
            ended();
            throw e;
        }
    }

    /** The process for a request: the one waiting, else one started now. */
    private Process take() throws IOException {
        Process p = spare.getAndSet(null);
        return p != null && p.isAlive() ? p : start();
    }

    /** A session has ended: the last one open starts the spare for the next job. */
    private void ended() {
        if (decoding.decrementAndGet() == 0) {
            startSpareSoon();
        }
    }

    private void startSpareSoon() {
        if (!closed) {
            try {
                watch.execute(this::startSpare);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // closed meanwhile
            }
        }
    }

    /** Returns once the starts asked for so far have been made (for tests: they run on {@code watch}). */
    void awaitStarts() throws Exception {
        watch.submit(() -> { }).get();
    }

    /** Whether a started process waits for the next job (for tests). */
    boolean hasSpare() {
        Process p = spare.get();
        return p != null && p.isAlive();
    }

    /** The process waiting for the next job, or null (for tests). */
    Process spare() {
        return spare.get();
    }

    private void startSpare() {
        if (closed || spare.get() != null) {
            return;
        }
        try {
            Process p = start();
            if (!spare.compareAndSet(null, p) || closed) {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            log.warn("cannot start a decoder process: {}", e.toString());
        }
    }

    private Process start() throws IOException {
        ProcessBuilder b = new ProcessBuilder(command);
        // glibc's per-thread arenas reserve 64 MB of address space each; two are plenty for a decoder
        b.environment().put("MALLOC_ARENA_MAX", "2");
        return b.start();
    }

    /** A memory figure of /proc/PID/status (VmRSS: now, VmHWM: the peak), or 0 where there is none. */
    static long residentBytes(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) << 10;
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone, or no /proc
        }
        return 0;
    }

    @Override
    public void close() {
        closed = true;
        watch.shutdownNow();
        Process p = spare.getAndSet(null);
        if (p != null) {
            p.destroyForcibly();
        }
    }
}
