/*
 * atlas.c: the atlas, one page per area: a locator map of every area (or a
 * view zoomed on an area too small to see on it) beside the area's table of
 * index, rank, class, pillars and the values that score them.
 */
#include "map_draw.h"
#include "families/indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double row(cairo_t *cr, const char *label, const char *label_ar, const char *value, double y, int bold)
{
    /* values up to "1999 of 2000" on one line */
    double h1 = tf_draw_text(cr, label, 326, y, 270, 6.8, bold, AL_LEFT, 0);
    double h2 = tf_draw_text(cr, value, 660, y, 60, 6.8, bold, AL_RIGHT, 0);
    double h3 = tf_draw_text(cr, label_ar ? label_ar : "", 814, y, 150, 6.8, bold, AL_RIGHT, 0);
    return fmax(h1, fmax(h2, h3)) + 1;
}

static void fmt(char *buf, size_t size, double v, const char *unit)
{
    if (isnan(v))
        snprintf(buf, size, "—");
    else
        snprintf(buf, size, "%.*f%s%s", fabs(v) >= 100 ? 0 : fabs(v) >= 10 ? 1 : 2, v, unit && *unit ? " " : "",
                 unit && *unit ? unit : "");
}

void tf_atlas_value(const taafi_result *r, const tf_indicator_def *d, size_t a, char *buf, size_t size)
{
    char name[300];
    long vc = tf_result_column_index(r, tf_score_column(d, name, sizeof name));
    fmt(buf, size, vc >= 0 && !r->cols[vc].is_text ? r->cols[vc].v[a] : NAN, tf_score_unit(d));
}

/* The atlas's locator: one tf_frame for every page, and every area drawn
 * once, in grey, which each page shows and then draws its own area over.
 * Drawn on every page, an atlas of n areas held n x n outlines (91 MB and
 * 40 s for 2,000 areas).  Cairo keeps a drawing made once as a PDF form
 * that every page refers to (a recording surface), but still replays it
 * on every page to see what it covers: linear in bytes, quadratic in
 * time.  So past a budget of pages x vertices the locator is drawn once
 * as an image at the sheets' resolution instead, which Cairo embeds once
 * and pages refer to at no cost. */
#define VECTOR_LOCATOR_BUDGET 5e6 /* pages x vertices */

struct tf_atlas {
    tf_frame f;
    cairo_surface_t *grey; /* a recording surface in page points, or an image */
    double px_per_pt;      /* 0 for the recording surface; the image's scale */
};

tf_atlas *tf_atlas_new(taafi_ctx *ctx, const taafi_result *r, double dpi)
{
    const tf_areas *A = r->areas;
    tf_atlas *at = tf_calloc(1, sizeof *at);
    double vertices = 0;
    cairo_t *cr;
    size_t i;
    if (!at)
        return NULL;
    at->f = (tf_frame){28, 78, 280, 280, 0, 0, 0, 0};
    tf_map_fit(&at->f, A, ctx);
    for (i = 0; i < A->n; i++)
        vertices += GEOSGetNumCoordinates_r(ctx->geos, A->geom[i]);
    if ((double)A->n * vertices <= VECTOR_LOCATOR_BUDGET) {
        cairo_rectangle_t page = {0, 0, PAGE_W, PAGE_H};
        at->grey = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &page);
        cr = cairo_create(at->grey);
    } else {
        /* the tf_frame's square, white, at the sheets' dpi */
        at->px_per_pt = dpi / 72.0;
        at->grey = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(at->f.w * at->px_per_pt),
                                              (int)ceil(at->f.h * at->px_per_pt));
        cr = cairo_create(at->grey);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, at->px_per_pt, at->px_per_pt);
        cairo_translate(cr, -at->f.x, -at->f.y);
    }
    for (i = 0; i < A->n; i++)
        tf_map_area_on_map(cr, ctx, &at->f, A->geom[i], GREY, 0.35, 0.5);
    cairo_destroy(cr);
    if (cairo_surface_status(at->grey) != CAIRO_STATUS_SUCCESS) {
        tf_atlas_free(at);
        return NULL;
    }
    return at;
}

void tf_atlas_free(tf_atlas *at)
{
    if (!at)
        return;
    cairo_surface_destroy(at->grey);
    tf_free(at);
}

/* area_on_map, only the part of `g` in the tf_frame `f` shown (and a margin of
 * 3 points, so that the cut's own edges fall outside it): a neighbour with
 * real boundaries has a thousand vertices, most of them off the page. */
