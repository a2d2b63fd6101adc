package dev.lip.slicer.decoding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The decoders' classes extracted from a Spring Boot jar (made here in its layout, with a real class in it), and a
 * class-data-sharing archive of them that a JVM accepts with {@code -Xshare:on} (which refuses to start otherwise).
 */
class DecoderClassPathTest {
    @TempDir
    Path dir;

    /**
     * A Spring Boot jar's layout: this test's helper class in BOOT-INF/classes, two libraries and one whose name
     * climbs out of the directory, the index naming all three.
     */
    private Path bootJar(String name) throws IOException {
        Path lib = dir.resolve("lib-a.jar");
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(lib))) {
            j.putNextEntry(new JarEntry("a.txt"));
            j.write("a".getBytes(StandardCharsets.UTF_8));
        }
        Path jar = dir.resolve(name);
        String helper = ExitingMain.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream j = new JarOutputStream(Files.newOutputStream(jar))) {
            j.putNextEntry(new JarEntry("BOOT-INF/"));
            j.putNextEntry(new JarEntry("BOOT-INF/classes/"));
            j.putNextEntry(new JarEntry("BOOT-INF/classes/" + helper));
            try (var in = ExitingMain.class.getClassLoader().getResourceAsStream(helper)) {
                in.transferTo(j);
            }
            for (String l : List.of("lib-b.jar", "lib-a.jar", "../../evil.jar")) {
                j.putNextEntry(new JarEntry("BOOT-INF/lib/" + l));
                Files.copy(lib, (OutputStream) j);
            }
            j.putNextEntry(new JarEntry("BOOT-INF/classpath.idx"));
            j.write("- \"BOOT-INF/lib/lib-b.jar\"\n- \"BOOT-INF/lib/lib-a.jar\"\n- \"BOOT-INF/lib/../../evil.jar\"\n"
                    .getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    @Test
    void extractsOnceInTheIndexOrderAndMakesAnArchiveAJvmAccepts() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        Path jar = bootJar("app.jar");
        DecoderClassPath.Prepared first = DecoderClassPath.extracted(jar, work).orElseThrow();
        List<String> entries = List.of(first.classPath().split(java.io.File.pathSeparator));
        assertEquals(List.of("classes.jar", "lib-b.jar", "lib-a.jar"),
                entries.stream().map(e -> Path.of(e).getFileName().toString()).toList(), "classes first, then the index' order");
        assertFalse(Files.exists(dir.resolve("evil.jar")) || Files.exists(work.resolve("evil.jar")), "no name leaves the directory");
        FileTime made = Files.getLastModifiedTime(Path.of(entries.get(0)));

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> training = List.of(java, "-Xlog:disable", "-cp", first.classPath(), ExitingMain.class.getName());
        DecoderClassPath.Prepared archived = DecoderClassPath.archived(first, training);
        assertNotNull(archived.archive(), "the training made an archive");
        Process strict = new ProcessBuilder(java, "-Xshare:on", "-XX:SharedArchiveFile=" + archived.archive(),
                "-cp", archived.classPath(), ExitingMain.class.getName()).redirectErrorStream(true).start();
        String said = new String(strict.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, strict.waitFor(), said);
        assertTrue(said.contains(ExitingMain.SAID), said);

        DecoderClassPath.Prepared again = DecoderClassPath.extracted(jar, work).orElseThrow();
        assertEquals(archived, again, "the second start finds both");
        assertEquals(made, Files.getLastModifiedTime(Path.of(entries.get(0))), "not extracted again");

        // a file removed (a cleaner of old files in /tmp) or cut short: extracted again, whole
        Path libA = Path.of(entries.get(2));
        long libSize = Files.size(libA);
        Files.delete(libA);
        try (var cut = FileChannel.open(Path.of(entries.get(0)), StandardOpenOption.WRITE)) {
            cut.truncate(10);
        }
        DecoderClassPath.Prepared repaired = DecoderClassPath.extracted(jar, work).orElseThrow();
        assertEquals(first.classPath(), repaired.classPath());
        assertEquals(libSize, Files.size(libA), "the removed library is back");
        Process repairedRun = new ProcessBuilder(java, "-cp", repaired.classPath(), ExitingMain.class.getName())
                .redirectErrorStream(true).start();
        String repairedSaid = new String(repairedRun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, repairedRun.waitFor(), "the classes cut short are whole again: " + repairedSaid);

        Files.setLastModifiedTime(jar, FileTime.fromMillis(System.currentTimeMillis() + 60_000)); // a new build
        DecoderClassPath.Prepared rebuilt = DecoderClassPath.extracted(jar, work).orElseThrow();
        assertTrue(rebuilt.archive() == null && !rebuilt.classPath().equals(first.classPath()), "a new jar, new classes");
        try (Stream<Path> kept = Files.list(work.resolve(DecoderClassPath.DIR))) {
            assertEquals(1, kept.count(), "the old jar's classes are removed");
        }
    }

    @Test
    void aJarThatIsNoSpringBootJarIsLeftAlone() throws Exception {
        Path plain = dir.resolve("lib-a.jar");
        bootJar("unused.jar");
        assertTrue(DecoderClassPath.extracted(plain, dir.resolve("work")).isEmpty());
        try (Stream<Path> left = Files.list(dir.resolve("work").resolve(DecoderClassPath.DIR))) {
            assertEquals(0, left.count(), "nothing left behind");
        }
    }
}
