package dev.lip.slicer.decoding;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.algorithms.JobStatistics;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.protocol.JobDirectory;
import dev.lip.common.protocol.PatchName;
import dev.lip.formats.source.Arrival;
import dev.lip.formats.source.ImageSource;
import dev.lip.formats.source.ImageSources;
import dev.lip.formats.source.Messages;
import dev.lip.formats.source.SourceLimits;
import dev.lip.formats.source.UnreadableImageException;
import dev.lip.slicer.slicing.PreviewPyramid;
import dev.lip.slicer.slicing.Slicer;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The decoder process: reads one image for slicer-api, a probe of its header or the whole slicing, in a JVM of its
 * own. Untrusted bytes meet native code (OpenSlide, libjpeg-turbo, libdeflate, ISA-L) only here, so that a decoder
 * that aborts, crashes or runs away with memory takes down this process and fails one job, never the service
 * ({@link DecoderProcess} starts it, limits it and reads what it says). No Spring: it starts in a fraction of a
 * second.
 *
 * <p>Standard input carries requests, one line of JSON each: a probe of the header, then, if the job is accepted,
 * its slicing, of the same open file. It stays open: when it closes, slicer-api has gone, and so does this process. Standard output carries {@link DecoderEvent}s only; logs go to standard error.
 */
public final class DecoderMain {
    /** A request is a few hundred bytes; a longer line is not from slicer-api. */
    private static final int MAX_REQUEST = 64 * 1024;

