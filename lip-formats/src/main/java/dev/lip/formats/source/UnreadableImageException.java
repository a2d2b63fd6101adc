package dev.lip.formats.source;

import java.io.IOException;

/** The input cannot be read; the message is a sentence for the user, without a stack trace. */
public class UnreadableImageException extends IOException {
    public UnreadableImageException(String message) {
        super(message);
    }

    public UnreadableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
