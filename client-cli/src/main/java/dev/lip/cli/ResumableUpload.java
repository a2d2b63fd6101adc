package dev.lip.cli;


import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.function.LongConsumer;

/**
 * Sends an image with the tus 1.0 protocol to {@code /api/v1/uploads}: cut off (network error, Ctrl-C, killed) and
 * run again with the same file, it continues from the offset the server has; passing network errors and a busy
 * upload (423) are retried a few times first.
 *
 * <p>Written here rather than with the tus project's Java client (tus-java-client 0.5): that client sends every
 * request with chunked transfer encoding, which halved slicer-api's receiving rate (293 MB: 2.2 s against 1.0 s with
 * a Content-Length), and holds up to a whole request's bytes in memory to be able to replay them. The core protocol a
 * client needs is three requests: create ({@code POST}), ask the offset ({@code HEAD}), append ({@code PATCH}). Here
 * the rest of the file goes in one streamed PATCH with its length; the server keeps whatever arrived if it is cut.
 */
final class ResumableUpload {
    private static final String TUS = "1.0.0";
    /** Waits before trying again; long enough in all for a server to notice a cut connection (its read timeout). */
    private static final int[] RETRY_DELAYS_MS = {500, 2000, 5000, 10000, 15000};

    private final String api;
    private final String token;
    private final UploadStore store;
    private final Http http;
    private volatile long offset = -1;
    private volatile long size = -1;
    private volatile String job;

    ResumableUpload(String api, String token, UploadStore store) {
        this.api = api;
        this.token = token;
        this.store = store;
        this.http = new Http(token);
    }

    /** Bytes the server has, as far as this run knows (-1 before the upload started). */
    long offset() {
        return offset;
    }

    long size() {
        return size;
    }

    /** The server said no, with a status and its sentence. */
    private static final class Refused extends Exception {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        boolean retry() {
            return status == 423 || status >= 500;
        }
    }

    /** A finished upload, and the job made with it when its creation named the job's parameters (else null). */
    record Sent(String uploadId, String jobId) {
    }

    /**
     * @param resume   false: forget any earlier upload of this file and start over
     * @param start    told the offset the upload starts at (more than 0 when it resumes)
     * @param jobQuery the job's parameters as a query string, sent in the upload's metadata so that the server makes
     *                 the job with the upload (and checks them before a byte); an earlier upload of the same file is
     *                 resumed only for the same parameters
     * @return the upload, finished, and its job
     */
    Sent send(Path image, boolean resume, PrintWriter err, LongConsumer start, LongConsumer progress, String jobQuery) {
        String fingerprint;
        try {
            fingerprint = UploadStore.fingerprint(api, image, jobQuery);
            size = Files.size(image);
        } catch (IOException e) {
            throw new CliException(LipCli.USAGE, "Cannot read " + image + ": " + e.getMessage());
        }
        if (!resume) {
            store.remove(fingerprint);
        }
        boolean started = false;
        for (int attempt = 0; ; attempt++) {
            try {
                UploadStore.Entry entry = store.get(fingerprint);
                URI upload = entry == null ? null : entry.upload();
                offset = upload == null ? -1 : head(upload);
                if (offset < 0) { // none, or the server no longer has it (expired, taken by a job)
                    entry = create(image, jobQuery);
                    upload = entry.upload();
                    store.set(fingerprint, entry);
                    offset = 0;
                }
                if (entry.jobId() != null && job == null) {
                    // made with the upload: followable from now on, though it takes the image only at its end
                    err.printf("Job %s receives %s: its page is %s/jobs/%s%n", entry.jobId(), image.getFileName(), api,
                            entry.jobId());
                }
                job = entry.jobId();
                if (!started) {
                    started = true;
                    start.accept(offset);
                    if (offset >= size && size > 0) {
                        err.printf("%s was uploaded whole by an earlier run; it is not sent again.%n", image);
                    } else if (offset > 0) {
                        err.printf("Resuming the upload of %s at %s of %s bytes (%.0f%%).%n", image, offset, size,
                                100.0 * offset / Math.max(1, size));
                    }
                } else {
                    err.printf("%nThe connection failed; the upload goes on at %s of %s bytes.%n", offset, size);
                }
                err.flush();
                if (offset < size) {
                    offset = patch(upload, image, offset, progress);
                }
                if (offset < size) {
                    throw new IOException("the server has " + offset + " of " + size + " bytes after the upload");
                }
                return new Sent(idOf(upload), job);
            } catch (Refused e) {
                if (!e.retry() || attempt >= RETRY_DELAYS_MS.length) {
                    throw new CliException(LipCli.FAILED, e.getMessage());
                }
            } catch (Http.Unreachable e) {
                if (!started || attempt >= RETRY_DELAYS_MS.length) {
                    throw new CliException(LipCli.UNREACHABLE, "Cannot reach slicer-api at " + api
                            + ": is it running? (--api sets the address)");
                }
            } catch (IOException e) {
                if (attempt >= RETRY_DELAYS_MS.length) {
                    throw new CliException(LipCli.UNREACHABLE, "The upload was cut off at " + Math.max(offset, 0)
                            + " of " + size + " bytes (" + e.getMessage() + "); run the same command again to resume it.");
                }
            }
            pause(attempt);
        }
    }

