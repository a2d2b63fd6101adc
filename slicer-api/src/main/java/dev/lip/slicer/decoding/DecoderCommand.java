package dev.lip.slicer.decoding;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that starts a decoder process: the same Java and the same classes as this service (from its
 * Spring Boot jar through Spring Boot's {@code PropertiesLauncher}, or from the class path in tests), a small heap,
 * and the address-space limit set by the shell that execs it.
 */
final class DecoderCommand {
    private static final String MAIN = DecoderMain.class.getName();

    private DecoderCommand() {
    }

    /** @param javaOptions more JVM options for decoder processes (lip.decoder.java-options), after ours */
    static List<String> of(DecoderLimits limits, List<String> javaOptions) {
        return of(limits, javaOptions, null);
    }

    /**
     * @param javaOptions more JVM options for decoder processes (lip.decoder.java-options), after ours
     * @param classes     the extracted class path and its archive to start from, or null: slicer-api's own
     */
    static List<String> of(DecoderLimits limits, List<String> javaOptions, DecoderClassPath.Prepared classes) {
        List<String> cmd = new ArrayList<>();
        if (limits.addressSpaceBytes() > 0) {
            // ulimit -v is the one portable way to limit a child's address space; the shell execs Java, keeping the pid
            cmd.addAll(List.of("/bin/sh", "-c", "ulimit -v \"$0\" && exec \"$@\"",
                    Long.toString(limits.addressSpaceBytes() >> 10)));
        }
        cmd.addAll(java(limits, javaOptions, classes));
        return cmd;
    }

    /** The Java command alone, from {@code java} on (without the address-space limit). */
    static List<String> java(DecoderLimits limits, List<String> javaOptions, DecoderClassPath.Prepared classes) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + (limits.heapBytes() >> 20) + "m");
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmn64m", "-Xss1m",
                // C1 only: a process lives for one job, and C2's compiling competed with the slicing for the two
                // cores (20000² PNG 11.4 s with C2, 8.9 s with C1; JPEG and tiled TIFF alike: docs/performance.md)
                "-XX:TieredStopAtLevel=1",
                // smaller reservations than the defaults, so that the address-space limit is spent on decoding
                "-XX:ReservedCodeCacheSize=48m", "-XX:CompressedClassSpaceSize=64m", "-XX:MaxMetaspaceSize=160m",
                "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "lip-decoder-crash-%p.log"),
                "-Djava.awt.headless=true",
                // the JVM's own warnings (class data sharing's among them) go to standard error: standard output is
                // the event stream, and a line on it that is no event stops the decoder
                "-Xlog:disable", "-Xlog:all=warning:stderr",
                // PinnedFile names the image by its descriptor's number
                "--add-opens=java.base/java.io=ALL-UNNAMED"));
        if (classes != null && classes.archive() != null) {
            cmd.add("-XX:SharedArchiveFile=" + classes.archive());
        }
        cmd.addAll(javaOptions);
        System.getProperties().stringPropertyNames().stream().sorted()
                .filter(k -> k.startsWith("lip.") || k.startsWith("jna.") || k.equals("java.library.path"))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        String classPath = System.getProperty("java.class.path");
        if (classes != null) {
            cmd.addAll(List.of("-cp", classes.classPath(), MAIN));
        } else if (isSpringBootJar(classPath)) {
            cmd.addAll(List.of("-cp", classPath, "-Dloader.main=" + MAIN,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            cmd.addAll(List.of("-cp", classPath, MAIN));
        }
        return cmd;
    }

    /** The Spring Boot jar slicer-api runs from ({@code java -jar slicer-api.jar}), if it does. */
    static java.util.Optional<Path> bootJar() {
        String classPath = System.getProperty("java.class.path");
        return isSpringBootJar(classPath) ? java.util.Optional.of(Path.of(classPath)) : java.util.Optional.empty();
    }

    /** slicer-api run as {@code java -jar slicer-api.jar}: its classes are nested inside the jar. */
    private static boolean isSpringBootJar(String classPath) {
        return !classPath.contains(java.io.File.pathSeparator) && classPath.endsWith(".jar")
                && ClassLoader.getSystemResource("BOOT-INF/classes/" + MAIN.replace('.', '/') + ".class") != null;
    }
}
