package dev.lip.slicer.decoding;

import java.io.IOException;

/**
 * A decoder process ended without finishing: it crashed, ran over its memory or went silent. Its message is a
 * sentence for the user about the file; the service and the other jobs go on.
 */
public final class DecoderFailure extends IOException {
    public DecoderFailure(String message) {
        super(message);
    }
}
