package dev.lip.slicer.slicing;

import dev.lip.common.geometry.Rect;
import dev.lip.common.geometry.Tile;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The input's preview, written while the slicer cuts the image: each core tile as a JPEG at full resolution, and
 * reduced levels (2×2 means) down to one pixel, {@code <dir>/<level>/<column>_<row>.jpg} with level 0 the full
 * resolution. A viewer shows the input from it without decoding the input again. Memory: the tile row being
 * gathered in each reduced level (tiles may arrive out of order when several threads slice; a row is written once
 * all of its tiles are in). Samples become 8-bit grey or RGB: 16-bit ones keep their high byte, alpha and bands past
 * the third are left out. Images of other sample formats have no preview (no fixed range to show).
 */
public final class PreviewPyramid {
    private static final float QUALITY = 0.85f;

    private final Path dir;
    private final int tileSize;
    private final int channels;
    private final int[] widths;
    private final int[] heights;
    /** Per reduced level: row index → the gathered rows of that tile row and how many tiles went into it. */
    private final java.util.List<Map<Integer, Row>> gathering = new java.util.ArrayList<>();

    private static final class Row {
        final byte[] pixels;
        int tiles;

        Row(int bytes) {
            pixels = new byte[bytes];
        }
    }

    public PreviewPyramid(Path dir, ImageInfo info, int tileSize) throws IOException {
        if (!supports(info)) {
            throw new IllegalArgumentException("no preview of " + info.sampleFormat().label() + " samples");
        }
        this.dir = dir;
        this.tileSize = tileSize;
        this.channels = info.bands() >= 3 ? 3 : 1;
        java.util.List<Integer> w = new java.util.ArrayList<>();
        java.util.List<Integer> h = new java.util.ArrayList<>();
        int cw = info.width();
        int ch = info.height();
        w.add(cw);
        h.add(ch);
        while (cw > 1 || ch > 1) {
            cw = (cw + 1) / 2;
            ch = (ch + 1) / 2;
            w.add(cw);
            h.add(ch);
        }
        widths = w.stream().mapToInt(Integer::intValue).toArray();
        heights = h.stream().mapToInt(Integer::intValue).toArray();
        for (int k = 0; k < widths.length; k++) {
            Files.createDirectories(dir.resolve(Integer.toString(k)));
            gathering.add(new HashMap<>());
        }
    }

    /** Whether images of this kind get a preview: 8 and 16-bit unsigned samples. */
    public static boolean supports(ImageInfo info) {
        return info.sampleFormat().isUnsignedSmall();
    }

    public static Path tileFile(Path dir, int level, int column, int row) {
        return dir.resolve(Integer.toString(level)).resolve(column + "_" + row + ".jpg");
    }

    /** Levels, full resolution first, down to one pixel: as many as Deep Zoom has. */
    public int levels() {
        return widths.length;
    }

    /** Adds the core of a sliced patch. */
    public synchronized void add(PixelRegion patch, Tile tile) throws IOException {
        Rect core = tile.core();
        byte[] pixels = new byte[core.width() * core.height() * channels];
        int ox = core.x() - patch.bounds().x();
        int oy = core.y() - patch.bounds().y();
        boolean wide = patch.bitsPerSample() == 16;
        for (int y = 0; y < core.height(); y++) {
            for (int x = 0; x < core.width(); x++) {
                for (int c = 0; c < channels; c++) {
                    int v = patch.sample(ox + x, oy + y, c);
                    pixels[(y * core.width() + x) * channels + c] = (byte) (wide ? v >>> 8 : v);
                }
            }
        }
        store(0, tile.column(), tile.row(), pixels, core.width(), core.height());
    }

    private void store(int k, int column, int row, byte[] pixels, int w, int h) throws IOException {
        writeJpeg(tileFile(dir, k, column, row), pixels, w, h);
        if (k + 1 >= widths.length) {
            return;
        }
        int across = (widths[k] + tileSize - 1) / tileSize;
        int down = (heights[k] + tileSize - 1) / tileSize;
        int parentRow = row / 2;
        int bw = widths[k + 1];
        Row gathered = gathering.get(k + 1).computeIfAbsent(parentRow, r -> new Row(tileSize * bw * channels));
        int half = tileSize / 2;
        reduce(pixels, w, h, gathered.pixels, ((row % 2) * half * bw + column * half) * channels, bw * channels);
        gathered.tiles++;
        int expected = across * (2 * parentRow + 1 < down ? 2 : 1);
        if (gathered.tiles == expected) {
            gathering.get(k + 1).remove(parentRow);
            int t = tileSize;
            int th = Math.min(t, heights[k + 1] - parentRow * t);
            int parentAcross = (bw + t - 1) / t;
            for (int c = 0; c < parentAcross; c++) {
                int tw = Math.min(t, bw - c * t);
                byte[] out = new byte[tw * th * channels];
                for (int y = 0; y < th; y++) {
                    System.arraycopy(gathered.pixels, (y * bw + c * t) * channels, out, y * tw * channels, tw * channels);
                }
                store(k + 1, c, parentRow, out, tw, th);
            }
        }
    }

    /** 2×2 means, rounded, per channel, over the pixels there are at an odd edge. */
    private void reduce(byte[] in, int w, int h, byte[] out, int offset, int stride) {
        for (int y = 0; y < (h + 1) / 2; y++) {
            for (int x = 0; x < (w + 1) / 2; x++) {
                for (int c = 0; c < channels; c++) {
                    int sum = 0;
                    int n = 0;
                    for (int dy = 0; dy < 2 && 2 * y + dy < h; dy++) {
                        for (int dx = 0; dx < 2 && 2 * x + dx < w; dx++) {
                            sum += in[((2 * y + dy) * w + 2 * x + dx) * channels + c] & 0xFF;
                            n++;
                        }
                    }
                    out[offset + y * stride + x * channels + c] = (byte) ((sum + n / 2) / n);
                }
            }
        }
    }

    private void writeJpeg(Path file, byte[] pixels, int w, int h) throws IOException {
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
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(tmp.toFile())) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(QUALITY);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        // a viewer never sees half a tile
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
