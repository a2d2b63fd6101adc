package dev.lip.formats.source;

import dev.lip.formats.NativeLibraries;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A whole JPEG file decoded row by row by libjpeg-turbo (SIMD, about three times the JDK's IJG 6b decoder), through
 * libjpeg's scanline API: a few rows in native memory at a time, however large the image. The API's error handling
 * needs a longjmp, so it is called through a few lines of C ({@code src/main/c/lip_jpeg.c}, built into the jar as
 * {@code liblipjpeg.so} where a compiler and libjpeg's headers were there at build time) bound with JNA. Without
 * that library or Debian's {@code libjpeg62-turbo}, or with {@code -Dlip.jpeg-scanlines=false}, {@link #available}
 * is false and the JDK's decoder runs; a log line says which. Damaged data, warnings included, is an exception with
 * libjpeg's sentence, never a crash or invented rows.
 */
final class JpegScanlines implements AutoCloseable {
    private static final int MESSAGE_BYTES = 200; // libjpeg's JMSG_LENGTH_MAX
    /** Rows asked of the native decoder at once: few enough to stay small, enough to make calls rare. */
    private static final int BATCH_ROWS = 16;

    interface Api extends Library {
        Pointer lip_jpeg_open(byte[] path, int[] info, byte[] message, int messageSize);

        /** As {@code lip_jpeg_open}, reading a file that is still arriving up to {@code length} bytes. */
        Pointer lip_jpeg_open_arriving(byte[] path, long length, int[] info, byte[] message, int messageSize);

        int lip_jpeg_read(Pointer jpeg, Pointer dst, int rows, byte[] message, int messageSize);

        void lip_jpeg_close(Pointer jpeg);
    }

    private static final class Holder {
        static final Api API = NativeLibraries.codec(Api.class, "Baseline JPEGs", "libjpeg-turbo, row by row",
                "the JDK's decoder (liblipjpeg was not built, or libjpeg62-turbo is not installed)", "lipjpeg");
    }

    private final Api api;
    private final Pointer handle;
    private final int width;
    private final int height;
    private final int components;
    private final Memory rows;
    private final byte[] message = new byte[MESSAGE_BYTES];

    private JpegScanlines(Api api, Path file, long arrivingLength) throws java.io.IOException {
        this.api = api;
        int[] info = new int[3];
        byte[] path = (file.toAbsolutePath() + "\0").getBytes(StandardCharsets.UTF_8);
        Pointer h = null;
        if (arrivingLength > 0) {
            try {
                h = api.lip_jpeg_open_arriving(path, arrivingLength, info, message, message.length);
            } catch (UnsatisfiedLinkError e) {
                Arrival.awaitAll(file); // a library built before it could follow a file: read it once it is whole
                h = api.lip_jpeg_open(path, info, message, message.length);
            }
        } else {
            h = api.lip_jpeg_open(path, info, message, message.length);
        }
        this.handle = h;
        if (handle == null) {
            throw new UnreadableImageException("The JPEG cannot be decoded: " + message() + ".");
        }
        this.width = info[0];
        this.height = info[1];
        this.components = info[2];
        this.rows = new Memory((long) width * components * BATCH_ROWS);
    }

    /** Asked for each file, so that tests run both decoders in one JVM. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty("lip.jpeg-scanlines", "true")) && Holder.API != null;
    }

    /**
     * Starts decoding {@code file}; {@link #available} must be true.
     *
     * @param arrivingLength the length of a file still arriving ({@link Arrival}): the decoder waits for each part
     *                       it reads; 0 for a whole file
     */
    static JpegScanlines open(Path file, long arrivingLength) throws java.io.IOException {
        return new JpegScanlines(Holder.API, file, arrivingLength);
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    int components() {
        return components;
    }

    /** Samples a pixel as handed over: CMYK's four become RGB's three. */
    int outputComponents() {
        return components == 4 ? 3 : components;
    }

    /**
     * Hands every row, top to bottom, to {@code consumer} (one array, reused). CMYK rows (libjpeg gives Adobe's
     * inverted CMYK, YCCK converted to it) are converted to RGB as GDAL converts them: R = C K / 255, and alike.
     */
    void streamRows(ImageSource.RowConsumer consumer) throws java.io.IOException {
        int rowBytes = width * components;
        byte[] row = new byte[rowBytes];
        byte[] rgb = components == 4 ? new byte[width * 3] : null;
        int y = 0;
        while (y < height) {
            int n = api.lip_jpeg_read(handle, rows, Math.min(BATCH_ROWS, height - y), message, message.length);
            if (n < 0) {
                throw new UnreadableImageException("The JPEG is truncated or corrupt at row " + y + ": " + message() + ".");
            }
            if (n == 0) {
                throw new UnreadableImageException("The JPEG decoder delivered " + y + " of " + height + " rows.");
            }
            for (int i = 0; i < n; i++) {
                rows.read((long) i * rowBytes, row, 0, rowBytes);
                if (rgb != null) {
                    for (int x = 0; x < width; x++) {
                        int k = row[4 * x + 3] & 0xFF;
                        rgb[3 * x] = (byte) ((row[4 * x] & 0xFF) * k / 255);
                        rgb[3 * x + 1] = (byte) ((row[4 * x + 1] & 0xFF) * k / 255);
                        rgb[3 * x + 2] = (byte) ((row[4 * x + 2] & 0xFF) * k / 255);
                    }
                    consumer.accept(y + i, rgb);
                } else {
                    consumer.accept(y + i, row);
                }
            }
            y += n;
        }
    }

    private String message() {
        int end = 0;
        while (end < message.length && message[end] != 0) {
            end++;
        }
        return new String(message, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        api.lip_jpeg_close(handle);
        rows.close();
    }
}
