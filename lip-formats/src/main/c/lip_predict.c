/*
 * TIFF's horizontal predictor (Predictor 2) undone on 8-bit samples, in place, for
 * dev.lip.formats.source.HorizontalPredictor: each sample was stored as its difference from the same band's sample to
 * its left (differences wrap, as libtiff's do). In C because the decoder process runs its Java compiled by C1 only
 * (C2's compiling competed with the slicing for the cores), where this loop took 17% of the decoder's time on a
 * deflate TIFF with a predictor (libvips' and GDAL's default for deflate), more than libdeflate's inflate.
 */
#include <stddef.h>
#include <stdint.h>

void lip_undo_hdiff8(uint8_t *block, int32_t rows, int32_t row_bytes, int32_t bands) {
    if (block == NULL || rows <= 0 || row_bytes <= 0 || bands <= 0) {
        return;
    }
    for (int32_t y = 0; y < rows; y++) {
        uint8_t *p = block + (size_t) y * (size_t) row_bytes;
        int32_t i = bands;
        if (bands == 3) {
            /* running sums in registers: no load waits on the store just before it */
            uint8_t r = p[0], g = p[1], b = p[2];
            for (; i + 2 < row_bytes; i += 3) {
                r += p[i];
                g += p[i + 1];
                b += p[i + 2];
                p[i] = r;
                p[i + 1] = g;
                p[i + 2] = b;
            }
        }
        for (; i < row_bytes; i++) {
            p[i] += p[i - bands];
        }
    }
}
