package dev.lip.formats.source;

import dev.lip.formats.tiff.Placement;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;
import net.algart.matrices.tiff.TiffReader;
import net.algart.matrices.tiff.tiles.TiffReadMap;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * BigTIFF (files past 4 GiB) through AlgART-TIFF, which reads tiled BigTIFF regions with bounded memory. The JDK
 * TIFF plugin cannot read BigTIFF at all, and is faster on classic TIFF, which therefore goes through
 * {@link TiffSource}.
 */
final class BigTiffSource implements ImageSource {
    private static final long BAND_BYTES = 32L << 20;
    private static final int TILE_WIDTH_TAG = 322;
    private static final long TILE_CACHE_BYTES = 8L << 20;
    /**
     * AlgART's reader keeps a small record for every tile it ever cached, even after the tile's pixels are evicted:
     * a few KB a tile, ~75 MB of live heap by the end of a 50000² image with 512² tiles (measured with a class
     * histogram: byte[], int[] and Integer records that a fresh reader drops). A fresh reader every so many
     * regions keeps that bounded; reopening costs one read of the directory.
     */
    private static final int REGIONS_PER_READER = 512;

    private final Path file;
    private TiffReader reader;
    private TiffReadMap map;
    private final ImageInfo info;
    private int regionsRead;
    /** Layouts read without AlgART (see {@link TiffBlockReader}), every wide sample format among them; else null. */
    private final TiffBlockReader blocks;
    /** For LZW, PackBits and JPEG blocks, which AlgART decodes: their data must be whole; else null. */
    private final BlockEndCheck endCheck;

    /** From the directory, checked before any reader looked at it (see {@link TiffStructure#check}). */
    private Placement placement = Placement.NONE;

    private BigTiffSource(Path file, TiffReader reader, TiffReadMap map, ImageInfo info, TiffBlockReader blocks,
                          BlockEndCheck endCheck) {
        this.file = file;
        this.reader = reader;
        this.map = map;
        this.info = info;
        this.blocks = blocks;
        this.endCheck = endCheck;
    }

    private static TiffReader reader(Path file) throws IOException {
        TiffReader reader = new TiffReader(file);
        // AlgART caches decoded tiles (by default up to a large share of the heap, per reader). A patch with a halo
        // touches up to nine tiles and the next patch along the row reuses six (~5 MB of 512² RGB tiles): a small
        // cache serves that, and a larger one only fills the old generation with evicted tiles (24 MB a reader
        // gave slicer-api 639 MB of peak RSS on the 50000² BigTIFF after four 20000² images; 8 MB gives 582 MB).
        reader.setMaxCachingMemory(TILE_CACHE_BYTES);
        return reader;
    }

    static BigTiffSource open(Path file, PixelLimit limit) throws IOException {
        TiffStructure.Facts facts = TiffStructure.check(file, true, limit);
        facts.checkRowsRead(false); // AlgART parses the directory itself
        Arrival.await(file, facts.directoryEnd()); // and reads it through its own file access: it must be whole
        TiffReader reader = reader(file);
        try {
            TiffReadMap map = reader.newMap(0);
            TiffLayout layout = layout(map.ifd());
            int bands = map.numberOfChannels();
            if (bands > ImageInfo.MAX_BANDS) {
                throw new UnreadableImageException("BigTIFF images with " + bands + " samples per pixel are not supported (1 to "
                        + ImageInfo.MAX_BANDS + ").");
            }
            if (map.ifd().getPhotometricInterpretation().isIndexed()) {
                throw new UnreadableImageException("Palette BigTIFF images are not supported; convert to RGB first.");
            }
            // offsets and byte counts were checked against the file by TiffStructure
            TiffBlockReader blocks;
            BlockEndCheck endCheck = null;
            if (layout.needsLibTiff()) {
                // CIELab, uncompressed YCbCr, old-style JPEG: libtiff's RGBA interface alone gives GDAL's pixels
                blocks = TiffBlockReader.of(file, layout);
                if (blocks == null) {
                    throw TiffStructure.notConverted(layout);
                }
                bands = layout.readBands();
            } else if (layout.photometric() == 5) {
                blocks = layout.isCmyk8() ? TiffBlockReader.of(file, layout) : null;
                if (blocks == null) {
                    TiffStructure.checkColourSpace(5);
                }
                bands = 3;
            } else if (layout.isPacked()) {
                // 1-7 and 9-15-bit grey or RGB: only our block reader widens them
                blocks = TiffBlockReader.of(file, layout);
                if (blocks == null) {
                    throw new UnreadableImageException("This BigTIFF's " + layout.bitsPerSample() + "-bit samples are "
                            + "read uncompressed or with LZW, deflate, ZSTD or PackBits, without a predictor only.");
                }
            } else if (layout.isWide()) {
                blocks = TiffCompression.wideReader(file, layout);
            } else {
                blocks = TiffBlockReader.of(file, layout);
                TiffCompression.checkBlockReaderTakes(layout, blocks);
                endCheck = blocks != null ? null : BlockEndCheck.of(file, layout);
            }
            if (blocks == null && Arrival.arriving(file)) {
                // AlgART decodes these blocks, and its file access does not see bytes that came after it opened
                // the file ("File exhausted"): it reads the file once it is whole, through a reader opened then
                Arrival.awaitAll(file);
                reader.close();
                reader = reader(file);
                map = reader.newMap(0);
            }
            String format = "BigTIFF (" + (layout.tiled() ? "tiled" : "striped")
                    + (layout.needsLibTiff() ? ", through libtiff" : "") + ")";
            BigTiffSource source = new BigTiffSource(file, reader, map, new ImageInfo(map.dimX(), map.dimY(), bands,
                    layout.format(), format, facts.nodata()), blocks, endCheck);
            source.placement = facts.placement();
            return source;
        } catch (IOException | RuntimeException e) {
            reader.close();
            if (e instanceof UnreadableImageException u) {
                throw u;
            }
            throw new UnreadableImageException("The BigTIFF cannot be read: " + Messages.of(e), e);
        }
    }