static void clipped_on_map(cairo_t *cr, taafi_ctx *ctx, const tf_frame *f, const GEOSGeometry *g, const double rgb[3],
                           double width)
{
    double m = 3 / f->scale, hw = f->w / 2 / f->scale + m, hh = f->h / 2 / f->scale + m;
    GEOSGeometry *part = GEOSClipByRect_r(ctx->geos, g, f->cx - hw, f->cy - hh, f->cx + hw, f->cy + hh);
    if (part) {
        if (GEOSisEmpty_r(ctx->geos, part) == 0)
            tf_map_area_on_map(cr, ctx, f, part, rgb, 0.35, width);
        GEOSGeom_destroy_r(ctx->geos, part);
    } else {
        tf_map_area_on_map(cr, ctx, f, g, rgb, 0.35, width); /* GEOS could not cut it: all of it, clipped by Cairo */
    }
}

/* An atlas page's map shows the whole extent while its area is at least
 * this wide or high on it (points); a smaller area gets a view zoomed on
 * it and its neighbours, the whole extent in an inset. */
#define ZOOM_BELOW 40.0

int tf_atlas_view(const tf_atlas *at, taafi_ctx *ctx, const taafi_result *r, size_t a, double *size_pt)
{
    double e[4];
    *size_pt = 0;
    if (!tf_geom_envelope(ctx, r->areas->geom[a], e))
        return 0;
    *size_pt = fmax(e[2] - e[0], e[3] - e[1]) * at->f.scale;
    return *size_pt < ZOOM_BELOW;
}

/* The zoomed view of area `a`: its envelope about a third of the tf_frame's
 * side, centred.  Its neighbours are drawn in grey, it in its colour; the
 * whole extent goes in an inset in the tf_frame's corner, with the area's
 * place marked. */
