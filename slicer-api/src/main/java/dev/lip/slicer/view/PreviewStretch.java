package dev.lip.slicer.view;

import dev.lip.common.protocol.SafeFiles;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How an input of samples wider than 8 bits is shown (issue 26: a uint16 scene of values up to a few thousand was
 * nearly black, its preview keeping the samples' high byte; int16 and float inputs had no preview). The preview
 * stores each sample on a logarithmic scale, {@link #LOG16} for uint16 and a symmetric one around the values' own
 * size for the others ({@link #wide}), which keeps the detail of the range used in 8 bits; a viewer's tile is then stretched between the 2nd
 * and 98th percentiles of the stored values (QGIS' default cumulative cut), counted over the whole input as it was
 * sliced, zeros left out (the no-data border of a scene). The percentiles come from the slicer's count once slicing
 * ends ({@value #FILE}), and from the live sketch before; 8-bit inputs are shown as they are.
 */
public final class PreviewStretch {
    /** 16-bit sample to its stored 8-bit value: round(255 ln(1 + v) / ln 65536). */
    public static final byte[] LOG16 = new byte[65536];
    public static final String FILE = "stretch.txt";

    static {
        double scale = 255 / Math.log(65536);
        for (int v = 0; v < 65536; v++) {
            LOG16[v] = (byte) Math.round(Math.log1p(v) * scale);
        }
    }

    /** The range of the symmetric log scale of wider samples: out to 10,000 times the scale either side of 0. */
    private static final double WIDE_SPAN = asinh(10_000);

    private PreviewStretch() {
    }

    /**
     * An int16, 32-bit or floating-point sample stored in 8 bits on a symmetric log scale around {@code scale} (the
     * size of the values, as {@link #scaleOf} finds it): 128 for 0, 1 to 255 out to 10,000 times the scale either
     * way; 0 for no value (NaN, infinity) or no scale yet.
     */
    public static byte wide(double v, double scale) {
        if (!Double.isFinite(v) || !(scale > 0)) {
            return 0;
        }
        double t = asinh(v / scale) / WIDE_SPAN;
        return (byte) Math.max(1, Math.min(255, Math.round(128 + 127 * t)));
    }

    /** The median of the finite, non-zero magnitudes among {@code values}; 0 when there are none. */
    public static double scaleOf(double[] values, int count) {
        double[] m = new double[count];
        int n = 0;
        for (int i = 0; i < count; i++) {
            double a = Math.abs(values[i]);
            if (Double.isFinite(a) && a > 0) {
                m[n++] = a;
            }
        }
        if (n == 0) {
            return 0;
        }
        java.util.Arrays.sort(m, 0, n);
        return m[n / 2];
    }

    private static double asinh(double x) {
        double a = Math.abs(x);
        return Math.copySign(Math.log(a + Math.sqrt(a * a + 1)), x);
    }

    /** The stored values' 2nd and 98th percentiles, zeros left out; null when there is nothing to count. */
    public static int[] cut(long[] histogram) {
        long total = 0;
        for (int v = 1; v < 256; v++) {
            total += histogram[v];
        }
        if (total == 0) {
            return null;
        }
        int lo = -1;
        int hi = 255;
        long seen = 0;
        for (int v = 1; v < 256; v++) {
            seen += histogram[v];
            if (lo < 0 && seen >= total * 0.02) {
                lo = v;
            }
            if (seen >= total * 0.98) {
                hi = v;
                break;
            }
        }
        return hi > lo ? new int[]{lo, hi} : new int[]{Math.max(0, lo - 1), lo + 1};
    }

    /** Saves the final cut beside the preview's tiles. */
    public static void save(Path previewDir, long[] histogram) throws IOException {
        int[] cut = cut(histogram);
        if (cut != null) {
            Path tmp = previewDir.resolve("." + FILE + ".tmp");
            Files.writeString(tmp, cut[0] + " " + cut[1] + "\n");
            Files.move(tmp, previewDir.resolve(FILE), java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The saved cut, or null when slicing has not ended (or the file is not one). */
    public static int[] saved(Path previewDir) {
        try {
            String[] parts = new String(SafeFiles.readSmall(previewDir.resolve(FILE), 64), StandardCharsets.US_ASCII)
                    .trim().split(" ");
            int lo = Integer.parseInt(parts[0]);
            int hi = Integer.parseInt(parts[1]);
            return lo >= 0 && hi <= 255 && hi > lo ? new int[]{lo, hi} : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** A preview tile (JPEG) with its values stretched from {@code cut} to the whole 0-255 range, as JPEG again. */
    public static byte[] apply(byte[] jpeg, int[] cut) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        if (image == null) {
            return jpeg;
        }
        int[] lut = new int[256];
        for (int v = 0; v < 256; v++) {
            lut[v] = Math.max(0, Math.min(255, Math.round((v - cut[0]) * 255f / (cut[1] - cut[0]))));
        }
        WritableRaster raster = image.getRaster();
        int[] row = new int[raster.getWidth() * raster.getNumBands()];
        for (int y = 0; y < raster.getHeight(); y++) {
            raster.getPixels(0, y, raster.getWidth(), 1, row);
            for (int i = 0; i < row.length; i++) {
                row[i] = lut[row[i]];
            }
            raster.setPixels(0, y, raster.getWidth(), 1, row);
        }
        return dev.lip.slicer.slicing.PreviewLayout.encodeImage(image);
    }
}
