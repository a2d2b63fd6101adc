package dev.lip.common.testing;

import ar.com.hjg.pngj.ImageInfo;
import ar.com.hjg.pngj.ImageLineInt;
import ar.com.hjg.pngj.PngWriter;
import ar.com.hjg.pngj.chunks.PngChunkPLTE;
import ar.com.hjg.pngj.chunks.PngChunkTRNS;
import dev.lip.common.pixels.PixelRegion;
import dev.lip.common.geometry.Rect;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A test image whose samples the test knows: made in code, written in any format the product reads, and used as
 * the whole-image reference. Palette images keep their indices and palette besides the expanded samples.
 */
public final class SampleImage {
    public final int width, height, bands, bits;
    /** Interleaved samples, palettes expanded. */
    public final int[] samples;
    private final int[] indices;
    private final int[] palette; // ARGB
    private final boolean paletteAlpha;

    private SampleImage(int width, int height, int bands, int bits, int[] samples, int[] indices, int[] palette, boolean paletteAlpha) {
        this.width = width;
        this.height = height;
        this.bands = bands;
        this.bits = bits;
        this.samples = samples;
        this.indices = indices;
        this.palette = palette;
        this.paletteAlpha = paletteAlpha;
    }

    /**
     * Structure at several scales: a diagonal gradient, a slow wave and noise, so that a threshold cuts the image
     * into irregular regions with plenty of pixels near the boundary.
     */
    public static SampleImage generate(int width, int height, int bands, int bits, long seed) {
        Random rnd = new Random(seed);
        int max = (1 << bits) - 1;
        int[] s = new int[width * height * bands];
        double phase = rnd.nextDouble() * 6;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double base = 0.5 + 0.3 * Math.sin((x + 2.0 * y) / 37.0 + phase) + 0.2 * ((double) x / width - (double) y / height);
                for (int b = 0; b < bands; b++) {
                    double v = base + 0.15 * rnd.nextGaussian() + (b == 3 || (bands == 2 && b == 1) ? 0.3 : 0.05 * b);
                    s[(y * width + x) * bands + b] = (int) Math.max(0, Math.min(max, Math.round(v * max)));
                }
            }
        }
        return new SampleImage(width, height, bands, bits, s, null, null, false);
    }

    /** An image of the given samples (interleaved, rows of {@code width × bands}). */
    public static SampleImage of(int width, int height, int bands, int bits, int[] samples) {
        return new SampleImage(width, height, bands, bits, samples, null, null, false);
    }

    /** An 8-bit palette image of {@code colours} entries; with {@code alpha} the palette has transparency. */
    public static SampleImage palette(int width, int height, int colours, boolean alpha, long seed) {
        Random rnd = new Random(seed);
        int[] pal = new int[colours];
        for (int i = 0; i < colours; i++) {
            pal[i] = (alpha ? rnd.nextInt(256) : 255) << 24 | rnd.nextInt(1 << 24);
        }
        int bands = alpha ? 4 : 3;
        int[] idx = new int[width * height];
        int[] s = new int[width * height * bands];
        for (int i = 0; i < idx.length; i++) {
            int x = i % width, y = i / width;
            idx[i] = Math.floorMod((x / 7) * 31 + (y / 5) * 17 + rnd.nextInt(3), colours);
            int c = pal[idx[i]];
            s[i * bands] = c >>> 16 & 255;
            s[i * bands + 1] = c >>> 8 & 255;
            s[i * bands + 2] = c & 255;
            if (alpha) {
                s[i * bands + 3] = c >>> 24;
            }
        }
        return new SampleImage(width, height, bands, 8, s, idx, pal, alpha);
    }

    public boolean isPalette() {
        return indices != null;
    }

    public int sample(int x, int y, int b) {
        return samples[(y * width + x) * bands + b];
    }

    /** The samples of a rectangle as a {@link PixelRegion}. */
    public PixelRegion region(Rect r) {
        PixelRegion out = new PixelRegion(r, bands, bits);
        for (int y = 0; y < r.height(); y++) {
            for (int x = 0; x < r.width(); x++) {
                for (int b = 0; b < bands; b++) {
                    out.setSample(x, y, b, sample(r.x() + x, r.y() + y, b));
                }
            }
        }
        return out;
    }

    /** Whole-image threshold reference, computed independently of the product's code. */
    public byte[] thresholdMask(int t, boolean invert) {
        return thresholdMask(width, height, bands, samples, t, invert);
    }

    public static byte[] thresholdMask(int width, int height, int bands, int[] samples, int t, boolean invert) {
        byte[] m = new byte[width * height];
        for (int i = 0; i < m.length; i++) {
            boolean on;
            if (bands >= 3) {
                long luma1000 = 299L * samples[i * bands] + 587L * samples[i * bands + 1] + 114L * samples[i * bands + 2];
                on = luma1000 >= 1000L * t;
            } else {
                on = samples[i * bands] >= t;
            }
            m[i] = (byte) (on != invert ? 255 : 0);
        }
        return m;
    }

    public void writePng(Path file) throws IOException {
        try (OutputStream os = Files.newOutputStream(file)) {
            ImageInfo info = isPalette()
                    ? new ImageInfo(width, height, 8, false, false, true)
                    : new ImageInfo(width, height, bits, bands == 2 || bands == 4, bands <= 2, false);
            PngWriter png = new PngWriter(os, info);
            if (isPalette()) {
                PngChunkPLTE plte = png.getMetadata().createPLTEChunk();
                plte.setNentries(palette.length);
                for (int i = 0; i < palette.length; i++) {
                    plte.setEntry(i, palette[i] >>> 16 & 255, palette[i] >>> 8 & 255, palette[i] & 255);
                }
                if (paletteAlpha) {
                    PngChunkTRNS trns = png.getMetadata().createTRNSChunk();
                    int[] a = new int[palette.length];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = palette[i] >>> 24;
                    }
                    trns.setPalletteAlpha(a);
                }
            }
            int perRow = isPalette() ? width : width * bands;
            for (int y = 0; y < height; y++) {
                ImageLineInt line = new ImageLineInt(info);
                System.arraycopy(isPalette() ? indices : samples, y * perRow, line.getScanline(), 0, perRow);
                png.writeRow(line);
            }
            png.end();
        }
    }

    /** A BufferedImage of the samples (or the palette image), for ImageIO writers. */
    public BufferedImage toBufferedImage() {
        if (isPalette()) {
            byte[] r = new byte[palette.length], g = new byte[palette.length], b = new byte[palette.length], a = new byte[palette.length];
            for (int i = 0; i < palette.length; i++) {
                r[i] = (byte) (palette[i] >>> 16);
                g[i] = (byte) (palette[i] >>> 8);
                b[i] = (byte) palette[i];
                a[i] = (byte) (palette[i] >>> 24);
            }
            IndexColorModel cm = paletteAlpha ? new IndexColorModel(8, palette.length, r, g, b, a)
                    : new IndexColorModel(8, palette.length, r, g, b);
            BufferedImage im = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, cm);
            im.getRaster().setPixels(0, 0, width, height, indices);
            return im;
        }
        int type = bits == 16 ? DataBuffer.TYPE_USHORT : DataBuffer.TYPE_BYTE;
        ColorSpace cs = ColorSpace.getInstance(bands >= 3 ? ColorSpace.CS_sRGB : ColorSpace.CS_GRAY);
        boolean alpha = bands == 2 || bands == 4;
        ComponentColorModel cm = new ComponentColorModel(cs, alpha, false,
                alpha ? Transparency.TRANSLUCENT : Transparency.OPAQUE, type);
        int[] offsets = new int[bands];
        for (int i = 0; i < bands; i++) {
            offsets[i] = i;
        }
        WritableRaster raster = Raster.createWritableRaster(
                new PixelInterleavedSampleModel(type, width, height, bands, width * bands, offsets), new Point(0, 0));
        raster.setPixels(0, 0, width, height, samples);
        return new BufferedImage(cm, raster, false, null);
    }

    /**
     * Writes a classic TIFF with the JDK writer.
     *
     * @param compression null for none, else an ImageIO TIFF compression type ("LZW", "Deflate", "PackBits", "JPEG")
     * @param tile        tile side, or 0 for strips
     */
    public void writeTiff(Path file, String compression, int tile) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("tiff").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        if (compression != null) {
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionType(compression);
        }
        if (tile > 0) {
            p.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
            p.setTiling(tile, tile, 0, 0);
        }
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(toBufferedImage(), null, null), p);
        } finally {
            w.dispose();
        }
    }

    /** Writes a JPEG (8-bit grey or RGB only); lossy, so references come from {@link #decode} of the file. */
    public void writeJpeg(Path file, boolean progressive, float quality) throws IOException {
        ImageWriter w = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam p = w.getDefaultWriteParam();
        p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        p.setCompressionQuality(quality);
        if (progressive) {
            p.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        }
        BufferedImage im = new BufferedImage(width, height, bands == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        WritableRaster r = im.getRaster();
        int[] px = new int[bands == 1 ? 1 : 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int b = 0; b < px.length; b++) {
                    px[b] = sample(x, y, b);
                }
                r.setPixel(x, y, px);
            }
        }
        Files.deleteIfExists(file);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            w.setOutput(out);
            w.write(null, new IIOImage(im, null, null), p);
        } finally {
            w.dispose();
        }
    }

    /** Decodes a small image whole with ImageIO, palettes expanded: the reference for lossy inputs. */
    public static SampleImage decode(Path file) throws IOException {
        BufferedImage im = ImageIO.read(file.toFile());
        if (im == null) {
            throw new IOException("ImageIO cannot read " + file);
        }
        int w = im.getWidth(), h = im.getHeight();
        if (im.getColorModel() instanceof IndexColorModel) {
            int[] s = new int[w * h * 3];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int c = im.getRGB(x, y);
                    int i = (y * w + x) * 3;
                    s[i] = c >>> 16 & 255;
                    s[i + 1] = c >>> 8 & 255;
                    s[i + 2] = c & 255;
                }
            }
            return new SampleImage(w, h, 3, 8, s, null, null, false);
        }
        Raster r = im.getRaster();
        int bands = r.getNumBands();
        int bits = r.getSampleModel().getSampleSize(0);
        return new SampleImage(w, h, bands, bits, r.getPixels(0, 0, w, h, (int[]) null), null, null, false);
    }
}