    private DecoderMain() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("logback.configurationFile", "lip-decoder-logback.xml");
        PrintStream events = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // a library that prints must not write into the event stream
        ObjectMapper json = new ObjectMapper()
                .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        warmUp(json);
        BlockingQueue<String> requests = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            try {
                String line;
                while ((line = readLine(in)) != null) {
                    requests.add(line);
                }
            } catch (java.io.IOException e) {
                // slicer-api is gone
            }
            Runtime.getRuntime().halt(3); // standard input closed: slicer-api has gone, or is done with this process
        }, "requests");
        reader.setDaemon(true);
        reader.start();
        Events send = event -> {
            try {
                String text = json.writeValueAsString(event);
                synchronized (events) {
                    events.println(text);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try (Image image = new Image()) {
            while (true) {
                DecoderRequest request = json.readValue(requests.take(), DecoderRequest.class);
                DecoderEvent end = run(request, image, send);
                send.send(end);
                if (!DecoderEvent.DONE.equals(end.kind()) || request.slice() != null) {
                    break;
                }
            }
        }
        System.exit(0);
    }

    /**
     * What every request needs, done while this process waits for one (slicer-api keeps one started ahead): the
     * codecs loaded, the formats found, the JSON classes ready. A probe then takes milliseconds, not half a second.
     */
    private static void warmUp(ObjectMapper json) throws java.io.IOException {
        ImageSources.loadCodecs();
        ImageSources.formats();
        json.readValue(json.writeValueAsString(DecoderEvent.info(new ImageInfo(1, 1, 3, 8, "warm-up"),
                dev.lip.formats.tiff.Placement.NONE)), DecoderEvent.class);
        json.readValue(json.writeValueAsString(new DecoderRequest(DecoderRequest.SLICE, "", List.of(), 1, 1, 1,
                new DecoderRequest.Slice("", "", 16, 0, java.util.Set.of(), false, false, 1))), DecoderRequest.class);
        new Slicer(1);
    }

    private static String readLine(BufferedReader in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (b.length() >= MAX_REQUEST) {
                throw new java.io.IOException("a request longer than " + MAX_REQUEST + " characters");
            }
            b.append((char) c);
        }
        return c < 0 && b.isEmpty() ? null : b.toString();
    }

    interface Events {
        void send(DecoderEvent event);
    }

    /** The image a request reads, kept open from the probe to the slicing. */
    static final class Image implements AutoCloseable {
        private String path;
        private volatile PinnedFile file;
        private ImageSource source;
        private ImageSources sources;

        ImageSource open(DecoderRequest request) throws java.io.IOException {
            if (source != null && request.image().equals(path)) {
                return source;
            }
            close();
            sources = new ImageSources(new SourceLimits(request.maxPixels(), request.wholeDecodeMaxPixels(),
                    request.maxExpansion()));
            file = PinnedFile.open(Path.of(request.image()), request.allowedDirs().stream().map(Path::of).toList());
            path = request.image();
            if (request.arrivingLength() > 0) {
                Arrival.expect(file.path(), request.arrivingLength());
            }
            source = sources.openChecked(file.path());
            return source;
        }

        ImageSource another() throws java.io.IOException {
            return sources.openChecked(file.path());
        }

        /** The path its readers read: the one {@link Arrival} knows when it is still arriving. */
        Path path() {
            PinnedFile f = file;
            return f == null ? null : f.path();
        }

        @Override
        public void close() throws java.io.IOException {
            if (source != null) {
                source.close();
                source = null;
            }
            if (file != null) {
                file.close();
                file = null;
            }
        }
    }

    /** Carries out the request; what it returns is the last event. */
    static DecoderEvent run(DecoderRequest request, Image image, Events events) {
        Thread heartbeat = null;
        try {
            if (request.arrivingLength() > 0) {
                heartbeat = heartbeat(events, image);
            }
            ImageSource source = image.open(request);
            ImageInfo info = source.info();
            if (request.slice() == null) {
                events.send(DecoderEvent.info(info, source.placement()));
                return DecoderEvent.done(null);
            }
            DecoderEvent end = slice(request.slice(), source, image::another, info, events);
            // the rows are all sliced; what follows them (a PNG's last chunks) is part of the upload the job takes
            Arrival.awaitAll(image.path());
            return end;
        } catch (UnreadableImageException e) {
            return DecoderEvent.refused(e.getMessage());
        } catch (OutOfMemoryError e) {
            return DecoderEvent.failed("The image needs more memory to slice than its decoder has; use smaller tiles "
                    + "or a tiled TIFF.");
        } catch (Exception | Error e) {
            org.slf4j.LoggerFactory.getLogger(DecoderMain.class).error("decoding failed", e);
            return DecoderEvent.failed("Slicing failed: " + Messages.of(e));
        } finally {
            if (heartbeat != null) {
                heartbeat.interrupt();
            }
        }
    }

    /**
     * Says every second that this process is waiting for the image's bytes, while it reads an upload still arriving:
     * slicer-api's watchdog stops a decoder it has not heard from, and one waiting for a paused upload is not stuck
     * (the upload's expiry or its deletion ends the job, and this process with it).
     */
    private static Thread heartbeat(Events events, Image image) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(1000);
                    Path p = image.path();
                    if (p != null && !Arrival.arriving(p)) {
                        return; // all there: from now on the decoder's own progress is what is watched
                    }
                    events.send(DecoderEvent.waiting());
                }
            } catch (InterruptedException | java.io.IOException e) {
                // the request is over
            }
        }, "arrival-heartbeat");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static DecoderEvent slice(DecoderRequest.Slice s, ImageSource source, Slicer.SourceOpener more,
                                      ImageInfo info, Events events) throws java.io.IOException {
        TileGrid grid = new TileGrid(info.width(), info.height(), s.tileSize(), s.overlap());
        JobDirectory dir = new JobDirectory(Path.of(s.workDir()), s.jobId());
        JobStatistics statistics = new JobStatistics(s.statistics());
        Slicer slicer = new Slicer(s.threads());
        PreviewPyramid preview = null;
        // the preview is written on a first slicing only: a resumed one skips the patches it published before
        if (s.preview() && !Files.exists(dir.preview())) {
            preview = new PreviewPyramid(dir.preview(), info, grid.tileSize());
            slicer.withCores(preview::add);
        }
        Predicate<PatchName> published = s.resume() ? dir::isPublished : p -> false;
        AtomicInteger sliced = new AtomicInteger();
        try {
            slicer.slice(source, more, grid, dir, statistics, new Slicer.Progress() {
                @Override
                public void patchWritten(Tile tile) {
                    events.send(DecoderEvent.sliced(sliced.incrementAndGet()));
                }

                @Override
                public boolean cancelled() {
                    return false; // slicer-api ends this process instead
                }
            }, published);
        } finally {
            if (preview != null) {
                preview.close();
            }
        }
        return DecoderEvent.done(statistics.isEmpty() ? null : statistics.lumaHistogram());
    }
}
