package dev.lip.slicer.slicing;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the input's preview lives and which of its levels are stored: {@code <dir>/<level>/<column>_<row>.jpg}, level
 * 0 the full resolution, each next level half the one before, down to one pixel (as Deep Zoom counts them, from the
 * other end). Levels finer than {@link #firstStored} are not stored; their tiles are the stored level's pixels
 * enlarged ({@link #enlargedTile}). The writer is {@link PreviewPyramid}; viewers read through this class.
 */
public final class PreviewLayout {
    /**
     * What the writer may hold while it gathers rows of tiles (the first stored level's and every smaller one's):
     * bounded, so that the preview of a 50000² image costs slicer-api tens of MB, not the 77 MB a half-resolution
     * preview of it would hold (measured: peak RSS 684 MB against 561 MB without a preview).
     */
    static final long GATHER_BUDGET = 32L << 20;
    /** The coarsest first level: tiles of 16 and more shrink to whole pixels 16 times over. */
    private static final int MAX_FIRST = 4;
    private static final float QUALITY = 0.85f;

    private PreviewLayout() {
    }

    public static Path tileFile(Path dir, int level, int column, int row) {
        return dir.resolve(Integer.toString(level)).resolve(column + "_" + row + ".jpg");
    }

    /**
     * The finest level stored for an image of this size and channels (1 or 3): half resolution where its rows fit
     * the budget (a 20000² RGB image in tiles of 512), coarser for larger images (a 50000² one: an eighth).
     */
    public static int firstStored(int width, int height, int tileSize, int channels) {
        if (width <= 1 && height <= 1) {
            return 0;
        }
        for (int k = 1; k < MAX_FIRST; k++) {
            long bytes = 0;
            for (long w = ceilShift(width, k); ; w = (w + 1) / 2) {
                bytes += (long) tileSize * w * channels;
                if (w <= 1) {
                    break;
                }
            }
            if (bytes <= GATHER_BUDGET) {
                return k;
            }
        }
        return MAX_FIRST;
    }

    static long ceilShift(long v, int k) {
        return (v + (1L << k) - 1) >> k;
    }

    /** The sketch of the input sliced so far ({@link dev.lip.slicer.view.LiveOverview}), while slicing runs. */
    public static Path sketchFile(Path dir) {
        return dir.resolve("sketch.raw");
    }

    /**
     * A tile of a level finer than the first stored one, in an image {@code width × height} of that level: the part
     * of the stored tile that covers it, each pixel repeated; null while that tile is not written.
     */
    public static byte[] enlargedTile(Path dir, int first, int level, int tileSize, int width, int height, int column,
                                      int row) throws IOException {
        int f = 1 << (first - level);
        Path stored = tileFile(dir, first, column / f, row / f);
        if (!Files.isRegularFile(stored)) {
            return null;
        }
        BufferedImage source = ImageIO.read(stored.toFile());
        if (source == null) {
            return null;
        }
        int w = Math.min(tileSize, width - column * tileSize);
        int h = Math.min(tileSize, height - row * tileSize);
        int x0 = (column % f) * tileSize / f;
        int y0 = (row % f) * tileSize / f;
        BufferedImage out = new BufferedImage(w, h, source.getType() == BufferedImage.TYPE_BYTE_GRAY
                ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
        for (int y = 0; y < h; y++) {
            int sy = Math.min(source.getHeight() - 1, y0 + y / f);
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, source.getRGB(Math.min(source.getWidth() - 1, x0 + x / f), sy));
            }
        }
        return encode(out);
    }

    /** A preview tile as its JPEG: {@code w × h} pixels of {@code channels} (1 grey, 3 RGB) interleaved samples. */
    public static byte[] jpeg(byte[] pixels, int w, int h, int channels) throws IOException {
        BufferedImage image = new BufferedImage(w, h, channels == 3 ? BufferedImage.TYPE_3BYTE_BGR : BufferedImage.TYPE_BYTE_GRAY);
        byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        if (channels == 3) {
            for (int i = 0; i < w * h; i++) { // RGB to the image's BGR
                dst[3 * i] = pixels[3 * i + 2];
                dst[3 * i + 1] = pixels[3 * i + 1];
                dst[3 * i + 2] = pixels[3 * i];
            }
        } else {
            System.arraycopy(pixels, 0, dst, 0, w * h);
        }
        return encode(image);
    }

    /** A preview tile's JPEG, as the slicer writes them. */
    public static byte[] encodeImage(BufferedImage image) throws IOException {
        return encode(image);
    }

    static byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 << 10);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
