package dev.lip.algorithms.onnx;

import dev.lip.algorithms.Algorithm;
import dev.lip.algorithms.ParameterSpec;
import dev.lip.common.pixels.ImageInfo;

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
 *
 * <p>This is the description: parameters, their checks ({@link OnnxSettings}) and the finish of blended predictions
 * ({@link Predictions}), all plain Java. The model runs in {@code lip-onnx}'s {@code OnnxKernel}, which only the
 * processor loads, so slicer-api does not ship ONNX Runtime.
 */
public final class OnnxAlgorithm implements Algorithm {

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
                new ParameterSpec("scale", "number", "1/255 (1/65535 for 16-bit images, 1 for int16, 32 and 64-bit ones)", "positive; a decimal or a fraction",
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
    public OnnxSettings settings(Map<String, String> resolved) {
        return OnnxSettings.parse(resolved);
    }
}
