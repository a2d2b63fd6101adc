package dev.lip.formats.source;

import dev.lip.common.geometry.Rect;
import dev.lip.common.testing.SampleImage;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Patches with a halo read a tiled TIFF's blocks about once a row of patches, not once for every patch that touches
 * them, and get exactly the image's pixels.
 */
class BlockCacheTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "halo {0}")
    @CsvSource({"0, 48", "8, 144", "31, 144"})
    void patchesWithAHaloDecodeEachBlockAboutOnceARowOfPatches(int halo, int atMost) throws IOException {
        SampleImage img = SampleImage.generate(256, 192, 3, 8, 6);
        Path file = dir.resolve("tiled.tif");
        img.writeTiff(file, "Deflate", 32); // 8 x 6 = 48 blocks
        try (ImageSource src = new ImageSources(100_000_000L).open(file)) {
            for (int y = 0; y < 192; y += 32) {
                for (int x = 0; x < 256; x += 32) {
                    Rect patch = new Rect(Math.max(0, x - halo), Math.max(0, y - halo),
                            Math.min(256, x + 32 + halo) - Math.max(0, x - halo),
                            Math.min(192, y + 32 + halo) - Math.max(0, y - halo));
                    assertArrayEquals(img.region(patch).data(), src.readRegion(patch).data(), "patch at " + x + "," + y);
                }
            }
            long decoded = ((TiffSource) src).blocksDecoded();
            // without the cache a halo decodes a block once for every patch touching it: 9 for inner blocks, 360 here
            assertTrue(decoded <= atMost, decoded + " blocks decoded for 48 blocks, at most " + atMost);
        }
    }
}
