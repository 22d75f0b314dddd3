/*
 * render.c: taafi_result_render(): map sheets (PNG, SVG, PDF), the atlas
 * and the HTML report, all under temporary names, renamed into place once
 * every one is complete.
 */
#include "../io/outfile.h"
#include "map.h"
#include "report.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct png_buf {
    unsigned char *d;
    size_t len, cap;
    int failed;
} png_buf;

static cairo_status_t png_write(void *user, const unsigned char *data, unsigned int len)
{
    png_buf *b = user;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 65536;
        unsigned char *d;
        while (cap < b->len + len)
            cap *= 2;
        if (!(d = realloc(b->d, cap))) {
            b->failed = 1;
            return CAIRO_STATUS_NO_MEMORY;
        }
        b->d = d;
        b->cap = cap;
    }
    memcpy(b->d + b->len, data, len);
    b->len += len;
    return CAIRO_STATUS_SUCCESS;
}

static cairo_surface_t *raster_surface(double dpi, cairo_t **cr)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(TF_PAGE_W * dpi / 72.0 + 0.5),
                                                    (int)(TF_PAGE_H * dpi / 72.0 + 0.5));
    *cr = cairo_create(s);
    cairo_scale(*cr, dpi / 72.0, dpi / 72.0);
    return s;
}

taafi_status tf_sheet_png(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, double dpi, unsigned char **png,
                          size_t *len)
{
    cairo_t *cr;
    cairo_surface_t *surf = raster_surface(dpi, &cr);
    png_buf b = {0};
    cairo_status_t cs;
    tf_draw_sheet(ctx, r, s, cr);
    cairo_destroy(cr);
    cs = cairo_surface_write_to_png_stream(surf, png_write, &b);
    cairo_surface_destroy(surf);
    if (cs != CAIRO_STATUS_SUCCESS || b.failed) {
        free(b.d);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "cannot encode a map as PNG: %s", cairo_status_to_string(cs));
    }
    *png = b.d;
    *len = b.len;
    return TAAFI_OK;
}

static taafi_status check(taafi_ctx *ctx, cairo_surface_t *s, const char *path)
{
    cairo_status_t cs = cairo_surface_status(s);
    if (cs != CAIRO_STATUS_SUCCESS)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot draw: %s", path, cairo_status_to_string(cs));
    return TAAFI_OK;
}

/* With SOURCE_DATE_EPOCH set, a PDF says it was made then (cairo writes
 * the clock's time otherwise), so that two runs give the same bytes. */
static void pdf_date(cairo_surface_t *surf)
{
    time_t t;
    if (tf_source_date(&t)) {
        char date[32];
        tf_utc_now(date); /* that time, as cairo takes it */
        cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATE_DATE, date);
    }
}

static taafi_status write_sheet(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, const char *path,
                                int format, double dpi)
{
    cairo_surface_t *surf;
    cairo_t *cr;
    taafi_status st;
    if (format == 0)
        surf = raster_surface(dpi, &cr);
    else {
        surf = format == 1 ? cairo_svg_surface_create(path, TF_PAGE_W, TF_PAGE_H)
                           : cairo_pdf_surface_create(path, TF_PAGE_W, TF_PAGE_H);
        if (format == 2)
            pdf_date(surf);
        cr = cairo_create(surf);
    }
    tf_draw_sheet(ctx, r, s, cr);
    cairo_destroy(cr);
    if (format == 0) {
        cairo_status_t cs = cairo_surface_write_to_png(surf, path);
        st = cs == CAIRO_STATUS_SUCCESS ? TAAFI_OK
                                        : tf_error(ctx, TAAFI_ERR_IO, "%s: cannot write: %s", path,
                                                   cairo_status_to_string(cs));
    } else {
        cairo_surface_finish(surf);
        st = check(ctx, surf, path);
    }
    cairo_surface_destroy(surf);
    return st;
}

