package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.algorithms.blend.Blend;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.testing.SampleImage;
import dev.lip.onnx.testing.OnnxReferences;
import dev.lip.onnx.testing.TestModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX models through the real services: the processor runs hand-encoded models from its models directory, in
 * batches on two threads, and the stitcher blends the float predictions; every pixel must equal a whole-image run
 * or the whole-array blending reference.
 */
@ExtendWith(Trio.Started.class)
class OnnxEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final byte[] POINTWISE = TestModels.pointwise(3, 1, new float[]{77, 150, 29}, new float[]{0}, 1f / 65536);
    static final byte[] CONV5 = TestModels.conv5(-1, -1);

    @TempDir
    Path dir;

    private Trio.Run process(Trio trio, Path in, Path out, String... options) throws Exception {
        if (!Files.exists(trio.modelsDir.resolve("conv5.onnx"))) { // rewriting would make the processor reload them
            TestModels.write(trio.modelsDir, "pointwise.onnx", POINTWISE);
            TestModels.write(trio.modelsDir, "conv5.onnx", CONV5);
        }
        trio.awaitModels("pointwise.onnx", "conv5.onnx");
        List<String> args = new ArrayList<>(List.of("process", in.toString(), "-o", out.toString(), "-q",
                "--algorithm", "onnx", "--param", "scale=1"));
        args.addAll(List.of(options));
        return trio.client(args.toArray(String[]::new));
    }

    @Test
    void aPointwiseModelGivesTheWholeImageResultWithAnyTilingAndBlend(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(333, 250, 3, 8, 61);
        Path in = dir.resolve("in.png");
        img.writePng(in);
        byte[] whole = OnnxReferences.wholeImage(POINTWISE, img);
        String[][] layouts = {{"64", "0", "crop"}, {"48", "20", "gaussian"}, {"96", "33", "constant"}, {"512", "0", "gaussian"}};
        for (String[] l : layouts) {
            Path out = dir.resolve("pointwise-" + l[0] + "-" + l[1] + "-" + l[2] + ".tif");
            Trio.Run run = process(trio, in, out, "--tile-size", l[0], "--overlap", l[1],
                    "--param", "model=pointwise.onnx", "--param", "blend=" + l[2], "--param", "batch=3");
            assertEquals(0, run.exitCode(), () -> run.stderr() + run.stdout());
            Masks.assertMaskEquals(whole, img.width, img.height, out, "pointwise " + String.join("/", l));
        }
        // lip.device=auto on the CPU build: the processor says where models run.
        assertTrue(trio.log("patch-processor").contains("no CUDA provider; running models on the CPU"),
                trio.log("patch-processor"));
    }

    @Test
    void aConvolutionWithCropEqualsTheWholeImageAndWithGaussianTheBlendingReference(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(301, 203, 3, 8, 62);
        Path in = dir.resolve("conv.png");
        img.writePng(in);
        Path cropped = dir.resolve("conv-crop.tif");
        Trio.Run crop = process(trio, in, cropped, "--tile-size", "64", "--overlap", "2",
                "--param", "model=conv5.onnx", "--param", "blend=crop", "--param", "batch=4");
        assertEquals(0, crop.exitCode(), () -> crop.stderr() + crop.stdout());
        Masks.assertMaskEquals(OnnxReferences.wholeImage(CONV5, img), img.width, img.height, cropped, "conv5 crop");

        Path blended = dir.resolve("conv-gauss.tif");
        Trio.Run run = process(trio, in, blended, "--tile-size", "48", "--overlap", "16",
                "--param", "model=conv5.onnx", "--param", "sigma=0.2", "--param", "batch=2");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(OnnxReferences.blended(CONV5, img, new TileGrid(img.width, img.height, 48, 16),
                new Blend(Blend.Mode.GAUSSIAN, 0.2)), img.width, img.height, blended, "conv5 gaussian");
    }

    @Test
    void aMissingModelIsRefusedAtSubmissionWithASentenceThatListsNoModels(Trio trio) throws Exception {
        Path in = dir.resolve("small.png");
        SampleImage.generate(60, 40, 3, 8, 63).writePng(in);
        Trio.Run run = process(trio, in, dir.resolve("x.tif"), "--param", "model=nonexistent.onnx");
        assertEquals(1, run.exitCode(), run.stdout());
        // refused before the upload (issue 26), naming the model and the setting, never the directory or other models
        assertTrue(run.stderr().contains("No running processor has the model 'nonexistent.onnx'")
                && run.stderr().contains("lip.models-dir") && !run.stderr().contains(trio.modelsDir.toString())
                && !run.stderr().contains("conv5.onnx"), run.stderr());

        Trio.Run path = process(trio, in, dir.resolve("x.tif"), "--param", "model=../secret.onnx");
        assertEquals(1, path.exitCode());
        assertTrue(path.stderr().contains("model must be a file name in the processor's models directory"), path.stderr());

        HttpResponse<String> list = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(trio.api() + "/api/v1/algorithms")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode onnx = null;
        for (JsonNode a : JSON.readTree(list.body())) {
            if (a.path("name").asText().equals("onnx")) {
                onnx = a;
            }
        }
        assertTrue(onnx != null && onnx.toString().contains("\"blend\"") && onnx.toString().contains("\"batch\""), list.body());
    }
}
