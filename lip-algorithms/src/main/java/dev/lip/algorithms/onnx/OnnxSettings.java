package dev.lip.algorithms.onnx;

import dev.lip.algorithms.JobSettings;
import dev.lip.algorithms.Parameters;
import dev.lip.algorithms.blend.Blend;
import dev.lip.common.pixels.ImageInfo;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The parameters of one onnx job, checked and parsed. {@link #resolve} runs in slicer-api at upload (so a bad value is
 * a 400 before any slicing); {@link #parse} reads the resolved strings back, once per job, in the processor and the
 * stitcher.
 */
public record OnnxSettings(String model, String channels, double scale, double[] mean, double[] std, String activation,
                    int channel, String output, double cutoff, Blend blend, int batch, int multiple)
        implements JobSettings {

    /** A file name, never a path: clients choose among the models the operator put in the models directory. */
    static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,199}");
    static final List<String> CHANNELS = List.of("rgb", "bgr", "gray");
    static final List<String> ACTIVATIONS = List.of("none", "sigmoid", "softmax");
    static final List<String> OUTPUTS = List.of("probability", "mask", "labels");
    static final List<String> BLENDS = List.of("gaussian", "constant", "crop");
    static final int MAX_BATCH = 256;

    public int inputChannels() {
        return channels.equals("gray") ? 1 : 3;
    }

    @Override
    public int batchSize() {
        return batch;
    }

    /** Class indices are categories: their pyramid levels take a pixel, not a mean. */
    @Override
    public boolean categorical() {
        return output.equals("labels");
    }

    @Override
    public void finish(double[] blended, int channels, byte[] out) {
        Predictions.finish(blended, channels, out, this);
    }

    static Map<String, String> resolve(Map<String, String> given, ImageInfo image) {
        Map<String, String> out = new LinkedHashMap<>();
        String model = given.get("model");
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("model is required: the file name of an ONNX model in the processor's "
                    + "models directory (lip.models-dir), for example model=unet.onnx.");
        }
        model = model.trim();
        if (!MODEL_NAME.matcher(model).matches() || model.contains("..")) {
            throw new IllegalArgumentException("model must be a file name in the processor's models directory "
                    + "(letters, digits, '.', '_', '-'; no path), not '" + model + "'.");
        }
        out.put("model", model);
        String channels = Parameters.choice(given, "channels", "rgb", CHANNELS);
        out.put("channels", channels);
        // integers to 0..1 by their range; int16, 32-bit and float samples are given to the model as they are
        String defaultScale = switch (image.sampleFormat()) {
            case UINT8 -> "1/255";
            case UINT16 -> "1/65535";
            default -> "1";
        };
        String scale = given.getOrDefault("scale", defaultScale).trim();
        fraction("scale", scale);
        out.put("scale", scale);
        int n = channels.equals("gray") ? 1 : 3;
        out.put("mean", numbers(given, "mean", "0", n, false));
        out.put("std", numbers(given, "std", "1", n, true));
        out.put("activation", Parameters.choice(given, "activation", "none", ACTIVATIONS));
        out.put("channel", String.valueOf(Parameters.integer(given, "channel", 0, 0, 4095)));
        String output = Parameters.choice(given, "output", "probability", OUTPUTS);
        out.put("output", output);
        out.put("cutoff", String.valueOf(number(given, "cutoff", "0.5")));
        out.put("blend", Parameters.choice(given, "blend", "gaussian", BLENDS));
        double sigma = number(given, "sigma", "0.125");
        if (!(sigma >= 0.01 && sigma <= 10)) {
            throw new IllegalArgumentException("sigma must be between 0.01 and 10 (a fraction of the window side), not " + sigma + ".");
        }
        out.put("sigma", String.valueOf(sigma));
        out.put("batch", String.valueOf(Parameters.integer(given, "batch", 1, 1, MAX_BATCH)));
        out.put("multiple", String.valueOf(Parameters.integer(given, "multiple", 32, 1, 1024)));
        return out;
    }

    static OnnxSettings parse(Map<String, String> p) {
        Blend blend = switch (p.get("blend")) {
            case "crop" -> Blend.CROP;
            case "constant" -> new Blend(Blend.Mode.CONSTANT, 0);
            default -> new Blend(Blend.Mode.GAUSSIAN, Double.parseDouble(p.get("sigma")));
        };
        return new OnnxSettings(p.get("model"), p.get("channels"), fraction("scale", p.get("scale")),
                list(p.get("mean")), list(p.get("std")), p.get("activation"), Integer.parseInt(p.get("channel")),
                p.get("output"), Double.parseDouble(p.get("cutoff")), blend, Integer.parseInt(p.get("batch")),
                Integer.parseInt(p.get("multiple")));
    }

    /** A positive number, written as a decimal or as a fraction such as {@code 1/255}. */
    static double fraction(String name, String v) {
        double value;
        try {
            int slash = v.indexOf('/');
            value = slash < 0 ? Double.parseDouble(v)
                    : Double.parseDouble(v.substring(0, slash).trim()) / Double.parseDouble(v.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number or a fraction such as 1/255, not '" + v + "'.");
        }
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be positive, not '" + v + "'.");
        }
        return value;
    }

    private static double number(Map<String, String> given, String name, String def) {
        String v = given.getOrDefault(name, def).trim();
        try {
            double d = Double.parseDouble(v);
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " must be a number, not '" + v + "'.");
    }

    /** One number for every channel, or one for all; kept as a comma-separated list of {@code n}. */
    private static String numbers(Map<String, String> given, String name, String def, int n, boolean positive) {
        String v = given.getOrDefault(name, def).trim();
        String[] parts = v.split(",");
        double[] values = new double[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                values[i] = Double.parseDouble(parts[i].trim());
                if (!Double.isFinite(values[i]) || positive && values[i] <= 0) {
                    throw new NumberFormatException();
                }
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be " + (positive ? "positive " : "") + "numbers separated "
                    + "by commas, one for each of the " + n + " input channel(s) or one for all, not '" + v + "'.");
        }
        if (values.length != 1 && values.length != n) {
            throw new IllegalArgumentException(name + " needs 1 or " + n + " values for " + n
                    + " input channel(s), not " + values.length + ".");
        }
        double[] all = new double[n];
        for (int i = 0; i < n; i++) {
            all[i] = values[values.length == 1 ? 0 : i];
        }
        return String.join(",", Arrays.stream(all).mapToObj(String::valueOf).toList());
    }

    private static double[] list(String v) {
        return Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
}
