package dev.lip.formats.source;

import dev.lip.common.pixels.ImageInfo;

import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.stream.ImageInputStream;
import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.ComponentSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import org.w3c.dom.Node;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.BufferedInputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * JPEG, decoded in one sequential pass with bounded memory: by libjpeg-turbo's scanline API where it is there
 * ({@link JpegScanlines}), else by the JDK's reader, as follows.
 *
 * <p>No library on Maven Central decodes a JPEG row by row into our own buffer, and the JDK reader re-decodes from
 * the start for every {@code setSourceRegion} band (quadratic). But the JDK reader copies each decoded scanline into
 * its destination with {@code WritableRaster.setRect(x, y, oneRowRaster)}. So we give it a destination image of the
 * full size whose raster stores nothing: {@link RowForwardingRaster} passes each row on and forgets it. This leans
 * on the reader's internals (JDK 17 to 25 behave alike), which {@code JpegSourceTest} guards.
 *
 * <p>Progressive JPEGs are decoded the same way, but libjpeg must hold all coefficients of a progressive image in
 * native memory first (about 6 bytes a pixel for RGB), so they are refused above a configurable pixel budget.
 */
final class JpegSource implements ImageSource {
    /**
     * A progressive JPEG's coefficients, all held in native memory until its last scan, beside a decoder process's
     * heap under its 560 MB (issue 23: a 1.2 MB progressive 10000² JPEG took 970 MB). 4:2:0 colour fits about
     * 9100², 4:4:4 about 6400²; the pixel limit (lip.progressive-jpeg-max-pixels) applies as well.
     */
    static final long PROGRESSIVE_COEFFICIENT_BYTES = 240L << 20;
    private final Path file;
    private final ImageInfo info;
    private final boolean progressive;

    private JpegSource(Path file, ImageInfo info, boolean progressive) {
        this.file = file;
        this.info = info;
        this.progressive = progressive;
    }

    static JpegSource open(Path file, long progressiveMaxPixels) throws IOException {
        Frame frame = readFrameHeader(file);
        boolean cmyk = frame.components() == 4;
        if (frame.components() != 1 && frame.components() != 3 && !(cmyk && JpegScanlines.available())) {
            throw new UnreadableImageException("JPEG images with " + frame.components() + " colour components"
                    + (cmyk ? " (CMYK or YCCK) are read where libjpeg-turbo (libjpeg62-turbo) is installed, which this "
                    + "server lacks" : " are not supported") + "; convert the image to RGB first.");
        }
        if (frame.width() <= 0 || frame.height() <= 0) {
            throw new UnreadableImageException("The JPEG header gives no image size (DNL-marker JPEGs are not supported).");
        }
        if ((long) frame.width() * frame.height() > Integer.MAX_VALUE - 2) {
            throw new UnreadableImageException("The JPEG is " + frame.width() + " x " + frame.height()
                    + " pixels; JPEGs over 2^31 pixels cannot be decoded here. Convert it to a tiled TIFF.");
        }
        if (frame.progressive() && (long) frame.width() * frame.height() > progressiveMaxPixels) {
            throw new UnreadableImageException("The JPEG is progressive and " + frame.width() + " x " + frame.height()
                    + " pixels; progressive JPEGs must be decoded whole, which is allowed only up to "
                    + progressiveMaxPixels + " pixels (lip.progressive-jpeg-max-pixels). Re-encode it as baseline JPEG or TIFF.");
        }
        if (frame.progressive() && frame.coefficientBytes() > PROGRESSIVE_COEFFICIENT_BYTES) {
            throw new UnreadableImageException("The JPEG is progressive and " + frame.width() + " x " + frame.height()
                    + " pixels; decoding it holds all its coefficients at once, " + (frame.coefficientBytes() >> 20)
                    + " MB, more than the " + (PROGRESSIVE_COEFFICIENT_BYTES >> 20) + " MB a decoder may hold. "
                    + "Re-encode it as baseline JPEG or TIFF.");
        }
        ImageInfo info = new ImageInfo(frame.width(), frame.height(), cmyk ? 3 : frame.components(), 8,
                (frame.progressive() ? "JPEG (progressive)" : "JPEG") + (cmyk ? ", CMYK as RGB" : ""));
        return new JpegSource(file, info, frame.progressive());
    }

    @Override
    public ImageInfo info() {
        return info;
    }


