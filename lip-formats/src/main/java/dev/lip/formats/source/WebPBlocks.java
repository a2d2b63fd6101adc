package dev.lip.formats.source;

import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;

import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Decodes one WebP-compressed TIFF tile or strip (compression 50001, as GDAL writes it: each block a whole WebP
 * image, lossy or lossless) into interleaved 8-bit samples: with libwebp where it is installed ({@link LibWebP}),
 * else with TwelveMonkeys' WebP reader. The reader is made from
 * its service provider directly rather than looked up in ImageIO's registry, which does not see plugins inside a
 * Spring Boot jar.
 */
final class WebPBlocks {
    private static final WebPImageReaderSpi SPI = new WebPImageReaderSpi();

    private WebPBlocks() {
    }

    /**
     * @param block receives {@code width x rows x bands} samples, row by row
     * @return the bytes written: the block's whole size, or less when the image is smaller than the block says
     */
    static int decode(byte[] data, int count, byte[] block, int width, int rows, int bands, Supplier<String> which)
            throws IOException {
        if (LibWebP.available() && (bands == 3 || bands == 4)) {
            return LibWebP.decode(data, count, block, width, rows, bands, which); // libtiff's and GDAL's pixels
        }
        ImageReader reader = SPI.createReaderInstance();
        Raster raster;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(data, 0, count))) {
            reader.setInput(in);
            raster = reader.read(0).getRaster();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException(which.get() + " is damaged: its WebP data cannot be decoded ("
                    + Messages.of(e) + ").");
        } finally {
            reader.dispose();
        }
        if (raster.getWidth() < width || raster.getHeight() < rows || raster.getNumBands() < 3) {
            return 0; // the caller says the block ends early
        }
        int[] pixel = new int[raster.getNumBands()];
        int i = 0;
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < width; x++) {
                raster.getPixel(x, y, pixel);
                for (int b = 0; b < bands; b++) {
                    // a WebP without alpha decodes to 3 bands: a 4-band TIFF's alpha is then opaque
                    block[i++] = (byte) (b < pixel.length ? pixel[b] : 255);
                }
            }
        }
        return i;
    }
}
