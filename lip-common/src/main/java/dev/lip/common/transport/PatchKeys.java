package dev.lip.common.transport;

import dev.lip.common.protocol.PatchName;

import java.util.regex.Pattern;

/**
 * The keys of a job's objects in a {@link PatchStore}: {@code <job>/pending/r<row>-c<col>.patch} for a patch as the
 * slicer wrote it, {@code <job>/done/…} for its result. The same names as the work directory's files, so the
 * filesystem store is the work directory itself. A key is a few safe segments: no {@code ..}, no absolute path, no
 * separator but {@code /}, whatever a message from the broker says.
 */
public final class PatchKeys {
    private static final Pattern KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,63}(/[a-z0-9][a-z0-9.-]{0,127}){1,4}");

    private PatchKeys() {
    }

    public static String patch(String job, PatchName patch) {
        return job + "/pending/" + patch.fileName();
    }

    public static String result(String job, PatchName patch) {
        return job + "/done/" + patch.fileName();
    }

    /** The job a key belongs to: its first segment. */
    public static String job(String key) {
        return check(key).substring(0, key.indexOf('/'));
    }

    public static String check(String key) {
        if (key == null || !KEY.matcher(key).matches() || key.contains("..")) {
            throw new IllegalArgumentException("not a patch store key: " + key);
        }
        return key;
    }
}
