package dev.lip.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.ParameterSpec;
import dev.lip.algorithms.blend.Blend;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A segmentation model per patch on ONNX Runtime: each patch (core plus halo) is normalised into a float tensor
 * [batch, channels, height, width], padded with zeros to what the model accepts, run, and its per-pixel prediction
 * kept (after an optional sigmoid or softmax). With {@code blend=crop} the processor finishes each core itself;
 * with {@code gaussian} or {@code constant} it publishes the float prediction of the whole patch, and the stitcher
 * blends overlapping predictions (see {@link Blend}) and finishes them: {@code probability} as 0-255,
 * {@code mask} as 255 where the probability reaches {@code cutoff}, {@code labels} as the index of the largest channel.
 *
 * <p>Input sizes: where the model fixes height and width, every patch is padded to them (a patch larger than the
 * model's input is refused with a sentence); where it leaves them open, patches are padded up to a multiple of
 * {@code multiple} (32 by default, what strided encoders such as UNet and DBNet need). Padding is zero after
 * normalisation, which is what a convolution's own zero padding sees at the image edge, so a convolutional model
 * gives the same values at the image edge whether or not a patch was padded. Several patches per call
 * ({@code batch}) are padded to the same size.
 */
public final class OnnxAlgorithm implements Algorithm {
    private final OnnxModels models = new OnnxModels();

    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public String description() {
        return "Runs an ONNX segmentation model on each patch (ONNX Runtime) and blends the predictions of "
                + "overlapping patches: a probability map, a mask or class labels.";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                new ParameterSpec("model", "text", "(required)", "a file name in the processor's models directory",
                        "The ONNX model to run, by file name; the processor looks for it in lip.models-dir."),
                new ParameterSpec("channels", "choice", "rgb", "rgb, bgr, gray",
                        "Channel order the model expects; gray feeds one channel (luma of colour images)."),
                new ParameterSpec("scale", "number", "1/255 (1/65535 for 16-bit images)", "positive; a decimal or a fraction",
                        "Samples are multiplied by this before mean and std are applied."),
                new ParameterSpec("mean", "numbers", "0", "one per input channel, or one for all",
                        "Subtracted from each scaled channel."),
                new ParameterSpec("std", "numbers", "1", "positive; one per input channel, or one for all",
                        "Each channel is divided by this after the mean is subtracted."),
                new ParameterSpec("activation", "choice", "none", "none, sigmoid, softmax",
                        "Applied to the model's output per pixel before blending (none when the model ends in one)."),
                new ParameterSpec("channel", "integer", "0", "0 to the model's output channels - 1",
                        "Output channel read for probability and mask."),
                new ParameterSpec("output", "choice", "probability", "probability, mask, labels",
                        "probability: 0-255 scaled; mask: 255 where probability >= cutoff; labels: argmax over channels."),
                new ParameterSpec("cutoff", "number", "0.5", "any number", "Probability at which mask gives 255."),
                new ParameterSpec("blend", "choice", "gaussian", "gaussian, constant, crop",
                        "How predictions of overlapping patches combine: Gaussian weights centred on each patch, "
                                + "a plain mean, or only each patch's core. Needs an overlap to matter."),
                new ParameterSpec("sigma", "number", "0.125", "0.01 to 10",
                        "Gaussian sigma as a fraction of the patch side (tile size + 2 x overlap), as MONAI's sigma_scale."),
                new ParameterSpec("batch", "integer", "1", "1 to " + OnnxSettings.MAX_BATCH,
                        "Patches per model call."),
                new ParameterSpec("multiple", "integer", "32", "1 to 1024",
                        "Where the model leaves height and width open, patches are zero-padded to a multiple of this."));
    }

    @Override
    public Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        return OnnxSettings.resolve(given, image);
    }

    @Override
    public Blend blend(Map<String, String> parameters) {
        return OnnxSettings.parse(parameters).blend();
    }

    @Override
    public int batchSize(Map<String, String> parameters) {
        return Integer.parseInt(parameters.get("batch"));
    }

    @Override
    public void configure(Map<String, String> settings) {
        models.configure(Path.of(settings.getOrDefault("models-dir", "models")),
                Integer.parseInt(settings.getOrDefault("inference-threads", "1")),
                settings.getOrDefault("device", "auto"));
    }

    @Override
    public PixelRegion process(PixelRegion patch, Tile tile, Map<String, String> parameters, Map<String, Object> jobValues) {
        return processBatch(List.of(patch), List.of(tile), parameters, jobValues).get(0);
    }

    @Override
    public List<PixelRegion> processBatch(List<PixelRegion> patches, List<Tile> tiles, Map<String, String> parameters,
                                          Map<String, Object> jobValues) {
        OnnxSettings s = OnnxSettings.parse(parameters);
        OnnxModels.Model model = models.get(s.model());
        long modelChannels = model.fixed(1);
        if (modelChannels > 0 && modelChannels != s.inputChannels()) {
            throw new IllegalArgumentException("model " + s.model() + " takes " + modelChannels + " input channel(s), "
                    + "the job feeds " + s.inputChannels() + " (channels=" + s.channels() + ")");
        }
        int perCall = model.fixed(0) > 0 ? (int) model.fixed(0) : patches.size();
        List<PixelRegion> out = new ArrayList<>(patches.size());
        for (int from = 0; from < patches.size(); from += perCall) {
            int to = Math.min(patches.size(), from + perCall);
            out.addAll(run(model, s, patches.subList(from, to), tiles.subList(from, to), perCall));
        }
        return out;
    }

    private List<PixelRegion> run(OnnxModels.Model model, OnnxSettings s, List<PixelRegion> patches, List<Tile> tiles,
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

    @Override
    public void finish(double[] blended, int channels, byte[] out, Map<String, String> parameters) {
        Predictions.finish(blended, channels, out, OnnxSettings.parse(parameters));
    }

}
