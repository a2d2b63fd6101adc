package dev.lip.cli;

import java.io.PrintWriter;
import java.util.function.Supplier;

/**
 * What the user is told when they stop a command with Ctrl-C (or it is killed with SIGTERM): where things stand and
 * how to go on. A JVM shutdown hook, removed when the command ends normally.
 */
final class Interruption implements AutoCloseable {
    private final Thread hook;

    private Interruption(Thread hook) {
        this.hook = hook;
    }

    static Interruption explain(PrintWriter err, Supplier<String> message) {
        Thread hook = new Thread(() -> {
            err.println();
            err.println(message.get());
            err.flush();
        }, "lip-interrupted");
        Runtime.getRuntime().addShutdownHook(hook);
        return new Interruption(hook);
    }

    static String uploadStopped(java.nio.file.Path image, ResumableUpload upload) {
        return "Interrupted: the upload of " + image + " stopped at " + Math.max(0, upload.offset()) + " of "
                + upload.size() + " bytes. Run the same command again to resume it (--no-resume starts over).";
    }

    static String jobGoesOn(String id) {
        return "Interrupted: job " + id + " goes on at slicer-api. Follow it with 'lip status " + id + " --watch' and "
                + "fetch its result with 'lip result " + id + " -o OUT'.";
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs: the message is wanted
        }
    }
}
