package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded mutation fuzzer over small JPEG, PNG and TIFF files, through the real services. Every case must end in
 * one of three ways: a 4xx with a sentence; a FAILED job with a sentence; or a DONE job whose result equals the
 * threshold of what the JDK's own reader decodes from the same bytes (a reader that warns counts as refusing).
 * Never a 5xx, a hang, a job left RECEIVING, or a DONE result that differs from the reference.
 *
 * <p>{@code -Dlip.fuzz.cases=N} (240 by default) and {@code -Dlip.fuzz.seed=S} run more, or other, cases; a
 * failure names its case's seed so it can be replayed.
 */
class FuzzTest {
    private static final int CASES = Integer.getInteger("lip.fuzz.cases", 240);
    private static final long SEED = Long.getLong("lip.fuzz.seed", 20261124L);
    private static final int NATIVE_CASES = Integer.getInteger("lip.fuzz.native-cases", 80);
    private static Trio trio;
    private static Http api;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        trio = new Trio(true, "--lip.slice-threads=2"); // two threads in one decoder, where sharing went wrong
        api = new Http(trio.api(), null);
    }

    @AfterAll
    static void stop() {
        trio.close();
    }

    private static byte[] seedFile(String kind) throws IOException {
        SampleImage img = SampleImage.generate(48, 40, kind.equals("grey-png") ? 1 : 3, 8, kind.hashCode());
        Path f = dir.resolve(kind);
        switch (kind) {
            case "png", "grey-png" -> img.writePng(f);
            case "jpeg" -> img.writeJpeg(f, false, 0.9f);
            case "progressive-jpeg" -> img.writeJpeg(f, true, 0.9f);
            case "tiff" -> img.writeTiff(f, "Deflate", 16);
            case "striped-tiff" -> img.writeTiff(f, "LZW", 0);
            default -> throw new IllegalArgumentException(kind);
        }
        return Files.readAllBytes(f);
    }

    /** Byte flips, a truncation, or header fields set to extremes. */
    static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(3)) {
            case 0 -> {
                for (int i = 1 + r.nextInt(8); i > 0; i--) {
                    b[r.nextInt(b.length)] ^= (byte) (1 + r.nextInt(255));
                }
            }
            case 1 -> b = java.util.Arrays.copyOf(b, 8 + r.nextInt(b.length - 8));
            default -> {
                int at = r.nextInt(Math.min(b.length, 200));
                byte[] values = {0, (byte) 0xFF, 0x7F, (byte) 0x80, 1};
                byte v = values[r.nextInt(values.length)];
                for (int i = 0, n = new int[]{1, 2, 4}[r.nextInt(3)]; i < n && at + i < b.length; i++) {
                    b[at + i] = v;
                }
            }
        }
        return b;
    }

    @Test
    void mutatedImagesEndInASentenceOrInTheReferencesPixels() throws Exception {
        List<String> kinds = List.of("png", "grey-png", "jpeg", "progressive-jpeg", "tiff", "striped-tiff");
        Map<String, byte[]> seeds = new ConcurrentHashMap<>();
        for (String k : kinds) {
            seeds.put(k, seedFile(k));
        }
        List<String> failures = runCases("fuzz", kinds, seeds, CASES, SEED, 4,
                (seed, r) -> mutate(seed, r), FuzzTest::runCase);
        for (JsonNode j : api.get("/api/v1/jobs").json()) {
            if (j.path("state").asText().equals("RECEIVING")) {
                failures.add("job left RECEIVING: " + j);
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " of " + CASES + " cases went wrong:\n"
                + String.join("\n", failures.subList(0, Math.min(15, failures.size()))));
    }

    /**
     * Issue 23: inputs that reach native code (OpenSlide's NDPI and Philips readers and its vendor detection,
     * libjpeg-turbo for JPEG tiles, libtiff for CIELab and old-style JPEG), mutated, through the real service with two slice threads: every case a 4xx, a
     * FAILED job with a sentence, or DONE; slicer-api alive and under 600 MB at the end, whatever the decoders did.
     */
    @Test
    void mutatedSlidesAndJpegTiledTiffsCostTheirOwnJobOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.lip.formats.testing.FieldTools.installed("vips")
                        && dev.lip.formats.testing.FieldTools.installed("gdal_translate")
                        && dev.lip.formats.testing.FieldTools.installed("openslide-show-properties"),
                "libvips, GDAL and OpenSlide are not installed: apt-get install libvips-tools gdal-bin openslide-tools libopenslide0");
        Map<String, byte[]> seeds = new ConcurrentHashMap<>();
        Path png = dir.resolve("slide.png");
        SampleImage.generate(256, 192, 3, 8, 77).writePng(png);
        Path jpeg = dir.resolve("slide.jpg");
        dev.lip.formats.testing.FieldTools.run("vips", "jpegsave", png.toString(), jpeg.toString(), "--restart-interval", "4");
        Path ndpi = dir.resolve("slide.ndpi");
        byte[] l0 = Files.readAllBytes(jpeg);
        dev.lip.formats.testing.NdpiLikeSlide.write(l0, 256, 192, l0.length, ndpi);
        seeds.put("ndpi", Files.readAllBytes(ndpi));
        Path philips = dir.resolve("philips.tiff");
        dev.lip.formats.testing.FieldTools.philipsSlide(png, philips);
        seeds.put("philips", Files.readAllBytes(philips));
        Path tiled = dir.resolve("jpeg-tiled.tif");
        dev.lip.formats.testing.FieldTools.run("vips", "tiffsave", png.toString(), tiled.toString(), "--compression",
                "jpeg", "--tile", "--tile-width", "64", "--tile-height", "64");
        seeds.put("jpeg-tiled", Files.readAllBytes(tiled));
        // layouts libtiff's RGBA interface decodes (issue 24): CIELab tiles, YCbCr strips, old-style JPEG
        Path lab = dir.resolve("lab.tif");
        dev.lip.formats.testing.FieldTools.run("gdal_translate", "-q", "-co", "PHOTOMETRIC=CIELAB", "-co", "TILED=YES",
                "-co", "BLOCKXSIZE=64", "-co", "BLOCKYSIZE=64", "-co", "COMPRESS=DEFLATE", png.toString(), lab.toString());
        seeds.put("cielab", Files.readAllBytes(lab));
        Path jfif = dir.resolve("ojpeg.jpg");
        dev.lip.formats.testing.FieldTools.run("gdal_translate", "-q", "-of", "JPEG", png.toString(), jfif.toString());
        seeds.put("ojpeg", dev.lip.formats.testing.OldStyleJpeg.of(Files.readAllBytes(jfif), 256, 192));
        List<String> kinds = List.of("ndpi", "philips", "jpeg-tiled", "cielab", "ojpeg");
        List<String> failures = runCases("native fuzz", kinds, seeds, NATIVE_CASES, SEED + 100_000, 2,
                (seed, r) -> r.nextBoolean() ? mutate(seed, r) : flipAnywhere(seed, r), FuzzTest::runNativeCase);
        ContainmentTest.assertAlive(trio, api);
        long rss = ContainmentTest.rssMegabytes(trio.apiProcess().pid());
        assertTrue(rss < 600, "slicer-api at " + rss + " MB");
        assertTrue(failures.isEmpty(), failures.size() + " of " + NATIVE_CASES + " cases went wrong:\n"
                + String.join("\n", failures.subList(0, Math.min(15, failures.size()))));
    }

    interface Mutation {
        byte[] apply(byte[] seed, Random random);
    }

    interface Case {
        /** @return the outcome ("4xx", "FAILED", "DONE"); throws for anything that must not happen */
        String run(byte[] input) throws Exception;
    }

    /**
     * Runs {@code cases} mutated inputs, kinds in turn, on {@code threads} clients at once, and prints how they ended.
     *
     * @return what went wrong, a line a case, each naming its seed and where its input was kept
     */
    private static List<String> runCases(String name, List<String> kinds, Map<String, byte[]> seeds, int cases,
                                         long firstSeed, int threads, Mutation mutation, Case run) throws Exception {
        Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> runs = new ArrayList<>();
        for (int i = 0; i < cases; i++) {
            long caseSeed = firstSeed + i;
            String kind = kinds.get(i % kinds.size());
            runs.add(pool.submit(() -> {
                byte[] input = mutation.apply(seeds.get(kind), new Random(caseSeed));
                try {
                    outcomes.computeIfAbsent(kind + " " + run.run(input), k -> new AtomicInteger()).incrementAndGet();
                } catch (Throwable e) {
                    failures.add(kind + " case seed " + caseSeed + ": " + e.getMessage() + " (input kept as "
                            + keep(input, kind + "-" + caseSeed) + ")");
                }
            }));
        }
        for (Future<?> f : runs) {
            f.get();
        }
        pool.shutdown();
        System.out.println(name + " outcomes (" + cases + " cases, first seed " + firstSeed + "): "
                + new java.util.TreeMap<>(outcomes));
        return failures;
    }

    /** Byte flips anywhere in the file: in JPEG tiles and strips, not only in headers. */
    private static byte[] flipAnywhere(byte[] seed, Random r) {
        byte[] b = seed.clone();
        for (int i = 1 + r.nextInt(16); i > 0; i--) {
            b[r.nextInt(b.length)] = (byte) r.nextInt(256);
        }
        return b;
    }

    /** @return "4xx", "FAILED" or "DONE"; anything else (a 5xx, a hang, an error without a sentence) fails */
    private static String runNativeCase(byte[] input) throws Exception {
        JsonNode job = submitCase(input, 64, 120);
        return job == null ? "4xx" : job.path("state").asText();
    }

    /**
     * Submits a case and asks for its result: null for a 4xx with a sentence, else the ended job (DONE, or FAILED
     * with a plain sentence). A 5xx, a hang or a failure without a sentence is an AssertionError.
     */
    private static JsonNode submitCase(byte[] input, int tileSize, int seconds) throws Exception {
        Http.Answer a = api.upload("?tileSize=" + tileSize, input);
        if (a.status() >= 400 && a.status() < 500) {
            Http.assertProblem(a, a.status(), "");
            assertTrue(a.detail().length() > 10, "a 4xx without a sentence: " + a.detail());
            return null;
        }
        if (a.status() != 202) {
            throw new AssertionError("HTTP " + a.status() + ": " + new String(a.bytes()));
        }
        String id = a.json().path("id").asText();
        api.send(api.request("/api/v1/jobs/" + id + "/result").POST(HttpRequest.BodyPublishers.noBody()));
        JsonNode job = api.awaitState(id, s -> s.equals("DONE") || s.equals("FAILED"), seconds);
        if (job.path("state").asText().equals("FAILED")) {
            String error = job.path("error").asText();
            assertTrue(error.length() > 10 && !error.contains("/tmp/") && !error.contains("Exception")
                            && !error.contains("because \"") && !error.contains("out of bounds for length"),
                    "a failure without a plain sentence: " + error);
        }
        return job;
    }

    /** Keeps a failing case's input where the build leaves its reports, to look at or replay by hand. */
    private static Path keep(byte[] input, String name) {
        try {
            Path out = Files.createDirectories(Path.of("target", "fuzz-failures")).resolve(name);
            Files.write(out, input);
            return out.toAbsolutePath();
        } catch (IOException e) {
            return Path.of("(not kept: " + e + ")");
        }
    }

    /** @return "4xx", "FAILED" or "DONE"; throws AssertionError with the reason for anything else */
    private static String runCase(byte[] input) throws Exception {
        JsonNode job = submitCase(input, 16, 60);
        if (job == null || job.path("state").asText().equals("FAILED")) {
            return job == null ? "4xx" : "FAILED";
        }
        String id = job.path("id").asText();
        Http.Answer result = api.get("/api/v1/jobs/" + id + "/result");
        byte[] reference;
        try {
            reference = referenceMask(input);
        } catch (Exception | Error e) {
            throw new AssertionError("DONE, but the JDK's reader refuses these bytes: " + e);
        }
        byte[] mask = readMask(result.bytes());
        if (!java.util.Arrays.equals(reference, mask)) {
            int differ = 0;
            for (int i = 0; i < Math.min(mask.length, reference.length); i++) {
                differ += mask[i] != reference[i] ? 1 : 0;
            }
            throw new AssertionError("DONE with " + differ + " pixels (of " + reference.length + ") unlike the reference");
        }
        return "DONE";
    }

    /**
     * The default threshold (middle of the sample range) of what the JDK's reader decodes, pixels only (metadata
     * that does not describe pixels, such as a damaged resolution tag, is ignored as the services ignore it).
     *
     * @throws IOException when it refuses the bytes or warns (it warns where it made pixels up)
     */
    static byte[] referenceMask(byte[] input) throws IOException {
        BufferedImage im;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(input))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new IOException("no reader recognises the bytes");
            }
            ImageReader reader = readers.next();
            List<String> warnings = new ArrayList<>();
            reader.addIIOReadWarningListener((s, w) -> warnings.add(w));
            reader.setInput(in, true, true);
            im = reader.read(0);
            reader.dispose();
            if (!warnings.isEmpty()) {
                throw new IOException(reader.getClass().getSimpleName() + " warns: " + warnings.get(0));
            }
        }
        int w = im.getWidth();
        int h = im.getHeight();
        byte[] mask = new byte[w * h];
        Raster r = im.getRaster();
        int bits = r.getSampleModel().getSampleSize(0);
        boolean palette = im.getColorModel() instanceof IndexColorModel;
        int bands = palette ? 3 : r.getNumBands();
        int t = !palette && bits == 16 ? 32768 : 128;
        int lowMax = (1 << bits) - 1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                long luma;
                if (palette) {
                    int c = im.getColorModel().getRGB(r.getSample(x, y, 0));
                    luma = 299L * (c >>> 16 & 255) + 587L * (c >>> 8 & 255) + 114L * (c & 255);
                } else if (bands >= 3) {
                    luma = 299L * scale(r.getSample(x, y, 0), bits, lowMax) + 587L * scale(r.getSample(x, y, 1), bits, lowMax)
                            + 114L * scale(r.getSample(x, y, 2), bits, lowMax);
                } else {
                    luma = 1000L * scale(r.getSample(x, y, 0), bits, lowMax);
                }
                mask[y * w + x] = (byte) (luma >= 1000L * t ? 255 : 0);
            }
        }
        return mask;
    }

    private static int scale(int v, int bits, int lowMax) {
        return bits < 8 ? v * 255 / lowMax : v;
    }

    private static byte[] readMask(byte[] tiff) throws IOException {
        BufferedImage im = ImageIO.read(new ByteArrayInputStream(tiff));
        Raster r = im.getRaster();
        byte[] out = new byte[im.getWidth() * im.getHeight()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) r.getSample(i % im.getWidth(), i / im.getWidth(), 0);
        }
        return out;
    }
}
