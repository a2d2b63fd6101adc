package dev.lip.formats.tiff;

import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/** A deflated result tile back to its pixels, which must be exactly {@code size} bytes. */
final class Inflation {
    private Inflation() {
    }

    static byte[] inflate(byte[] data, int size) throws IOException {
        byte[] out = new byte[size];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(data);
            int n = 0;
            while (n < size && !inflater.finished()) {
                int k = inflater.inflate(out, n, size - n);
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
            if (n < size) {
                throw new IOException("a tile of the result is cut short");
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException("a tile of the result is damaged", e);
        } finally {
            inflater.end();
        }
    }
}
