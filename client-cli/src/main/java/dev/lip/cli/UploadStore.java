package dev.lip.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the client remembers its unfinished uploads between runs, so that running the same command again continues
 * one: a file a fingerprint under {@code $LIP_CACHE_DIR}, else {@code $XDG_CACHE_HOME/lip/uploads}, else
 * {@code ~/.cache/lip/uploads}, holding the upload's URL and the id of the job made with it. The fingerprint names
 * the server, the file's absolute path, its size, its modification time and the job's parameters: a changed file,
 * or other parameters, start a new upload.
 */
final class UploadStore {
    private final Path dir;

    UploadStore(Path dir) {
        this.dir = dir;
    }

    static UploadStore standard() {
        String explicit = System.getenv("LIP_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return new UploadStore(Path.of(explicit).resolve("uploads"));
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new UploadStore(base.resolve("lip").resolve("uploads"));
    }

    /** An upload's URL, and the job made with it (null when the job is made after the upload). */
    record Entry(URI upload, String jobId) {
    }

    static String fingerprint(String api, Path file, String jobQuery) throws IOException {
        Path abs = file.toAbsolutePath().normalize();
        String key = api + "\n" + abs + "\n" + Files.size(abs) + "\n" + Files.getLastModifiedTime(abs).toMillis()
                + (jobQuery == null ? "" : "\n" + jobQuery);
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(h);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Entry get(String fingerprint) {
        Path f = dir.resolve(fingerprint);
        try {
            if (!Files.isRegularFile(f)) {
                return null;
            }
            String[] lines = Files.readString(f).trim().split("\n");
            return new Entry(URI.create(lines[0].trim()), lines.length > 1 && !lines[1].isBlank() ? lines[1].trim() : null);
        } catch (IOException | IllegalArgumentException e) {
            return null; // unreadable or not a URL: start a new upload
        }
    }

    void set(String fingerprint, Entry entry) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("." + fingerprint + ".tmp");
            Files.writeString(tmp, entry.upload() + (entry.jobId() == null ? "" : "\n" + entry.jobId()));
            Files.move(tmp, dir.resolve(fingerprint), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // Not fatal: this upload just cannot be resumed by a later run.
            System.err.println("Warning: cannot remember the upload in " + dir + " (" + e.getMessage() + "); it cannot be resumed.");
        }
    }

    void remove(String fingerprint) {
        try {
            Files.deleteIfExists(dir.resolve(fingerprint));
        } catch (IOException e) {
            // a stale entry is found, HEAD answers 404, and a new upload starts
        }
    }
}
