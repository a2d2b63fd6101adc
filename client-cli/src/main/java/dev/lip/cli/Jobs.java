package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** What several commands share: uploading, following a job, downloading its result. */
final class Jobs {
    private static final Set<String> ENDED = Set.of("DONE", "FAILED", "CANCELLED");

    private Jobs() {
    }

    /**
     * Sends the image as a resumable upload (see {@link ResumableUpload}) and creates the job from it. A job the server
     * refuses (bad parameters, say) leaves the finished upload for the next try: only the job is asked again.
     */
    static JsonNode upload(ApiClient api, ResumableUpload upload, Path image, JobOptions options, boolean quiet,
                           PrintWriter err) {
        return upload(api, upload, image, options, Map.of(), quiet, err);
    }

    /** As {@link #upload(ApiClient, ResumableUpload, Path, JobOptions, boolean, PrintWriter)}, with job parameters. */
    static JsonNode upload(ApiClient api, ResumableUpload upload, Path image, JobOptions options, Map<String, String> more,
                           boolean quiet, PrintWriter err) {
        if (Files.isDirectory(image)) {
            throw new CliException(LipCli.USAGE, image + " is a directory, not an image file.");
        }
        if (!Files.isRegularFile(image)) {
            throw new CliException(LipCli.USAGE, "No such file: " + image);
        }
        if (image.toFile().length() == 0) {
            throw new CliException(LipCli.USAGE, image + " is empty.");
        }
        if (!Files.isReadable(image)) {
            throw new CliException(LipCli.USAGE, "Cannot read " + image + " (permission denied).");
        }
        Map<String, String> query = query(options);
        query.putAll(more);
        query.putIfAbsent("name", image.getFileName().toString()); // what lists and pages call the job
        try {
            api.checkJob(query); // mistakes are reported before the first byte is sent
        } catch (CliException e) {
            throw new CliException(e.exitCode(), inFlags(e.getMessage(), options.params));
        }
        long size = image.toFile().length();
        String jobQuery = ApiClient.queryString(query);
        ResumableUpload.Sent sent;
        try (Progress p = Progress.bytes(quiet, "Upload", size)) {
            // the job's parameters ride in the upload's metadata: the server makes the job with the upload
            sent = upload.send(image, !options.noResume, err, p::step, p::step, jobQuery);
        }
        JsonNode job = sent.jobId() != null ? taken(api, sent.jobId()) : null;
        if (job == null || job.path("state").asText().equals("FAILED")) {
            // no job made with the upload (an older server), or it refused the image: asking again the old way
            // makes a job of the kept upload when the refusal passed (a full disk), or says why it cannot in a
            // sentence
            job = api.createJob(sent.uploadId(), query);
        }
        upload.forget(image, jobQuery);
        return job;
    }

