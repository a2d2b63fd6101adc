package dev.lip.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.Kernel;
import dev.lip.algorithms.PatchKernel;
import dev.lip.algorithms.onnx.OnnxSettings;
import dev.lip.algorithms.onnx.Predictions;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.PixelRegion;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The onnx algorithm's pixel work on ONNX Runtime (its description, parameters and finish are
 * {@link dev.lip.algorithms.onnx.OnnxAlgorithm}): each batch of patches (core plus halo) is normalised into a float
 * tensor [batch, channels, height, width], padded with zeros to what the model accepts, run, and each patch's
 * per-pixel prediction kept (see {@link Predictions}). The model is loaded and checked against the job's settings once
 * per job, in {@link #forJob}.
 */
public final class OnnxKernel implements Kernel {
    private final OnnxModels models = new OnnxModels();

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public void configure(Map<String, String> settings) {
        models.configure(Path.of(settings.getOrDefault("models-dir", "models")),
                Integer.parseInt(settings.getOrDefault("inference-threads", "1")),
                settings.getOrDefault("device", "auto"));
    }

    @Override
    public PatchKernel forJob(JobSettings settings, Map<String, Object> jobValues) {
        OnnxSettings s = Kernel.settingsOf(settings, OnnxSettings.class, name());
        OnnxModels.Model model = models.get(s.model());
        long modelChannels = model.fixed(1);
        if (modelChannels > 0 && modelChannels != s.inputChannels()) {
            throw new IllegalArgumentException("model " + s.model() + " takes " + modelChannels + " input channel(s), "
                    + "the job feeds " + s.inputChannels() + " (channels=" + s.channels() + ")");
        }
        return new PatchKernel() {
            @Override
            public PixelRegion process(PixelRegion patch, Tile tile) {
                return processBatch(List.of(patch), List.of(tile)).get(0);
            }

            @Override
            public List<PixelRegion> processBatch(List<PixelRegion> patches, List<Tile> tiles) {
                int perCall = model.fixed(0) > 0 ? (int) model.fixed(0) : patches.size();
                List<PixelRegion> out = new ArrayList<>(patches.size());
                for (int from = 0; from < patches.size(); from += perCall) {
                    int to = Math.min(patches.size(), from + perCall);
                    out.addAll(run(model, s, patches.subList(from, to), tiles.subList(from, to), perCall));
                }
                return out;
            }
        };
    }

    private static List<PixelRegion> run(OnnxModels.Model model, OnnxSettings s, List<PixelRegion> patches, List<Tile> tiles,
                                  int batchDim) {
        int maxW = 0, maxH = 0;
        for (PixelRegion p : patches) {
            maxW = Math.max(maxW, p.width());
            maxH = Math.max(maxH, p.height());
        }
        int h = inputSide(model, s, 2, maxH, "height");
        int w = inputSide(model, s, 3, maxW, "width");
        int c = s.inputChannels();
        // A model with a fixed batch dimension gets exactly that many inputs; the unused ones stay zero.
        int n = model.fixed(0) > 0 ? batchDim : patches.size();
        float[] input = new float[Math.multiplyExact(Math.multiplyExact(n * c, h), w)];
        for (int b = 0; b < patches.size(); b++) {
            Normalisation.fill(patches.get(b), s, input, b * c * h * w, h, w);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] prediction;
        int outChannels;
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[]{n, c, h, w});
             OrtSession.Result result = model.session().run(Map.of(model.input(), tensor))) {
            OnnxTensor o = (OnnxTensor) result.get(model.output()).orElseThrow();
            long[] shape = o.getInfo().getShape();
            boolean rank3 = shape.length == 3;
            outChannels = rank3 ? 1 : (int) shape[1];
            if (shape[0] != n || shape[shape.length - 2] != h || shape[shape.length - 1] != w) {
                throw new IllegalArgumentException("model " + s.model() + " answered an input of [" + n + ", " + c
                        + ", " + h + ", " + w + "] with " + java.util.Arrays.toString(shape)
                        + "; the onnx algorithm needs one prediction a pixel, the input's height and width");
            }
            FloatBuffer fb = o.getFloatBuffer();
            prediction = new float[fb.remaining()];
            fb.get(prediction);
        } catch (OrtException e) {
            throw new IllegalStateException("model " + s.model() + " failed: " + e.getMessage(), e);
        }
        if (!s.output().equals("labels") && s.channel() >= outChannels) {
            throw new IllegalArgumentException("channel=" + s.channel() + ", but model " + s.model() + " has "
                    + outChannels + " output channel(s)");
        }
        List<PixelRegion> out = new ArrayList<>(patches.size());
        for (int b = 0; b < patches.size(); b++) {
            out.add(Predictions.toResult(prediction, b * outChannels * h * w, outChannels, h, w, patches.get(b).bounds(),
                    tiles.get(b), s));
        }
        return out;
    }

    /** The side the model gets: its fixed size, or the patch's padded up to the multiple. */
    private static int inputSide(OnnxModels.Model model, OnnxSettings s, int dim, int needed, String what) {
        long fixed = model.fixed(dim);
        if (fixed > 0) {
            if (needed > fixed) {
                throw new IllegalArgumentException("model " + s.model() + " takes a " + what + " of " + fixed
                        + " pixels, but patches are " + needed + " (tile size + 2 x overlap): choose a tileSize and "
                        + "overlap whose sum tileSize + 2 x overlap is at most " + fixed);
            }
            return (int) fixed;
        }
        return (needed + s.multiple() - 1) / s.multiple() * s.multiple();
    }
}
