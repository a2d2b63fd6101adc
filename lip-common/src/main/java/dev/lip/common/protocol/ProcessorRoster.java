package dev.lip.common.protocol;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The processors at work on a work directory, as each announces itself in {@code .processors/<id>.json} every few
 * seconds: its id and the ONNX models it has. slicer-api reads the roster to refuse, at submission, an onnx job
 * naming a model that no running processor has (before: the whole upload, slicing, then three failures a patch).
 * An announcement older than {@code maxAge} is a processor that stopped; none at all means none has started yet,
 * and a job then waits for one as any job does.
 */
public final class ProcessorRoster {
    public static final String DIRECTORY = ".processors";
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final int MAX_BYTES = 256 << 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What one processor says of itself; {@code at} is when, in epoch milliseconds. */
    public record Announcement(String id, List<String> models, long at) {
    }

    private ProcessorRoster() {
    }

    /** Writes (or renews) the processor's announcement, whole or not at all. */
    public static void announce(Path workDir, Announcement a) throws IOException {
        if (!ID.matcher(a.id()).matches()) {
            throw new IllegalArgumentException("not a processor id: " + a.id());
        }
        Path dir = workDir.resolve(DIRECTORY);
        Files.createDirectories(dir);
        JobDirectory.writeAtomically(dir.resolve(a.id() + ".json"), JSON.writeValueAsBytes(a));
    }

    /** A processor's announcement made now. */
    public static Announcement now(String id, List<String> models) {
        return new Announcement(id, List.copyOf(models), System.currentTimeMillis());
    }

    /** Removes the processor's announcement (it is stopping). */
    public static void withdraw(Path workDir, String id) throws IOException {
        if (ID.matcher(id).matches()) {
            Files.deleteIfExists(workDir.resolve(DIRECTORY).resolve(id + ".json"));
        }
    }

    /** The announcements renewed within {@code maxAge}; unreadable ones (being replaced, damaged) are skipped. */
    public static List<Announcement> current(Path workDir, Duration maxAge) {
        Path dir = workDir.resolve(DIRECTORY);
        List<Announcement> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        long oldest = System.currentTimeMillis() - maxAge.toMillis();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                try {
                    Announcement a = JSON.readValue(SafeFiles.readSmall(f, MAX_BYTES), Announcement.class);
                    if (a.at() >= oldest && a.models() != null) {
                        out.add(a);
                    }
                } catch (IOException | RuntimeException e) {
                    // replaced while read, or not ours: the next look reads the new one
                }
            }
        } catch (IOException e) {
            return out;
        }
        return out;
    }
}
