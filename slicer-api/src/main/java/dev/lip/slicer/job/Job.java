package dev.lip.slicer.job;

import dev.lip.algorithms.Algorithms;
import dev.lip.algorithms.JobSettings;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.protocol.JobManifest;
import dev.lip.formats.tiff.Placement;
import dev.lip.formats.tiff.ResultLayout;
import dev.lip.common.pixels.ImageInfo;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** One job's live state, owned by {@link JobService}; its {@link #view()} is what the API shows and saves. */
final class Job {
    static final String UPLOAD = "upload", SLICING = "slicing", PROCESSING = "processing", STITCHING = "stitching";

    private final String id;
    private final Instant createdAt;
    private final String algorithm;
    private final ResultLayout resultLayout;
    private final boolean preview;
    private JobState state;
    private ImageInfo image;
    private TileGrid grid;
    private Map<String, String> parameters;
    private JobSettings settings;
    /** Where the input's pixels are, carried to the result. */
    private Placement placement = Placement.NONE;
    /** The image's reference (s3://, file://) when the job read it where it lives rather than from an upload. */
    private volatile String source;
    /** Where the finished result is also uploaded (s3://bucket/key), and once it is, the object's size. */
    private volatile String destination;
    private volatile String name;
    /** A job made when its resumable upload was created: that upload, and the parameters, until the image is in. */
    private volatile String awaitedUpload;
    private volatile Submission pending;
    private volatile long destinationBytes = -1;
    private boolean resultRequested;
    private String error;
    private long resultBytes = -1;
    private Instant updatedAt;
    private final java.util.List<String> notes = new java.util.ArrayList<>();
    private Map<String, Object> jobValues;
    private final Map<String, Instant[]> stages = new LinkedHashMap<>();
    final AtomicInteger sliced = new AtomicInteger();
    volatile int processed;
    volatile int failed;
    volatile boolean slicingFinished;
    /** Released when slicing has finished and the job moved past SLICING, or the job ended: the stitch waits on it. */
    private final java.util.concurrent.CountDownLatch slicingDone = new java.util.concurrent.CountDownLatch(1);
    /** Set once a stitch task runs for this job (not saved: after a restart the stitch starts over). */
    final java.util.concurrent.atomic.AtomicBoolean stitchStarted = new java.util.concurrent.atomic.AtomicBoolean();

    Job(String id, String algorithm, ResultLayout resultLayout, boolean preview) {
        this.id = id;
        this.algorithm = algorithm;
        this.resultLayout = resultLayout;
        this.preview = preview;
        this.createdAt = Instant.now();
        this.updatedAt = createdAt;
        this.state = JobState.RECEIVING;
        startStage(UPLOAD);
    }

    /** Rebuilds a job from its saved view after a restart. */
    Job(JobView v) {
        this.id = v.id();
        this.algorithm = v.algorithm();
        // a job saved before result formats were chosen is stitched in today's default
        this.resultLayout = v.resultFormat() == null ? ResultLayout.COG
                : ResultLayout.of(v.resultFormat()).orElse(ResultLayout.COG);
        this.preview = Boolean.TRUE.equals(v.preview());
        this.source = v.source();
        this.destination = v.destination();
        this.name = v.name();
        this.awaitedUpload = v.upload();
        this.pending = v.submission();
        if (v.resultObject() != null) {
            this.destinationBytes = v.resultObject().bytes();
        }
        this.createdAt = v.createdAt();
        this.updatedAt = v.updatedAt();
        this.state = v.state();
        this.image = v.image();
        if (v.grid() != null && v.image() != null) {
            this.grid = new TileGrid(v.image().width(), v.image().height(), v.grid().tileSize(), v.grid().overlap());
        }
        this.parameters = v.parameters();
        this.placement = v.placement() != null ? v.placement() : Placement.NONE;
        this.resultRequested = v.resultRequested();
        this.error = v.error();
        this.resultBytes = v.result() != null ? v.result().bytes() : -1;
        if (v.notes() != null) {
            notes.addAll(v.notes());
        }
        this.jobValues = v.jobValues();
        if (v.patches() != null) {
            sliced.set(v.patches().sliced());
            processed = v.patches().processed();
            failed = v.patches().failed();
        }
        if (v.stages() != null) {
            v.stages().forEach((k, s) -> stages.put(k, new Instant[]{s.startedAt(), s.endedAt()}));
        }
        slicingFinished = state != JobState.RECEIVING && state != JobState.SLICING;
        if (slicingFinished) {
            slicingDone.countDown();
        }
    }

    String id() {
        return id;
    }

    ResultLayout resultLayout() {
        return resultLayout;
    }

    boolean preview() {
        return preview;
    }

    String source() {
        return source;
    }

    void source(String reference) {
        this.source = reference;
    }

    void name(String name) {
        this.name = name;
    }

    /** Made at its upload's creation: it waits in RECEIVING for that upload, with these parameters. */
    void awaitUpload(String uploadId, Submission submission) {
        this.awaitedUpload = uploadId;
        this.pending = submission;
    }

    String awaitedUpload() {
        return awaitedUpload;
    }

    Submission pendingSubmission() {
        return pending;
    }

    /** The awaited upload has been taken in: nothing is pending any more. */
    void uploadTaken() {
        this.awaitedUpload = null;
        this.pending = null;
    }

    String destination() {
        return destination;
    }

    void destination(String object) {
        this.destination = object;
    }

    void uploaded(long bytes) {
        this.destinationBytes = bytes;
    }

