package dev.lip.onnx.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lip.algorithms.blend.Blend;
import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.testing.SampleImage;

import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Whole-image references for the onnx algorithm, written independently of it: the test models run straight on ONNX
 * Runtime on unpadded inputs, with raw samples as input ({@code scale=1}, no mean, no std, RGB order) and the
 * probability of output channel 0 as the result, 0-255.
 */
public final class OnnxReferences {
    private OnnxReferences() {
    }

    /** The model run once on the whole image. */
    public static byte[] wholeImage(byte[] model, SampleImage img) throws OrtException {
        float[][] out = run(model, img, new Rect(0, 0, img.width, img.height));
        byte[] result = new byte[img.width * img.height];
        for (int i = 0; i < result.length; i++) {
            result[i] = quantise(out[0][i]);
        }
        return result;
    }

    /**
     * The model run on each window of the grid (core plus halo, clipped to the image, unpadded) and the predictions
     * blended over the whole image at once: each window adds its weighted values into image-sized sums, windows in
     * row-major order. The mean is the first window's value plus the weighted mean of the others' differences from
     * it, the definition the stitcher uses (see Blender).
     */
    public static byte[] blended(byte[] model, SampleImage img, TileGrid grid, Blend blend) throws OrtException {
        int n = img.width * img.height;
        double[] base = new double[n];
        double[] sum = new double[n];
        double[] weight = new double[n];
        for (int r = 0; r < grid.rows(); r++) {
            for (int c = 0; c < grid.columns(); c++) {
                Tile t = grid.tile(r, c);
                Rect win = t.patch();
                float[] p = run(model, img, win)[0];
                for (int y = win.y(); y < win.bottom(); y++) {
                    for (int x = win.x(); x < win.right(); x++) {
                        int i = y * img.width + x;
                        double v = p[(y - win.y()) * win.width() + (x - win.x())];
                        double w = blend.weight(grid, t, x, y);
                        if (weight[i] == 0) {
                            base[i] = v;
                        } else {
                            sum[i] += w * (v - base[i]);
                        }
                        weight[i] += w;
                    }
                }
            }
        }
        byte[] result = new byte[n];
        for (int i = 0; i < n; i++) {
            result[i] = quantise(base[i] + sum[i] / weight[i]);
        }
        return result;
    }

    /** Output planes of the model on one window of the image, input [1, 3, h, w] of raw samples. */
    static float[][] run(byte[] model, SampleImage img, Rect win) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int plane = win.width() * win.height();
        float[] in = new float[3 * plane];
        for (int y = 0; y < win.height(); y++) {
            for (int x = 0; x < win.width(); x++) {
                for (int ch = 0; ch < 3; ch++) {
                    in[ch * plane + y * win.width() + x] = img.sample(win.x() + x, win.y() + y, img.bands >= 3 ? ch : 0);
                }
            }
        }
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions());
             OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(in), new long[]{1, 3, win.height(), win.width()});
             OrtSession.Result res = session.run(Map.of("X", t))) {
            FloatBuffer fb = ((OnnxTensor) res.get(0)).getFloatBuffer();
            int channels = fb.remaining() / plane;
            float[][] out = new float[channels][plane];
            for (int ch = 0; ch < channels; ch++) {
                fb.get(out[ch]);
            }
            return out;
        }
    }

    public static byte quantise(double v) {
        return (byte) (v > 0 ? Math.round(Math.min(v, 1.0) * 255) : 0);
    }
}
