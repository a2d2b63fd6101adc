package dev.lip.formats.tiff;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays a finished pyramid out in its file: the header, every directory, then the levels' tile data, smallest level
 * first and full resolution last. That is GDAL's Cloud Optimized GeoTIFF layout (its validator checks that the first
 * directory follows the header, that directories precede data and that data runs from the smallest level to the
 * largest), with GDAL's structural metadata after the header declaring it; a reader over HTTP gets every directory
 * in one range request and an overview without touching full-resolution tiles. The OME-TIFF layout has the same
 * order with the reduced levels as SubIFDs of the first directory, which carries the OME-XML.
 */
final class PyramidFile {
    /** NewSubfileType 1: a reduced-resolution version of another image in the file. */
    private static final int NEW_SUBFILE_TYPE = 254, REDUCED = 1, DESCRIPTION = 270, SUB_IFDS = 330;
    /** Room left for directories and GDAL's metadata before deciding a classic TIFF is safe. */
    private static final long CLASSIC_LIMIT = (1L << 32) - (64L << 20);

    private PyramidFile() {
    }

    static void write(Path file, List<PyramidLevel> levels, ResultLayout layout, Placement placement) throws IOException {
        long data = 0;
        for (PyramidLevel level : levels) {
            data += level.dataSize();
        }
        boolean big = data > CLASSIC_LIMIT;
        byte[] ghost = layout == ResultLayout.COG ? ghost() : new byte[0];
        long at = TiffHeader.size(big) + ghost.length;
        at += at & 1;
        // Directories first, their sizes known from their counts alone; then where each level's data will start.
        List<TiffDirectory> dirs = new ArrayList<>();
        long[] dirAt = new long[levels.size()];
        for (int k = 0; k < levels.size(); k++) {
            PyramidLevel l = levels.get(k);
            TiffDirectory d = TiffDirectory.tiled(l.width, l.height, l.tileSize, 1, 8, TiledTiffWriter.COMPRESSION_DEFLATE)
                    .tiles(new long[l.offsets.length], l.lengths, big);
            if (k == 0) {
                d.placement(placement);
                if (layout == ResultLayout.OME_TIFF) {
                    d.add(TiffEntry.utf8(DESCRIPTION, OmeXml.of(l.width, l.height, placement.pixelSize())));
                    if (levels.size() > 1) {
                        d.add(TiffEntry.directories(SUB_IFDS, new long[levels.size() - 1], big));
                    }
                }
            } else {
                d.add(TiffEntry.longs(NEW_SUBFILE_TYPE, REDUCED));
            }
            dirs.add(d);
            dirAt[k] = at;
            at += d.size(big);
            at += at & 1;
        }
        long[] dataAt = new long[levels.size()];
        for (int k = levels.size() - 1; k >= 0; k--) {
            dataAt[k] = at;
            at += levels.get(k).dataSize();
        }
        if (!big && at > 0xFFFFFFFFL) {
            throw new IOException("the result would pass 4 GiB as a classic TIFF");
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, TiffHeader.of(big, dirAt[0]));
            writeFully(out, ByteBuffer.wrap(ghost));
            for (int k = 0; k < levels.size(); k++) {
                PyramidLevel l = levels.get(k);
                TiffDirectory d = dirs.get(k).tiles(l.offsetsAt(dataAt[k]), l.lengths, big);
                long next = 0;
                if (layout == ResultLayout.COG && k + 1 < levels.size()) {
                    next = dirAt[k + 1]; // COG chains the overviews after the main image
                }
                if (k == 0 && layout == ResultLayout.OME_TIFF && levels.size() > 1) {
                    long[] subs = new long[levels.size() - 1];
                    System.arraycopy(dirAt, 1, subs, 0, subs.length);
                    d.add(TiffEntry.directories(SUB_IFDS, subs, big));
                }
                out.position(dirAt[k]);
                writeFully(out, d.bytes(dirAt[k], big, next));
            }
            for (int k = levels.size() - 1; k >= 0; k--) {
                out.position(dataAt[k]);
                levels.get(k).copyTo(out);
            }
        }
    }

    /**
     * GDAL's structural metadata (its COG driver writes the same): the layout, and that each tile is framed by its
     * size before and its last 4 bytes after (see {@link PyramidLevel}).
     */
    private static byte[] ghost() {
        String content = "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n"
                + "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";
        return (String.format("GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n", content.length()) + content)
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
