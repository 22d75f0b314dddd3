/*
 * render.c: taafi_result_render(): map sheets (PNG, SVG, PDF), the atlas
 * and the HTML report, all under temporary names, renamed into place once
 * every one is complete.
 */
#include "core/parallel.h"
#include "output/outfile.h"
#include "output/stage_files.h"
#include "map.h"
#include "pngout.h"
#include "report.h"

#include <cairo-pdf.h>
#include <cairo-svg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
    taafi_status st;
    tf_draw_sheet(ctx, r, s, cr);
    cairo_destroy(cr);
    st = tf_png_encode(ctx, surf, dpi, png, len);
    cairo_surface_destroy(surf);
    return st;
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

static cairo_status_t to_buf(void *user, const unsigned char *data, unsigned int len)
{
    tf_buf *b = user;
    tf_buf_append(b, data, len);
    return b->failed ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

/* Cairo names an SVG's top group after its surface's number, counted over
 * every surface the process has made: "surface858" here, "surface725" in
 * the next run if sheets were drawn in another order (side by side, or
 * beside another project in a batch).  One name for every sheet keeps the
 * file the same bytes whatever ran before it.  The name is used nowhere
 * else in the file. */
static void svg_fixed_id(tf_buf *b)
{
    static const char key[] = "<g id=\"surface";
    char *at = b->s ? strstr(b->s, key) : NULL, *digits, *end;
    if (!at)
        return;
    digits = at + sizeof key - 1;
    for (end = digits; *end >= '0' && *end <= '9'; end++)
        ;
    if (end == digits || *end != '"')
        return;
    /* "surfaceN" becomes "surface1" and the rest moves up */
    *digits = '1';
    memmove(digits + 1, end, b->len - (size_t)(end - b->s) + 1);
    b->len -= (size_t)(end - digits) - 1;
}

static taafi_status write_sheet(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, const char *path,
                                int format, double dpi)
{
    cairo_surface_t *surf;
    cairo_t *cr;
    tf_buf svg = {0};
    taafi_status st;
    if (format == 0) {
        unsigned char *png;
        size_t len;
        if (!(st = tf_sheet_png(ctx, r, s, dpi, &png, &len))) {
            st = tf_write_bytes(ctx, path, png, len);
            tf_free(png);
        }
        return st;
    }
    surf = format == 1 ? cairo_svg_surface_create_for_stream(to_buf, &svg, TF_PAGE_W, TF_PAGE_H)
                       : cairo_pdf_surface_create(path, TF_PAGE_W, TF_PAGE_H);
    if (format == 2)
        pdf_date(surf);
    cr = cairo_create(surf);
    tf_draw_sheet(ctx, r, s, cr);
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    st = check(ctx, surf, path);
    if (!st && format == 1) {
        svg_fixed_id(&svg);
        st = svg.failed ? tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory") : tf_write_bytes(ctx, path, svg.s, svg.len);
    }
    cairo_surface_destroy(surf);
    tf_buf_free(&svg);
    return st;
}

static taafi_status write_atlas(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *index, const char *path,
                               double dpi)
{
    tf_atlas *at = tf_atlas_new(ctx, r, dpi);
    cairo_surface_t *surf;
    cairo_t *cr;
    taafi_status st = TAAFI_OK;
    size_t a;
    if (!at)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "%s: out of memory for the atlas's locator map", path);
    surf = cairo_pdf_surface_create(path, TF_PAGE_W, TF_PAGE_H);
    cr = cairo_create(surf);
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_TITLE, "Atlas");
    cairo_pdf_surface_set_metadata(surf, CAIRO_PDF_METADATA_CREATOR, "taafi");
    pdf_date(surf);
    for (a = 0; a < r->areas->n && !(st = tf_check_interrupt(ctx)); a++) {
        tf_draw_atlas_page(ctx, r, index, at, a, cr);
        cairo_show_page(cr);
    }
    cairo_destroy(cr);
    cairo_surface_finish(surf);
    if (!st)
        st = check(ctx, surf, path);
    cairo_surface_destroy(surf);
    tf_atlas_free(at);
    return st;
}

/* Every file this will write: n_sheets x 3 formats, atlas, report. */
#define MAX_OUT (1 + TF_N_PILLARS) * 3 + 2

