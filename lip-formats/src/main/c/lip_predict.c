/*
 * TIFF's horizontal predictor (Predictor 2) undone on 8-bit samples, in place, for
 * dev.lip.formats.source.HorizontalPredictor: each sample was stored as its difference from the same band's sample to
 * its left (differences wrap, as libtiff's do). In C because the decoder process runs its Java compiled by C1 only
 * (C2's compiling competed with the slicing for the cores), where this loop took 17% of the decoder's time on a
 * deflate TIFF with a predictor (libvips' and GDAL's default for deflate), more than libdeflate's inflate.
 */
#include <stddef.h>
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>

/*
 * RGB rows five pixels (15 bytes) a step: within a 16-byte register the running sums are three shifted additions
 * (3, 6 and 12 bytes: a prefix sum with a stride of one pixel), then the last pixel before the step is added to every
 * pixel. This was the decoder's hottest code on libvips' RGB TIFFs (15% of its CPU, scalar); SSSE3's byte shuffle
 * spreads that last pixel. Each step's 16-byte store also writes the first byte of the next step: the next step's
 * bytes are loaded before it (a load after an overlapping store would wait for it), and after the last step that
 * byte is put back as it was. Returns where the scalar loop goes on.
 */
__attribute__((target("ssse3")))
static int32_t undo_rgb_ssse3(uint8_t *p, int32_t row_bytes) {
    const __m128i spread = _mm_setr_epi8(12, 13, 14, 12, 13, 14, 12, 13, 14, 12, 13, 14, 12, 13, 14, -1);
    __m128i carry = _mm_setr_epi8((char) p[0], (char) p[1], (char) p[2], (char) p[0], (char) p[1], (char) p[2],
            (char) p[0], (char) p[1], (char) p[2], (char) p[0], (char) p[1], (char) p[2], (char) p[0], (char) p[1],
            (char) p[2], 0);
    int32_t i = 3;
    if (i + 16 > row_bytes) {
        return i;
    }
    __m128i v = _mm_loadu_si128((const __m128i *) (p + i));
    for (;;) {
        int more = i + 15 + 16 <= row_bytes;
        __m128i next = more ? _mm_loadu_si128((const __m128i *) (p + i + 15)) : _mm_setzero_si128();
        uint8_t first_of_next = p[i + 15];
        v = _mm_add_epi8(v, _mm_slli_si128(v, 3));
        v = _mm_add_epi8(v, _mm_slli_si128(v, 6));
        v = _mm_add_epi8(v, _mm_slli_si128(v, 12));
        v = _mm_add_epi8(v, carry);
        _mm_storeu_si128((__m128i *) (p + i), v);
        carry = _mm_shuffle_epi8(v, spread);
        i += 15;
        if (!more) {
            p[i] = first_of_next;
            return i;
        }
        v = next;
    }
}
#endif

void lip_undo_hdiff8(uint8_t *block, int32_t rows, int32_t row_bytes, int32_t bands) {
    if (block == NULL || rows <= 0 || row_bytes <= 0 || bands <= 0) {
        return;
    }
    for (int32_t y = 0; y < rows; y++) {
        uint8_t *p = block + (size_t) y * (size_t) row_bytes;
        int32_t i = bands;
#if defined(__x86_64__)
        if (bands == 3 && row_bytes >= 19 && __builtin_cpu_supports("ssse3")) {
            i = undo_rgb_ssse3(p, row_bytes);
        }
#endif
        if (bands == 3) {
            /* running sums in registers: no load waits on the store just before it */
            uint8_t r = p[i - 3], g = p[i - 2], b = p[i - 1];
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
