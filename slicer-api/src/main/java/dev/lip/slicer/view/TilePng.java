package dev.lip.slicer.view;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * A result tile as PNG, lossless: grey, its values exactly the result's; or tinted for an overlay, one colour whose
 * opacity is the value (a mask's 255 opaque, its 0 clear, a probability in between), so a viewer can lay it over the
 * input without recolouring it itself.
 */
public final class TilePng {
    private TilePng() {
    }

    /** @param tint the overlay colour as 0xRRGGBB, or -1 for the grey values */
    public static byte[] encode(ResultTiles.Tile tile, int tint) throws IOException {
        BufferedImage image;
        if (tint < 0) {
            image = new BufferedImage(tile.width(), tile.height(), BufferedImage.TYPE_BYTE_GRAY);
            byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            System.arraycopy(tile.pixels(), 0, dst, 0, dst.length);
        } else {
            image = new BufferedImage(tile.width(), tile.height(), BufferedImage.TYPE_4BYTE_ABGR);
            byte[] dst = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
            byte[] src = tile.pixels();
            for (int i = 0; i < src.length; i++) {
                dst[4 * i] = src[i]; // alpha
                dst[4 * i + 1] = (byte) tint; // blue
                dst[4 * i + 2] = (byte) (tint >> 8);
                dst[4 * i + 3] = (byte) (tint >> 16);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(tile.pixels().length / 4 + 256);
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }
}