static taafi_status write_atlas(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *index, const char *path)
{
    cairo_surface_t *surf = cairo_pdf_surface_create(path, TF_PAGE_W, TF_PAGE_H);
    cairo_t *cr = cairo_create(surf);
    taafi_status st;
    size_t a;
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, "Atlas");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "taafi");
    pdf_date(surf);
    for (a = 0; a < r->areas->n; a++) {
        tf_draw_atlas_page(ctx, r, index, a, cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    st = check(ctx, surf, path);
    cairo_surface_destroy(surf);
    return st;
}

/* Every file this will write: n_sheets x 3 formats, atlas, report. */
#define MAX_OUT (1 + TF_N_PILLARS) * 3 + 2

taafi_status taafi_result_render(taafi_ctx *ctx, const taafi_result *r, const char *dir, unsigned flags)
{
    static const char *const ext[3] = {"png", "svg", "pdf"};
    const tf_maps *m;
    tf_sheet *sheets = NULL;
    size_t n = 0, i, n_out = 0;
    tf_outfile out[MAX_OUT];
    int fmt_on[3], f;
    char *maps_dir = NULL, name[128], *html = NULL;
    taafi_status st;
    if (!ctx || !r || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_result_render: no output folder") : TAAFI_ERR_USAGE;
    memset(out, 0, sizeof out);
    m = &r->project->maps;
    fmt_on[0] = m->png;
    fmt_on[1] = m->svg;
    fmt_on[2] = m->pdf;
    if ((st = tf_sheets(ctx, r, &sheets, &n)))
        return st;
    if (!n) {
        st = tf_error(ctx, TAAFI_ERR_PROJECT,
                      "%s: nothing to map: maps show the recovery index and pillar scores; give indicators a "
                      "'pillar' and a 'direction'",
                      r->project->path);
        goto done;
    }
    if (!(maps_dir = tf_sprintf("%s/maps", dir))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = tf_mkdirs(ctx, maps_dir)))
        goto done;
    for (i = 0; i < n; i++)
        for (f = 0; f < 3; f++)
            if (fmt_on[f]) {
                snprintf(name, sizeof name, "%s.%s", sheets[i].key, ext[f]);
                if ((st = tf_outfile_plan(ctx, maps_dir, name, flags & TAAFI_WRITE_OVERWRITE, &out[n_out++])))
                    goto done;
            }
    if (m->atlas && (st = tf_outfile_plan(ctx, maps_dir, "atlas.pdf", flags & TAAFI_WRITE_OVERWRITE, &out[n_out++])))
        goto done;
    if (m->report && (st = tf_outfile_plan(ctx, dir, "report.html", flags & TAAFI_WRITE_OVERWRITE, &out[n_out++])))
        goto done;
    n_out = 0;
    for (i = 0; i < n; i++)
        for (f = 0; f < 3; f++)
            if (fmt_on[f] && ((st = tf_check_interrupt(ctx)) ||
                              (st = write_sheet(ctx, r, &sheets[i], out[n_out++].tmp, f, m->dpi))))
                goto done;
    if (m->atlas && (st = write_atlas(ctx, r, &sheets[0], out[n_out++].tmp)))
        goto done;
    if (m->report) {
        if ((st = tf_report_html(ctx, r, sheets, n, &html)) ||
            (st = tf_write_bytes(ctx, out[n_out++].tmp, html, strlen(html))))
            goto done;
    }
    if ((st = tf_check_interrupt(ctx)))
        goto done;
    for (i = 0; i < n_out; i++)
        if ((st = tf_outfile_commit(ctx, &out[i])))
            goto done;
    tf_log(ctx, TAAFI_LOG_INFO, "wrote %zu map sheet(s)%s%s in %s", n, m->atlas ? ", the atlas" : "",
           m->report ? " and report.html" : "", dir);
done:
    for (i = 0; i < MAX_OUT; i++)
        tf_outfile_discard(&out[i]);
    free(html);
    free(maps_dir);
    free(sheets);
    return st;
}