    @Override
    public void streamRows(RowConsumer consumer) throws IOException {
        if (JpegScanlines.available()) {
            try (JpegScanlines jpeg = JpegScanlines.open(file, Arrival.arriving(file) ? Arrival.length(file) : 0)) {
                if (jpeg.width() != info.width() || jpeg.height() != info.height() || jpeg.outputComponents() != info.bands()) {
                    throw new UnreadableImageException("The JPEG decodes to " + jpeg.width() + " x " + jpeg.height()
                            + " pixels of " + jpeg.components() + " samples, not what its header says.");
                }
                jpeg.streamRows(consumer);
            }
            return;
        }
        Arrival.awaitAll(file); // the JDK's reader finds a file still arriving short
        streamRowsThroughTheJdk(consumer);
    }

    private void streamRowsThroughTheJdk(RowConsumer consumer) throws IOException {
        ImageReader reader = JdkReaders.get("jpeg", "com.sun.imageio.plugins.jpeg.JPEGImageReader");
        List<String> warnings = new ArrayList<>();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
            reader.setInput(in, true, false);
            // A progressive JPEG is handed over once per scan (SOS marker), each pass refining the whole image; only
            // the last pass is the finished image. (Restricting the reader to that pass with
            // setSourceProgressivePasses changes the decoded pixels, so the passes are skipped here instead.)
            int finalPass = progressive ? scanCount(reader) - 1 : 0;
            RowForwardingRaster raster = new RowForwardingRaster(info.width(), info.height(), info.bands(), finalPass, consumer);
            ColorSpace cs = ColorSpace.getInstance(info.bands() == 1 ? ColorSpace.CS_GRAY : ColorSpace.CS_sRGB);
            ComponentColorModel cm = new ComponentColorModel(cs, false, false, Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
            ImageReadParam param = reader.getDefaultReadParam();
            param.setDestination(new BufferedImage(cm, raster, false, null));
            reader.read(0, param);
            if (raster.nextRow != info.height()) {
                throw new UnreadableImageException("The JPEG decoder delivered " + raster.nextRow + " of "
                        + info.height() + " rows.");
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (UnreadableImageException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UnreadableImageException("The JPEG cannot be decoded: " + Messages.of(e), e);
        } finally {
            reader.dispose();
        }
        if (!warnings.isEmpty()) {
            // libjpeg pads a truncated or corrupt stream with grey and only warns; for us that is a wrong result.
            throw new UnreadableImageException("The JPEG is truncated or corrupt: " + warnings.get(0));
        }
    }

    /** Progressive JPEGs have one output pass per scan (SOS marker); the JDK metadata lists them without decoding. */
    private static int scanCount(ImageReader reader) throws IOException {
        Node tree = reader.getImageMetadata(0).getAsTree("javax_imageio_jpeg_image_1.0");
        int scans = 0;
        for (Node n = tree.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals("markerSequence")) {
                for (Node m = n.getFirstChild(); m != null; m = m.getNextSibling()) {
                    if (m.getNodeName().equals("sos")) {
                        scans++;
                    }
                }
            }
        }
        if (scans == 0) {
            throw new UnreadableImageException("The progressive JPEG has no scans.");
        }
        return scans;
    }

    /** A full-size raster that keeps no pixels: each row the decoder stores is handed to the consumer. */
    static final class RowForwardingRaster extends WritableRaster {
        private final RowConsumer consumer;
        private final int rowBytes;
        private final int finalPass;
        private int pass = -1;
        int nextRow;

        RowForwardingRaster(int width, int height, int bands, int finalPass, RowConsumer consumer) {
            // Scanline stride 0: all rows alias one row of storage, so the sample model stays valid for images past
            // 2^31 samples (a real stride overflows: "Invalid scanline stride"). Nothing is ever stored in it:
            // setRect below forwards rows instead. (PixelInterleavedSampleModel would refuse stride 0.)
            super(new ComponentSampleModel(DataBuffer.TYPE_BYTE, width, height, bands, 0,
                    bands == 1 ? new int[]{0} : new int[]{0, 1, 2}), new DataBufferByte(width * bands), new Point(0, 0));
            this.consumer = consumer;
            this.rowBytes = width * bands;
            this.finalPass = finalPass;
        }

        @Override
        public void setRect(int dx, int dy, Raster src) {
            if (dy == 0) {
                pass++;
                nextRow = 0;
            }
            if (pass != finalPass) {
                return;
            }
            if (dx != 0 || src.getHeight() != 1 || src.getWidth() != getWidth() || dy != nextRow) {
                throw new IllegalStateException("unexpected decoder write at " + dx + "," + dy + " of "
                        + src.getWidth() + "x" + src.getHeight() + " (expected row " + nextRow + ")");
            }
            byte[] row = ((DataBufferByte) src.getDataBuffer()).getData();
            if (row.length < rowBytes) {
                throw new IllegalStateException("decoder row of " + row.length + " bytes, expected " + rowBytes);
            }
            try {
                consumer.accept(dy, row);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            nextRow++;
        }
    }

    /** @param coefficientBytes what libjpeg holds for a progressive JPEG's coefficients until its last scan */
    record Frame(int width, int height, int components, boolean progressive, long coefficientBytes) {
    }

    private static long ceil(long a, long b) {
        return (a + b - 1) / b;
    }

    /** Reads the SOF segment: size, components and whether the JPEG is progressive, without decoding anything. */
    static Frame readFrameHeader(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Arrival.stream(file)))) {
            if (in.readUnsignedShort() != 0xFFD8) {
                throw new UnreadableImageException("Not a JPEG file.");
            }
            while (true) {
                int b = in.readUnsignedByte();
                if (b != 0xFF) {
                    throw new UnreadableImageException("The JPEG is corrupt: no marker where one should be.");
                }
                int marker;
                do {
                    marker = in.readUnsignedByte();
                } while (marker == 0xFF);
                if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                    continue;
                }
                if (marker == 0xD9 || marker == 0xDA) {
                    throw new UnreadableImageException("The JPEG has no frame header.");
                }
                int length = in.readUnsignedShort();
                boolean sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
                if (sof) {
                    // Arithmetic coding (SOF9, SOF10) is libjpeg-turbo's to decode; the JDK's decoder refuses it
                    boolean arithmetic = marker == 0xC9 || marker == 0xCA;
                    if (marker != 0xC0 && marker != 0xC1 && marker != 0xC2 && !(arithmetic && JpegScanlines.available())) {
                        throw new UnreadableImageException("This JPEG uses a coding process (SOF" + (marker - 0xC0)
                                + (arithmetic ? ", arithmetic coding, which is decoded where libjpeg-turbo (libjpeg62-turbo) "
                                + "is installed" : ", lossless or hierarchical") + ") that is not supported here.");
                    }
                    int precision = in.readUnsignedByte();
                    if (precision != 8) {
                        // libjpeg-turbo decodes 12-bit JPEG from 3.0; Debian 12's 2.1 and the JDK's decoder do not
                        throw new UnreadableImageException("This JPEG has " + precision + "-bit samples, which the "
                                + "JPEG decoders here (libjpeg-turbo 2.1, the JDK's) do not decode; convert it to a "
                                + "16-bit PNG or TIFF, for example with gdal_translate -ot UInt16 -of PNG.");
                    }
                    int height = in.readUnsignedShort();
                    int width = in.readUnsignedShort();
                    int components = in.readUnsignedByte();
                    if (length != 8 + 3 * components) {
                        throw new UnreadableImageException("The JPEG's frame header is damaged: it declares "
                                + components + " colour components in " + length + " bytes.");
                    }
                    int[] h = new int[components];
                    int[] v = new int[components];
                    int hMax = 1, vMax = 1;
                    for (int c = 0; c < components; c++) {
                        in.readUnsignedByte();
                        int sampling = in.readUnsignedByte();
                        in.readUnsignedByte();
                        h[c] = Math.max(1, sampling >> 4);
                        v[c] = Math.max(1, sampling & 15);
                        hMax = Math.max(hMax, h[c]);
                        vMax = Math.max(vMax, v[c]);
                    }
                    // libjpeg's whole-image coefficient arrays: 64 shorts a block, rows and columns of blocks padded
                    // to whole MCUs
                    long coefficientBytes = 0;
                    for (int c = 0; c < components; c++) {
                        long across = ceil(ceil((long) width * h[c], hMax), 8L * h[c]) * h[c];
                        long down = ceil(ceil((long) height * v[c], vMax), 8L * v[c]) * v[c];
                        coefficientBytes += across * down * 128;
                    }
                    return new Frame(width, height, components, marker == 0xC2 || marker == 0xCA, coefficientBytes);
                }
                in.skipNBytes(length - 2);
            }
        } catch (EOFException e) {
            throw new UnreadableImageException("The JPEG ends before its frame header (truncated?).");
        }
    }
}
