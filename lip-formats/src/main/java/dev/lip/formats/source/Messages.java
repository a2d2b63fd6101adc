package dev.lip.formats.source;

import dev.lip.common.protocol.SafeFiles;

/**
 * Turns codec exceptions into something a user can read, and that says nothing of the server: file paths are
 * removed, and the texts of programming errors inside a decoder ("Cannot read the array length because ... is
 * null") are replaced by what they mean for the user, a file the decoder could not make sense of. The full
 * exception goes to the log where it is caught.
 */
public final class Messages {
    private Messages() {
    }

    public static String of(Throwable e) {
        if (e instanceof java.io.EOFException) {
            return "the file ends early (truncated?)";
        }
        if (isDecoderBug(e) || fromLibrary(e)) {
            return "its data is damaged, or uses a variant the decoder does not support.";
        }
        Throwable t = e;
        String msg = null;
        while (t != null && msg == null) {
            if (isDecoderBug(t)) {
                break; // a wrapped NullPointerException's text is no better than an unwrapped one's
            }
            msg = t.getMessage();
            t = t.getCause();
        }
        if (msg == null || msg.isBlank()) {
            return "its data is damaged, or uses a variant the decoder does not support.";
        }
        if (msg.contains("EOF") && !msg.contains(" ")) {
            return "the file ends early (truncated?)";
        }
        msg = SafeFiles.withoutPaths(msg);
        return msg.endsWith(".") ? msg : msg + ".";
    }

    /** AlgART's texts describe its internals ("stored ifdOffsets sequence ..."), not the file. */
    private static boolean fromLibrary(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getClass().getName().startsWith("net.algart.")) {
                return true;
            }
        }
        return false;
    }

    /** Exceptions a decoder throws on data it did not expect, whose texts only describe its own code. */
    private static boolean isDecoderBug(Throwable e) {
        return e instanceof NullPointerException || e instanceof IndexOutOfBoundsException
                || e instanceof ClassCastException || e instanceof ArithmeticException
                || e instanceof NegativeArraySizeException || e instanceof IllegalStateException
                || e instanceof UnsupportedOperationException || e instanceof Error;
    }
}
