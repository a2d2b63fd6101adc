package dev.lip.slicer.decoding;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pool of decoder processes, with real processes: one waits for the next job, and its replacement starts once
 * no job is decoding rather than beside the job that took it (a decoder's start is about a core-second).
 */
class DecodersTest {
    private static final DecoderLimits LIMITS = new DecoderLimits(128L << 20, 600L << 20, 0, Duration.ofMinutes(1));

    @Test
    void theNextDecoderStartsWhenNoJobIsDecoding() throws Exception {
        try (Decoders decoders = new Decoders(LIMITS, List.of())) {
            await(decoders::hasSpare, "a decoder waits from the start");
            DecoderSession first = decoders.open("job 1");
            assertFalse(decoders.hasSpare(), "the waiting decoder was given to the job");
            DecoderSession second = decoders.open("job 2"); // none waiting: started for it
            first.close();
            // the old pool started a replacement as soon as the waiting one was taken; give such a start the time
            // the first session's process takes to end, then see that none came while job 2 decodes
            first.process().onExit().get();
            assertFalse(decoders.hasSpare(), "no decoder is started while a job decodes");
            second.close();
            await(decoders::hasSpare, "the next decoder starts once no job decodes");
            second.close(); // closing twice starts nothing more and fails nothing
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
