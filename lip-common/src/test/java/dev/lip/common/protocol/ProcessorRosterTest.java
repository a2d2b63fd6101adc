package dev.lip.common.protocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The work directory is not trusted: whatever lies in .processors/, only well-formed, fresh announcements count. */
class ProcessorRosterTest {
    @TempDir
    Path work;

    @Test
    void onlyWellFormedFreshAnnouncementsCount() throws Exception {
        ProcessorRoster.announce(work, ProcessorRoster.now("host-1", List.of("unet.onnx")));
        ProcessorRoster.announce(work, new ProcessorRoster.Announcement("host-2", List.of("old.onnx"),
                System.currentTimeMillis() - 120_000));
        Path dir = work.resolve(ProcessorRoster.DIRECTORY);
        Files.writeString(dir.resolve("garbage.json"), "{not json");
        Files.writeString(dir.resolve("other.json"), "{\"id\": \"x\", \"at\": 99999999999999}"); // no models
        Files.write(dir.resolve("huge.json"), new byte[1 << 20]);
        Files.createDirectory(dir.resolve("dir.json"));
        Files.createSymbolicLink(dir.resolve("link.json"), dir.resolve("host-1.json"));
        List<ProcessorRoster.Announcement> seen = ProcessorRoster.current(work, Duration.ofSeconds(30));
        assertEquals(List.of("host-1"), seen.stream().map(ProcessorRoster.Announcement::id).toList());
        assertEquals(List.of("unet.onnx"), seen.get(0).models());
        assertEquals(List.of(), ProcessorRoster.current(work.resolve("nowhere"), Duration.ofSeconds(30)));
    }

    @Test
    void anIdThatIsNotAFileNameIsRefused() throws Exception {
        assertThrows(IllegalArgumentException.class,
                () -> ProcessorRoster.announce(work, ProcessorRoster.now("../escape", List.of())));
        ProcessorRoster.withdraw(work, "../escape"); // ignored, nothing outside is touched
        ProcessorRoster.announce(work, ProcessorRoster.now("host-1", List.of()));
        ProcessorRoster.withdraw(work, "host-1");
        assertEquals(List.of(), ProcessorRoster.current(work, Duration.ofSeconds(30)));
    }
}
