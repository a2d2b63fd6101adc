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

    static List<String> of(DecoderLimits limits) {
        List<String> cmd = new ArrayList<>();
        if (limits.addressSpaceBytes() > 0) {
            // ulimit -v is the one portable way to limit a child's address space; the shell execs Java, keeping the pid
            cmd.addAll(List.of("/bin/sh", "-c", "ulimit -v \"$0\" && exec \"$@\"",
                    Long.toString(limits.addressSpaceBytes() >> 10)));
        }
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + (limits.heapBytes() >> 20) + "m");
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xmn32m", "-Xss1m",
                // smaller reservations than the defaults, so that the address-space limit is spent on decoding
                "-XX:ReservedCodeCacheSize=48m", "-XX:CompressedClassSpaceSize=64m", "-XX:MaxMetaspaceSize=160m",
                "-XX:-CreateCoredumpOnCrash",
                "-XX:ErrorFile=" + Path.of(System.getProperty("java.io.tmpdir"), "lip-decoder-crash-%p.log"),
                "-Djava.awt.headless=true",
                // PinnedFile names the image by its descriptor's number
                "--add-opens=java.base/java.io=ALL-UNNAMED"));
        System.getProperties().stringPropertyNames().stream().sorted()
                .filter(k -> k.startsWith("lip.") || k.startsWith("jna.") || k.equals("java.library.path"))
                .forEach(k -> cmd.add("-D" + k + "=" + System.getProperty(k)));
        String classPath = System.getProperty("java.class.path");
        if (isSpringBootJar(classPath)) {
            cmd.addAll(List.of("-cp", classPath, "-Dloader.main=" + MAIN,
                    "org.springframework.boot.loader.launch.PropertiesLauncher"));
        } else {
            cmd.addAll(List.of("-cp", classPath, MAIN));
        }
        return cmd;
    }

    /** slicer-api run as {@code java -jar slicer-api.jar}: its classes are nested inside the jar. */
    private static boolean isSpringBootJar(String classPath) {
        return !classPath.contains(java.io.File.pathSeparator) && classPath.endsWith(".jar")
                && ClassLoader.getSystemResource("BOOT-INF/classes/" + MAIN.replace('.', '/') + ".class") != null;
    }
}
