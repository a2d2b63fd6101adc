package dev.lip.formats.tiff;

import dev.lip.common.geometry.Rect;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.Deflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TiledTiffWriterTest {
    @TempDir
    Path dir;

    /** The JDK's reader is independent of our writer: what it decodes must be the samples we wrote. */
    @Test
    void classicTiffReadsBackWithTheJdkReaderForEveryLayout() throws IOException {
        for (int bands = 1; bands <= 4; bands++) {
            for (int bits : new int[]{8, 16}) {
                for (int compression : new int[]{TiledTiffWriter.COMPRESSION_DEFLATE, TiledTiffWriter.COMPRESSION_NONE}) {
                    SampleImage img = SampleImage.generate(100, 70, bands, bits, bands + bits);
                    Path f = dir.resolve("t.tif");
                    int tile = 32;
                    try (TiledTiffWriter w = new TiledTiffWriter(f, 100, 70, tile, bands, bits, compression, false)) {
                        Deflater d = new Deflater();
                        // out of order on purpose: the writer must place tiles by index
                        for (int r = w.tilesDown() - 1; r >= 0; r--) {
                            for (int c = 0; c < w.tilesAcross(); c++) {
                                Rect rect = new Rect(c * tile, r * tile, Math.min(tile, 100 - c * tile), Math.min(tile, 70 - r * tile));
                                w.writeTile(r, c, TiledTiffWriter.encodeTile(img.region(rect), tile, compression, d));
                            }
                        }
                    }
                    BufferedImage back = read(f);
                    assertEquals(100, back.getWidth());
                    assertEquals(70, back.getHeight());
                    assertEquals(bands, back.getRaster().getNumBands());
                    assertArrayEquals(img.samples, back.getRaster().getPixels(0, 0, 100, 70, (int[]) null),
                            bands + " bands, " + bits + " bits, compression " + compression);
                }
            }
        }
    }

    private static BufferedImage read(Path f) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
            ImageReader r = ImageIO.getImageReaders(in).next();
            r.setInput(in);
            return r.read(0);
        }
    }

    @Test
    void bigTiffIsChosenOnlyWhenTheFileCouldPass4GiB() {
        assertFalse(TiledTiffWriter.needsBigTiff(30000, 30000, 512, 1, 8));
        assertTrue(TiledTiffWriter.needsBigTiff(70000, 70000, 512, 1, 8));
        assertTrue(TiledTiffWriter.needsBigTiff(40000, 40000, 512, 3, 8));
    }
}
