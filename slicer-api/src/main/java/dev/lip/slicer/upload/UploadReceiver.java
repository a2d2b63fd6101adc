package dev.lip.slicer.upload;

import dev.lip.slicer.config.LipProperties;
import dev.lip.slicer.job.JobException;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.BooleanSupplier;

/**
 * Streams a one-request upload's body to a file, with the limits a client must keep: at most
 * {@code lip.max-upload-bytes}, and the {@link MinimumRate}.
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
        MinimumRate rate = new MinimumRate(props.minUploadRate(), props.uploadRateGrace());
        byte[] buffer = new byte[1 << 20];
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
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
                    // one sync at the end, as the resumable upload's library does after each PATCH: the job made from
                    // these bytes is answered only once they would survive the machine's crash, not only ours
                    out.force(false);
                    return total;
                }
                ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
                total += n;
                if (total > max) {
                    throw tooLarge();
                }
                if (cancelled.getAsBoolean()) {
                    throw JobException.conflict("The job was cancelled while its image was being uploaded.");
                }
                rate.check(total);
            }
        }
    }

    private JobException tooLarge() {
        return new JobException(JobException.Kind.TOO_LARGE, "The upload is larger than the " + props.maxUploadBytes()
                + " bytes this service accepts (lip.max-upload-bytes).");
    }
}
