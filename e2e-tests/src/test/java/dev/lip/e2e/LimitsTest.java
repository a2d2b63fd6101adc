package dev.lip.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Limits and safety settings, and the rest of the bad-input corpus, against slicer-api configured with them. */
class LimitsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token";
    private static Trio trio;
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        trio = new Trio(true, "--lip.api-token=" + TOKEN, "--lip.max-upload-bytes=8000000", "--lip.max-pixels=4000000",
                "--lip.retention=3s", "--lip.retention-check-interval=500ms");
    }

    @AfterAll
    static void stop() {
        trio.close();
    }

    record Answer(int status, String type, JsonNode body) {
    }

    private Answer post(String query, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs" + query))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.body().isEmpty() ? JSON.missingNode() : JSON.readTree(r.body()));
    }

    private static void assertProblem(Answer a, int status, String contains) {
        assertEquals(status, a.status(), a.body().toString());
        assertTrue(a.type().startsWith("application/problem+json"), a.type());
        assertTrue(a.body().path("detail").asText().contains(contains), a.body().toString());
    }

    private Trio.Run client(String... args) throws Exception {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--token";
        all[args.length + 1] = TOKEN;
        return trio.client(all);
    }

    @Test
    void theApiTokenIsRequiredWhenConfiguredButHealthStaysOpen() throws Exception {
        byte[] png = pngBytes(SampleImage.generate(20, 20, 3, 8, 1));
        assertProblem(post("", png, null), 401, "needs an API token");
        assertProblem(post("", png, "wrong"), 401, "wrong");
        assertEquals(202, post("", png, TOKEN).status());
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create(trio.api() + "/actuator/health")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode());

        Trio.Run without = trio.client("list");
        assertEquals(1, without.exitCode());
        assertTrue(without.stderr().contains("API token"), without.stderr());
        assertEquals(0, client("list").exitCode());
    }

    @Test
    void uploadsOverTheSizeLimitGet413() throws Exception {
        assertProblem(post("", new byte[8_000_001], TOKEN), 413, "lip.max-upload-bytes");
        Path big = dir.resolve("big.bin");
        Files.write(big, new byte[8_000_001]);
        Trio.Run run = client("upload", big.toString(), "-q");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("lip.max-upload-bytes") && run.stderr().contains("HTTP 413"), run.stderr());
    }

    @Test
    void headersPromisingTooManyPixelsAreRefusedBeforeAnyAllocation() throws Exception {
        assertProblem(post("", hugePngHeader(1_000_000, 1_000_000), TOKEN), 400, "lip.max-pixels");
        assertProblem(post("", hugeTiledTiffHeader(1_000_000, 1_000_000), TOKEN), 400, "lip.max-pixels");
        assertProblem(post("", pngBytes(SampleImage.generate(2001, 2000, 1, 8, 1)), TOKEN), 400, "at most 4000000");
    }

    @Test
    void oneByOneSixteenBitAndCmykAndExifOrientation() throws Exception {
        SampleImage one = SampleImage.generate(1, 1, 3, 8, 9);
        Path in = dir.resolve("one.png");
        one.writePng(in);
        Path out = dir.resolve("one.tif");
        Trio.Run run = client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "16");
        assertEquals(0, run.exitCode(), run.stderr());
        Masks.assertMaskEquals(one.thresholdMask(128, false), 1, 1, out, "1 x 1");

        // A JPEG whose frame header declares 4 components (CMYK/YCCK) but holds one's: refused from its header with
        // a sentence (real CMYK JPEGs are read: lip-formats' JpegScanlinesTest).
        Path grey = dir.resolve("g.jpg");
        SampleImage.generate(16, 16, 1, 8, 3).writeJpeg(grey, false, 0.9f);
        byte[] jpg = Files.readAllBytes(grey);
        for (int i = 2; i + 9 < jpg.length; i++) {
            if ((jpg[i] & 0xFF) == 0xFF && (jpg[i + 1] & 0xFF) == 0xC0) {
                jpg[i + 9] = 4; // SOF0: FF C0, length(2), precision(1), height(2), width(2), components
                break;
            }
        }
        assertProblem(post("", jpg, TOKEN), 400, "frame header is damaged");

        // EXIF orientation is not applied: the result has the stored pixel grid (documented in the README).
        SampleImage img = SampleImage.generate(40, 24, 3, 8, 4);
        Path plain = dir.resolve("plain.jpg");
        img.writeJpeg(plain, false, 0.9f);
        Path rotated = dir.resolve("rotated.jpg");
        Files.write(rotated, withExifOrientation(Files.readAllBytes(plain), 6));
        Path rotOut = dir.resolve("rotated.tif");
        run = client("process", rotated.toString(), "-o", rotOut.toString(), "-q", "--tile-size", "16");
        assertEquals(0, run.exitCode(), run.stderr());
        SampleImage decoded = SampleImage.decode(plain);
        Masks.assertMaskEquals(decoded.thresholdMask(128, false), 40, 24, rotOut, "EXIF orientation 6 ignored");
    }

    @Test
    void aJobThatWouldFillTheWorkDirectoryIsRefusedBeforeSlicing() throws Exception {
        // A slicer-api that must keep more free than the disk has: any job's patches would eat into that.
        long free = Files.getFileStore(dir).getUsableSpace();
        try (Trio tight = new Trio(false, "--lip.min-free-bytes=" + (free + (1L << 40)))) {
            Path in = dir.resolve("space.png");
            SampleImage.generate(200, 200, 3, 8, 7).writePng(in);
            Trio.Run run = tight.client("upload", in.toString(), "-q");
            assertEquals(1, run.exitCode());
            assertTrue(run.stderr().contains("HTTP 507") && run.stderr().contains("free"), run.stderr());
            // the job made with its upload (issue 27) stays as a FAILED record, its status alone: no patch, no image
            try (var jobs = Files.list(tight.tempDir)) {
                for (Path job : jobs.filter(p -> Files.isDirectory(p) && !p.getFileName().toString().startsWith(".")).toList()) {
                    try (var files = Files.list(job)) {
                        assertEquals(java.util.List.of("status.json"), files.map(f -> f.getFileName().toString()).toList(),
                                "nothing is left of the refused job but its record");
                    }
                    assertTrue(Files.readString(job.resolve("status.json")).contains("FAILED"));
                }
            }
        }
    }

    @Test
    void endedJobsAreRemovedAfterTheRetention() throws Exception {
        Path in = dir.resolve("r.png");
        SampleImage.generate(30, 30, 3, 8, 5).writePng(in);
        Path out = dir.resolve("r.tif");
        Trio.Run run = client("process", in.toString(), "-o", out.toString(), "-q", "--tile-size", "16");
        assertEquals(0, run.exitCode(), run.stderr());
        String id = run.stdout().replaceAll("(?s).*Job ([0-9a-f-]+):.*", "$1");
        assertTrue(Files.exists(trio.resultDir.resolve(id + ".tif")));
        long deadline = System.currentTimeMillis() + 15_000;
        // the work files and the result go one after the other: wait for both
        while ((Files.exists(trio.tempDir.resolve(id)) || Files.exists(trio.resultDir.resolve(id + ".tif")))
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertFalse(Files.exists(trio.tempDir.resolve(id)), "work files removed after the retention");
        assertFalse(Files.exists(trio.resultDir.resolve(id + ".tif")), "result removed after the retention");
        assertEquals(1, client("status", id).exitCode());
    }

    @Test
    void processedJobsNobodyAskedAResultOfExpireToo() throws Exception {
        Answer a = post("?tileSize=16", pngBytes(SampleImage.generate(30, 30, 3, 8, 6)), TOKEN);
        String id = a.body().path("id").asText();
        HttpRequest status = HttpRequest.newBuilder(URI.create(trio.api() + "/api/v1/jobs/" + id))
                .header("Authorization", "Bearer " + TOKEN).build();
        long deadline = System.currentTimeMillis() + 30_000;
        boolean seenProcessed = false;
        int code = 200;
        while (code == 200 && System.currentTimeMillis() < deadline) {
            HttpResponse<String> r = http.send(status, HttpResponse.BodyHandlers.ofString());
            code = r.statusCode();
            seenProcessed |= code == 200 && JSON.readTree(r.body()).path("state").asText().equals("PROCESSED");
            Thread.sleep(50);
        }
        assertTrue(seenProcessed, "the job was processed and waited for a result request");
        assertEquals(404, code, "then it expired after the retention");
        assertFalse(Files.exists(trio.tempDir.resolve(id)), "with its patches");
    }

    // ---- crafted inputs ----

    static byte[] pngBytes(SampleImage img) throws Exception {
        Path f = Files.createTempFile("lip", ".png");
        img.writePng(f);
        byte[] b = Files.readAllBytes(f);
        Files.delete(f);
        return b;
    }

    /** A PNG signature, a valid IHDR claiming width x height and the start of an IDAT: a decompression bomb's head. */
    static byte[] hugePngHeader(int width, int height) {
        ByteBuffer ihdr = ByteBuffer.allocate(17).put("IHDR".getBytes()).putInt(width).putInt(height)
                .put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
        CRC32 crc = new CRC32();
        crc.update(ihdr.array());
        byte[] data = new byte[64];
        ByteBuffer idat = ByteBuffer.allocate(4 + data.length).put("IDAT".getBytes()).put(data);
        CRC32 crc2 = new CRC32();
        crc2.update(idat.array());
        return ByteBuffer.allocate(8 + 4 + 17 + 4 + 4 + idat.capacity() + 4)
                .put(new byte[]{(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10})
                .putInt(13).put(ihdr.array()).putInt((int) crc.getValue())
                .putInt(data.length).put(idat.array()).putInt((int) crc2.getValue()).array();
    }

    /** A little-endian tiled TIFF whose IFD claims width x height in 4096² tiles, with no tile data. */
    static byte[] hugeTiledTiffHeader(int width, int height) {
        int tiles = ((width + 4095) / 4096) * ((height + 4095) / 4096);
        int entries = 10;
        int ifd = 8;
        int arrays = ifd + 2 + entries * 12 + 4;
        ByteBuffer b = ByteBuffer.allocate(arrays + tiles * 8 + 16).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifd);
        b.putShort((short) entries);
        entry(b, 256, 4, 1, width);
        entry(b, 257, 4, 1, height);
        entry(b, 258, 3, 1, 8);
        entry(b, 259, 3, 1, 1);
        entry(b, 262, 3, 1, 1);
        entry(b, 277, 3, 1, 1);
        entry(b, 322, 3, 1, 4096);
        entry(b, 323, 3, 1, 4096);
        entry(b, 324, 4, tiles, arrays);
        entry(b, 325, 4, tiles, arrays + tiles * 4);
        b.putInt(0);
        for (int i = 0; i < tiles; i++) {
            b.putInt(arrays + tiles * 8);
        }
        for (int i = 0; i < tiles; i++) {
            b.putInt(1);
        }
        return b.array();
    }

    private static void entry(ByteBuffer b, int tag, int type, int count, int value) {
        b.putShort((short) tag).putShort((short) type).putInt(count);
        if (type == 3 && count == 1) {
            b.putShort((short) value).putShort((short) 0);
        } else {
            b.putInt(value);
        }
    }

    /** Inserts an APP1 Exif segment with the given orientation right after SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        ByteBuffer tiff = ByteBuffer.allocate(26).order(ByteOrder.BIG_ENDIAN);
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8).putShort((short) 1)
                .putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0)
                .putInt(0);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2);
        int len = 2 + 6 + tiff.capacity();
        out.write(0xFF);
        out.write(0xE1);
        out.write(len >> 8);
        out.write(len & 0xFF);
        out.writeBytes("Exif\0\0".getBytes());
        out.writeBytes(tiff.array());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
