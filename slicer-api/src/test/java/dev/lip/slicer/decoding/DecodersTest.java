package dev.lip.slicer.decoding;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool of decoder processes, with real processes: one waits for the next job; its replacement starts once no job
 * is decoding rather than beside a job decoding alone (a decoder's start is about a core-second), and at once when
 * jobs overlap (each would otherwise wait for a start of its own).
 */
class DecodersTest {
    private static final DecoderLimits LIMITS = new DecoderLimits(128L << 20, 600L << 20, 0, Duration.ofMinutes(1));

    @Test
    void aJobDecodingAloneHasTheNextDecoderStartedWhenItEndsOverlappingJobsAtOnce() throws Exception {
        try (Decoders decoders = new Decoders(LIMITS, List.of())) {
            await(decoders::hasSpare, "a decoder waits from the start");
            DecoderSession first = decoders.open("job 1");
            decoders.awaitStarts();
            assertFalse(decoders.hasSpare(), "no decoder is started beside a job decoding alone");
            DecoderSession second = decoders.open("job 2"); // none waiting: started for it, and the next one too
            decoders.awaitStarts();
            assertTrue(decoders.hasSpare(), "jobs overlap: the next job's decoder is started at once");
            long waiting = decoders.spare().pid();
            DecoderSession third = decoders.open("job 3");
            assertEquals(waiting, third.process().pid(), "the third job took the decoder started for it");
            decoders.awaitStarts();
            assertTrue(decoders.hasSpare(), "and another was started for the next");
            for (DecoderSession s : List.of(first, second, third)) {
                s.close();
            }
            decoders.awaitStarts();
            assertTrue(decoders.hasSpare(), "one waits once no job decodes");
            DecoderSession fourth = decoders.open("job 4");
            fourth.close();
            fourth.close(); // closing twice starts nothing more and fails nothing
            await(decoders::hasSpare, "the next decoder starts once no job decodes");
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.sleep(20);
        }
    }
}
