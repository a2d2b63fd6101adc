package dev.lip.formats.source;

import dev.lip.formats.tiff.GeoTiffTags;
import dev.lip.formats.tiff.PixelSize;
import dev.lip.formats.tiff.Placement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * The first image directory of a TIFF or BigTIFF, checked entry by entry before a reader interprets it: every entry
 * of a known type, no tag twice, and every value that does not fit in its entry inside the file. The JDK's reader
 * and AlgART read damaged directories in different ways depending on how they are asked (a whole-image read failed
 * where a region read went on, on the same bytes), so a directory a careful reader would refuse is refused here,
 * with a sentence, whatever path the pixels take afterwards. GDAL, libvips and libtiff write directories that pass.
 */
final class TiffStructure {
    /** Bytes of one value of each TIFF field type (index = type); 0 for types TIFF does not define. */
    private static final int[] TYPE_SIZES = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8};
    private static final int MAX_ENTRIES = 4096;
    private static final int SHORT = 3, LONG = 4, LONG8 = 16;
    /**
     * The types the specification allows for the tags that describe pixels. A reader drops such a field when its
     * type is wrong and falls back to the default: BitsPerSample as BYTE became 1 bit a sample, and a 24-bit image
     * was decoded as garbage.
     */
    private static final java.util.Map<Integer, Set<Integer>> PIXEL_TAG_TYPES = java.util.Map.ofEntries(
            java.util.Map.entry(256, Set.of(SHORT, LONG, LONG8)), java.util.Map.entry(257, Set.of(SHORT, LONG, LONG8)),
            java.util.Map.entry(258, Set.of(SHORT)), java.util.Map.entry(259, Set.of(SHORT)),
            java.util.Map.entry(262, Set.of(SHORT)), java.util.Map.entry(273, Set.of(SHORT, LONG, LONG8)),
            java.util.Map.entry(277, Set.of(SHORT)), java.util.Map.entry(278, Set.of(SHORT, LONG, LONG8)),
            java.util.Map.entry(279, Set.of(SHORT, LONG, LONG8)), java.util.Map.entry(284, Set.of(SHORT)),
            java.util.Map.entry(317, Set.of(SHORT)), java.util.Map.entry(320, Set.of(SHORT)),
            java.util.Map.entry(322, Set.of(SHORT, LONG, LONG8)), java.util.Map.entry(323, Set.of(SHORT, LONG, LONG8)),
            java.util.Map.entry(324, Set.of(SHORT, LONG, LONG8)), java.util.Map.entry(325, Set.of(SHORT, LONG, LONG8)),
            java.util.Map.entry(338, Set.of(SHORT)), java.util.Map.entry(339, Set.of(SHORT)));

    private TiffStructure() {
    }

    /**
     * What the first directory says beyond the pixel layout.
     *
     * @param placement where the pixels are, carried to the result
     * @param nodata    GDAL's GDAL_NODATA text ({@code -9999}, {@code nan}), or null
     * @param rowsMisread RowsPerStrip is in 2^31..2^32-2, which the JDK's reader and AlgART take as a negative int:
     *                    only our block reader may read such a file (it reads the value as the unsigned number it is)
     * @param directoryEnd where the first directory and every value it points to have ended: a reader that parses
     *                     the directory itself (AlgART's) is given a file still arriving once that much is in
     */
    record Facts(Placement placement, String nodata, boolean rowsMisread, long directoryEnd) {
        /** The refusal of such a file where no block reader of ours takes it. */
        void checkRowsRead(boolean ourReader) throws UnreadableImageException {
            if (rowsMisread && !ourReader) {
                throw new UnreadableImageException("This TIFF's RowsPerStrip is over 2^31, which the reader of its "
                        + "layout here would misread; re-save it with RowsPerStrip at most the image's height (for "
                        + "example with gdal_translate or tiffcp).");
            }
        }
    }

    /** GDAL's tag for the nodata value, ASCII (GDAL's own, registered with Adobe). */
    static final int GDAL_NODATA = 42113;

    /** @param limit applied first, to the width and length the directory states, whatever else is wrong with it */
    static Facts check(Path file, boolean big, PixelLimit limit) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = Arrival.length(file); // the declared length of a file still arriving
            ByteBuffer head = read(file, ch, 0, 16, size);
            ByteOrder order = head.get(0) == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
            head.order(order);
            long ifd = big ? head.getLong(8) : Integer.toUnsignedLong(head.getInt(4));
            int countBytes = big ? 8 : 2;
            if (ifd < (big ? 16 : 8) || ifd > size - countBytes) {
                throw damaged("its first directory is at byte " + ifd + ", outside the file's " + size + " bytes");
            }
            ByteBuffer c = read(file, ch, ifd, countBytes, size).order(order);
            long entries = big ? c.getLong(0) : Short.toUnsignedInt(c.getShort(0));
            int entryBytes = big ? 20 : 12;
            if (entries == 0 || entries > MAX_ENTRIES || ifd + countBytes + entries * entryBytes > size) {
                throw damaged("its directory claims " + entries + " entries");
            }
            ByteBuffer all = read(file, ch, ifd + countBytes, (int) (entries * entryBytes), size).order(order);
            long directoryEnd = Math.min(size, ifd + countBytes + entries * entryBytes + (big ? 8 : 4));
            checkSize(all, entries, entryBytes, big, limit);
            Set<Integer> tags = new HashSet<>();
            java.util.Map<Integer, long[]> blocks = new java.util.HashMap<>();
            int compression = 1;
            int photometric = -1;
            java.util.Map<Integer, ByteBuffer> geo = new java.util.HashMap<>();
            double[] resolution = new double[2];
            int resolutionUnit = 2; // TIFF's default: inch
            String description = null;
            String nodata = null;
            boolean rowsMisread = false;
            for (int i = 0; i < entries; i++) {
                int at = i * entryBytes;
                int tag = Short.toUnsignedInt(all.getShort(at));
                int type = Short.toUnsignedInt(all.getShort(at + 2));
                long count = big ? all.getLong(at + 4) : Integer.toUnsignedLong(all.getInt(at + 4));
                if (type >= TYPE_SIZES.length || TYPE_SIZES[type] == 0) {
                    throw damaged("tag " + tag + " has field type " + type + ", which TIFF does not define");
                }
                Set<Integer> allowed = PIXEL_TAG_TYPES.get(tag);
                if (allowed != null && !allowed.contains(type)) {
                    throw damaged("tag " + tag + ", which describes the pixels, has field type " + type);
                }
                if (!tags.add(tag)) {
                    throw damaged("tag " + tag + " appears twice");
                }
                long bytes = count > Long.MAX_VALUE / 8 ? Long.MAX_VALUE : count * TYPE_SIZES[type];
                int inline = big ? 8 : 4;
                long offset = at + (big ? 12 : 8) + ifd + countBytes; // where inline values are
                if (bytes > inline) {
                    offset = big ? all.getLong(at + 12) : Integer.toUnsignedLong(all.getInt(at + 8));
                    if (offset > size || bytes > size - offset) {
                        throw damaged("tag " + tag + "'s " + count + " values lie outside the file");
                    }
                    directoryEnd = Math.max(directoryEnd, offset + bytes);
                }
                if (tag == 259 && count > 0) {
                    compression = Short.toUnsignedInt(all.getShort(at + (big ? 12 : 8)));
                } else if (tag == 278 && count == 1 && type == LONG) {
                    long rows = Integer.toUnsignedLong(all.getInt(at + (big ? 12 : 8)));
                    // The JDK's reader takes it as a negative int and decoded all-zero rows (issue 24)
                    rowsMisread = rows > Integer.MAX_VALUE && rows != 0xFFFFFFFFL;
                } else if (tag == 262 && count > 0) {
                    photometric = Short.toUnsignedInt(all.getShort(at + (big ? 12 : 8)));
                } else if ((tag == 273 || tag == 279 || tag == 324 || tag == 325) && count <= 1 << 24) {
                    blocks.put(tag, values(file, ch, offset, (int) count, type, order));
                } else if (GEO_TYPES.containsKey(tag) && GEO_TYPES.get(tag) == type && count > 0 && count <= MAX_GEO_VALUES) {
                    geo.put(tag, read(file, ch, offset, (int) bytes, size).order(order));
                } else if ((tag == 282 || tag == 283) && type == 5 && count == 1) {
                    ByteBuffer r = read(file, ch, offset, 8, size).order(order);
                    long den = Integer.toUnsignedLong(r.getInt(4));
                    double v = den == 0 ? 0 : Integer.toUnsignedLong(r.getInt(0)) / (double) den;
                    resolution[tag - 282] = v;
                } else if (tag == 296 && type == SHORT && count == 1) {
                    resolutionUnit = Short.toUnsignedInt(read(file, ch, offset, 2, size).order(order).getShort(0));
                } else if (tag == 270 && type == 2 && count > 0 && count <= MAX_DESCRIPTION) {
                    // OME-XML is UTF-8 (its unit "µm" is two bytes); Aperio's text is ASCII, which UTF-8 reads alike
                    description = text(read(file, ch, offset, (int) count, size), java.nio.charset.StandardCharsets.UTF_8);
                } else if (tag == GDAL_NODATA && type == 2 && count > 0 && count <= 64) {
                    nodata = ascii(read(file, ch, offset, (int) count, size)).trim();
                }
            }
            // Where the pixels are, checked before a reader looks at them (the JDK's says only "Data segment out
            // of stream" for a strip past the end of a truncated file).
            boolean tiled = blocks.containsKey(324);
            long[] offsets = blocks.get(tiled ? 324 : 273);
            long[] counts = blocks.get(tiled ? 325 : 279);
            if (offsets == null || counts == null) {
                throw damaged("it has no " + (tiled ? "tile" : "strip") + " offsets or byte counts");
            }
            TiffCompression.checkReadable(compression);
            if (photometric != 5 && photometric != 8) {
                // CMYK and CIELab are decided with the layout: 8-bit is read, the rest refused
                checkColourSpace(photometric);
            }
            TiffDataLayout.check(offsets, counts, compression, size, big ? 16 : 8, tiled);
            GeoTiffTags geoTags = new GeoTiffTags(doubles(geo.get(GeoTiffTags.PIXEL_SCALE)),
                    doubles(geo.get(GeoTiffTags.TIEPOINT)), doubles(geo.get(GeoTiffTags.TRANSFORMATION)),
                    shorts(geo.get(GeoTiffTags.GEO_KEYS)), doubles(geo.get(GeoTiffTags.GEO_DOUBLES)),
                    ascii(geo.get(GeoTiffTags.GEO_ASCII)));
            return new Facts(new Placement(geoTags.locates() ? geoTags : null,
                    PixelSize.of(description, resolution[0], resolution[1], resolutionUnit)), nodata == null || nodata.isEmpty() ? null : nodata,
                    rowsMisread, directoryEnd);
        }
    }

    /**
     * Colour spaces no reader here converts to RGB are refused by name: the readers passed CMYK (16-bit, with
     * alpha, planar) and CIELab samples through as if they were R, G and B, and 71-81% of such masks were wrong
     * (issue 24). Never a wrong mask: a refusal until they are converted as libtiff and GDAL convert them.
     */
    static void checkColourSpace(int photometric) throws UnreadableImageException {
        String name = switch (photometric) {
            case 5 -> "CMYK (PhotometricInterpretation Separated) with other than four 8-bit samples, or JPEG or WebP compressed";
            case 8 -> "CIE L*a*b*";
            case 9 -> "ICC L*a*b*";
            case 10 -> "ITU L*a*b*";
            case 32803 -> "colour filter array (raw sensor data)";
            case 32844 -> "LogL";
            case 32845 -> "LogLuv";
            case 34892 -> "linear raw (DNG)";
            default -> null;
        };
        if (name != null) {
            throw new UnreadableImageException("This TIFF's colour space is " + name + ", which this service does not "
                    + "convert to RGB; it reads grey, RGB, palette and (JPEG-compressed) YCbCr TIFFs. Convert it, for "
                    + "example with gdal_translate -co PHOTOMETRIC=RGB or vips colourspace IN OUT srgb.");
        }
    }

    /**
     * The refusal of a layout only libtiff reads ({@link TiffLayout#needsLibTiff}) when it is not installed or the
     * samples are not 8-bit (GDAL passes 16-bit CIELab through unconverted, so no reference gives RGB for it).
     */
    static UnreadableImageException notConverted(TiffLayout l) {
        String what = l.compression() == TiffCompression.OLD_JPEG ? "old-style JPEG (compression 6)"
                : l.photometric() == 8 ? "CIE L*a*b* colour" : "YCbCr colour without JPEG compression";
        String why = !LibTiff.available() ? "libtiff (libtiff6), which reads it, is not installed"
                : "it is read with 8-bit samples only (this one has " + l.bitsPerSample() + "-bit samples)";
        return new UnreadableImageException("This TIFF has " + what + ", and " + why + ". Convert it, for example with "
                + "gdal_translate -co PHOTOMETRIC=RGB -co COMPRESS=DEFLATE or vips colourspace IN OUT srgb.");
    }

    /** The GeoTIFF tags carried to results, with the field type each must have (others are ignored). */
    private static final java.util.Map<Integer, Integer> GEO_TYPES = java.util.Map.of(GeoTiffTags.PIXEL_SCALE, 12,
            GeoTiffTags.TIEPOINT, 12, GeoTiffTags.TRANSFORMATION, 12, GeoTiffTags.GEO_KEYS, SHORT,
            GeoTiffTags.GEO_DOUBLES, 12, GeoTiffTags.GEO_ASCII, 2);
    /** An ImageDescription is read for a slide's pixel size (Aperio, OME-XML) up to this many bytes. */
    private static final int MAX_DESCRIPTION = 1 << 20;
    /** GeoTIFF's tags hold a few dozen values; more is not a georeference. */
    private static final int MAX_GEO_VALUES = 1 << 16;

    private static double[] doubles(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        double[] out = new double[b.capacity() / 8];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getDouble(i * 8);
        }
        return out;
    }

    private static int[] shorts(ByteBuffer b) {
        if (b == null) {
            return null;
        }
        int[] out = new int[b.capacity() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Short.toUnsignedInt(b.getShort(i * 2));
        }
        return out;
    }

    private static String ascii(ByteBuffer b) {
        return text(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private static String text(ByteBuffer b, java.nio.charset.Charset charset) {
        if (b == null) {
            return null;
        }
        String s = new String(b.array(), 0, b.capacity(), charset);
        return s.endsWith("\0") ? s.substring(0, s.length() - 1) : s;
    }

    /** Width (256) and length (257), SHORT or LONG held in the entry, against the pixel limit. */
    private static void checkSize(ByteBuffer all, long entries, int entryBytes, boolean big, PixelLimit limit)
            throws UnreadableImageException {
        long width = 0;
        long height = 0;
        for (int i = 0; i < entries; i++) {
            int at = i * entryBytes;
            int tag = Short.toUnsignedInt(all.getShort(at));
            int type = Short.toUnsignedInt(all.getShort(at + 2));
            int value = at + (big ? 12 : 8);
            long v = type == SHORT ? Short.toUnsignedInt(all.getShort(value))
                    : type == LONG ? Integer.toUnsignedLong(all.getInt(value)) : type == LONG8 ? all.getLong(value) : 0;
            if (tag == 256) {
                width = v;
            } else if (tag == 257) {
                height = v;
            }
        }
        limit.check(width, height);
    }

    /** The values of a SHORT, LONG or LONG8 field. */
    private static long[] values(Path file, FileChannel ch, long offset, int count, int type, ByteOrder order)
            throws IOException {
        int size = TYPE_SIZES[type];
        Arrival.await(file, offset + (long) count * size);
        ByteBuffer b = ByteBuffer.allocate(count * size).order(order);
        while (b.hasRemaining() && ch.read(b, offset + b.position()) >= 0) {
            // until full
        }
        long[] out = new long[count];
        for (int i = 0; i < count; i++) {
            out[i] = switch (type) {
                case SHORT -> Short.toUnsignedInt(b.getShort(i * 2));
                case LONG -> Integer.toUnsignedLong(b.getInt(i * 4));
                default -> b.getLong(i * 8);
            };
        }
        return out;
    }

    private static UnreadableImageException damaged(String why) {
        return new UnreadableImageException("The TIFF's directory is damaged: " + why + ".");
    }

    private static ByteBuffer read(Path file, FileChannel ch, long at, int n, long size) throws IOException {
        if (at + n > size) {
            throw damaged("it ends at byte " + size + " inside its header or directory");
        }
        Arrival.await(file, at + n);
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && ch.read(b, at + b.position()) >= 0) {
            // until full
        }
        return b;
    }
}
