package dev.lip.slicer.source;

/** Turns codec exceptions into something a user can read. */
public final class Messages {
    private Messages() {
    }

    public static String of(Throwable e) {
        Throwable t = e;
        String msg = null;
        while (t != null && msg == null) {
            msg = t.getMessage();
            t = t.getCause();
        }
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        }
        if (e instanceof java.io.EOFException || (msg.contains("EOF") && !msg.contains(" "))) {
            return "the file ends early (truncated?)";
        }
        return msg.endsWith(".") ? msg : msg + ".";
    }
}
