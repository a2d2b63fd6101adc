package dev.lip.onnx;

import dev.lip.algorithms.onnx.OnnxSettings;
import dev.lip.common.pixels.PixelRegion;

/**
 * Patch samples into the model's input tensor: planar channels in the order the model wants, each
 * {@code (sample x scale - mean) / std}, computed in double and stored as float. Grey images feed the same value to
 * every colour channel; {@code channels=gray} feeds colour images' luma (0.299 R + 0.587 G + 0.114 B).
 */
final class Normalisation {
    private Normalisation() {
    }

    /** Writes the patch at the top left of a [channels, h, w] plane set starting at {@code offset}; the rest stays 0. */
    static void fill(PixelRegion patch, OnnxSettings s, float[] input, int offset, int h, int w) {
        int c = s.inputChannels();
        double[] scale = new double[c];
        double[] shift = new double[c];
        for (int ch = 0; ch < c; ch++) {
            scale[ch] = s.scale() / s.std()[ch];
            shift[ch] = s.mean()[ch] / s.std()[ch];
        }
        boolean colour = patch.bands() >= 3;
        boolean bgr = s.channels().equals("bgr");
        double[] v = new double[3];
        for (int y = 0; y < patch.height(); y++) {
            for (int x = 0; x < patch.width(); x++) {
                if (colour) {
                    double r = patch.value(x, y, 0), g = patch.value(x, y, 1), b = patch.value(x, y, 2);
                    if (c == 1) {
                        v[0] = 0.299 * r + 0.587 * g + 0.114 * b;
                    } else {
                        v[0] = bgr ? b : r;
                        v[1] = g;
                        v[2] = bgr ? r : b;
                    }
                } else {
                    v[0] = v[1] = v[2] = patch.value(x, y, 0);
                }
                for (int ch = 0; ch < c; ch++) {
                    input[offset + (ch * h + y) * w + x] = (float) (v[ch] * scale[ch] - shift[ch]);
                }
            }
        }
    }
}
