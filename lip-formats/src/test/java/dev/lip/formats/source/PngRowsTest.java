package dev.lip.formats.source;

import dev.lip.common.testing.SampleImage;
import dev.lip.formats.testing.FieldTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PNG rows through ISA-L and our unfiltering: exactly GDAL's pixels for PNGs libvips and GDAL (libpng, every filter
 * type) write, 8 and 16-bit, one to four bands, the same rows as PNGJ gives (the path without ISA-L); damaged files
 * (bits flipped, cut short) a sentence or every row, never a crash of the JVM.
 */
class PngRowsTest {
    @TempDir
    Path dir;

    @AfterEach
    void bothPathsAgain() {
        System.clearProperty("lip.isal");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"vips pngsave IN OUT", "vips pngsave IN OUT --filter all", "gdal_translate -q -of PNG IN OUT",
            "gdal_translate -q -of PNG -ot UInt16 -scale 0 255 0 65535 IN OUT", "gdal_translate -q -of PNG -b 1 IN OUT",
            "gdal_translate -q -of PNG -b 1 -b 2 IN OUT", "gdal_translate -q -of PNG -b 1 -b 2 -b 3 -b 1 IN OUT",
            "gdal_translate -q -of PNG -ot UInt16 -b 1 -b 3 IN OUT", "vips pngsave IN OUT --compression 9 --filter all"})
    void fieldPngsAreWhatGdalDecodesThroughEitherPath(String command) throws Exception {
        Assumptions.assumeTrue(IsalInflater.available(),
                "liblipisal was not built (needs gcc and libisal-dev at build time) or libisal2 is missing");
        String tool = command.split(" ")[0];
        Assumptions.assumeTrue(FieldTools.installed(tool), tool + " is not installed");
        Assumptions.assumeTrue(FieldTools.installed("gdal_translate"), "GDAL is not installed: apt-get install gdal-bin");
        Path in = dir.resolve("in.png");
        SampleImage.generate(301, 203, 3, 8, 4).writePng(in);
        Path png = dir.resolve("out.png");
        FieldTools.make(command, in, png);
        byte[] expected = FieldTools.gdalPixels(png);
        for (String isal : List.of("true", "false")) {
            System.setProperty("lip.isal", isal);
            assertArrayEquals(expected, Decoded.rows(png), command + ", ISA-L " + isal);
        }
    }

    @Test
    void damagedPngsGiveASentenceOrEveryRowNeverACrash() throws Exception {
        Assumptions.assumeTrue(IsalInflater.available(),
                "liblipisal was not built (needs gcc and libisal-dev at build time) or libisal2 is missing");
        Path good = dir.resolve("good.png");
        SampleImage.generate(160, 120, 3, 8, 9).writePng(good);
        byte[] bytes = Files.readAllBytes(good);
        Decoded.Damage damage = (i, random) -> i % 3 == 0
                ? Arrays.copyOf(bytes, 8 + random.nextInt(bytes.length - 8)) // cut short
                : Decoded.flipBits(bytes, 33, random); // bits flipped past the signature and IHDR
        List<String> outcomes = Decoded.outcomes(dir, "damaged.png", 300, 4, damage, "The PNG", "Not");
        long failed = Decoded.failures(outcomes);
        assertTrue(failed > 200, "most damage is found: " + failed + " of 300");
        // PNGJ judges each file alike: the same rows, or a failure too (its sentences differ)
        System.setProperty("lip.isal", "false");
        List<String> pngj = Decoded.outcomes(dir, "damaged.png", 300, 4, damage, "The PNG", "Not");
        for (int i = 0; i < outcomes.size(); i++) {
            boolean rows = outcomes.get(i).startsWith("rows ");
            assertEquals(rows ? outcomes.get(i) : "a failure", pngj.get(i).startsWith("rows ") ? pngj.get(i) : "a failure",
                    "case " + i + ": " + outcomes.get(i) + " / PNGJ: " + pngj.get(i));
        }
    }

    /**
     * Issue 24: IDAT chunks with another chunk between them (which the PNG specification forbids) were refused by
     * PNGJ and read by the ISA-L path, whose pixels then differed from libvips' on 16.6% of them: both refuse it now.
     */
    @Test
    void imageDataInterruptedByAnotherChunkIsRefusedByBothPaths() throws Exception {
        Path good = dir.resolve("good.png");
        SampleImage.generate(120, 90, 3, 8, 2).writePng(good);
        byte[] png = Files.readAllBytes(good);
        Path split = dir.resolve("split.png");
        Files.write(split, rewrite(png, (type, data, out) -> {
            if (!type.equals("IDAT")) {
                return false;
            }
            int half = data.length / 2; // split it in two around a tEXt chunk
            chunk(out, "IDAT", Arrays.copyOfRange(data, 0, half));
            chunk(out, "tEXt", "Comment\0between".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            chunk(out, "IDAT", Arrays.copyOfRange(data, half, data.length));
            return true;
        }));
        for (String isal : List.of("true", "false")) {
            System.setProperty("lip.isal", isal);
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Decoded.rows(split),
                    "ISA-L " + isal);
        }
    }

    /** Issue 24: every row there but no IEND chunk: GDAL reads every row, and so do both paths now. */
    @Test
    void aPngWithEveryRowButNoIendIsRead() throws Exception {
        Path good = dir.resolve("good.png");
        SampleImage.generate(120, 90, 3, 8, 12).writePng(good);
        byte[] png = Files.readAllBytes(good);
        Path cut = dir.resolve("no-iend.png");
        Files.write(cut, Arrays.copyOf(png, png.length - 12));
        for (String isal : List.of("true", "false")) {
            System.setProperty("lip.isal", isal);
            assertArrayEquals(Decoded.rows(good), Decoded.rows(cut), "ISA-L " + isal);
        }
        Files.write(cut, Arrays.copyOf(png, png.length - 40)); // inside the image data: still refused
        for (String isal : List.of("true", "false")) {
            System.setProperty("lip.isal", isal);
            org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> Decoded.rows(cut), "ISA-L " + isal);
        }
    }

    /** Issue 24: a palette index past the palette's last entry is black, as libpng decodes it (PNGJ refused it). */
    @Test
    void paletteIndicesPastThePaletteAreBlack() throws Exception {
        byte[] r = {(byte) 200, 10, 0, 0}, g = {(byte) 100, 20, 0, 0}, b = {50, 30, 0, 0};
        java.awt.image.IndexColorModel cm = new java.awt.image.IndexColorModel(2, 4, r, g, b);
        java.awt.image.BufferedImage im = new java.awt.image.BufferedImage(8, 2, java.awt.image.BufferedImage.TYPE_BYTE_BINARY, cm);
        for (int x = 0; x < 8; x++) {
            im.getRaster().setSample(x, 0, 0, x % 4);
            im.getRaster().setSample(x, 1, 0, 3 - x % 4);
        }
        Path full = dir.resolve("palette.png");
        javax.imageio.ImageIO.write(im, "png", full.toFile());
        byte[] png = Files.readAllBytes(full);
        Path shortPalette = dir.resolve("short-palette.png");
        Files.write(shortPalette, rewrite(png, (type, data, out) -> {
            if (type.equals("PLTE")) {
                chunk(out, "PLTE", Arrays.copyOf(data, 6)); // two entries of four
            }
            return type.equals("PLTE");
        }));
        byte[] rows = Decoded.rows(shortPalette);
        byte[] expected = new byte[8 * 2 * 3];
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 8; x++) {
                int index = y == 0 ? x % 4 : 3 - x % 4;
                int at = (y * 8 + x) * 3;
                expected[at] = index < 2 ? r[index] : 0;
                expected[at + 1] = index < 2 ? g[index] : 0;
                expected[at + 2] = index < 2 ? b[index] : 0;
            }
        }
        assertArrayEquals(expected, rows);
    }

    interface ChunkEdit {
        /** @return whether it wrote something in the chunk's place; if not, the chunk is kept as it is */
        boolean replace(String type, byte[] data, java.io.ByteArrayOutputStream out);
    }

    /** The PNG with each chunk kept, or replaced by what {@code edit} writes instead. */
    private static byte[] rewrite(byte[] png, ChunkEdit edit) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(png, 0, 8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(png);
        for (int at = 8; at < png.length; ) {
            int length = b.getInt(at);
            String type = new String(png, at + 4, 4, java.nio.charset.StandardCharsets.US_ASCII);
            if (!edit.replace(type, Arrays.copyOfRange(png, at + 8, at + 8 + length), out)) {
                out.write(png, at, 12 + length);
            }
            at += 12 + length;
        }
        return out.toByteArray();
    }

    private static void chunk(java.io.ByteArrayOutputStream out, String type, byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        crc.update(t);
        crc.update(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        out.writeBytes(java.nio.ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
