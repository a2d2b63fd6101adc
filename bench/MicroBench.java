import dev.lip.algorithms.AdaptiveAlgorithm;
import dev.lip.algorithms.ThresholdAlgorithm;
import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.geometry.TileGrid;
import dev.lip.common.pixels.PatchFile;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.formats.tiff.TiledTiffWriter;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

/**
 * Micro-benchmarks of the hot loops, a plain harness (run by bench/micro.sh, not by CI): thresholding a patch,
 * the adaptive window sums, deflating a mask tile at several levels, writing and reading a patch file. Prints Mpx/s
 * per thread; each case is warmed up, then timed over several rounds, best and median reported.
 */
public class MicroBench {
    static final int SIZE = 512;

    interface Case {
        void run() throws Exception;
    }

    static void measure(String name, long pixelsPerRun, Case c) throws Exception {
        long warm = System.nanoTime();
        while (System.nanoTime() - warm < 1_000_000_000L) { // one second for the JIT
            c.run();
        }
        double[] rates = new double[15];
        for (int r = 0; r < rates.length; r++) {
            int runs = 0;
            long t0 = System.nanoTime();
            long elapsed;
            do {
                c.run();
                runs++;
                elapsed = System.nanoTime() - t0;
            } while (elapsed < 100_000_000L);
            rates[r] = pixelsPerRun * runs / (elapsed / 1e9) / 1e6;
        }
        java.util.Arrays.sort(rates);
        System.out.printf("%-44s best %8.1f Mpx/s   median %8.1f Mpx/s%n", name, rates[rates.length - 1], rates[rates.length / 2]);
    }

    public static void main(String[] args) throws Exception {
        Random rnd = new Random(1);
        Rect area = new Rect(0, 0, SIZE, SIZE);
        PixelRegion rgb = new PixelRegion(area, 3, 8);
        rnd.nextBytes(rgb.data());
        PixelRegion rgb16 = new PixelRegion(area, 3, 16);
        rnd.nextBytes(rgb16.data());
        long px = (long) SIZE * SIZE;
        Tile tile = new TileGrid(SIZE, SIZE, SIZE, 0).tile(0, 0);

        measure("threshold, RGB 8-bit 512² patch", px, () -> ThresholdAlgorithm.threshold(rgb, area, 128, false));
        measure("threshold, RGB 16-bit 512² patch", px, () -> ThresholdAlgorithm.threshold(rgb16, area, 32768, false));
        measure("adaptive r=15, RGB 8-bit 512² patch", px, () -> AdaptiveAlgorithm.adaptive(rgb, tile, 15, 0));

        // a mask with structure: thresholded smooth noise, as real masks are
        PixelRegion smooth = new PixelRegion(area, 1, 8);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                double v = Math.sin(x / 23.0) + Math.cos(y / 17.0) + 0.3 * rnd.nextGaussian();
                smooth.setSample(x, y, 0, v > 0 ? 255 : 0);
            }
        }
        for (int level : new int[]{1, 3, 6}) {
            Deflater d = new Deflater(level);
            ByteBuffer[] out = new ByteBuffer[1];
            measure("deflate mask tile 512², level " + level, px, () -> out[0] = TiledTiffWriter.encodeTile(smooth, SIZE, TiledTiffWriter.COMPRESSION_DEFLATE, d));
            System.out.printf("%-44s %d bytes (%.1f%% of raw)%n", "  compressed size, level " + level, out[0].remaining(), 100.0 * out[0].remaining() / px);
        }

        Path dir = Files.createTempDirectory("lip-micro");
        Path f = dir.resolve("p.patch");
        measure("patch write, RGB 8-bit 512² (page cache)", px, () -> PatchFile.write(f, rgb));
        measure("patch read, RGB 8-bit 512² (page cache)", px, () -> PatchFile.read(f));
        Files.delete(f);
        Files.delete(dir);
    }
}
