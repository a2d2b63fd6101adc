package dev.lip.slicer.decoding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The decoder processes' classes as plain jars on disk, beside a class-data-sharing archive of the classes a decoder
 * loads before its first request. A decoder so started is ready in 0.27 s and 0.35 core-seconds, against 0.6 s and
 * 0.75 from Spring Boot's nested jar through its {@code PropertiesLauncher} (two-core machine, docs/performance.md):
 * every job has a decoder of its own, so every job paid that CPU, and a job that came before the waiting decoder
 * was ready waited for it in its submission.
 *
 * <p>Why extract: JDK 17's CDS archives classes from plain jars on the class path only, not from a launcher's class
 * loader nor from directories. The archive comes from one training start with {@code -XX:ArchiveClassesAtExit}
 * (JDK 19's {@code AutoCreateSharedArchive} would make it by itself). Both live in the work directory, in a
 * directory named by the jar's size and time and the Java version, made under a temporary name and renamed once
 * whole: a crash midway leaves nothing that is used, and a new jar or Java gets a directory of its own. Each start
 * checks that every extracted file is still there at its size, and extracts again if not.
 */
final class DecoderClassPath {
    static final String DIR = ".decoder-classes";
    private static final String ARCHIVE = "decoder.jsa";
    private static final String CLASS_PATH = "class-path";

    /**
     * @param dir       where the classes were extracted
     * @param classPath their class path ({@link java.io.File#pathSeparator}-separated)
     * @param archive   the CDS archive of its classes, or null where the training made none (the decoder then starts
     *                  without, as before)
     */
    record Prepared(Path dir, String classPath, Path archive) {
    }

    private DecoderClassPath() {
    }

    /**
     * The extracted class path for {@code bootJar} under {@code workDir}, made now if there is none yet; empty if
     * {@code bootJar} is no Spring Boot jar.
     */
    static Optional<Prepared> extracted(Path bootJar, Path workDir) throws IOException {
        String key = Files.size(bootJar) + "-" + Files.getLastModifiedTime(bootJar).toMillis() + "-java"
                + Runtime.version().feature() + "." + Runtime.version().interim() + "." + Runtime.version().update();
        Path root = Files.createDirectories(workDir.resolve(DIR));
        Path dir = root.resolve(key);
        Optional<List<Path>> files = listed(dir);
        if (files.isEmpty()) {
            delete(dir); // damaged (a file removed or cut short, by a cleaner of old files perhaps): made again
            Path tmp = Files.createTempDirectory(root, "." + key + "-");
            try {
                if (!extract(bootJar, tmp)) {
                    return Optional.empty();
                }
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                files = listed(dir);
            } finally {
                delete(tmp);
            }
            try (Stream<Path> others = Files.list(root)) { // older jars' and Javas' classes, and crashed attempts
                for (Path other : (Iterable<Path>) others::iterator) {
                    if (!other.getFileName().equals(dir.getFileName())) {
                        delete(other);
                    }
                }
            }
        }
        String classPath = String.join(java.io.File.pathSeparator, files.orElseThrow(() -> new IOException(
                "the classes extracted to " + dir + " went missing at once")).stream().map(Path::toString).toList());
        Path archive = dir.resolve(ARCHIVE);
        return Optional.of(new Prepared(dir, classPath, Files.isRegularFile(archive) ? archive : null));
    }

    /**
     * Makes the archive by starting {@code training} (a decoder's command that ends at once, its standard input
     * closed) with {@code -XX:ArchiveClassesAtExit}; returns the class path with its archive, or without if the
     * training made none.
     *
     * @param training the decoder's command from {@code java} on, with the class path of {@code prepared}
     */
    static Prepared archived(Prepared prepared, List<String> training) throws IOException, InterruptedException {
        if (prepared.archive() != null) {
            return prepared;
        }
        Path archive = prepared.dir().resolve(ARCHIVE);
        Path tmp = prepared.dir().resolve(ARCHIVE + ".tmp");
        List<String> cmd = new ArrayList<>(training);
        cmd.add(1, "-XX:ArchiveClassesAtExit=" + tmp);
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor(); // killed while it may be writing the archive: what it wrote is not used
        }
        if (ended && Files.isRegularFile(tmp) && Files.size(tmp) > 0) {
            Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return new Prepared(prepared.dir(), prepared.classPath(), archive);
        }
        Files.deleteIfExists(tmp);
        return prepared;
    }

    /**
     * The files {@code dir}'s list names, in its order, if every one is there at the size it had when extracted;
     * empty if not (a decoder started from a class path missing a jar would fail every job).
     */
    private static Optional<List<Path>> listed(Path dir) throws IOException {
        Path list = dir.resolve(CLASS_PATH);
        if (!Files.isRegularFile(list)) {
            return Optional.empty();
        }
        List<Path> files = new ArrayList<>();
        for (String line : Files.readAllLines(list)) {
            int space = line.lastIndexOf(' ');
            Path file = space > 0 ? dir.resolve(line.substring(0, space)) : null;
            try {
                if (file == null || !Files.isRegularFile(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                        || Files.size(file) != Long.parseLong(line.substring(space + 1))) {
                    return Optional.empty();
                }
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            files.add(file);
        }
        return Optional.of(files);
    }

    /** @return false if {@code bootJar} is no Spring Boot jar */
    private static boolean extract(Path bootJar, Path into) throws IOException {
        try (JarFile jar = new JarFile(bootJar.toFile())) {
            JarEntry index = jar.getJarEntry("BOOT-INF/classpath.idx");
            if (index == null || jar.getJarEntry("BOOT-INF/classes/") == null) {
                return false;
            }
            List<String> names = new ArrayList<>(List.of("classes.jar"));
            try (OutputStream out = Files.newOutputStream(into.resolve("classes.jar"));
                 JarOutputStream classes = new JarOutputStream(out)) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    JarEntry entry = e.nextElement();
                    String name = entry.getName();
                    if (name.startsWith("BOOT-INF/classes/") && name.length() > "BOOT-INF/classes/".length()) {
                        classes.putNextEntry(new JarEntry(name.substring("BOOT-INF/classes/".length())));
                        try (InputStream in = jar.getInputStream(entry)) {
                            in.transferTo(classes);
                        }
                        classes.closeEntry();
                    }
                }
            }
            // the libraries in the order Spring Boot's launcher puts them (its index), so a class found twice
            // comes from the same jar as in slicer-api
            for (String line : new String(jar.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String lib = line.trim().replaceFirst("^- \"(.*)\"$", "$1");
                JarEntry entry = lib.startsWith("BOOT-INF/lib/") ? jar.getJarEntry(lib) : null;
                if (entry == null) {
                    continue;
                }
                String name = lib.substring("BOOT-INF/lib/".length());
                if (name.contains("/") || name.startsWith(".")) {
                    continue;
                }
                try (InputStream in = jar.getInputStream(entry)) {
                    Files.copy(in, into.resolve(name));
                }
                names.add(name);
            }
            List<String> lines = new ArrayList<>();
            for (String name : names) {
                lines.add(name + " " + Files.size(into.resolve(name)));
            }
            Files.write(into.resolve(CLASS_PATH), lines);
            return true;
        }
    }

    private static void delete(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
