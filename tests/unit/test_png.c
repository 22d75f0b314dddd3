/* pngout.c: the PNG bytes decode (by Cairo's own reader, an independent
 * path) to exactly the pixels drawn, at odd sizes too; a surface of
 * another format is refused, not misread.  (The resolution chunk is
 * checked on a real sheet in e2e_publish.) */
#include "support.h"

#include "core/core.h"
#include "publish/pngout.h"

#include <cairo.h>
#include <stdlib.h>
#include <string.h>

typedef struct reader {
    const unsigned char *d;
    size_t len, at;
} reader;

static cairo_status_t read_bytes(void *user, unsigned char *data, unsigned int n)
{
    reader *r = user;
    if (r->at + n > r->len)
        return CAIRO_STATUS_READ_ERROR;
    memcpy(data, r->d + r->at, n);
    r->at += n;
    return CAIRO_STATUS_SUCCESS;
}

/* A w x h RGB24 surface of pixels that differ in every channel. */
static cairo_surface_t *pattern(int w, int h)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    unsigned char *d = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), x, y;
    cairo_surface_flush(s);
    for (y = 0; y < h; y++)
        for (x = 0; x < w; x++)
            ((uint32_t *)(void *)(d + (size_t)y * (size_t)stride))[x] =
                ((uint32_t)(x * 37 + y) & 255) << 16 | ((uint32_t)(y * 91 + 7) & 255) << 8 | ((uint32_t)(x ^ y) & 255);
    cairo_surface_mark_dirty(s);
    return s;
}

static void test_round_trip(void **state)
{
    static const int sizes[][2] = {{1, 1}, {3, 2}, {17, 5}, {640, 3}};
    size_t i;
    taafi_ctx *ctx = NULL;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    for (i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        int w = sizes[i][0], h = sizes[i][1], x, y;
        cairo_surface_t *s = pattern(w, h), *back;
        unsigned char *png = NULL;
        size_t len = 0;
        reader r;
        assert_int_equal(tf_png_encode(ctx, s, 300, &png, &len), TAAFI_OK);
        assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
        r.d = png, r.len = len, r.at = 0;
        back = cairo_image_surface_create_from_png_stream(read_bytes, &r);
        assert_int_equal(cairo_surface_status(back), CAIRO_STATUS_SUCCESS);
        assert_int_equal(cairo_image_surface_get_width(back), w);
        assert_int_equal(cairo_image_surface_get_height(back), h);
        for (y = 0; y < h; y++)
            for (x = 0; x < w; x++) {
                uint32_t a = ((uint32_t *)(void *)(cairo_image_surface_get_data(s) +
                                                   (size_t)y * (size_t)cairo_image_surface_get_stride(s)))[x];
                uint32_t b = ((uint32_t *)(void *)(cairo_image_surface_get_data(back) +
                                                   (size_t)y * (size_t)cairo_image_surface_get_stride(back)))[x];
                if ((a & 0xffffff) != (b & 0xffffff))
                    fail_msg("%dx%d: pixel %d,%d: drawn %06x, read back %06x", w, h, x, y, a & 0xffffff,
                             b & 0xffffff);
            }
        cairo_surface_destroy(back);
        cairo_surface_destroy(s);
        tf_free(png);
    }
    taafi_ctx_free(ctx);
}

static void test_refused(void **state)
{
    taafi_ctx *ctx = NULL;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 4, 4);
    unsigned char *png = (unsigned char *)"x";
    size_t len = 9;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    assert_int_equal(tf_png_encode(ctx, s, 300, &png, &len), TAAFI_ERR_USAGE);
    assert_null(png);
    assert_int_equal(len, 0);
    assert_non_null(strstr(taafi_ctx_message(ctx), "not an RGB24 image surface"));
    cairo_surface_destroy(s);
    taafi_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