    synchronized JobState state() {
        return state;
    }

    /** @throws IllegalStateException for a transition {@link JobState#canMoveTo} does not allow */
    synchronized void setState(JobState next) {
        if (!state.canMoveTo(next)) {
            throw new IllegalStateException("job " + id + " cannot go from " + state + " to " + next);
        }
        state = next;
        updatedAt = Instant.now();
        if (next.isTerminal()) {
            slicingDone.countDown();
        }
    }

    /** Slicing has written every patch: the job moves on to PROCESSING (unless it has ended meanwhile). */
    synchronized boolean finishSlicing() {
        slicingFinished = true;
        boolean moved = advance(JobState.SLICING, JobState.PROCESSING);
        slicingDone.countDown();
        return moved;
    }

    /** Waits until slicing has finished or the job has ended. */
    void awaitSlicing() throws InterruptedException {
        slicingDone.await();
    }

    /** Moves to {@code next} unless the job has already ended (a cancel or failure wins over late progress). */
    synchronized boolean advance(JobState from, JobState next) {
        if (state != from || !state.canMoveTo(next)) {
            return false;
        }
        setState(next);
        return true;
    }

    /** A DONE job whose result file was removed behind the service's back: it has nothing to give any more. */
    synchronized void resultLost(String reason) {
        if (state != JobState.DONE) {
            return;
        }
        // the one move out of DONE besides a deletion, made here only, on recovery: not a transition a running
        // job can take (JobState keeps DONE final for everything else)
        error = reason;
        resultBytes = -1;
        state = JobState.FAILED;
        updatedAt = Instant.now();
    }

    synchronized boolean fail(String reason) {
        if (!state.canMoveTo(JobState.FAILED)) {
            return false;
        }
        error = reason;
        Instant now = Instant.now();
        stages.values().forEach(s -> {
            if (s[1] == null) {
                s[1] = now;
            }
        });
        setState(JobState.FAILED);
        return true;
    }

    synchronized void startStage(String name) {
        stages.put(name, new Instant[]{Instant.now(), null});
    }

    /** A stage that began before the job existed (a resumable upload, created earlier): its real start. */
    synchronized void stageBegan(String name, Instant at) {
        Instant[] s = stages.get(name);
        if (s != null && at != null && at.isBefore(s[0])) {
            s[0] = at;
        }
    }

    synchronized void endStage(String name) {
        Instant[] s = stages.get(name);
        if (s != null && s[1] == null) {
            s[1] = Instant.now();
            // job durations per stage at /actuator/prometheus (Micrometer's global registry, which Boot's joins)
            io.micrometer.core.instrument.Timer.builder("lip.job.stage").description("how long a job's stage took")
                    .tag("stage", name).register(io.micrometer.core.instrument.Metrics.globalRegistry)
                    .record(Duration.between(s[0], s[1]));
        }
    }

    synchronized void configure(ImageInfo image, TileGrid grid, Map<String, String> parameters, JobSettings settings) {
        this.image = image;
        this.grid = grid;
        this.parameters = parameters;
        this.settings = settings;
    }

    /** The parameters parsed by the job's algorithm: at submission, or on first use after a restart. */
    synchronized JobSettings settings() {
        if (settings == null) {
            settings = Algorithms.byName(algorithm).orElseThrow(() -> new IllegalStateException(
                    "this slicer-api does not know the algorithm '" + algorithm + "'")).settings(parameters);
        }
        return settings;
    }

    synchronized void placement(Placement placement) {
        this.placement = placement;
    }

    synchronized Placement placement() {
        return placement;
    }

    synchronized ImageInfo image() {
        return image;
    }

    synchronized TileGrid grid() {
        return grid;
    }

    synchronized Map<String, String> parameters() {
        return parameters;
    }

    String algorithm() {
        return algorithm;
    }

    synchronized boolean resultRequested() {
        return resultRequested;
    }

    synchronized void requestResult() {
        resultRequested = true;
        updatedAt = Instant.now();
    }

    synchronized void note(String note) {
        notes.add(note);
    }

    synchronized void setJobValues(Map<String, Object> values) {
        jobValues = values;
        updatedAt = Instant.now();
    }

    synchronized void resultWritten(long bytes) {
        resultBytes = bytes;
    }

    synchronized String error() {
        return error;
    }

    int total() {
        TileGrid g = grid();
        return g == null ? 0 : g.tileCount();
    }

    synchronized JobView view() {
        Map<String, JobView.Stage> st = new LinkedHashMap<>();
        stages.forEach((k, s) -> st.put(k, new JobView.Stage(s[0], s[1],
                s[1] == null ? null : Duration.between(s[0], s[1]).toMillis() / 1000.0)));
        JobManifest.GridSpec g = grid == null ? null : JobManifest.GridSpec.of(grid);
        JobView.Result result = state == JobState.DONE && resultBytes >= 0
                ? new JobView.Result("/api/v1/jobs/" + id + "/result", resultBytes) : null;
        return new JobView(id, state, image, g, algorithm, parameters, jobValues,
                new JobView.Patches(total(), sliced.get(), processed, failed), resultRequested, result, error,
                notes.isEmpty() ? null : java.util.List.copyOf(notes), createdAt, updatedAt, st,
                placement.equals(Placement.NONE) ? null : placement, resultLayout.label(), preview, source, destination,
                destination != null && destinationBytes >= 0 ? new JobView.Result(destination, destinationBytes) : null,
                name, awaitedUpload, pending);
    }
}
