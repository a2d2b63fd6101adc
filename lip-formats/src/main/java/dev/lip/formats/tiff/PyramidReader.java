package dev.lip.formats.tiff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the levels of a result this project wrote (COG: the directory chain; OME-TIFF: the first directory's
 * SubIFDs; TIFF: one level), one deflated tile at a time: a viewer's tiles come from here, never from decoding the
 * whole result. Only the layouts {@link PyramidWriter} and {@link TiledTiffWriter} write are read: tiled, one 8-bit
 * band, deflate or none, little-endian.
 */
public final class PyramidReader implements TileArchive, AutoCloseable {
    private static final int MAX_LEVELS = 40;

    private record Level(int width, int height, long[] offsets, long[] counts, int compression) {
    }

    private final FileChannel file;
    private final List<Level> levels = new ArrayList<>();
    private final int tileSize;

    public PyramidReader(Path path) throws IOException {
        file = FileChannel.open(path, StandardOpenOption.READ);
        try {
            ByteBuffer head = read(0, 16).order(ByteOrder.LITTLE_ENDIAN);
            if (head.get(0) != 'I' || head.get(1) != 'I') {
                throw new IOException(path.getFileName() + " is not a result written here (not little-endian TIFF)");
            }
            boolean big = head.getShort(2) == 43;
            long ifd = big ? head.getLong(8) : Integer.toUnsignedLong(head.getInt(4));
            Map<Integer, long[]> first = directory(ifd, big);
            if (first.get(322) == null) {
                throw new IOException(path.getFileName() + " is not tiled");
            }
            tileSize = (int) first.get(322)[0];
            levels.add(level(first));
            long[] subs = first.get(330);
            if (subs != null) {
                for (long sub : subs) {
                    levels.add(level(directory(sub, big)));
                }
            } else {
                long next = first.get(-1)[0];
                while (next != 0 && levels.size() < MAX_LEVELS) {
                    Map<Integer, long[]> d = directory(next, big);
                    levels.add(level(d));
                    next = d.get(-1)[0];
                }
            }
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e instanceof IOException io ? io : new IOException("the result's directories cannot be read", e);
        }
    }

    private Level level(Map<Integer, long[]> d) throws IOException {
        if (d.get(322) == null || d.get(322)[0] != tileSize || d.get(256) == null || d.get(257) == null
                || d.get(324) == null || d.get(325) == null) {
            throw new IOException("the result's levels are not tiled alike");
        }
        return new Level((int) d.get(256)[0], (int) d.get(257)[0], d.get(324), d.get(325),
                d.containsKey(259) ? (int) d.get(259)[0] : 1);
    }

    /** The numeric entries of a directory by tag, and its next-directory offset under the key -1. */
    private Map<Integer, long[]> directory(long at, boolean big) throws IOException {
        int countBytes = big ? 8 : 2;
        ByteBuffer c = read(at, countBytes).order(ByteOrder.LITTLE_ENDIAN);
        long n = big ? c.getLong(0) : Short.toUnsignedInt(c.getShort(0));
        if (n <= 0 || n > 4096) {
            throw new IOException("a directory of the result claims " + n + " entries");
        }
        int entryBytes = big ? 20 : 12;
        ByteBuffer all = read(at + countBytes, (int) n * entryBytes + (big ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
        Map<Integer, long[]> out = new HashMap<>();
        for (int i = 0; i < n; i++) {
            int e = i * entryBytes;
            int tag = Short.toUnsignedInt(all.getShort(e));
            int type = Short.toUnsignedInt(all.getShort(e + 2));
            long count = big ? all.getLong(e + 4) : Integer.toUnsignedLong(all.getInt(e + 4));
            int size = switch (type) {
                case 3 -> 2;
                case 4, 13 -> 4;
                case 16, 18 -> 8;
                default -> 0;
            };
            if (size == 0 || count > 1 << 24) {
                continue; // not a number this reader needs
            }
            int inline = big ? 8 : 4;
            ByteBuffer values = count * size <= inline
                    ? all.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(e + (big ? 12 : 8)).slice().order(ByteOrder.LITTLE_ENDIAN)
                    : read(big ? all.getLong(e + 12) : Integer.toUnsignedLong(all.getInt(e + 8)), (int) (count * size))
                    .order(ByteOrder.LITTLE_ENDIAN);
            long[] v = new long[(int) count];
            for (int k = 0; k < count; k++) {
                v[k] = switch (size) {
                    case 2 -> Short.toUnsignedInt(values.getShort(k * 2));
                    case 4 -> Integer.toUnsignedLong(values.getInt(k * 4));
                    default -> values.getLong(k * 8);
                };
            }
            out.put(tag, v);
        }
        int nextAt = (int) n * entryBytes;
        out.put(-1, new long[]{big ? all.getLong(nextAt) : Integer.toUnsignedLong(all.getInt(nextAt))});
        return out;
    }

    private ByteBuffer read(long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (file.read(b, at + b.position()) < 0) {
                throw new IOException("the result ends at byte " + (at + b.position()) + ", inside its structure");
            }
        }
        return b;
    }

    @Override
    public int levels() {
        return levels.size();
    }

    @Override
    public int width(int level) {
        return levels.get(level).width();
    }

    @Override
    public int height(int level) {
        return levels.get(level).height();
    }

    @Override
    public int tileSize() {
        return tileSize;
    }

    @Override
    public byte[] tile(int level, int column, int row) throws IOException {
        Level l = levels.get(level);
        int across = (l.width() + tileSize - 1) / tileSize;
        int index = row * across + column;
        if (column < 0 || row < 0 || column >= across || index >= l.offsets().length) {
            return null;
        }
        byte[] data = read(l.offsets()[index], (int) l.counts()[index]).array();
        if (l.compression() == TiledTiffWriter.COMPRESSION_NONE) {
            return data;
        }
        try {
            return Inflation.inflate(data, tileSize * tileSize);
        } catch (IOException e) {
            throw new IOException("tile " + column + "," + row + " of level " + level + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
