package dev.lip.formats.source;

import dev.lip.formats.tiff.Placement;
import dev.lip.common.geometry.Rect;
import dev.lip.common.pixels.ImageInfo;
import dev.lip.common.pixels.PixelRegion;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import java.awt.Rectangle;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;

/**
 * Classic TIFF through the JDK's TIFF plugin, which decodes only the tiles or strips a region touches (about 6 ms a
 * 512 x 512 tile here), unlike TwelveMonkeys' reader whose region reads on tiled TIFFs fail. Tiled files are read
 * patch by patch; striped files in bands of whole strips, top to bottom. BigTIFF, which the JDK cannot read, goes
 * through {@link BigTiffSource}.
 */
final class TiffSource implements ImageSource {
    /** A strip larger than this cannot be decoded with bounded memory: the reader decodes a strip whole. */
    static final long MAX_STRIP_BYTES = 256L << 20;
    private static final long BAND_BYTES = 32L << 20;

    private final ImageInputStream stream;
    private final ImageReader reader;
    private final ImageInfo info;
    private final RasterConversion conversion;
    private final boolean tiled;
    private final int stripHeight;
    /**
     * Layouts read without the JDK's reader (see {@link TiffBlockReader}), every wide sample format among them;
     * else null.
     */
    private final TiffBlockReader blocks;
    /** For LZW, PackBits and JPEG blocks, which the JDK's reader decodes: their data must be whole; else null. */
    private final BlockEndCheck endCheck;
    /** Warnings the reader gave while decoding: each means pixels it made up (see {@link #decode}). */
    private final java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** From the directory, checked before any reader looked at it (see {@link TiffStructure#check}). */
    private Placement placement = Placement.NONE;

    private TiffSource(ImageInputStream stream, ImageReader reader, ImageInfo info, RasterConversion conversion,
                       boolean tiled, int stripHeight, TiffBlockReader blocks, BlockEndCheck endCheck) {
        this.stream = stream;
        this.reader = reader;
        this.info = info;
        this.conversion = conversion;
        this.tiled = tiled;
        this.stripHeight = stripHeight;
        this.blocks = blocks;
        this.endCheck = endCheck;
        reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
    }

    static TiffSource open(Path file, PixelLimit limit) throws IOException {
        TiffStructure.Facts facts = TiffStructure.check(file, false, limit);
        ImageInputStream stream = Arrival.imageStream(file);
        ImageReader reader = JdkReaders.get("tiff", "com.sun.imageio.plugins.tiff.TIFFImageReader");
        try {
            reader.setInput(stream, false, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            TiffLayout layout = checkDirectory(reader, file, width, height);
            String format = "TIFF (" + (layout.tiled() ? "tiled" : "striped") + ")";
            TiffSource source;
            boolean fax = layout.compression() >= 2 && layout.compression() <= 4 && layout.bitsPerSample() == 1;
            if (layout.needsLibTiff()) {
                // CIELab, uncompressed YCbCr, old-style JPEG: libtiff's RGBA interface alone gives GDAL's pixels
                TiffBlockReader blocks = TiffBlockReader.of(file, layout);
                if (blocks == null) {
                    throw TiffStructure.notConverted(layout);
                }
                // the job's log line and status say which decoder reads it
                ImageInfo info = new ImageInfo(width, height, layout.readBands(), layout.format(),
                        format.replace(")", ", through libtiff)"), facts.nodata());
                source = new TiffSource(stream, reader, info, null, layout.tiled() && layout.blockWidth() < width,
                        layout.blockHeight(), blocks, null);
            } else if (layout.photometric() == 5) {
                // CMYK: 8-bit, converted to RGB by our block reader as libtiff converts it; no other reader here may
                // see it (they passed C, M, Y as R, G, B)
                TiffBlockReader blocks = layout.isCmyk8() ? TiffBlockReader.of(file, layout) : null;
                if (blocks == null) {
                    TiffStructure.checkColourSpace(5);
                }
                ImageInfo info = new ImageInfo(width, height, 3, layout.format(), format, facts.nodata());
                source = new TiffSource(stream, reader, info, null, layout.tiled() && layout.blockWidth() < width,
                        layout.blockHeight(), blocks, null);
            } else if (layout.isPacked() && !fax) {
                // 1-7 and 9-15-bit grey or RGB: only our block reader widens them (to 8 or 16 bits)
                TiffBlockReader blocks = TiffBlockReader.of(file, layout);
                if (blocks == null) {
                    throw new UnreadableImageException("This TIFF's " + layout.bitsPerSample() + "-bit samples are "
                            + "stored in a way not read here: they are read uncompressed or with LZW, deflate, ZSTD or "
                            + "PackBits, without a predictor (its compression is "
                            + TiffCompression.name(layout.compression()) + ", predictor " + layout.predictor() + ").");
                }
                ImageInfo info = new ImageInfo(width, height, layout.bands(), layout.format(), format, facts.nodata());
                source = new TiffSource(stream, reader, info, null, layout.tiled() && layout.blockWidth() < width,
                        layout.blockHeight(), blocks, null);
            } else if (layout.isWide()) {
                // int16, 32 and 64-bit samples: only our block reader decodes them, into their own format
                TiffBlockReader blocks = TiffCompression.wideReader(file, layout);
                ImageInfo info = new ImageInfo(width, height, layout.bands(), layout.format(), format, facts.nodata());
                source = new TiffSource(stream, reader, info, null, layout.tiled() && layout.blockWidth() < width,
                        layout.blockHeight(), blocks, null);
            } else {
                TiffBlockReader blocks = TiffBlockReader.of(file, layout);
                facts.checkRowsRead(blocks != null);
                RasterConversion conversion = conversion(reader);
                boolean tiled = reader.isImageTiled(0) && reader.getTileWidth(0) < width;
                // RowsPerStrip past the image's end means one strip (the TIFF default is 2^32 - 1)
                int stripHeight = blocks != null ? layout.blockHeight() : Math.min(height, reader.getTileHeight(0));
                long stripBytes = (long) width * stripHeight * conversion.sourceBands() * 2;
                if (!tiled && stripBytes > MAX_STRIP_BYTES) {
                    throw new UnreadableImageException("This TIFF stores its pixels in strips of " + stripHeight
                            + " full rows, too large to decode with bounded memory; save it tiled (or with smaller strips).");
                }
                TiffCompression.checkBlockReaderTakes(layout, blocks);
                BlockEndCheck endCheck = blocks != null ? null : BlockEndCheck.of(file, layout);
                source = new TiffSource(stream, reader, conversion.info(width, height, format, facts.nodata()),
                        conversion, tiled, stripHeight, blocks, endCheck);
            }
            source.placement = facts.placement();
            return source;
        } catch (IOException | RuntimeException e) {
            reader.dispose();
            stream.close();
            if (e instanceof UnreadableImageException u) {
                throw u;
            }
            throw new UnreadableImageException("The TIFF cannot be read: " + Messages.of(e), e);
        }
    }

    private static RasterConversion conversion(ImageReader reader) throws IOException {
        ImageTypeSpecifier type = reader.getRawImageType(0);
        if (type == null) {
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            type = types.hasNext() ? types.next() : null;
        }
        if (type == null) {
            throw new UnreadableImageException("This TIFF's pixel layout is not supported.");
        }
        return RasterConversion.of(type.getSampleModel(), type.getColorModel(), "TIFF");
    }

    /**
     * The layout the directory describes (its offsets and byte counts were checked by {@link TiffStructure}).
     *
     * @return the layout the directory describes
     */
    private static TiffLayout checkDirectory(ImageReader reader, Path file, int width, int height) throws IOException {
        javax.imageio.plugins.tiff.TIFFDirectory dir = javax.imageio.plugins.tiff.TIFFDirectory.createFromMetadata(
                reader.getImageMetadata(0));
        boolean tiles = dir.containsTIFFField(324);
        javax.imageio.plugins.tiff.TIFFField offsets = dir.getTIFFField(tiles ? 324 : 273);
        javax.imageio.plugins.tiff.TIFFField counts = dir.getTIFFField(tiles ? 325 : 279);
        if (offsets == null || counts == null) {
            throw new UnreadableImageException("The TIFF has no " + (tiles ? "tile" : "strip")
                    + " offsets or byte counts: its directory is damaged.");
        }
        // Bits per sample as the directory states them: the reader's raw image type is built from them in more
        // than one way (a damaged field read as 0 bits went through one way and failed the other).
        javax.imageio.plugins.tiff.TIFFField bits = dir.getTIFFField(258);
        if (bits != null) {
            for (int i = 0; i < bits.getCount(); i++) {
                int b = bits.getAsInt(i);
                int photometric = value(dir, 262, -1);
                boolean packable = b >= 1 && b <= 31 && (photometric == 0 || photometric == 1 || photometric == 2);
                if (b != bits.getAsInt(0)) {
                    throw new UnreadableImageException("The TIFF's samples have different bits (" + bits.getAsInt(0)
                            + " and " + b + "), which this service does not read.");
                }
                if (!packable && b != 1 && b != 2 && b != 4 && b != 8 && b != 16 && b != 32 && b != 64) {
                    throw new UnreadableImageException("The TIFF's samples have " + b + " bits"
                            + (photometric == 3 ? " and a palette" : "") + ", which this service does not read: it reads "
                            + "grey and RGB samples of 1 to 32 bits, palettes of 1, 2, 4 and 8 bits, and wider samples of "
                            + "32 and 64 bits.");
                }
            }
        }
        long[] offsetValues = longs(offsets);
        long[] countValues = longs(counts);
        // offsets and byte counts were checked against the file by TiffStructure, before the reader saw them
        boolean bigEndian = ((ImageInputStream) reader.getInput()).getByteOrder() == java.nio.ByteOrder.BIG_ENDIAN;
        int blockWidth = tiles ? value(dir, 322, 0) : width;
        long rowsPerStrip = dir.containsTIFFField(278) && dir.getTIFFField(278).getCount() > 0
                ? dir.getTIFFField(278).getAsLong(0) : height;
        int blockHeight = tiles ? value(dir, 323, 0) : (int) Math.min(height, rowsPerStrip <= 0 ? height : rowsPerStrip);
        return new TiffLayout(width, height, tiles, blockWidth, blockHeight, offsetValues, countValues,
                value(dir, 259, 1), value(dir, 262, -1), value(dir, 277, 1), value(dir, 258, 1), value(dir, 317, 1),
                value(dir, 284, 1), value(dir, 339, 1), bigEndian,
                dir.containsTIFFField(347) ? dir.getTIFFField(347).getAsBytes() : null);
    }

    private static int value(javax.imageio.plugins.tiff.TIFFDirectory dir, int tag, int absent) {
        javax.imageio.plugins.tiff.TIFFField f = dir.getTIFFField(tag);
        return f == null || f.getCount() == 0 ? absent : f.getAsInt(0);
    }

    private static long[] longs(javax.imageio.plugins.tiff.TIFFField field) {
        long[] out = new long[field.getCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = field.getAsLong(i);
        }
        return out;
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
        return tiled;
    }

    /** Blocks our block reader decoded so far (0 without it), for tests. */
    long blocksDecoded() {
        return blocks == null ? 0 : blocks.blocksDecoded();
    }

    /** Our block reader serves threads at once; the JDK's and AlgART's readers do not. */
    @Override
    public boolean concurrentRegions() {
        return tiled && blocks != null;
    }

    @Override
    public PixelRegion readRegion(Rect area) throws IOException {
        if (blocks != null) {
            return blocks.read(area);
        }
        Raster raster = decode(area);
        PixelRegion out = new PixelRegion(area, info.bands(), info.bitsPerSample());
        int[] scratch = new int[area.width() * conversion.sourceBands()];
        for (int row = 0; row < area.height(); row++) {
            conversion.convertRow(raster, row, scratch, out.data(), row * out.rowStride());
        }
        return out;
    }

    private Raster decode(Rect area) throws IOException {
        if (endCheck != null) {
            endCheck.check(area);
        }
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceRegion(new Rectangle(area.x(), area.y(), area.width(), area.height()));
        try {
            warnings.clear();
            Raster raster = reader.read(0, param).getRaster();
            if (!warnings.isEmpty()) {
                // e.g. "ArrayIndexOutOfBoundsException ignored in TIFFPackBitsDecompressor.decode()": the reader
                // filled what it could not decode with zeros.
                throw new UnreadableImageException("The TIFF's data is damaged near " + area.x() + "," + area.y()
                        + ": the decoder could not decode all of it.");
            }
            return raster;
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("The TIFF cannot be decoded at " + area.x() + "," + area.y() + ": "
                    + Messages.of(e), e);
        }
    }

    @Override
    public void streamRows(RowConsumer consumer) throws IOException {
        int width = info.width();
        long rowBytes = (long) width * info.bands() * (info.bitsPerSample() / 8);
        int strips = (int) Math.max(1, BAND_BYTES / Math.max(1, rowBytes * stripHeight));
        int band = Math.max(1, Math.min(info.height(), strips * stripHeight));
        byte[] row = new byte[(int) rowBytes];
        int[] scratch = blocks != null ? null : new int[width * conversion.sourceBands()];
        for (int y = 0; y < info.height(); y += band) {
            int h = Math.min(band, info.height() - y);
            if (blocks != null) {
                PixelRegion r = blocks.read(new Rect(0, y, width, h));
                for (int i = 0; i < h; i++) {
                    System.arraycopy(r.data(), i * row.length, row, 0, row.length);
                    consumer.accept(y + i, row);
                }
                continue;
            }
            Raster raster = decode(new Rect(0, y, width, h));
            for (int r = 0; r < h; r++) {
                conversion.convertRow(raster, r, scratch, row, 0);
                consumer.accept(y + r, row);
            }
        }
    }

    @Override
    public void close() throws IOException {
        reader.dispose();
        stream.close();
        if (blocks != null) {
            blocks.close();
        }
        if (endCheck != null) {
            endCheck.close();
        }
    }
}
