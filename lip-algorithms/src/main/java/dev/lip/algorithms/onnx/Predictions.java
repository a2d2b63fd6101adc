package dev.lip.algorithms.onnx;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.pixels.SampleFormat;

/**
 * A model's output for one patch turned into what the processor publishes, and blended values into 8-bit results.
 * Values are rounded to float once, after the activation, on both paths, so a pixel covered by one patch gets the
 * same result whether it was cropped or blended.
 */
public final class Predictions {
    private Predictions() {
    }

    /**
     * @param prediction the model's output, [channels, h, w] planes starting at {@code offset}
     * @param patch      where the patch lies in the image (its pixels are at the top left of the planes)
     * @return with {@code blend=crop} the core as one 8-bit band; otherwise floats over the patch, one band for
     * probability and mask, every channel for labels
     */
    public static PixelRegion toResult(float[] prediction, int offset, int channels, int h, int w, Rect patch, Tile tile,
                                OnnxSettings s) {
        boolean labels = s.output().equals("labels");
        int keep = labels ? channels : 1;
        double[] raw = new double[channels];
        float[] kept = new float[keep];
        if (!s.blend().blends()) {
            Rect core = tile.core();
            double[] values = new double[(int) core.area() * keep];
            int ox = core.x() - patch.x(), oy = core.y() - patch.y();
            for (int y = 0; y < core.height(); y++) {
                for (int x = 0; x < core.width(); x++) {
                    pixel(prediction, offset, channels, h, w, ox + x, oy + y, s, raw, kept);
                    for (int k = 0; k < keep; k++) {
                        values[(y * core.width() + x) * keep + k] = kept[k];
                    }
                }
            }
            byte[] out = new byte[(int) core.area()];
            finish(values, keep, out, s);
            return new PixelRegion(core, 1, 8, out);
        }
        PixelRegion out = new PixelRegion(patch, keep, SampleFormat.FLOAT32);
        for (int y = 0; y < patch.height(); y++) {
            for (int x = 0; x < patch.width(); x++) {
                pixel(prediction, offset, channels, h, w, x, y, s, raw, kept);
                for (int k = 0; k < keep; k++) {
                    out.setFloatSample(x, y, k, kept[k]);
                }
            }
        }
        return out;
    }

    private static void pixel(float[] prediction, int offset, int channels, int h, int w, int x, int y, OnnxSettings s,
                              double[] raw, float[] kept) {
        for (int k = 0; k < channels; k++) {
            raw[k] = prediction[offset + (k * h + y) * w + x];
        }
        switch (s.activation()) {
            case "sigmoid" -> {
                for (int k = 0; k < channels; k++) {
                    raw[k] = 1 / (1 + Math.exp(-raw[k]));
                }
            }
            case "softmax" -> {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int k = 0; k < channels; k++) {
                    max = Math.max(max, raw[k]);
                }
                for (int k = 0; k < channels; k++) {
                    raw[k] = Math.exp(raw[k] - max);
                    sum += raw[k];
                }
                for (int k = 0; k < channels; k++) {
                    raw[k] /= sum;
                }
            }
            default -> {
            }
        }
        if (kept.length == channels && s.output().equals("labels")) {
            for (int k = 0; k < channels; k++) {
                kept[k] = (float) raw[k];
            }
        } else {
            kept[0] = (float) raw[s.channel()];
        }
    }

    /** Blended (or cropped) values to one byte a pixel. */
    public static void finish(double[] values, int channels, byte[] out, OnnxSettings s) {
        switch (s.output()) {
            case "labels" -> {
                for (int i = 0; i < out.length; i++) {
                    int best = 0;
                    for (int k = 1; k < channels; k++) {
                        if (values[i * channels + k] > values[i * channels + best]) {
                            best = k;
                        }
                    }
                    out[i] = (byte) Math.min(best, 255);
                }
            }
            case "mask" -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (byte) (values[i * channels] >= s.cutoff() ? 255 : 0);
                }
            }
            default -> {
                for (int i = 0; i < out.length; i++) {
                    double v = values[i * channels];
                    out[i] = (byte) (v > 0 ? Math.round(Math.min(v, 1.0) * 255) : 0);
                }
            }
        }
    }
}