    /** The job made with its upload, once it has taken the image in (its header read, its patches counted). */
    private static JsonNode taken(ApiClient api, String id) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(10);
        JsonNode job = api.job(id);
        while (job.path("state").asText().equals("RECEIVING") && System.nanoTime() < deadline) {
            sleep(50);
            job = api.job(id);
        }
        return job;
    }

    /** Whether IMAGE names an image where it lives (object storage, or a file the server reads) rather than a file here. */
    static boolean isReference(String image) {
        return image.startsWith("s3://") || image.startsWith("file://");
    }

    /** Creates the job from an image the server reads itself: nothing is uploaded. */
    static JsonNode byReference(ApiClient api, String source, JobOptions options, Map<String, String> more) {
        Map<String, String> query = query(options);
        query.putAll(more);
        query.put("source", source);
        try {
            return api.createJob(null, query);
        } catch (CliException e) {
            throw new CliException(e.exitCode(), inFlags(e.getMessage(), options.params));
        }
    }

    /** The job's parameters as the API names them. */
    static Map<String, String> query(JobOptions options) {
        Map<String, String> query = new LinkedHashMap<>();
        if (options.algorithm != null) {
            query.put("algorithm", options.algorithm);
        }
        if (options.tileSize != null) {
            query.put("tileSize", options.tileSize.toString());
        }
        if (options.overlap != null) {
            query.put("overlap", options.overlap.toString());
        }
        if (options.resultFormat != null) {
            query.put("resultFormat", options.resultFormat);
        }
        if (options.preview) {
            query.put("preview", "true");
        }
        if (options.params != null) {
            for (Map.Entry<String, String> p : options.params.entrySet()) {
                String flag = JOB_FLAGS.get(p.getKey());
                if (flag != null) {
                    // --param tileSize=1024 used to change the tile size without a word
                    throw new CliException(LipCli.USAGE, "--param " + p.getKey() + " is not an algorithm parameter: "
                            + (flag.isEmpty() ? "it is not set from the command line." : "use " + flag + "."));
                }
            }
            query.putAll(options.params);
        }
        return query;
    }

    /** The job's own parameters, which --param must not set behind the flags' back, with the flag that sets each. */
    private static final Map<String, String> JOB_FLAGS = Map.of("algorithm", "--algorithm", "tileSize", "--tile-size",
            "overlap", "--overlap", "resultFormat", "--result-format", "preview", "--preview", "upload", "",
            "source", "IMAGE (s3://... or file://...)", "destination", "-o s3://...", "output", "-o s3://...");

    /**
     * Polls the job until it ends, or until all patches are processed when nobody has asked for the result yet,
     * showing processed patches against the total.
     */
    static JsonNode follow(ApiClient api, String id, boolean quiet, long pollMillis) {
        JsonNode job = api.job(id);
        try (Progress p = Progress.count(quiet, "Process", job.path("patches").path("total").asLong())) {
            while (true) {
                String state = job.path("state").asText();
                JsonNode patches = job.path("patches");
                Shown shown = shown(job);
                p.to(shown.done(), shown.total(), shown.message());
                if (ENDED.contains(state)) {
                    break;
                }
                if (state.equals("PROCESSED") && !job.path("resultRequested").asBoolean()) {
                    break; // nothing more happens until someone asks for the result
                }
                sleep(pollWait(job, pollMillis));
                job = api.job(id);
            }
        }
        return job;
    }

    /** Polls this often once a job is about to end: its last tiles are written within a few tenths of a second. */
    static final long FINISHING_POLL_MILLIS = 50;

    /**
     * How long to wait before asking again: the given interval, but a job whose patches are nearly all processed, or
     * that is stitching its last tiles, is asked every {@value #FINISHING_POLL_MILLIS} ms, so the result is fetched
     * when it is ready rather than up to a whole interval later (on a job of a few seconds, that interval was a
     * tenth of its time).
     */
    static long pollWait(JsonNode job, long pollMillis) {
        String state = job.path("state").asText();
        long total = job.path("patches").path("total").asLong();
        long processed = job.path("patches").path("processed").asLong();
        boolean finishing = state.equals("STITCHING") || state.equals("PROCESSED")
                || total > 0 && processed * 20 >= total * 19;
        return finishing ? Math.min(pollMillis, FINISHING_POLL_MILLIS) : pollMillis;
    }

    private static final Map<String, String> FLAGS = Map.of("tileSize", "--tile-size", "resultFormat", "--result-format",
            "overlap", "--overlap");

    /**
     * A refusal of the job's parameters in the client's words (issue 26): the REST names of the job's settings become
     * the flags that set them ("--tile-size must be a multiple of 16 ..."), an algorithm parameter's name the --param
     * that gave it ("--param threshold must be a whole number ..."), and the HTTP status of a 400 goes.
     */
    static String inFlags(String message, Map<String, String> params) {
        if (!message.endsWith("(HTTP 400)")) {
            return message;
        }
        String m = message.substring(0, message.length() - "(HTTP 400)".length()).trim();
        for (Map.Entry<String, String> f : FLAGS.entrySet()) {
            m = m.replaceAll("(?<![\\w-])" + f.getKey() + "(?= must| is |:| ')", f.getValue())
                    .replace("Unknown " + f.getKey() + " '", "Unknown " + f.getValue() + " '");
        }
        if (params != null) {
            for (String p : params.keySet()) {
                if (m.startsWith(p + " ")) {
                    return "--param " + m;
                }
            }
        }
        return m;
    }

    /** What the progress bar shows of a job. */
    record Shown(long done, long total, String message) {
    }

    /**
     * Processed patches against the total; while nothing is processed yet during slicing (an algorithm like otsu
     * waits for the whole image's statistics), the slicing, rather than a bar standing at 0 with no time to tell.
     */
    static Shown shown(JsonNode job) {
        String state = job.path("state").asText();
        JsonNode patches = job.path("patches");
        long processed = patches.path("processed").asLong();
        long sliced = patches.path("sliced").asLong();
        long total = patches.path("total").asLong();
        if (state.equals("SLICING") && processed == 0) {
            return new Shown(sliced, total, "SLICING, nothing processed yet");
        }
        return new Shown(processed, total, state + " (sliced " + sliced + ")");
    }

    static void requireDone(JsonNode job) {
        String state = job.path("state").asText();
        if (state.equals("FAILED")) {
            throw new CliException(LipCli.FAILED, "Job " + job.path("id").asText() + " failed: " + job.path("error").asText());
        }
        if (!state.equals("DONE")) {
            throw new CliException(LipCli.FAILED, "Job " + job.path("id").asText() + " is " + state + "; there is no result.");
        }
    }

    static long download(ApiClient api, String id, Path out, boolean quiet) {
        try (Progress p = Progress.bytes(quiet, "Download", 0)) {
            return api.download(id, out, p::max, p::step);
        }
    }

    static void printSummary(PrintWriter out, JsonNode job) {
        JsonNode img = job.path("image");
        JsonNode patches = job.path("patches");
        out.printf("%s  %-10s %s %dx%d  %s  patches %d/%d processed, %d failed%s%n",
                job.path("id").asText(), job.path("state").asText(), img.path("format").asText("?"),
                img.path("width").asInt(), img.path("height").asInt(), job.path("algorithm").asText(),
                patches.path("processed").asInt(), patches.path("total").asInt(), patches.path("failed").asInt(),
                job.hasNonNull("error") ? "  error: " + job.get("error").asText() : "");
    }

    /** The jobs as a table, newest first, with a header line: what {@code lip list} prints. */
    static void printList(PrintWriter out, JsonNode jobs, java.time.Instant now) {
        String format = "%-36s  %-10s  %-24s  %-20s  %-10s  %-13s  %s%n";
        out.printf(format, "JOB", "STATE", "IMAGE", "SIZE", "ALGORITHM", "PATCHES", "AGE");
        java.util.List<JsonNode> list = new java.util.ArrayList<>();
        jobs.forEach(list::add);
        java.util.Collections.reverse(list); // the service lists them oldest first
        for (JsonNode j : list) {
            JsonNode img = j.path("image");
            JsonNode p = j.path("patches");
            String name = j.hasNonNull("name") ? j.get("name").asText() : j.path("source").asText("");
            out.printf(format, j.path("id").asText(), j.path("state").asText(), shorten(name, 24),
                    img.isMissingNode() ? "" : img.path("width").asInt() + "x" + img.path("height").asInt() + " "
                            + img.path("format").asText("").split(" ")[0],
                    j.path("algorithm").asText(), p.path("processed").asInt() + "/" + p.path("total").asInt()
                            + (p.path("failed").asInt() > 0 ? " !" + p.path("failed").asInt() : ""),
                    age(j.path("createdAt").asText(null), now));
        }
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    /** How long ago, in the largest unit that fits: 42 s, 5 min, 3 h, 2 d. */
    static String age(String instant, java.time.Instant now) {
        if (instant == null) {
            return "";
        }
        long s;
        try {
            s = Math.max(0, java.time.Duration.between(java.time.Instant.parse(instant), now).getSeconds());
        } catch (java.time.format.DateTimeParseException e) {
            return "";
        }
        return s < 60 ? s + " s" : s < 3600 ? s / 60 + " min" : s < 86400 ? s / 3600 + " h" : s / 86400 + " d";
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(LipCli.FAILED, "Interrupted.");
        }
    }
}
