package dev.lip.e2e;

import dev.lip.formats.testing.TestTiffs;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole path a user walks: {@code lip process IMAGE -o OUT} against the real services, for every input layout,
 * with tile sizes that do not divide the image and with halos; every output pixel is compared with the threshold of
 * the whole image computed here.
 */
@ExtendWith(Trio.Started.class)
class EndToEndTest {
    @TempDir
    static Path dir;

    interface Writer {
        void write(SampleImage img, Path file) throws IOException;
    }

    /**
     * @param lossy the reference is the JDK's decoding of the written file rather than the generated samples
     */
    record Case(String name, SampleImage image, String suffix, Writer writer, boolean lossy, int tileSize, int overlap,
                Integer threshold, boolean invert) {
        @Override
        public String toString() {
            return name + " tile " + tileSize + " overlap " + overlap;
        }
    }

    static Stream<Arguments> cases() {
        List<Case> c = new ArrayList<>();
        SampleImage rgb = SampleImage.generate(1001, 777, 3, 8, 1);
        c.add(new Case("baseline JPEG RGB", rgb, ".jpg", (i, f) -> i.writeJpeg(f, false, 0.9f), true, 256, 0, null, false));
        c.add(new Case("baseline JPEG RGB", rgb, ".jpg", (i, f) -> i.writeJpeg(f, false, 0.9f), true, 96, 13, 100, false));
        c.add(new Case("progressive JPEG RGB", rgb, ".jpg", (i, f) -> i.writeJpeg(f, true, 0.9f), true, 128, 5, null, false));
        c.add(new Case("baseline JPEG grey", SampleImage.generate(640, 479, 1, 8, 2), ".jpg",
                (i, f) -> i.writeJpeg(f, false, 0.8f), true, 512, 0, null, true));
        c.add(new Case("PNG RGB 8-bit", rgb, ".png", SampleImage::writePng, false, 512, 0, null, false));
        int[][] pngLayouts = {{1, 8}, {2, 8}, {4, 8}, {1, 16}, {2, 16}, {3, 16}, {4, 16}};
        for (int[] l : pngLayouts) {
            c.add(new Case("PNG " + l[0] + "-band " + l[1] + "-bit", SampleImage.generate(301, 203, l[0], l[1], l[0] * 31 + l[1]),
                    ".png", SampleImage::writePng, false, 64, l[0] * 3, null, l[0] == 2));
        }
        c.add(new Case("PNG palette", SampleImage.palette(301, 203, 200, false, 5), ".png", SampleImage::writePng, false, 80, 7, 90, false));
        c.add(new Case("PNG palette with alpha", SampleImage.palette(301, 203, 64, true, 6), ".png", SampleImage::writePng, false, 48, 0, null, false));
        c.add(new Case("striped TIFF RGB deflate", rgb, ".tif", (i, f) -> i.writeTiff(f, "Deflate", 0), false, 240, 9, null, false));
        c.add(new Case("tiled TIFF RGB LZW", rgb, ".tif", (i, f) -> i.writeTiff(f, "LZW", 64), false, 256, 16, 140, false));
        c.add(new Case("tiled TIFF RGB uncompressed", SampleImage.generate(515, 333, 3, 8, 8), ".tif", (i, f) -> i.writeTiff(f, null, 128), false, 112, 0, null, false));
        c.add(new Case("tiled TIFF JPEG-compressed", SampleImage.generate(515, 333, 3, 8, 9), ".tif", (i, f) -> i.writeTiff(f, "JPEG", 64), true, 64, 3, null, false));
        c.add(new Case("striped TIFF grey 16-bit PackBits", SampleImage.generate(415, 301, 1, 16, 10), ".tif", (i, f) -> i.writeTiff(f, "PackBits", 0), false, 128, 0, 30000, false));
        c.add(new Case("tiled TIFF RGB 16-bit deflate", SampleImage.generate(415, 301, 3, 16, 11), ".tif", (i, f) -> i.writeTiff(f, "Deflate", 96), false, 160, 20, null, true));
        c.add(new Case("striped TIFF palette", SampleImage.palette(300, 200, 256, false, 12), ".tif", (i, f) -> i.writeTiff(f, "LZW", 0), false, 64, 0, null, false));
        c.add(new Case("BigTIFF RGB", rgb, ".tif", (i, f) -> TestTiffs.writeBigTiff(i, f, 128), false, 128, 0, null, false));
        c.add(new Case("BigTIFF grey 16-bit", SampleImage.generate(333, 250, 1, 16, 13), ".tif", (i, f) -> TestTiffs.writeBigTiff(i, f, 64), false, 96, 11, null, false));
        return c.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void processedResultEqualsTheWholeImageReference(Case c, Trio trio) throws Exception {
        Path input = dir.resolve(c.name().replaceAll("\\W+", "-") + "-" + c.tileSize() + "-" + c.overlap() + c.suffix());
        c.writer().write(c.image(), input);
        SampleImage reference = c.lossy() ? SampleImage.decode(input) : c.image();
        int t = c.threshold() != null ? c.threshold() : (1 << reference.bits) / 2;
        Path out = dir.resolve(input.getFileName() + ".result.tif");

        List<String> args = new ArrayList<>(List.of("process", input.toString(), "-o", out.toString(), "-q",
                "--tile-size", Integer.toString(c.tileSize()), "--overlap", Integer.toString(c.overlap())));
        if (c.threshold() != null) {
            args.addAll(List.of("--param", "threshold=" + c.threshold()));
        }
        if (c.invert()) {
            args.addAll(List.of("--param", "invert=true"));
        }
        Trio.Run run = trio.client(args.toArray(String[]::new));
        assertEquals(0, run.exitCode(), () -> "client failed: " + run.stderr() + run.stdout() + "\n" + trio.log("slicer-api"));
        assertTrue(run.stdout().contains("Wrote " + out), run.stdout());
        assertTrue(Files.isRegularFile(out));
        Masks.assertMaskEquals(reference.thresholdMask(t, c.invert()), reference.width, reference.height, out, c.toString());
    }
}
