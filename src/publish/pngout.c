/*
 * pngout.c: map sheets as PNG, encoded by libpng.
 *
 * Not cairo_surface_write_to_png: it has libpng try every row filter on
 * every row, which on maps (flat fills, thin lines, text) buys nothing.
 * Without filtering, at zlib's usual level 6, the example's 300 dpi sheets
 * (3508 x 2479) encode 2.3 times as fast and come out 12% smaller; that
 * encoding was two thirds of the time `taafi run --maps` took.  A pHYs
 * chunk gives the resolution, so that the sheet prints at A4.
 */
#include "pngout.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct sink {
    unsigned char *d;
    size_t len, cap;
    int no_memory;
    char message[200]; /* libpng's reason for an error */
} sink;

static void on_error(png_structp png, png_const_charp message)
{
    sink *s = png_get_error_ptr(png);
    snprintf(s->message, sizeof s->message, "%s", message);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp message)
{
    (void)png; /* nothing libpng warns of when writing concerns the map */
    (void)message;
}

static void on_write(png_structp png, png_bytep data, size_t n)
{
    sink *s = png_get_io_ptr(png);
    if (n > s->cap - s->len) {
        size_t cap = s->cap ? s->cap : 1 << 16;
        unsigned char *d;
        while (cap - s->len < n)
            cap *= 2;
        if (!(d = tf_realloc(s->d, cap))) {
            s->no_memory = 1;
            png_error(png, "out of memory");
        }
        s->d = d;
        s->cap = cap;
    }
    memcpy(s->d + s->len, data, n);
    s->len += n;
}

static void on_flush(png_structp png)
{
    (void)png;
}

/* Rows are written one at a time from `row`; the state libpng's longjmp
 * may cross lives in memory reached through `s`, never in locals changed
 * after setjmp. */
static int encode(sink *s, const unsigned char *data, int w, int h, int stride, double dpi, unsigned char *row)
{
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, s, on_error, on_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5); /* pixels per metre */
    int y, x;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        s->no_memory = 1;
        return 0;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        return 0;
    }
    png_set_write_fn(png, s, on_write, on_flush);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_set_compression_level(png, 6);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    png_write_info(png, info);
    for (y = 0; y < h; y++) {
        /* CAIRO_FORMAT_RGB24: one native-endian 32-bit word per pixel,
         * 0xXXRRGGBB, the top byte unused */
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    return 1;
}

taafi_status tf_png_encode(taafi_ctx *ctx, cairo_surface_t *surf, double dpi, unsigned char **out, size_t *len)
{
    sink s;
    unsigned char *row = NULL;
    int w, h;
    taafi_status st = TAAFI_OK;
    memset(&s, 0, sizeof s);
    *out = NULL;
    *len = 0;
    cairo_surface_flush(surf);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "cannot draw a map: %s",
                        cairo_status_to_string(cairo_surface_status(surf)));
    if (cairo_image_surface_get_format(surf) != CAIRO_FORMAT_RGB24)
        return tf_error(ctx, TAAFI_ERR_USAGE, "tf_png_encode: not an RGB24 image surface");
    w = cairo_image_surface_get_width(surf);
    h = cairo_image_surface_get_height(surf);
    if (!(row = tf_malloc(3 * (size_t)w))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (!encode(&s, cairo_image_surface_get_data(surf), w, h, cairo_image_surface_get_stride(surf), dpi, row)) {
        st = s.no_memory ? tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory")
                         : tf_error(ctx, TAAFI_ERR_IO, "cannot encode a map as PNG: %s", s.message);
        goto fail;
    }
    tf_free(row);
    *out = s.d;
    *len = s.len;
    return TAAFI_OK;
fail:
    tf_free(row);
    tf_free(s.d);
    return st;
}
