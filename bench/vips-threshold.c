/* The benchmark's tight libvips baseline: the same job as the project's threshold (luma >= 128 -> 255, else 0,
 * written as a 512x512-tiled deflate TIFF), as a few lines against libvips, so nothing but libvips' own pipeline
 * is timed (the CLI baseline pipes a float PFM between two processes, which costs libvips time).
 *   vips-threshold IN OUT          (VIPS_PYRAMID=1: with a pyramid of 2x2 means, as the project's default COG)
 * libvips 8.14's tiffsave has no deflate level (its "level" is zstd's): deflate runs at zlib's default, 6.
 * Built by bench/bench.sh: gcc -O2 vips-threshold.c $(pkg-config --cflags --libs vips) */
#include <vips/vips.h>

int main(int argc, char **argv) {
    if (VIPS_INIT(argv[0]) || argc < 3) {
        vips_error_exit("usage: vips-threshold IN OUT");
    }
    VipsImage *in = vips_image_new_from_file(argv[1], "access", VIPS_ACCESS_SEQUENTIAL, NULL);
    if (!in) {
        vips_error_exit(NULL);
    }
    VipsImage *luma_matrix = vips_image_new_matrixv(3, 1, 0.299, 0.587, 0.114);
    VipsImage *luma, *mask;
    if (vips_recomb(in, &luma, luma_matrix, NULL) || vips_moreeq_const1(luma, &mask, 128, NULL)) {
        vips_error_exit(NULL);
    }
    /* BigTIFF only when the uncompressed mask could pass 4 GiB, as the project decides. */
    gboolean big = (double) mask->Xsize * mask->Ysize > 4.0e9;
    const char *p = g_getenv("VIPS_PYRAMID");
    gboolean pyramid = p != NULL && p[0] == '1';
    if (vips_tiffsave(mask, argv[2], "tile", TRUE, "tile_width", 512, "tile_height", 512,
                      "compression", VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE, "bigtiff", big, "pyramid", pyramid,
                      "region_shrink", VIPS_REGION_SHRINK_MEAN, NULL)) {
        vips_error_exit(NULL);
    }
    g_object_unref(mask);
    g_object_unref(luma);
    g_object_unref(luma_matrix);
    g_object_unref(in);
    vips_shutdown();
    return 0;
}
