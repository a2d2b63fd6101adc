package dev.lip.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tus.java.client.ProtocolException;
import io.tus.java.client.TusClient;
import io.tus.java.client.TusUpload;
import io.tus.java.client.TusUploader;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Sends an image with the tus 1.0 protocol (the official tus-java-client), to {@code /api/v1/uploads}: cut off
 * (network error, Ctrl-C, killed) and run again with the same file, it continues from the offset the server has.
 * Passing network errors are retried a few times before giving up.
 */
final class ResumableUpload {
    /** Bytes a PATCH request carries; a cut request loses at most what the server had not written yet. */
    private static final int REQUEST_BYTES = 16 << 20;
    private static final int CHUNK_BYTES = 1 << 20;
    /** Waits before trying again; long enough in all for a server to notice a cut connection (its read timeout). */
    private static final int[] RETRY_DELAYS_MS = {500, 2000, 5000, 10000, 15000};

    private final String api;
    private final String token;
    private final UploadStore store;
    private volatile long offset = -1;
    private volatile long size = -1;

    ResumableUpload(String api, String token, UploadStore store) {
        this.api = api;
        this.token = token;
        this.store = store;
    }

    /** Bytes the server has, as far as this run knows (-1 before the upload started). */
    long offset() {
        return offset;
    }

    long size() {
        return size;
    }

    /**
     * @param resume false: forget any earlier upload of this file and start over
     * @param start  told the offset the upload starts at (more than 0 when it resumes)
     * @return the upload's id, finished
     */
    String send(Path image, boolean resume, PrintWriter err, LongConsumer start, LongConsumer progress) {
        String fingerprint;
        TusUpload upload;
        try {
            fingerprint = UploadStore.fingerprint(api, image);
            upload = new TusUpload(image.toFile());
        } catch (IOException e) {
            throw new CliException(LipCli.USAGE, "Cannot read " + image + ": " + e.getMessage());
        }
        upload.setFingerprint(fingerprint);
        upload.setMetadata(Map.of("filename", image.getFileName().toString()));
        size = upload.getSize();
        if (!resume) {
            store.remove(fingerprint);
        }
        TusClient client = new TusClient();
        try {
            client.setUploadCreationURL(new URL(api + "/api/v1/uploads"));
        } catch (java.net.MalformedURLException e) {
            throw new CliException(LipCli.USAGE, "Not a valid API URL: " + api);
        }
        client.enableResuming(store);
        if (token != null) {
            client.setHeaders(Map.of("Authorization", "Bearer " + token));
        }
        boolean started = false;
        for (int attempt = 0; ; attempt++) {
            try {
                TusUploader uploader = client.resumeOrCreateUpload(upload);
                uploader.setChunkSize(CHUNK_BYTES);
                uploader.setRequestPayloadSize(REQUEST_BYTES);
                offset = uploader.getOffset();
                if (!started) {
                    started = true;
                    start.accept(offset);
                    if (offset >= size && size > 0) {
                        err.printf("%s was uploaded whole by an earlier run; it is not sent again.%n", image);
                    } else if (offset > 0) {
                        err.printf("Resuming the upload of %s at %s of %s bytes (%.0f%%).%n", image, offset, size,
                                100.0 * offset / Math.max(1, size));
                    }
                    err.flush();
                } else {
                    err.printf("%nThe connection failed; the upload goes on at %s of %s bytes.%n", offset, size);
                    err.flush();
                }
                URL url = uploader.getUploadURL();
                if (offset >= size) {
                    // Sent whole by an earlier run: nothing to PATCH (the client library fails on an empty chunk).
                    closeQuietly(uploader);
                    return UploadStore.idOf(url);
                }
                long before = offset;
                while (uploader.uploadChunk() > -1) {
                    progress.accept(uploader.getOffset() - before);
                    before = uploader.getOffset();
                    offset = before;
                }
                uploader.finish();
                offset = size;
                return UploadStore.idOf(url);
            } catch (ProtocolException e) {
                if (!e.shouldRetry() || attempt >= RETRY_DELAYS_MS.length) {
                    throw new CliException(LipCli.FAILED, refusal(e));
                }
                pause(attempt);
            } catch (ConnectException e) {
                throw new CliException(LipCli.UNREACHABLE, "Cannot reach slicer-api at " + api
                        + ": is it running? (--api sets the address)");
            } catch (IOException e) {
                if (attempt >= RETRY_DELAYS_MS.length) {
                    throw new CliException(LipCli.UNREACHABLE, "The upload was cut off at " + Math.max(offset, 0)
                            + " of " + size + " bytes (" + e.getMessage() + "); run the same command again to resume it.");
                }
                pause(attempt);
            }
        }
    }

    private static void closeQuietly(TusUploader uploader) {
        try {
            uploader.finish();
        } catch (IOException | ProtocolException e) {
            // nothing was open
        }
    }

    /** Forgets the file's upload once a job has taken it: running the command again uploads anew. */
    void forget(Path image) {
        try {
            store.remove(UploadStore.fingerprint(api, image));
        } catch (IOException e) {
            // the file changed meanwhile: its fingerprint no longer matches anything
        }
    }

    /** The server's sentence: the problem detail, or the status line. */
    private static String refusal(ProtocolException e) {
        HttpURLConnection c = e.getCausingConnection();
        try {
            if (c != null) {
                int status = c.getResponseCode();
                String body = c.getErrorStream() == null ? "" : new String(c.getErrorStream().readNBytes(16 * 1024),
                        StandardCharsets.UTF_8);
                try {
                    JsonNode p = new ObjectMapper().readTree(body);
                    if (p != null && p.hasNonNull("detail")) {
                        return p.get("detail").asText() + " (HTTP " + status + ")";
                    }
                } catch (IOException | RuntimeException notJson) {
                    // the status line below
                }
                return "slicer-api refused the upload: HTTP " + status
                        + (!body.isBlank() && body.length() < 300 ? ": " + body.trim() : ".");
            }
        } catch (IOException ignored) {
            // the message below
        }
        return "The upload was refused: " + e.getMessage();
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
