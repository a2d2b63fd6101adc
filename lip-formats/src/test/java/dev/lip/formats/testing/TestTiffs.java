package dev.lip.formats.testing;

import dev.lip.common.geometry.Rect;
import dev.lip.common.testing.SampleImage;
import dev.lip.formats.tiff.TiledTiffWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.zip.Deflater;

/** Test images in the TIFF flavours the JDK cannot write. */
public final class TestTiffs {
    private TestTiffs() {
    }

    /** Writes a deflate-tiled BigTIFF of the image with the project's own writer. */
    public static void writeBigTiff(SampleImage img, Path file, int tile) throws IOException {
        try (TiledTiffWriter w = new TiledTiffWriter(file, img.width, img.height, tile, img.bands, img.bits,
                TiledTiffWriter.COMPRESSION_DEFLATE, true)) {
            Deflater d = new Deflater();
            for (int r = 0; r < w.tilesDown(); r++) {
                for (int c = 0; c < w.tilesAcross(); c++) {
                    Rect rect = new Rect(c * tile, r * tile, Math.min(tile, img.width - c * tile),
                            Math.min(tile, img.height - r * tile));
                    w.writeTile(r, c, TiledTiffWriter.encodeTile(img.region(rect), tile, TiledTiffWriter.COMPRESSION_DEFLATE, d));
                }
            }
        }
    }
}