static void zoomed_map(cairo_t *cr, taafi_ctx *ctx, const taafi_result *r, const tf_atlas *at, size_t a,
                       const double rgb[3], tf_frame *out)
{
    const tf_areas *A = r->areas;
    const tf_frame *whole = &at->f;
    tf_frame z = *whole;
    double e[4], side, vx0, vy0, vx1, vy1, px, py, inset = 80, ix = whole->x + 5, iy = whole->y + 5;
    size_t *cand = NULL, n = 0, cap = 0, k;
    GEOSGeometry *view;
    tf_geom_envelope(ctx, A->geom[a], e); /* not empty: tf_atlas_view chose this view */
    side = fmax(fmax(e[2] - e[0], e[3] - e[1]), 1.0); /* metres; a point-like area still gets a view */
    z.scale = z.w / (2 * side);
    /* three quarters of a point, as QGIS simplifies on screen: a zoomed
     * view of real boundaries holds ten thousand vertices 0.4 points apart,
     * which drawn all made an atlas of 2,000 such pages 135 MB */
    z.tol = 0.75;
    z.cx = (e[0] + e[2]) / 2;
    z.cy = (e[1] + e[3]) / 2;
    *out = z;
    /* the neighbours: the areas whose envelopes meet the view's */
    vx0 = z.cx - z.w / 2 / z.scale, vx1 = z.cx + z.w / 2 / z.scale;
    vy0 = z.cy - z.h / 2 / z.scale, vy1 = z.cy + z.h / 2 / z.scale;
    cairo_save(cr);
    cairo_rectangle(cr, z.x, z.y, z.w, z.h);
    cairo_clip(cr);
    if ((view = GEOSGeom_createRectangle_r(ctx->geos, vx0, vy0, vx1, vy1)) != NULL &&
        tf_areas_candidates(ctx, A, view, &cand, &n, &cap) == TAAFI_OK)
        for (k = 0; k < n; k++)
            if (cand[k] != a)
                clipped_on_map(cr, ctx, &z, A->geom[cand[k]], GREY, 0.5);
    GEOSGeom_destroy_r(ctx->geos, view);
    tf_free(cand);
    clipped_on_map(cr, ctx, &z, A->geom[a], rgb, 1.8);
    cairo_restore(cr);
    cairo_rectangle(cr, z.x, z.y, z.w, z.h);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    /* the inset: the whole extent, scaled from the tf_frame to `inset` */
    cairo_rectangle(cr, ix, iy, inset, inset);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    cairo_save(cr);
    cairo_rectangle(cr, ix, iy, inset, inset);
    cairo_clip(cr);
    cairo_translate(cr, ix, iy);
    cairo_scale(cr, inset / whole->w, inset / whole->h);
    cairo_translate(cr, -whole->x, -whole->y);
    if (at->px_per_pt > 0) {
        cairo_translate(cr, whole->x, whole->y);
        cairo_scale(cr, 1 / at->px_per_pt, 1 / at->px_per_pt);
    }
    cairo_set_source_surface(cr, at->grey, 0, 0);
    cairo_paint(cr);
    cairo_restore(cr);
    tf_map_to_page(whole, z.cx, z.cy, &px, &py);
    cairo_arc(cr, ix + (px - whole->x) * inset / whole->w, iy + (py - whole->y) * inset / whole->h, 2.2, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    cairo_fill(cr);
}

void tf_draw_atlas_page(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *index, const tf_atlas *at, size_t a,
                        cairo_t *cr)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    tf_frame f = at->f;
    const char *ar = tf_map_area_field(r, a, p->area_name_ar), *en = tf_map_area_field(r, a, p->area_name);
    char buf[256], val[64], lbl[32];
    size_t k, cls = index ? tf_sheet_class(index, index->v[a]) : 0;
    double y = 84, rgb[3], size;
    long col;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    snprintf(buf, sizeof buf, "%s (%s)", en ? en : A->id[a], A->id[a]);
    tf_draw_text(cr, buf, 28, 22, 400, 16, 1, AL_LEFT, 0);
    tf_draw_text(cr, ar ? ar : "", PAGE_W - 28, 20, 380, 18, 1, AL_RIGHT, 0);
    tf_draw_text(cr, p->maps.title ? p->maps.title : p->name ? p->name : "", 28, 46, 560, 9, 0, AL_LEFT, 0);
    if (cls)
        tf_class_rgb(index->n_classes, cls, rgb);
    else
        rgb[0] = rgb[1] = rgb[2] = 0.5;
    if (tf_atlas_view(at, ctx, r, a, &size)) {
        zoomed_map(cr, ctx, r, at, a, rgb, &f);
    } else {
        /* locator: every area in grey, this one over them in its colour */
        cairo_save(cr);
        if (at->px_per_pt > 0) {
            cairo_translate(cr, f.x, f.y);
            cairo_scale(cr, 1 / at->px_per_pt, 1 / at->px_per_pt);
        }
        cairo_set_source_surface(cr, at->grey, 0, 0);
        cairo_paint(cr);
        cairo_restore(cr);
        tf_map_area_on_map(cr, ctx, &f, A->geom[a], rgb, 0.35, 1.8);
    }
    tf_map_scale_bar(cr, &f);
    tf_map_north_arrow(cr, &f);
    /* the table: index, rank, class, then each pillar and its indicators */
    y += row(cr, "Indicator: value", "المؤشر", "Score", y, 1) + 4;
    if (index) {
        fmt(val, sizeof val, index->v[a], "");
        y += row(cr, "Recovery index (0-100)", "مؤشر التعافي", val, y, 1);
        if ((col = tf_result_column_index(r, "rank")) >= 0) {
            snprintf(buf, sizeof buf, "%.0f of %zu", r->cols[col].v[a], A->n);
            y += row(cr, "Rank (1 = most in need)", "الترتيب", isnan(r->cols[col].v[a]) ? "—" : buf, y, 0);
        }
        if ((col = tf_result_column_index(r, "priority_class")) >= 0 && !isnan(r->cols[col].v[a])) {
            size_t c = (size_t)r->cols[col].v[a];
            y += row(cr, "Priority", "الأولوية", tf_class_label(p, p->scoring.n_classes, c, lbl, sizeof lbl), y, 0);
        }
        y += 6;
    }
    for (int q = 0; q < TF_N_PILLARS; q++) {
        char pc[96];
        snprintf(pc, sizeof pc, "%s_score", tf_pillar_keys[q]);
        if ((col = tf_result_column_index(r, pc)) < 0)
            continue;
        fmt(val, sizeof val, r->cols[col].v[a], "");
        y += row(cr, tf_pillar_labels[q], tf_pillar_labels_ar[q], val, y, 1);
        for (k = 0; k < p->n_inds; k++) {
            const tf_indicator_def *d = tf_result_def(r, &p->inds[k]);
            char sc[300], line[400];
            long sc_col;
            if (!d->pillar || strcmp(d->pillar, tf_pillar_keys[q]))
                continue;
            snprintf(sc, sizeof sc, "%s_score", d->id);
            sc_col = tf_result_column_index(r, sc);
            tf_atlas_value(r, d, a, val, sizeof val);
            snprintf(line, sizeof line, "   %s: %s", d->label ? d->label : d->id, val);
            fmt(val, sizeof val, sc_col >= 0 ? r->cols[sc_col].v[a] : NAN, "");
            y += row(cr, line, d->label_ar, val, y, 0);
            if (y > 538)
                break;
        }
        y += 3;
        if (y > 538)
            break;
    }
    tf_map_footer(cr, r, 552);
}
