package dev.lip.formats.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.TreeMap;

/**
 * Writes a TIFF that OpenSlide takes for a Hamamatsu NDPI slide, as a few lines of Python would: one directory whose
 * one strip is a whole JPEG (level 0, as NDPI stores it), with the NDPI tags OpenSlide asks for (format flag, source
 * lens, offsets from the slide's centre, focal plane). Its strip's byte count may be set to lie, which is how the
 * red-team's 34 KB slide made OpenSlide 3.4.1 abort ({@code *** buffer overflow detected ***}) when it reads a
 * JPEG with restart markers through a strip shorter than the JPEG's header.
 */
public final class NdpiLikeSlide {
    private NdpiLikeSlide() {
    }

    /**
     * @param jpeg       a baseline JPEG (vips jpegsave, with or without --restart-interval)
     * @param stripBytes the StripByteCounts to write: jpeg.length for an honest file
     */
    public static void write(byte[] jpeg, int width, int height, long stripBytes, Path out) throws IOException {
        TreeMap<Integer, long[]> tags = new TreeMap<>(); // tag -> {type, count, value}
        int dataAt = 8;
        tags.put(256, new long[]{4, 1, width});
        tags.put(257, new long[]{4, 1, height});
        tags.put(258, new long[]{3, 1, 8});
        tags.put(259, new long[]{3, 1, 7});
        tags.put(262, new long[]{3, 1, 6});
        tags.put(273, new long[]{4, 1, dataAt});
        tags.put(277, new long[]{3, 1, 3});
        tags.put(278, new long[]{4, 1, height});
        tags.put(279, new long[]{4, 1, stripBytes});
        tags.put(65420, new long[]{4, 1, 1}); // NDPI_FORMAT_FLAG
        tags.put(65421, new long[]{11, 1, Float.floatToIntBits(20f)}); // NDPI_SOURCELENS: 20x
        tags.put(65422, new long[]{9, 1, 0}); // XOFFSET
        tags.put(65423, new long[]{9, 1, 0}); // YOFFSET
        tags.put(65424, new long[]{9, 1, 0}); // FOCAL_PLANE
        int ifdAt = dataAt + jpeg.length + (jpeg.length & 1);
        ByteBuffer b = ByteBuffer.allocate(ifdAt + 2 + tags.size() * 12 + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(ifdAt);
        b.put(jpeg);
        b.position(ifdAt);
        b.putShort((short) tags.size());
        tags.forEach((tag, v) -> {
            b.putShort(tag.shortValue()).putShort((short) v[0]).putInt((int) v[1]);
            if (v[0] == 3) {
                b.putShort((short) v[2]).putShort((short) 0);
            } else {
                b.putInt((int) v[2]);
            }
        });
        b.putInt(0);
        Files.write(out, b.array());
    }
}