/* What an item draws: a sheet in one of write_sheet's formats (0 PNG,
 * 1 SVG, 2 PDF, in that order), the atlas, or the report. */
enum { FILE_PNG, FILE_SVG, FILE_PDF, FILE_ATLAS, FILE_REPORT };

/* The files of one taafi_result_render(), drawn side by side on the
 * context's threads: each item writes its own temporary file and nothing
 * else, so the files are the same bytes whoever drew them. */
typedef struct render_plan {
    const taafi_result *r;
    const tf_sheet *sheets;
    size_t n_sheets;
    double dpi;
    struct {
        int kind;          /* FILE_* */
        size_t sheet;      /* for FILE_PNG, _SVG, _PDF */
        const char *tmp;   /* where it goes (an outfile's temporary name) */
        const char *final; /* its name once complete, for the log */
    } item[MAX_OUT];
    size_t n;
} render_plan;

static taafi_status render_item(taafi_ctx *wctx, tf_worker *w, size_t i, void *user)
{
    const render_plan *pl = user;
    char *html = NULL;
    double t0 = tf_seconds();
    taafi_status st;
    (void)w;
    switch (pl->item[i].kind) {
    case FILE_ATLAS:
        st = write_atlas(wctx, pl->r, &pl->sheets[0], pl->item[i].tmp, pl->dpi);
        break;
    case FILE_REPORT:
        if (!(st = tf_report_html(wctx, pl->r, pl->sheets, pl->n_sheets, &html)))
            st = tf_write_bytes(wctx, pl->item[i].tmp, html, strlen(html));
        tf_free(html);
        break;
    default:
        st = write_sheet(wctx, pl->r, &pl->sheets[pl->item[i].sheet], pl->item[i].tmp, pl->item[i].kind, pl->dpi);
    }
    if (!st)
        st = tf_sync_file(wctx, pl->item[i].tmp);
    if (!st)
        tf_log(wctx, TAAFI_LOG_DEBUG, "time: %s drawn in %.3f s", pl->item[i].final, tf_seconds() - t0);
    return st;
}

/* GEOS may compute a geometry's envelope, and build the areas' STRtree,
 * when first asked; asked here, on one thread, before the drawing threads
 * only read them. */
static void envelopes(taafi_ctx *ctx, const taafi_result *r)
{
    double x;
    size_t i, *cand = NULL, n = 0, cap = 0;
    if (r->areas->n && r->areas->geom[0])
        (void)tf_areas_candidates(ctx, r->areas, r->areas->geom[0], &cand, &n, &cap); /* only to build it */
    tf_free(cand);
    for (i = 0; i < r->areas->n; i++)
        if (r->areas->geom[i])
            GEOSGeom_getXMin_r(ctx->geos, r->areas->geom[i], &x);
    for (i = 0; i < r->n_gaps; i++)
        if (r->gaps[i].geom)
            GEOSGeom_getXMin_r(ctx->geos, r->gaps[i].geom, &x);
}

static const char *const EXT[3] = {"png", "svg", "pdf"};

/* The files to draw, each planned under a temporary name (checked against
 * what is there without TAAFI_WRITE_OVERWRITE): every sheet in each format
 * asked for, then the atlas, then the report; *n_out of them. */
static taafi_status plan_files(taafi_ctx *ctx, const tf_maps *m, const tf_sheet *sheets, size_t n, const char *dir,
                               const char *maps_dir, unsigned flags, tf_outfile *out, size_t *n_out)
{
    int fmt_on[3] = {m->png, m->svg, m->pdf}, over = (flags & TAAFI_WRITE_OVERWRITE) != 0, f;
    char name[128];
    size_t i;
    taafi_status st;
    for (i = 0; i < n; i++)
        for (f = 0; f < 3; f++)
            if (fmt_on[f]) {
                snprintf(name, sizeof name, "%s.%s", sheets[i].key, EXT[f]);
                if ((st = tf_outfile_plan(ctx, maps_dir, name, over, &out[(*n_out)++])))
                    return st;
            }
    if (m->atlas && (st = tf_outfile_plan(ctx, maps_dir, "atlas.pdf", over, &out[(*n_out)++])))
        return st;
    if (m->report && (st = tf_outfile_plan(ctx, dir, "report.html", over, &out[(*n_out)++])))
        return st;
    return TAAFI_OK;
}