    /** Forgets the file's upload once a job has taken it: running the command again uploads anew. */
    void forget(Path image, String jobQuery) {
        try {
            store.remove(UploadStore.fingerprint(api, image, jobQuery));
        } catch (IOException e) {
            // the file changed meanwhile: its fingerprint no longer matches anything
        }
    }

    private UploadStore.Entry create(Path image, String jobQuery) throws IOException, Refused {
        String metadata = "filename " + base64(image.getFileName().toString())
                + (jobQuery == null ? "" : ",job " + base64(jobQuery));
        Http.Response r = http.send("POST", URI.create(api + "/api/v1/uploads"), tus("Upload-Length", Long.toString(size),
                "Upload-Metadata", metadata), null);
        if (r.status() != 201 || r.header("Location").isEmpty()) {
            throw refused(r, "creating the upload");
        }
        // a server that makes the job with its upload names it (Lip-Job); an older one does not, and the job is made
        // after the upload, as before
        return new UploadStore.Entry(URI.create(api).resolve(r.header("Location").get()), r.header("Lip-Job").orElse(null));
    }

    private static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** @return the server's offset, or -1 when it does not have the upload */
    private long head(URI upload) throws IOException, Refused {
        Http.Response r = http.send("HEAD", upload, tus(), null);
        if (r.status() == 404 || r.status() == 410) {
            return -1;
        }
        if (r.status() / 100 != 2 || r.header("Upload-Offset").isEmpty()) {
            throw refused(r, "asking how much of the upload arrived");
        }
        return Long.parseLong(r.header("Upload-Offset").get().trim());
    }

    /** Sends the file from {@code from} to its end. @return the server's offset after it */
    private long patch(URI upload, Path image, long from, LongConsumer progress)
            throws IOException, Refused {
        Http.Response r;
        try (InputStream body = counting(image, from, progress)) {
            r = http.stream("PATCH", upload, tus("Upload-Offset", Long.toString(from),
                    "Content-Type", "application/offset+octet-stream"), size - from, body);
        }
        if (r.status() / 100 != 2 || r.header("Upload-Offset").isEmpty()) {
            throw refused(r, "sending the image");
        }
        return Long.parseLong(r.header("Upload-Offset").get().trim());
    }

    private static InputStream counting(Path image, long from, LongConsumer progress) throws IOException {
        InputStream in = Files.newInputStream(image);
        in.skipNBytes(from);
        return new FilterInputStream(in) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = super.read(b, off, len);
                if (n > 0) {
                    progress.accept(n);
                }
                return n;
            }
        };
    }

    /** The tus version header every request carries, and the given header names and values. */
    private static java.util.Map<String, String> tus(String... more) {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        headers.put("Tus-Resumable", TUS);
        for (int i = 0; i < more.length; i += 2) {
            headers.put(more[i], more[i + 1]);
        }
        return headers;
    }

    /** The server's sentence: the problem detail, or the status. */
    private static Refused refused(Http.Response r, String what) {
        String body = r.body() == null ? "" : r.body();
        return new Refused(r.status(), r.problem().orElseGet(() -> "slicer-api refused " + what + ": HTTP " + r.status()
                + (!body.isBlank() && body.length() < 300 ? ": " + body.trim() : ".")));
    }

    private static String idOf(URI upload) {
        String p = upload.getPath();
        return p.substring(p.lastIndexOf('/') + 1);
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(RETRY_DELAYS_MS[attempt]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(LipCli.FAILED, "Interrupted.");
        }
    }
}
