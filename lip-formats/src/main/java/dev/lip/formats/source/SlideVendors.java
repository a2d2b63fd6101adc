package dev.lip.formats.source;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Which scanner vendor's TIFF-based slide a file is, from the marks OpenSlide itself looks for in the first
 * directory, without OpenSlide: so that a slide only OpenSlide reads is refused naming the missing library, rather
 * than read as a plain TIFF (an NDPI's level 0 is one JPEG of the whole slide) or refused for its layout.
 */
final class SlideVendors {
    private static final int DESCRIPTION = 270, COMPRESSION = 259, XMP = 700, NDPI_FORMAT_FLAG = 65420;
    private static final int MAX_TEXT = 1 << 20;

    private SlideVendors() {
    }

    /**
     * @param vendor      the vendor's name for users ("Hamamatsu NDPI"), or null for none that only OpenSlide reads
     * @param compression the first directory's compression
     */
    record Marks(String vendor, int compression, long width, long height, long stripOffset, long stripBytes) {
        Marks(String vendor, int compression) {
            this(vendor, compression, 0, 0, -1, -1);
        }

        /** Aperio's JPEG 2000 tiles, which only OpenSlide (through OpenJPEG) decodes here. */
        boolean jpeg2000() {
            return compression == 33003 || compression == 33005 || compression == 34712;
        }
    }

    static Marks of(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Arrival.length(file); // the declared length of a file still arriving
            ByteBuffer head = read(file, ch, 0, 16, size);
            if (head == null) {
                return new Marks(null, 1);
            }
            ByteOrder order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            boolean big = head.getShort(2) == 43;
            long ifd = big ? head.getLong(8) : Integer.toUnsignedLong(head.getInt(4));
            ByteBuffer c = read(file, ch, ifd, big ? 8 : 2, size);
            if (c == null) {
                return new Marks(null, 1);
            }
            c.order(order);
            long entries = big ? c.getLong(0) : Short.toUnsignedInt(c.getShort(0));
            int entryBytes = big ? 20 : 12;
            ByteBuffer all = entries <= 0 || entries > 4096 ? null
                    : read(file, ch, ifd + (big ? 8 : 2), (int) entries * entryBytes, size);
            if (all == null) {
                return new Marks(null, 1);
            }
            all.order(order);
            int compression = 1;
            String description = "";
            String xmp = "";
            boolean ndpi = false;
            long width = 0, height = 0, stripOffset = -1, stripBytes = -1;
            for (int i = 0; i < entries; i++) {
                int at = i * entryBytes;
                int tag = Short.toUnsignedInt(all.getShort(at));
                int type = Short.toUnsignedInt(all.getShort(at + 2));
                long count = big ? all.getLong(at + 4) : Integer.toUnsignedLong(all.getInt(at + 4));
                int valueAt = at + (big ? 12 : 8);
                long single = count != 1 ? -1 : type == 3 ? Short.toUnsignedInt(all.getShort(valueAt))
                        : type == 4 ? Integer.toUnsignedLong(all.getInt(valueAt)) : type == 16 && big ? all.getLong(valueAt) : -1;
                if (tag == COMPRESSION) {
                    compression = Short.toUnsignedInt(all.getShort(valueAt));
                } else if (tag == 256) {
                    width = single;
                } else if (tag == 257) {
                    height = single;
                } else if (tag == 273) {
                    stripOffset = single; // NDPI: level 0 is one strip
                } else if (tag == 279) {
                    stripBytes = single;
                } else if (tag == NDPI_FORMAT_FLAG) {
                    ndpi = true;
                } else if ((tag == DESCRIPTION || tag == XMP) && count > 0 && count <= MAX_TEXT && (type == 2 || type == 1 || type == 7)) {
                    ByteBuffer text = count <= (big ? 8 : 4)
                            ? all.duplicate().position(valueAt).limit(valueAt + (int) count).slice()
                            : read(file, ch, big ? all.getLong(valueAt) : Integer.toUnsignedLong(all.getInt(valueAt)), (int) count, size);
                    String s = text == null ? "" : StandardCharsets.ISO_8859_1.decode(text).toString();
                    if (tag == DESCRIPTION) {
                        description = s;
                    } else {
                        xmp = s;
                    }
                }
            }
            return new Marks(vendor(ndpi, description, xmp), compression, width, height, stripOffset, stripBytes);
        }
    }

    private static String vendor(boolean ndpi, String description, String xmp) {
        if (ndpi) {
            return "Hamamatsu NDPI";
        }
        if (description.startsWith("<?xml") && description.contains("DPUfsImport")) {
            return "Philips TIFF";
        }
        if (description.contains("leica-microsystems.com/scn")) {
            return "Leica SCN";
        }
        if (xmp.contains("iScan")) {
            return "Ventana BIF";
        }
        return null;
    }

    /**
     * How many directories the file chains, counting no further than {@code limit + 1}: read here, in Java, before
     * any native code walks them (OpenSlide's vendor detection held ~280 MB for a 25 MB file of 200,000 directories).
     */
    static int directoryCount(Path file, int limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Arrival.length(file); // the declared length of a file still arriving
            ByteBuffer head = read(file, ch, 0, 16, size);
            if (head == null) {
                return 0;
            }
            ByteOrder order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            boolean big = head.getShort(2) == 43;
            long ifd = big ? head.getLong(8) : Integer.toUnsignedLong(head.getInt(4));
            int n = 0;
            while (ifd != 0 && n <= limit) {
                ByteBuffer c = read(file, ch, ifd, big ? 8 : 2, size);
                if (c == null) {
                    break;
                }
                c.order(order);
                long entries = big ? c.getLong(0) : Short.toUnsignedInt(c.getShort(0));
                if (entries < 0 || entries > 1 << 20) {
                    break;
                }
                long nextAt = ifd + (big ? 8 + entries * 20 : 2 + entries * 12);
                ByteBuffer next = read(file, ch, nextAt, big ? 8 : 4, size);
                n++;
                if (next == null) {
                    break;
                }
                next.order(order);
                ifd = big ? next.getLong(0) : Integer.toUnsignedLong(next.getInt(0));
            }
            return n;
        }
    }

    /**
     * Whether the JPEG at {@code offset} has restart markers (a DRI segment with a non-zero interval before its
     * scan), read from its header segments alone. Without them OpenSlide cannot start decoding an NDPI's level 0
     * anywhere but at its top, and decodes all of it for every region.
     */
    static boolean jpegHasRestartMarkers(Path file, long offset) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Arrival.length(file); // the declared length of a file still arriving
            ByteBuffer soi = read(file, ch, offset, 2, size);
            if (soi == null || soi.getShort(0) != (short) 0xFFD8) {
                return false;
            }
            long at = offset + 2;
            for (int segments = 0; segments < 256; segments++) {
                ByteBuffer m = read(file, ch, at, 4, size);
                if (m == null || (m.get(0) & 0xFF) != 0xFF) {
                    return false;
                }
                int marker = m.get(1) & 0xFF;
                int length = Short.toUnsignedInt(m.getShort(2));
                if (marker == 0xDA || marker == 0xD9) {
                    return false; // the scan starts with no restart interval defined
                }
                if (marker == 0xDD) {
                    ByteBuffer dri = read(file, ch, at + 4, 2, size);
                    return dri != null && dri.getShort(0) != 0;
                }
                at += 2 + length;
            }
            return false;
        }
    }

    private static ByteBuffer read(Path file, FileChannel ch, long at, int n, long size) throws IOException {
        if (at < 0 || at + n > size) {
            return null;
        }
        Arrival.await(file, at + n);
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {
            // until full
        }
        return b.flip();
    }
}