/* Every file drawn on the threads, the longest first (the atlas: a page
 * per area; the report: every sheet again), so that no thread is left with
 * one at the end. */
static taafi_status draw_files(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *sheets, size_t n,
                               tf_outfile *out, size_t n_out)
{
    static const tf_parallel_ops ops = {NULL, render_item, NULL};
    const tf_maps *m = &r->project->maps;
    int fmt_on[3] = {m->png, m->svg, m->pdf}, f;
    render_plan pl;
    size_t i, k = 0;
    memset(&pl, 0, sizeof pl);
    pl.r = r;
    pl.sheets = sheets;
    pl.n_sheets = n;
    pl.dpi = m->dpi;
    if (m->atlas) { /* planned after the sheets, before the report */
        pl.item[pl.n].kind = FILE_ATLAS;
        pl.item[pl.n].final = out[n_out - 1 - (m->report != 0)].final;
        pl.item[pl.n++].tmp = out[n_out - 1 - (m->report != 0)].tmp;
    }
    if (m->report) {
        pl.item[pl.n].kind = FILE_REPORT;
        pl.item[pl.n].final = out[n_out - 1].final;
        pl.item[pl.n++].tmp = out[n_out - 1].tmp;
    }
    for (i = 0; i < n; i++)
        for (f = 0; f < 3; f++)
            if (fmt_on[f]) {
                pl.item[pl.n].kind = f;
                pl.item[pl.n].sheet = i;
                pl.item[pl.n].final = out[k].final;
                pl.item[pl.n++].tmp = out[k++].tmp;
            }
    envelopes(ctx, r);
    return tf_parallel_for_stage(ctx, "drawing maps", pl.n, &ops, &pl);
}

/* Each file renamed into place; then, in a run's folder, added to the
 * list of the run's files (these are outputs too). */
static taafi_status commit_files(taafi_ctx *ctx, const char *dir, tf_outfile *out, size_t n_out)
{
    const char *rel[MAX_OUT];
    size_t i, len = strlen(dir);
    taafi_status st;
    for (i = 0; i < n_out; i++)
        if ((st = tf_outfile_commit(ctx, &out[i])))
            return st;
    for (i = 0; i < n_out; i++)
        rel[i] = out[i].final + len + 1;
    return tf_manifest_add(ctx, dir, rel, n_out);
}

taafi_status taafi_result_render(taafi_ctx *ctx, const taafi_result *r, const char *dir, unsigned flags)
{
    tf_enter(ctx);
    const tf_maps *m;
    tf_sheet *sheets = NULL;
    size_t n = 0, i, n_out = 0;
    tf_outfile out[MAX_OUT];
    char *maps_dir = NULL;
    taafi_status st;
    if (!ctx || !r || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_result_render: no output folder") : TAAFI_ERR_USAGE;
    memset(out, 0, sizeof out);
    m = &r->project->maps;
    if ((st = tf_sheets(ctx, r, &sheets, &n)))
        return st;
    if (!n)
        st = tf_error(ctx, TAAFI_ERR_PROJECT,
                      "%s: nothing to map: maps show the recovery index and pillar scores; give indicators a "
                      "'pillar' and a 'direction'",
                      r->project->path);
    else if (!(maps_dir = tf_sprintf("%s/maps", dir)))
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (!st && !(st = tf_mkdirs(ctx, maps_dir))) { /* what a killed writer left */
        tf_sweep_dead_temps(dir);
        tf_sweep_dead_temps(maps_dir);
    }
    if (!st &&
        !(st = plan_files(ctx, m, sheets, n, dir, maps_dir, flags, out, &n_out)) &&
        !(st = draw_files(ctx, r, sheets, n, out, n_out)) && !(st = tf_check_interrupt(ctx)) &&
        !(st = commit_files(ctx, dir, out, n_out)))
        tf_log(ctx, TAAFI_LOG_INFO, "wrote %zu map sheet(s)%s%s in %s", n, m->atlas ? ", the atlas" : "",
               m->report ? " and report.html" : "", dir);
    for (i = 0; i < MAX_OUT; i++)
        tf_outfile_discard(&out[i]);
    tf_free(maps_dir);
    tf_free(sheets);
    return st;
}
