package dev.lip.common.transport;

import dev.lip.common.protocol.PatchName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link PatchStore} adapter must do, written once (as Spring Data's shared repository tests): each
 * adapter's test extends this class and says how to make its store.
 */
public abstract class PatchStoreContract {
    /** A fresh, empty store. */
    protected abstract PatchStore store() throws Exception;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void whatIsPutIsWhatIsGot() throws Exception {
        PatchStore store = store();
        String key = PatchKeys.patch("job-1", new PatchName(3, 7));
        byte[] patch = new byte[300_000];
        new java.util.Random(1).nextBytes(patch);
        store.put(key, patch);
        assertArrayEquals(patch, store.get(key).orElseThrow());
        assertTrue(store.exists(key));
    }

    @Test
    void anAbsentKeyIsEmptyNotAnError() throws Exception {
        PatchStore store = store();
        String key = PatchKeys.result("job-1", new PatchName(0, 0));
        assertTrue(store.get(key).isEmpty());
        assertFalse(store.exists(key));
        store.delete(key); // nothing to delete: no error
    }

    @Test
    void puttingAKeyAgainReplacesIt() throws Exception {
        PatchStore store = store();
        String key = PatchKeys.result("job-1", new PatchName(1, 1));
        store.put(key, bytes("first"));
        store.put(key, bytes("second, longer"));
        assertArrayEquals(bytes("second, longer"), store.get(key).orElseThrow());
    }

    @Test
    void deletingAJobRemovesItsKeysAndNoOthers() throws Exception {
        PatchStore store = store();
        PatchName p = new PatchName(0, 1);
        store.put(PatchKeys.patch("job-a", p), bytes("a patch"));
        store.put(PatchKeys.result("job-a", p), bytes("a result"));
        store.put(PatchKeys.patch("job-ab", p), bytes("another job's"));
        store.put(PatchKeys.patch("job-b", p), bytes("b patch"));
        store.deleteJob("job-a");
        assertTrue(store.get(PatchKeys.patch("job-a", p)).isEmpty());
        assertTrue(store.get(PatchKeys.result("job-a", p)).isEmpty());
        assertArrayEquals(bytes("another job's"), store.get(PatchKeys.patch("job-ab", p)).orElseThrow());
        assertArrayEquals(bytes("b patch"), store.get(PatchKeys.patch("job-b", p)).orElseThrow());
    }

    @Test
    void deletingOneKeyLeavesTheOthers() throws Exception {
        PatchStore store = store();
        store.put(PatchKeys.patch("job-1", new PatchName(0, 0)), bytes("x"));
        store.put(PatchKeys.patch("job-1", new PatchName(0, 1)), bytes("y"));
        store.delete(PatchKeys.patch("job-1", new PatchName(0, 0)));
        assertFalse(store.exists(PatchKeys.patch("job-1", new PatchName(0, 0))));
        assertTrue(store.exists(PatchKeys.patch("job-1", new PatchName(0, 1))));
    }

    /** Keys come from broker messages, which anyone on the broker can send: none may name a place outside the store. */
    @Test
    void keysThatLeaveTheStoreAreRefused() throws Exception {
        PatchStore store = store();
        for (String key : new String[]{"../etc/passwd", "/etc/passwd", "job-1/../../x", "job-1/pending/../../../x",
                "job-1", "Job-1/pending/r0-c0.patch", "job-1//r0-c0.patch", "job-1/pending/r0-c0.patch\n", ""}) {
            assertThrows(IllegalArgumentException.class, () -> store.get(key), key);
            assertThrows(IllegalArgumentException.class, () -> store.put(key, bytes("x")), key);
        }
    }
}
