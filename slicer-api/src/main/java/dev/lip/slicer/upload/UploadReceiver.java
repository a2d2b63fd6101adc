package dev.lip.slicer.upload;

import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.job.JobException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * Streams an upload's body to a file, with the limits a client must keep: at most {@code lip.max-upload-bytes},
 * and at least {@code lip.min-upload-rate} bytes a second on average once {@code lip.upload-rate-grace} has passed,
 * so that trickling bytes cannot hold a request thread for ever (a client that stops sending altogether gets
 * Tomcat's read timeout).
 */
@Component
public class UploadReceiver {
    private final LipProperties props;

    public UploadReceiver(LipProperties props) {
        this.props = props;
    }

    /** Refuses an upload whose declared length is over the limit before reading any of it. */
    public void checkDeclaredLength(long contentLength) {
        if (props.maxUploadBytes() > 0 && contentLength > props.maxUploadBytes()) {
            throw tooLarge();
        }
    }

    /**
     * @param cancelled asked after every read: a job cancelled during its upload stops receiving at once
     * @return the bytes received
     */
    public long receive(InputStream body, Path target, BooleanSupplier cancelled) throws IOException {
        long max = props.maxUploadBytes() > 0 ? props.maxUploadBytes() : Long.MAX_VALUE;
        long start = System.nanoTime();
        byte[] buffer = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long total = 0;
            while (true) {
                int n;
                try {
                    n = body.read(buffer);
                } catch (IOException e) {
                    throw new UploadInterruptedException("The upload stopped after " + total + " bytes: the connection "
                            + "failed or timed out before the body was complete.");
                }
                if (n < 0) {
                    return total;
                }
                out.write(buffer, 0, n);
                total += n;
                if (total > max) {
                    throw tooLarge();
                }
                if (cancelled.getAsBoolean()) {
                    throw JobException.conflict("The job was cancelled while its image was being uploaded.");
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (seconds > props.uploadRateGrace().toSeconds() && total < seconds * props.minUploadRate()) {
                    throw new UploadInterruptedException("The upload arrived at " + (long) (total / seconds)
                            + " bytes a second, below the " + props.minUploadRate() + " this service requires "
                            + "(lip.min-upload-rate); it was cut off after " + total + " bytes.");
                }
            }
        }
    }

    private JobException tooLarge() {
        return new JobException(JobException.Kind.TOO_LARGE, "The upload is larger than the " + props.maxUploadBytes()
                + " bytes this service accepts (lip.max-upload-bytes).");
    }
}
