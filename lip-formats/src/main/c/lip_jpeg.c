/*
 * Whole JPEG files decoded row by row through libjpeg's scanline API (libjpeg-turbo, SIMD), for
 * dev.lip.formats.source.JpegScanlines. TurboJPEG, which decodes the JPEG tiles of TIFFs, only decodes a whole image
 * into one buffer: 1.2 GB for a 20000² RGB JPEG. The scanline API hands out a few rows at a time, but reports errors
 * by calling error_exit, which must not return: only C can longjmp out of it, so these few functions are C. Every
 * libjpeg call below runs under a setjmp of the function that makes it; a warning (corrupt or truncated data, which
 * libjpeg would pad with grey) is an error too.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} lip_error;

typedef struct {
    struct jpeg_decompress_struct cinfo;
    lip_error err;
    FILE *file;
    int finished;
} lip_jpeg;

static void on_error(j_common_ptr cinfo) {
    lip_error *err = (lip_error *) cinfo->err;
    (*cinfo->err->format_message)(cinfo, err->message);
    longjmp(err->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0) { /* a warning: data libjpeg could not decode and would make up */
        on_error(cinfo);
    }
}

static void copy_message(const char *from, char *to, int size) {
    if (to != NULL && size > 0) {
        strncpy(to, from, size - 1);
        to[size - 1] = '\0';
    }
}

void lip_jpeg_close(lip_jpeg *j) {
    if (j == NULL) {
        return;
    }
    jpeg_destroy_decompress(&j->cinfo);
    if (j->file != NULL) {
        fclose(j->file);
    }
    free(j);
}

/* Reads the header and starts decompression; 0, or -1 with the reason in j->err.message. */
static int start(lip_jpeg *j, int *info) {
    if (setjmp(j->err.jump)) {
        return -1;
    }
    jpeg_create_decompress(&j->cinfo);
    jpeg_stdio_src(&j->cinfo, j->file);
    jpeg_read_header(&j->cinfo, TRUE);
    /* four components (CMYK, or YCCK which libjpeg turns into CMYK): handed over as CMYK, converted by the caller */
    j->cinfo.out_color_space = j->cinfo.num_components == 1 ? JCS_GRAYSCALE
            : j->cinfo.num_components == 4 ? JCS_CMYK : JCS_RGB;
    jpeg_start_decompress(&j->cinfo);
    info[0] = (int) j->cinfo.output_width;
    info[1] = (int) j->cinfo.output_height;
    info[2] = j->cinfo.output_components;
    return 0;
}

/*
 * Opens the file and starts decompression to RGB (three components) or grey (one). info receives width, height and
 * output components. Returns NULL with a sentence in message when the file cannot be opened or decoded.
 */
lip_jpeg *lip_jpeg_open(const char *path, int *info, char *message, int message_size) {
    lip_jpeg *j = calloc(1, sizeof(lip_jpeg));
    if (j == NULL) {
        copy_message("out of memory", message, message_size);
        return NULL;
    }
    j->file = fopen(path, "rb");
    if (j->file == NULL) {
        copy_message("the file cannot be opened", message, message_size);
        free(j);
        return NULL;
    }
    j->cinfo.err = jpeg_std_error(&j->err.pub);
    j->err.pub.error_exit = on_error;
    j->err.pub.emit_message = on_message;
    if (start(j, info) != 0) {
        copy_message(j->err.message, message, message_size);
        lip_jpeg_close(j);
        return NULL;
    }
    return j;
}

/*
 * Decodes up to rows rows into dst (rows of width * components bytes, back to back). Returns the rows decoded (0
 * after the last), or -1 with a sentence in message.
 */
int lip_jpeg_read(lip_jpeg *j, unsigned char *dst, int rows, char *message, int message_size) {
    JSAMPROW pointers[64];
    size_t stride = (size_t) j->cinfo.output_width * j->cinfo.output_components;
    volatile int done = 0; /* volatile: kept in memory across the longjmp */
    if (setjmp(j->err.jump)) {
        copy_message(j->err.message, message, message_size);
        return -1;
    }
    while (done < rows && j->cinfo.output_scanline < j->cinfo.output_height) {
        int n = rows - done > 64 ? 64 : rows - done;
        for (int i = 0; i < n; i++) {
            pointers[i] = dst + (size_t) (done + i) * stride;
        }
        done += (int) jpeg_read_scanlines(&j->cinfo, pointers, (JDIMENSION) n);
    }
    if (j->cinfo.output_scanline == j->cinfo.output_height && !j->finished) {
        /* Read on to the end of the image: entropy data left over means the data was damaged (bits that decoded to
           the wrong coefficients), which libjpeg only warns about there ("extraneous bytes before marker"). */
        j->finished = 1;
        jpeg_finish_decompress(&j->cinfo);
    }
    return done;
}