    private static TiffLayout layout(net.algart.matrices.tiff.TiffIFD ifd) throws IOException {
        int width = ifd.getImageDimX();
        int height = ifd.getImageDimY();
        boolean tiled = ifd.containsKey(TILE_WIDTH_TAG);
        return new TiffLayout(width, height, tiled, tiled ? ifd.getTileSizeX() : width,
                tiled ? ifd.getTileSizeY() : Math.min(height, ifd.getRowsPerStrip()), ifd.getTileOrStripOffsets(),
                ifd.getTileOrStripByteCounts(), ifd.getCompressionCode(), ifd.getPhotometricInterpretationCode(),
                ifd.getSamplesPerPixel(), ifd.getBitsPerSample()[0], ifd.optPredictorCode(), ifd.getPlanarConfiguration(),
                // SampleFormat has a value a sample, an array AlgART's optInt does not read
                ifd.containsKey(339) ? ifd.getIntArray(339)[0] : 1, !ifd.isLittleEndian(),
                ifd.get(347) instanceof byte[] tables ? tables : null);
    }

    @Override
    public Placement placement() {
        return placement;
    }

    @Override
    public ImageInfo info() {
        return info;
    }

    @Override
    public boolean supportsRegions() {
        return map.ifd().containsKey(TILE_WIDTH_TAG);
    }

    /** Our block reader serves threads at once; the JDK's and AlgART's readers do not. */
    @Override
    public boolean concurrentRegions() {
        return blocks != null && supportsRegions();
    }

    @Override
    public PixelRegion readRegion(Rect area) throws IOException {
        if (blocks != null) {
            return blocks.read(area);
        }
        if (endCheck != null) {
            endCheck.check(area);
        }
        if (++regionsRead % REGIONS_PER_READER == 0) {
            reader.close();
            reader = reader(file);
            map = reader.newMap(0);
        }
        byte[] samples;
        try {
            samples = reader.readSampleBytes(map, area.x(), area.y(), area.width(), area.height());
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("The BigTIFF cannot be decoded at " + area.x() + "," + area.y() + ": "
                    + Messages.of(e), e);
        }
        if (info.bands() > 1) {
            samples = map.toInterleavedSamples(samples, info.bands(), area.area());
        }
        if (info.bitsPerSample() == 16 && ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            swapPairs(samples);
        }
        return new PixelRegion(area, info.bands(), info.bitsPerSample(), samples);
    }

    private static void swapPairs(byte[] b) {
        for (int i = 0; i + 1 < b.length; i += 2) {
            byte t = b[i];
            b[i] = b[i + 1];
            b[i + 1] = t;
        }
    }

    @Override
    public void streamRows(RowConsumer consumer) throws IOException {
        long rowBytes = (long) info.width() * info.bands() * (info.bitsPerSample() / 8);
        int band = (int) Math.max(1, Math.min(info.height(), BAND_BYTES / rowBytes));
        if (blocks != null) {
            // whole rows of blocks: a band ending inside one decodes that row of blocks twice
            int blockHeight = blocks.blockHeight();
            band = Math.max(blockHeight, band / blockHeight * blockHeight);
        }
        byte[] row = new byte[(int) rowBytes];
        for (int y = 0; y < info.height(); y += band) {
            int h = Math.min(band, info.height() - y);
            PixelRegion r = readRegion(new Rect(0, y, info.width(), h));
            for (int i = 0; i < h; i++) {
                System.arraycopy(r.data(), i * row.length, row, 0, row.length);
                consumer.accept(y + i, row);
            }
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
        if (blocks != null) {
            blocks.close();
        }
        if (endCheck != null) {
            endCheck.close();
        }
    }
}
