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
#include <time.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
} lip_error;

/*
 * A source for a file still arriving (an upload sliced as its bytes come in): where stdio's source would find the
 * end of the file and pad with a fake EOI, this one waits for the bytes the declared length promises. The Java side
 * ends the whole process if the upload is abandoned, so the wait needs no limit of its own.
 */
#define ARRIVING_BUFFER 65536

typedef struct {
    struct jpeg_source_mgr pub;
    FILE *file;
    long long length;   /* the file's declared length */
    long long consumed; /* bytes handed to libjpeg so far */
    JOCTET buffer[ARRIVING_BUFFER];
} arriving_source;

typedef struct {
    struct jpeg_decompress_struct cinfo;
    lip_error err;
    FILE *file;
    int finished;
    arriving_source *arriving;
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

static void arriving_init(j_decompress_ptr cinfo) {
    (void) cinfo;
}

static boolean arriving_fill(j_decompress_ptr cinfo) {
    arriving_source *src = (arriving_source *) cinfo->src;
    static const JOCTET eoi[2] = {0xFF, JPEG_EOI};
    for (;;) {
        size_t n = fread(src->buffer, 1, ARRIVING_BUFFER, src->file);
        if (n > 0) {
            src->consumed += (long long) n;
            src->pub.next_input_byte = src->buffer;
            src->pub.bytes_in_buffer = n;
            return TRUE;
        }
        if (src->consumed >= src->length || ferror(src->file)) {
            /* past the declared length: libjpeg's own behaviour at a file's end (a warning, which is an error here) */
            WARNMS(cinfo, JWRN_JPEG_EOF);
            src->pub.next_input_byte = eoi;
            src->pub.bytes_in_buffer = 2;
            return TRUE;
        }
        clearerr(src->file);
        struct timespec pause = {0, 5 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
}

static void arriving_skip(j_decompress_ptr cinfo, long count) {
    arriving_source *src = (arriving_source *) cinfo->src;
    while (count > 0) {
        while (count > (long) src->pub.bytes_in_buffer) {
            count -= (long) src->pub.bytes_in_buffer;
            arriving_fill(cinfo);
        }
        src->pub.next_input_byte += count;
        src->pub.bytes_in_buffer -= (size_t) count;
        count = 0;
    }
}

static void arriving_term(j_decompress_ptr cinfo) {
    (void) cinfo;
}

void lip_jpeg_close(lip_jpeg *j) {
    if (j == NULL) {
        return;
    }
    jpeg_destroy_decompress(&j->cinfo);
    if (j->file != NULL) {
        fclose(j->file);
    }
    free(j->arriving);
    free(j);
}

/* Reads the header and starts decompression; 0, or -1 with the reason in j->err.message. */
static int start(lip_jpeg *j, int *info) {
    if (setjmp(j->err.jump)) {
        return -1;
    }
    jpeg_create_decompress(&j->cinfo);
    if (j->arriving != NULL) {
        arriving_source *src = j->arriving;
        src->file = j->file;
        src->pub.init_source = arriving_init;
        src->pub.fill_input_buffer = arriving_fill;
        src->pub.skip_input_data = arriving_skip;
        src->pub.resync_to_restart = jpeg_resync_to_restart;
        src->pub.term_source = arriving_term;
        src->pub.bytes_in_buffer = 0;
        src->pub.next_input_byte = NULL;
        j->cinfo.src = &src->pub;
    } else {
        jpeg_stdio_src(&j->cinfo, j->file);
    }
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
static lip_jpeg *open_file(const char *path, long long arriving_length, int *info, char *message, int message_size) {
    lip_jpeg *j = calloc(1, sizeof(lip_jpeg));
    if (j == NULL) {
        copy_message("out of memory", message, message_size);
        return NULL;
    }
    if (arriving_length > 0) {
        j->arriving = calloc(1, sizeof(arriving_source));
        if (j->arriving == NULL) {
            copy_message("out of memory", message, message_size);
            free(j);
            return NULL;
        }
        j->arriving->length = arriving_length;
    }
    j->file = fopen(path, "rb");
    if (j->file == NULL) {
        copy_message("the file cannot be opened", message, message_size);
        free(j->arriving);
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

lip_jpeg *lip_jpeg_open(const char *path, int *info, char *message, int message_size) {
    return open_file(path, 0, info, message, message_size);
}

/* As lip_jpeg_open, for a file still arriving that will be length bytes long: reads wait for the bytes. */
lip_jpeg *lip_jpeg_open_arriving(const char *path, long long length, int *info, char *message, int message_size) {
    return open_file(path, length, info, message, message_size);
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
