package dev.lip.formats.source;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import dev.lip.formats.NativeLibraries;

import java.nio.file.Path;

/**
 * libtiff (Debian's {@code libtiff6}, the library GDAL and libvips read TIFF with), bound with JNA, for the layouts
 * whose pixels only a colour conversion or an old codec gives: CIE L*a*b*, YCbCr without JPEG compression (any
 * subsampling) and old-style JPEG. They are read through libtiff's RGBA interface ({@code TIFFReadRGBATileExt},
 * {@code TIFFReadRGBAStripExt}), which is how GDAL reads exactly these layouts, so the pixels are GDAL's: writing a
 * CIELab converter or an OJPEG decoder of our own would be a second, slightly different codec (issue 24). One handle
 * a thread (libtiff's are not shared), opened read-only without memory mapping (a mapped 3 GB file would count
 * against the decoder process's address-space limit); every allocation libtiff makes for one file is capped.
 * Absent library, or {@code -Dlip.libtiff=false}: {@link #available} is false and these layouts are refused by name.
 */
final class LibTiff implements AutoCloseable {
    /** libtiff's own cap on one allocation while reading this file (TIFFOpenOptionsSetMaxSingleMemAlloc). */
    private static final long MAX_ALLOCATION = 256L << 20;

    interface Api extends Library {
        Pointer TIFFOpenOptionsAlloc();

        void TIFFOpenOptionsFree(Pointer options);

        void TIFFOpenOptionsSetMaxSingleMemAlloc(Pointer options, NativeLong max);

        Pointer TIFFOpenExt(String name, String mode, Pointer options);

        void TIFFClose(Pointer tif);

        int TIFFRGBAImageOK(Pointer tif, byte[] message);

        int TIFFReadRGBATileExt(Pointer tif, int x, int y, Pointer raster, int stopOnError);

        int TIFFReadRGBAStripExt(Pointer tif, int row, Pointer raster, int stopOnError);

        Pointer TIFFSetWarningHandler(Pointer handler);
    }

    private static final class Holder {
        static final Api API = load();

        private static Api load() {
            Api api = NativeLibraries.codec(Api.class, "CIELab, uncompressed YCbCr and old-style JPEG TIFFs", "libtiff",
                    "refused (libtiff6 is not installed)", "tiff", "libtiff.so.6");
            if (api != null) {
                // Warnings about unknown tags and the like would flood the log for a hostile file; errors still print.
                api.TIFFSetWarningHandler(null);
            }
            return api;
        }
    }

    private final Api api;
    private final Pointer tif;
    private final TiffLayout layout;
    /** One block in libtiff's ABGR words; the RGBA interface fills it bottom row first. */
    private final Memory raster;

    private LibTiff(Api api, Pointer tif, TiffLayout layout) {
        this.api = api;
        this.tif = tif;
        this.layout = layout;
        this.raster = new Memory((long) layout.blockWidth() * layout.blockHeight() * 4);
    }

    /** Asked each time, so that tests run with and without it in one JVM. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty("lip.libtiff", "true")) && Holder.API != null;
    }

    /**
     * Opens the file's first directory for reading through the RGBA interface.
     *
     * @throws UnreadableImageException when libtiff cannot open it or its RGBA interface does not read the layout,
     *                                  with libtiff's own reason
     */
    static LibTiff open(Path file, TiffLayout layout) throws UnreadableImageException {
        Api api = Holder.API;
        Pointer options = api.TIFFOpenOptionsAlloc();
        Pointer tif;
        try {
            api.TIFFOpenOptionsSetMaxSingleMemAlloc(options, new NativeLong(MAX_ALLOCATION));
            tif = api.TIFFOpenExt(file.toString(), "rm", options);
        } finally {
            api.TIFFOpenOptionsFree(options);
        }
        if (tif == null) {
            throw new UnreadableImageException("libtiff cannot open this TIFF: its directory is damaged.");
        }
        byte[] message = new byte[1024];
        if (api.TIFFRGBAImageOK(tif, message) == 0) {
            api.TIFFClose(tif);
            int end = 0;
            while (end < message.length && message[end] != 0) {
                end++;
            }
            throw new UnreadableImageException("This TIFF's layout is not read here (libtiff: "
                    + new String(message, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1) + ").");
        }
        return new LibTiff(api, tif, layout);
    }

    /**
     * Decodes block ({@code r}, {@code c}) into {@code out} as {@code bands} (3, or 4 with alpha) 8-bit samples a
     * pixel, top row first, {@code blockWidth} pixels a row.
     *
     * @return the block's rows (a last strip has fewer)
     */
    int decode(int r, int c, byte[] out, int bands) throws UnreadableImageException {
        int width = layout.blockWidth();
        int rows = layout.rowsOf(r);
        int ok = layout.tiled()
                ? api.TIFFReadRGBATileExt(tif, c * width, r * layout.blockHeight(), raster, 1)
                : api.TIFFReadRGBAStripExt(tif, r * layout.blockHeight(), raster, 1);
        if (ok == 0) {
            throw new UnreadableImageException("The TIFF's " + layout.unit() + " " + (r * layout.across() + c) + " of "
                    + layout.offsets().length + " cannot be decoded (libtiff): the file is damaged.");
        }
        // A strip's raster holds its own rows, bottom one first; a tile's holds the whole tile, bottom one first.
        // Each word is A<<24 | B<<16 | G<<8 | R, so R, G, B, A in memory on a little-endian machine.
        byte[] line = new byte[width * 4];
        int height = layout.tiled() ? layout.blockHeight() : rows;
        for (int y = 0; y < rows; y++) {
            raster.read((long) (height - 1 - y) * width * 4, line, 0, line.length);
            int o = y * width * bands;
            for (int x = 0; x < width; x++) {
                out[o++] = line[4 * x];
                out[o++] = line[4 * x + 1];
                out[o++] = line[4 * x + 2];
                if (bands == 4) {
                    out[o++] = line[4 * x + 3];
                }
            }
        }
        return rows;
    }

    @Override
    public void close() {
        api.TIFFClose(tif);
        raster.close();
    }
}
