package dev.lip.formats.tiff;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * One image directory (IFD) of a tiled 8-bit result and the bytes it takes, laid out where the writer puts it: the
 * entries sorted by tag, as TIFF requires, then the values that do not fit in their entries, each on an even offset.
 * Its size depends only on the number of its values, never on their values, so a writer can place every directory
 * before it knows the tile offsets they point at (the Cloud Optimized GeoTIFF layout puts them all first).
 */
final class TiffDirectory {
    private final List<TiffEntry> entries = new ArrayList<>();

    /**
     * The entries of a tiled, single-band or multi-band unsigned image compressed with {@code compression}; its
     * tile offsets and byte counts are set with {@link #tiles}.
     */
    static TiffDirectory tiled(int width, int height, int tileSize, int bands, int bitsPerSample, int compression) {
        TiffDirectory d = new TiffDirectory();
        d.add(TiffEntry.longs(256, width));
        d.add(TiffEntry.longs(257, height));
        d.add(TiffEntry.shorts(258, repeat(bitsPerSample, bands)));
        d.add(TiffEntry.shorts(259, compression));
        d.add(TiffEntry.shorts(262, bands >= 3 ? 2 : 1));
        d.add(TiffEntry.shorts(277, bands));
        d.add(TiffEntry.shorts(284, 1));
        d.add(TiffEntry.longs(322, tileSize));
        d.add(TiffEntry.longs(323, tileSize));
        if (bands == 2 || bands == 4) {
            d.add(TiffEntry.shorts(338, 2)); // ExtraSamples: unassociated alpha
        }
        d.add(TiffEntry.shorts(339, repeat(1, bands))); // SampleFormat: unsigned integer
        return d;
    }

    TiffDirectory tiles(long[] offsets, long[] byteCounts, boolean bigTiff) {
        add(TiffEntry.offsets(324, offsets, bigTiff));
        add(TiffEntry.offsets(325, byteCounts, bigTiff));
        return this;
    }

    /** GeoTIFF tags and the pixel size (as the resolution in pixels per centimetre), when the input had them. */
    TiffDirectory placement(Placement placement) {
        PixelSize size = placement.pixelSize();
        if (size != null) {
            add(TiffEntry.rational(282, size.pixelsPerCmX()));
            add(TiffEntry.rational(283, size.pixelsPerCmY()));
            add(TiffEntry.shorts(296, 3)); // ResolutionUnit: centimetre
        }
        GeoTiffTags geo = placement.georeference();
        if (geo != null) {
            addDoubles(GeoTiffTags.PIXEL_SCALE, geo.modelPixelScale());
            addDoubles(GeoTiffTags.TIEPOINT, geo.modelTiepoint());
            addDoubles(GeoTiffTags.TRANSFORMATION, geo.modelTransformation());
            if (geo.geoKeyDirectory() != null) {
                add(TiffEntry.shorts(GeoTiffTags.GEO_KEYS, Arrays.stream(geo.geoKeyDirectory()).asLongStream().toArray()));
            }
            addDoubles(GeoTiffTags.GEO_DOUBLES, geo.geoDoubleParams());
            if (geo.geoAsciiParams() != null) {
                add(TiffEntry.ascii(GeoTiffTags.GEO_ASCII, geo.geoAsciiParams()));
            }
        }
        return this;
    }

    private void addDoubles(int tag, double[] values) {
        if (values != null) {
            add(TiffEntry.doubles(tag, values));
        }
    }

    TiffDirectory add(TiffEntry entry) {
        entries.removeIf(e -> e.tag() == entry.tag());
        entries.add(entry);
        return this;
    }

    /** Bytes of the directory with its out-of-line values. */
    long size(boolean bigTiff) {
        int inline = bigTiff ? 8 : 4;
        long size = (bigTiff ? 8 : 2) + (long) entries.size() * (bigTiff ? 20 : 12) + (bigTiff ? 8 : 4);
        for (TiffEntry e : entries) {
            long bytes = (long) e.values().length * e.valueSize();
            if (bytes > inline) {
                size += bytes + (bytes & 1);
            }
        }
        return size;
    }

    /**
     * The directory as written at file offset {@code at}, its out-of-line values right after it.
     *
     * @param next the offset of the next directory in the chain, 0 for none
     */
    ByteBuffer bytes(long at, boolean bigTiff, long next) {
        List<TiffEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(TiffEntry::tag));
        int inline = bigTiff ? 8 : 4;
        ByteBuffer out = ByteBuffer.allocate(Math.toIntExact(size(bigTiff))).order(ByteOrder.LITTLE_ENDIAN);
        int head = (bigTiff ? 8 : 2) + sorted.size() * (bigTiff ? 20 : 12) + (bigTiff ? 8 : 4);
        int extra = head;
        if (bigTiff) {
            out.putLong(sorted.size());
        } else {
            out.putShort((short) sorted.size());
        }
        for (TiffEntry e : sorted) {
            ByteBuffer data = e.bytes();
            out.putShort((short) e.tag()).putShort((short) e.kind());
            if (bigTiff) {
                out.putLong(e.count());
            } else {
                out.putInt(e.count());
            }
            if (data.remaining() <= inline) {
                byte[] v = new byte[inline];
                data.get(v, 0, data.remaining());
                out.put(v);
            } else {
                if (bigTiff) {
                    out.putLong(at + extra);
                } else {
                    out.putInt((int) (at + extra));
                }
                int length = data.remaining();
                out.put(extra, data, 0, length);
                extra += length + (length & 1);
            }
        }
        if (bigTiff) {
            out.putLong(next);
        } else {
            out.putInt((int) next);
        }
        out.position(0);
        return out;
    }

    private static long[] repeat(long v, int n) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }
}
