package dev.lip.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The processor's loaded models: one ONNX Runtime session per model file, created on first use and shared by all
 * worker threads (a session may run on several threads at once), never one per patch. A model file that changes on
 * disk (same name, new size or time) gets a new session; the old one is not closed, since a worker may still be
 * running it, so replacing models many times over grows the processor's memory until it restarts.
 */
final class OnnxModels {
    private static final Logger log = LoggerFactory.getLogger(OnnxModels.class);

    /** A loaded model and what its first input and output look like (dimensions are -1 where the model leaves them open). */
    record Model(String name, OrtSession session, String input, long[] inputShape, String output, String device) {
        long fixed(int dim) {
            return inputShape[dim];
        }
    }

    private record Key(String name, long size, long modified) {
    }

    private volatile Path dir = Path.of("models");
    private volatile int threads = 1;
    private volatile String device = "auto";
    private final Map<Key, Model> sessions = new ConcurrentHashMap<>();

    void configure(Path dir, int threads, String device) {
        this.dir = dir;
        this.threads = Math.max(1, threads);
        this.device = device;
    }

    Model get(String name) {
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(name).normalize();
        if (!file.getParent().equals(base) || !Files.isRegularFile(file)) {
            // The directory and its listing go to the processor's log only: job errors are shown to API clients.
            log.warn("no model '{}' in {} (lip.models-dir), which holds: {}", name, base, listing(base));
            throw new IllegalArgumentException("there is no model '" + name + "' in the processors' models directory "
                    + "(lip.models-dir); their log lists the models they have.");
        }
        Key key;
        try {
            key = new Key(name, Files.size(file), Files.getLastModifiedTime(file).toMillis());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sessions.computeIfAbsent(key, k -> load(file, k.name()));
    }

    private Model load(Path file, String name) {
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            String used = addProvider(env, options);
            OrtSession session = env.createSession(file.toString(), options);
            Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
            Map.Entry<String, NodeInfo> out = session.getOutputInfo().entrySet().iterator().next();
            if (!(in.getValue().getInfo() instanceof TensorInfo ti) || ti.getShape().length != 4
                    || ti.type != OnnxJavaType.FLOAT) {
                throw new IllegalArgumentException("model " + name + " takes " + in.getValue().getInfo()
                        + "; the onnx algorithm feeds one float tensor [batch, channels, height, width]");
            }
            if (!(out.getValue().getInfo() instanceof TensorInfo to) || to.type != OnnxJavaType.FLOAT
                    || to.getShape().length < 3 || to.getShape().length > 4) {
                throw new IllegalArgumentException("model " + name + " gives " + out.getValue().getInfo()
                        + "; the onnx algorithm reads one float tensor [batch, channels, height, width] or [batch, height, width]");
            }
            log.info("loaded model {} on {}: input {} {}, output {} {}, {} inference thread(s)", name, used,
                    in.getKey(), Arrays.toString(ti.getShape()), out.getKey(), Arrays.toString(to.getShape()), threads);
            return new Model(name, session, in.getKey(), ti.getShape(), out.getKey(), used);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load model " + name + ": " + e.getMessage(), e);
        }
    }

    /** CUDA where asked for (or, with {@code auto}, where this build has it) and a GPU answers; otherwise the CPU. */
    private String addProvider(OrtEnvironment env, OrtSession.SessionOptions options) {
        if (device.equals("cpu")) {
            return "CPU";
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            if (device.equals("cuda")) {
                log.warn("lip.device=cuda, but this build of ONNX Runtime has no CUDA provider (build with -Pgpu); "
                        + "running models on the CPU");
            } else {
                log.info("this build of ONNX Runtime has no CUDA provider; running models on the CPU");
            }
            return "CPU";
        }
        try {
            options.addCUDA(0);
            return "CUDA";
        } catch (OrtException | RuntimeException e) {
            log.warn("no GPU answered for ONNX Runtime's CUDA provider ({}); running models on the CPU", e.getMessage());
            return "CPU";
        }
    }

    private static String listing(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "nothing (it does not exist)";
        }
        try (Stream<Path> files = Files.list(dir)) {
            String names = String.join(", ", files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".onnx")).sorted().toList());
            return names.isEmpty() ? "no .onnx files" : names;
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}
