package dev.lip.slicer.upload;

import dev.lip.common.protocol.JobDirectory;
import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.job.JobException;
import dev.lip.web.Problems;
import jakarta.annotation.PreDestroy;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import me.desair.tus.server.TusFileUploadService;
import me.desair.tus.server.exception.TusException;
import me.desair.tus.server.upload.UploadInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.ObjectInputFilter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Resumable uploads with the tus 1.0 protocol (core, creation, termination and expiration), served by the tus-java-server
 * library under {@code /api/v1/uploads}: an upload's received bytes are on disk after every request, so a client cut
 * off (or a slicer-api restarted) continues from the offset the server reports. A finished upload becomes a job's
 * image ({@link #adopt}); one not used within {@code lip.upload-expiry} of its last byte is removed.
 *
 * <p>The library keeps each upload's state as a serialized Java object; the process-wide deserialization filter set
 * here admits only the classes of that state, so a planted file cannot run code. Its directory is not under the work
 * directory (see {@link LipProperties#uploadDir}).
 */
@Component
public class TusUploads {
    private static final Logger log = LoggerFactory.getLogger(TusUploads.class);
    public static final String PATH = "/api/v1/uploads";
    /** The library's layout: {@code <storage>/uploads/<id>/data} holds the bytes (DiskStorageService). */
    private static final String UPLOADS = "uploads", DATA = "data", INFO = "info";

    private final TusFileUploadService tus;
    private volatile UploadEvents events = UploadEvents.NONE;
    /** Uploads a request is working on now (see {@link #handle}). */
    private final java.util.Set<String> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Path storage;
    private final LipProperties props;
    private final ScheduledExecutorService cleaner = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "upload-expiry");
        t.setDaemon(true);
        return t;
    });

    public TusUploads(LipProperties props) throws IOException {
        this.props = props;
        this.storage = props.effectiveUploadDir().toAbsolutePath();
        Files.createDirectories(storage.resolve(UPLOADS));
        Files.createDirectories(storage.resolve("locks"));
        restrictDeserialization();
        this.tus = new TusFileUploadService()
                .withStoragePath(storage.toString())
                .withUploadUri(PATH)
                .withUploadExpirationPeriod(props.uploadExpiry().toMillis())
                .disableTusExtension("concatenation") // parts joined server-side: not needed, less to trust
                .disableTusExtension("checksum");
        if (props.maxUploadBytes() > 0) {
            tus.withMaxUploadSize(props.maxUploadBytes());
        }
        long period = Math.max(1000, Math.min(props.uploadExpiry().toMillis() / 4, TimeUnit.MINUTES.toMillis(10)));
        cleaner.scheduleWithFixedDelay(this::removeExpired, 0, period, TimeUnit.MILLISECONDS);
    }

    /** Answers one tus request (POST, PATCH, HEAD, DELETE, OPTIONS); PATCH bodies must keep lip.min-upload-rate. */
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String method = method(request);
        if ("POST".equals(method) && props.maxUploadBytes() > 0
                && request.getHeader("Upload-Length") != null) {
            try {
                if (Long.parseLong(request.getHeader("Upload-Length").trim()) > props.maxUploadBytes()) {
                    // The library would refuse it too, in its words; ours name the setting, as for plain uploads.
                    response.setHeader("Tus-Resumable", "1.0.0");
                    response.setHeader("Tus-Max-Size", Long.toString(props.maxUploadBytes()));
                    Problems.write(response, 413, "The upload is larger than the " + props.maxUploadBytes()
                            + " bytes this service accepts (lip.max-upload-bytes).");
                    return;
                }
            } catch (NumberFormatException e) {
                // the library answers a malformed length
            }
        }
        String id = uploadId(request.getRequestURI());
        if (id != null && "HEAD".equals(method) && busy.contains(id) && headWhileReceiving(id, response)) {
            return;
        }
        if (id != null && !busy.add(id)) {
            // The library locks an upload per request but answers a second request with an empty 200 (and an error in
            // the log); 423 is what tus clients retry. A cut-off client's request holds it until the read times out.
            response.setHeader("Tus-Resumable", "1.0.0");
            response.setHeader("Retry-After", "2");
            if ("PATCH".equals(method)) {
                // the body is not read: closing at once stops a client that streams it before reading the answer
                // (HttpURLConnection, curl) from sending it all, and spares Tomcat swallowing it
                response.setHeader("Connection", "close");
            }
            Problems.write(response, 423, "The upload " + id + " is receiving another request (a connection that "
                    + "was cut off is noticed within the read timeout); try again in a few seconds.");
            return;
        }
        boolean deleting = id != null && "DELETE".equals(method) && state(id) != State.GONE;
        boolean finished = false;
        try {
            tus.process("PATCH".equals(method) ? new RateCheckedRequest(request, new MinimumRate(
                    props.minUploadRate(), props.uploadRateGrace()), id == null ? () -> { } : () -> events.received(id))
                    : request, new TusErrors(response));
            finished = id != null && "PATCH".equals(method) && state(id) == State.FINISHED;
            if (deleting && state(id) == State.GONE) {
                events.deleted(id);
            }
        } catch (UploadInterruptedException e) {
            // What arrived is kept: the client resumes from the offset HEAD reports.
            if (!response.isCommitted()) {
                response.setHeader("Connection", "close");
                Problems.write(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            }
        } catch (IOException e) {
            log.debug("tus {} {} stopped: {}", method, request.getRequestURI(), e.toString());
        } finally {
            if (id != null) {
                busy.remove(id);
            }
        }
        if (finished) {
            events.finished(id); // after the upload is free again: its job takes it now
        } else if (id != null && "PATCH".equals(method)) {
            events.received(id);
        }
    }

    /**
     * The tus method of a request: a client that cannot send PATCH (or DELETE) sends a POST with
     * {@code X-HTTP-Method-Override}, as tus allows; the library obeys that header, and so must the checks here
     * (the rate check, the last byte's job) or such a PATCH would pass them by.
     */
    private static String method(HttpServletRequest request) {
        me.desair.tus.server.HttpMethod m = me.desair.tus.server.HttpMethod.getMethodIfSupported(request,
                java.util.EnumSet.allOf(me.desair.tus.server.HttpMethod.class));
        return m != null ? m.name() : request.getMethod();
    }

    /**
     * Answers a HEAD on an upload a PATCH is bringing bytes to now (the library would take the upload's lock, which
     * the PATCH holds): its offset is what has been written so far, so a page or a client can follow it.
     */
    private boolean headWhileReceiving(String id, HttpServletResponse response) throws IOException {
        UploadInfo info = record(id);
        Path data = storage.resolve(UPLOADS).resolve(id).resolve(DATA);
        if (info == null || !info.hasLength() || !Files.isRegularFile(data, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setHeader("Tus-Resumable", "1.0.0");
        response.setHeader("Upload-Offset", Long.toString(Math.min(Files.size(data), info.getLength())));
        response.setHeader("Upload-Length", Long.toString(info.getLength()));
        response.setHeader("Cache-Control", "no-store");
        return true;
    }

    /**
     * The upload id of a request on one upload ({@code /api/v1/uploads/ID}), or null for the collection; in the
     * form the library stores it (a UUID in lower case), so that {@code /uploads/ABC...} and {@code /uploads/abc...},
     * which the library takes for the same upload, are one key of the 423 check.
     */
    static String uploadId(String uri) {
        String prefix = PATH + "/";
        if (uri == null || !uri.startsWith(prefix) || uri.length() == prefix.length()) {
            return null;
        }
        String id = uri.substring(prefix.length());
        try {
            return java.util.UUID.fromString(id).toString();
        } catch (IllegalArgumentException e) {
            return id; // no upload of ours: the library answers 404
        }
    }

    /**
     * Where a finished upload's bytes are, to read its header before a job takes it.
     *
     * @throws JobException invalid id, not found (no such upload, or expired), conflict (not finished yet)
     */
    public synchronized Path finished(String uploadId) throws IOException {
        if (!JobDirectory.isValidJobId(uploadId)) {
            throw JobException.invalid("'" + uploadId + "' is not an upload id.");
        }
        UploadInfo info;
        try {
            info = record(uploadId);
        } catch (IOException e) {
            info = null; // a record that cannot be read is no upload
        }
        if (info == null) {
            throw JobException.notFound("There is no upload with id " + uploadId + " (finished uploads are kept for "
                    + props.uploadExpiry().toString().substring(2).toLowerCase() + " after their last byte, unless a job took them).");
        }
        if (info.isUploadInProgress() || !info.hasLength()) {
            throw JobException.conflict("The upload " + uploadId + " is not finished: " + info.getOffset() + " of "
                    + (info.hasLength() ? info.getLength() : "?") + " bytes have arrived. Send the rest (PATCH) first.");
        }
        Path data = storage.resolve(UPLOADS).resolve(uploadId).resolve(DATA);
        if (!Files.isRegularFile(data, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(data) != info.getLength()) {
            throw JobException.conflict("The upload " + uploadId + " is damaged: its bytes are not all on disk.");
        }
        return data;
    }

    /**
     * An upload still receiving, for a job that slices it as its bytes come (issue 27): where its bytes are, how many
     * have come and how many it declared. Empty when it is not receiving or declared no length.
     */
    public synchronized java.util.Optional<Receiving> receiving(String uploadId) {
        if (!JobDirectory.isValidJobId(uploadId)) {
            return java.util.Optional.empty();
        }
        Path data = storage.resolve(UPLOADS).resolve(uploadId).resolve(DATA);
        long length;
        try {
            UploadInfo info = record(uploadId);
            if (info == null || !info.isUploadInProgress() || !info.hasLength()) {
                return java.util.Optional.empty();
            }
            length = info.getLength();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
        try {
            if (!Files.isRegularFile(data, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(data) >= length) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new Receiving(data, length));
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    /** @param data the bytes so far, in the file they grow in, which will hold {@code length} */
    public record Receiving(Path data, long length) {
    }

    /**
     * Forgets a finished upload whose bytes a job already holds (a link it made to them while they arrived):
     * the upload's record and its own name for the bytes go, the job's file stays.
     */
    public synchronized void release(String uploadId) throws IOException {
        finished(uploadId); // refuses an unfinished one
        try {
            tus.deleteUpload(PATH + "/" + uploadId);
        } catch (TusException e) {
            throw new IOException("the upload " + uploadId + " could not be removed: " + e.getMessage(), e);
        }
    }

    /**
     * The upload's record, or null when there is none, read without any lock: the library's getUploadInfo takes the
     * upload's lock (a PATCH meeting it was answered an empty 200, its bytes dropped), and even its plain read takes a
     * shared file lock, which Java refuses to a second reader in the same JVM (OverlappingFileLockException: a PATCH's
     * 500). The record is one serialized object, which the library rewrites in place: a read that meets it half
     * written is tried again. What may be deserialized is restricted process-wide ({@link #restrictDeserialization}).
     */
    private UploadInfo record(String uploadId) throws IOException {
        if (!JobDirectory.isValidJobId(uploadId)) {
            return null;
        }
        Path info = storage.resolve(UPLOADS).resolve(uploadId).resolve(INFO);
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            if (!Files.isRegularFile(info, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.BufferedInputStream(Files.newInputStream(info)))) {
                return in.readObject() instanceof UploadInfo u && u.getOwnerKey() == null ? u : null;
            } catch (IOException | ClassNotFoundException e) {
                last = e instanceof IOException io ? io : new IOException(e);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException x) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        throw last;
    }

    /** When the upload was created (its first request), or null when that is not known. */
    public synchronized java.time.Instant createdAt(String uploadId) {
        try {
            UploadInfo info = record(uploadId);
            return info == null || info.getCreationTimestamp() == null ? null
                    : java.time.Instant.ofEpochMilli(info.getCreationTimestamp());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Makes a finished upload the image of a job: its bytes are moved to {@code target} and the upload is gone.
     *
     * @throws JobException as {@link #finished}, or conflict when another job took it meanwhile
     */
    public synchronized void adopt(String uploadId, Path target) throws IOException {
        if (!busy.add(uploadId)) {
            throw JobException.conflict("The upload " + uploadId + " is receiving a request; try again in a few seconds.");
        }
        try {
            moveOut(uploadId, target);
        } finally {
            busy.remove(uploadId);
        }
    }

    private void moveOut(String uploadId, Path target) throws IOException {
        Path data = finished(uploadId);
        try {
            Files.move(data, target); // a rename where both are on one file system, else a copy
        } catch (NoSuchFileException e) {
            throw JobException.conflict("The upload " + uploadId + " was taken by another job.");
        }
        try {
            tus.deleteUpload(PATH + "/" + uploadId);
        } catch (TusException | IOException e) {
            log.warn("upload {}: adopted, but its record could not be removed: {}", uploadId, e.toString());
        }
    }

    void removeExpired() {
        try {
            tus.cleanup();
            events.swept();
        } catch (Exception e) {
            log.warn("removing expired uploads failed: {}", e.toString());
        }
    }

    /** Who follows the uploads (the jobs made at an upload's creation). */
    public void events(UploadEvents events) {
        this.events = events;
    }

    /** Where an upload is: receiving, finished (all its bytes in), or gone (never was, expired, deleted, taken). */
    public enum State { RECEIVING, FINISHED, GONE }

    public synchronized State state(String uploadId) {
        try {
            UploadInfo info = record(uploadId);
            if (info == null) {
                return State.GONE;
            }
            return info.isUploadInProgress() || !info.hasLength() ? State.RECEIVING : State.FINISHED;
        } catch (IOException e) {
            return State.GONE;
        }
    }

    @PreDestroy
    void stop() {
        cleaner.shutdownNow();
    }

    /**
     * Admits in Java deserialization only what the tus library stores (its upload records: a few boxed numbers,
     * strings, a list, an enum and a UUID), process-wide; nothing else in this service deserializes Java objects.
     */
    private static synchronized void restrictDeserialization() {
        if (ObjectInputFilter.Config.getSerialFilter() == null) {
            ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter(
                    "maxdepth=10;maxrefs=1000;maxbytes=1048576;maxarray=10000;me.desair.tus.server.upload.*;"
                            + "java.lang.*;java.util.*;!*"));
        }
    }
}
