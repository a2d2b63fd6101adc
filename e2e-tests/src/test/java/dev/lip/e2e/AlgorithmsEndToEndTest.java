package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.References;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Algorithms that need the whole image (Otsu's global threshold) or neighbours (adaptive, morphology), through the
 * real services: the stitched result must equal a whole-image reference computed here.
 */
@ExtendWith(Trio.Started.class)
class AlgorithmsEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private JsonNode process(Trio trio, Path in, Path out, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("process", in.toString(), "-o", out.toString(), "-q"));
        args.addAll(List.of(options));
        Trio.Run run = trio.client(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), () -> run.stderr() + run.stdout());
        Matcher m = Pattern.compile("Job ([0-9a-f-]+):").matcher(run.stdout());
        assertTrue(m.find(), run.stdout());
        return get(trio, "/api/v1/jobs/" + m.group(1));
    }

    private JsonNode get(Trio trio, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(trio.api() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    @Test
    void otsuUsesTheWholeImageHistogramAndReportsT(Trio trio) throws Exception {
        SampleImage rgb = SampleImage.generate(501, 333, 3, 8, 101);
        Path png = dir.resolve("otsu.png");
        rgb.writePng(png);
        Path out = dir.resolve("otsu.tif");
        JsonNode job = process(trio, png, out, "--algorithm", "otsu", "--tile-size", "64");
        assertEquals(References.otsuThreshold(rgb), job.path("jobValues").path("otsuThreshold").asInt(), job.toString());
        Masks.assertMaskEquals(References.otsu(rgb), 501, 333, out, "otsu RGB PNG");

        SampleImage grey16 = SampleImage.generate(300, 257, 1, 16, 102);
        Path tif = dir.resolve("otsu16.tif");
        grey16.writeTiff(tif, "LZW", 64);
        Path out16 = dir.resolve("otsu16.result.tif");
        process(trio, tif, out16, "--algorithm", "otsu", "--tile-size", "96", "--overlap", "5");
        Masks.assertMaskEquals(References.otsu(grey16), 300, 257, out16, "otsu 16-bit TIFF");
    }

    @Test
    void adaptiveWithTilesSmallerThanTheWindowRaisesTheHalo(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(203, 150, 3, 8, 103);
        Path in = dir.resolve("adaptive.png");
        img.writePng(in);
        Path out = dir.resolve("adaptive.tif");
        JsonNode job = process(trio, in, out, "--algorithm", "adaptive", "--tile-size", "16",
                "--param", "radius=20", "--param", "offset=-3.5");
        assertEquals(20, job.path("grid").path("overlap").asInt(), job.toString());
        assertTrue(job.path("notes").toString().contains("overlap raised from 0 to 20"), job.toString());
        Masks.assertMaskEquals(References.adaptive(img, 20, -3.5), 203, 150, out, "adaptive");
    }

    @Test
    void morphologyClosingAndOpening(Trio trio) throws Exception {
        SampleImage img = SampleImage.generate(180, 133, 1, 8, 104);
        Path in = dir.resolve("morph.png");
        img.writePng(in);
        for (String op : new String[]{"closing", "opening"}) {
            Path out = dir.resolve("morph-" + op + ".tif");
            process(trio, in, out, "--algorithm", "morphology", "--tile-size", "32", "--overlap", "2",
                    "--param", "operation=" + op, "--param", "radius=3", "--param", "threshold=120");
            Masks.assertMaskEquals(References.morphology(img, 120, op.equals("opening"), 3), 180, 133, out, op);
        }
    }

    @Test
    void algorithmsAreListedAndBadParametersNameTheChoices(Trio trio) throws Exception {
        JsonNode list = get(trio, "/api/v1/algorithms");
        List<String> names = new ArrayList<>();
        list.forEach(a -> names.add(a.path("name").asText()));
        assertEquals(List.of("adaptive", "morphology", "onnx", "otsu", "threshold"), names);
        assertTrue(list.toString().contains("\"LUMA_HISTOGRAM\""), list.toString());

        Trio.Run cli = trio.client("algorithms");
        assertEquals(0, cli.exitCode(), cli.stderr());
        assertTrue(cli.stdout().contains("morphology") && cli.stdout().contains("--param operation="), cli.stdout());

        Path in = dir.resolve("x.png");
        SampleImage.generate(40, 30, 3, 8, 1).writePng(in);
        Trio.Run bad = trio.client("process", in.toString(), "-o", dir.resolve("x.tif").toString(), "-q",
                "--algorithm", "morphology", "--param", "operation=erode");
        assertEquals(1, bad.exitCode());
        assertTrue(bad.stderr().contains("operation must be one of opening, closing"), bad.stderr());
        Trio.Run unknown = trio.client("process", in.toString(), "-o", dir.resolve("x.tif").toString(), "-q",
                "--algorithm", "otsu", "--param", "threshold=3");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.stderr().contains("Unknown parameter 'threshold' for algorithm otsu"), unknown.stderr());
    }
}
