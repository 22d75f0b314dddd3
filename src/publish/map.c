/*
 * map.c: printed map sheets and the atlas, drawn with Cairo; every piece
 * of text is laid out by Pango, which shapes Arabic with HarfBuzz (joined
 * letters) and orders it right to left.
 *
 * A sheet is A4 landscape, 842 x 595 points, drawn in points whatever the
 * surface: PNG (scaled to the chosen dpi), SVG and PDF come from the same
 * drawing code.  It carries what a printed humanitarian map carries: title
 * in both languages, the map, legend with class breaks, scale bar, north
 * arrow, labels, date, source and a disclaimer on boundaries.
 */
#include "map.h"
#include "families/indicator.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_W 842.0
#define PAGE_H 595.0
#define FONT "Noto Sans Arabic, Noto Sans, DejaVu Sans"

static const char DISCLAIMER[] = "The boundaries and names shown and the designations used on this map do not imply "
                                 "official endorsement or acceptance.";

/* A frame on the page and the affine map from the analysis CRS into it. */
typedef struct frame {
    double x, y, w, h;   /* on the page, points      */
    double scale;        /* points per metre         */
    double cx, cy;       /* centre, analysis CRS     */
    double tol;          /* vertices closer than this (points) to the last drawn are left out; 0: DRAW_TOLERANCE */
} frame;

/* The envelope of `g` (x0 y0 x1 y1, analysis CRS); 0 when it is empty or
 * GEOS cannot say. */
static int envelope(taafi_ctx *ctx, const GEOSGeometry *g, double e[4])
{
    return g && GEOSisEmpty_r(ctx->geos, g) == 0 && GEOSGeom_getXMin_r(ctx->geos, g, &e[0]) &&
           GEOSGeom_getYMin_r(ctx->geos, g, &e[1]) && GEOSGeom_getXMax_r(ctx->geos, g, &e[2]) &&
           GEOSGeom_getYMax_r(ctx->geos, g, &e[3]);
}

/* Sets f's scale and centre so that every area fits its box. */
static void fit(frame *f, const tf_areas *a, taafi_ctx *ctx)
{
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, bw, bh, e[4];
    size_t i;
    for (i = 0; i < a->n; i++)
        if (envelope(ctx, a->geom[i], e)) {
            minx = fmin(minx, e[0]), miny = fmin(miny, e[1]), maxx = fmax(maxx, e[2]), maxy = fmax(maxy, e[3]);
        }
    if (!isfinite(minx)) {
        minx = miny = 0;
        maxx = maxy = 1;
    }
    bw = (maxx - minx) * 1.06 + 1e-9;
    bh = (maxy - miny) * 1.06 + 1e-9;
    f->scale = fmin(f->w / bw, f->h / bh);
    f->cx = (minx + maxx) / 2;
    f->cy = (miny + maxy) / 2;
}

static void to_page(const frame *f, double x, double y, double *px, double *py)
{
    *px = f->x + f->w / 2 + (x - f->cx) * f->scale;
    *py = f->y + f->h / 2 - (y - f->cy) * f->scale;
}

/* Vertices closer than this on the page (points) to the last one drawn
 * are left out: a quarter of a point is one pixel at 300 dpi (0.09 mm), as
 * QGIS simplifies what it draws and exports.  Real boundaries have a
 * vertex every few tens of metres, dozens to a point of a country's map:
 * drawn all, they made sheets of seconds and PDFs of megabytes. */
#define DRAW_TOLERANCE 0.25

/* The fill of areas shown only for where they are (the atlas's). */
static const double GREY[3] = {0.9, 0.9, 0.9};

static void ring_path(cairo_t *cr, taafi_ctx *ctx, const frame *f, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned n = 0, i;
    double lx = 0, ly = 0, tol = f->tol > 0 ? f->tol : DRAW_TOLERANCE;
    if (!s || !GEOSCoordSeq_getSize_r(ctx->geos, s, &n))
        return;
    for (i = 0; i < n; i++) {
        double x, y, px, py;
        GEOSCoordSeq_getXY_r(ctx->geos, s, i, &x, &y);
        to_page(f, x, y, &px, &py);
        if (i == 0)
            cairo_move_to(cr, px, py);
        else if (i + 1 == n || (px - lx) * (px - lx) + (py - ly) * (py - ly) >= tol * tol)
            cairo_line_to(cr, px, py);
        else
            continue;
        lx = px, ly = py;
    }
    cairo_close_path(cr);
}

/* Adds the polygons of g to the current path (holes by the even-odd rule). */
static void geom_path(cairo_t *cr, taafi_ctx *ctx, const frame *f, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(ctx->geos, g), i, n;
    if (t == GEOS_POLYGON) {
        ring_path(cr, ctx, f, GEOSGetExteriorRing_r(ctx->geos, g));
        n = GEOSGetNumInteriorRings_r(ctx->geos, g);
        for (i = 0; i < n; i++)
            ring_path(cr, ctx, f, GEOSGetInteriorRingN_r(ctx->geos, g, i));
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        n = GEOSGetNumGeometries_r(ctx->geos, g);
        for (i = 0; i < n; i++)
            geom_path(cr, ctx, f, GEOSGetGeometryN_r(ctx->geos, g, i));
    }
}

/* An area on a map: filled in `rgb`, outlined `width` points wide in the
 * grey `outline` (0 black, 1 white). */
static void area_on_map(cairo_t *cr, taafi_ctx *ctx, const frame *f, const GEOSGeometry *g, const double rgb[3],
                        double outline, double width)
{
    cairo_new_path(cr);
    geom_path(cr, ctx, f, g);
    cairo_set_fill_rule(cr, CAIRO_FILL_RULE_EVEN_ODD);
    cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, outline, outline, outline);
    cairo_set_line_width(cr, width);
    cairo_stroke(cr);
}

/* Draws `text` with its top-left (or top-right with align_right, or
 * centred on x with align_centre) at (x, y), width-limited; returns its
 * height.  Arabic is shaped and ordered by Pango. */
#define AL_LEFT TF_ALIGN_LEFT
#define AL_RIGHT TF_ALIGN_RIGHT
#define AL_CENTRE TF_ALIGN_CENTRE

/* The layout of `s`, `width` points wide, as tf_draw_text draws it
 * (caller unrefs it). */
static PangoLayout *text_layout(cairo_t *cr, const char *s, double width, double size, int bold, tf_align al)
{
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *fd = pango_font_description_from_string(FONT);
    cairo_font_options_t *fo = cairo_font_options_create();
    /* glyph advances unrounded on every surface: a raster sheet would
     * otherwise round them to its pixels, and lay out text (and so place
     * labels) otherwise than its PDF and SVG */
    cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(pango_layout_get_context(l), fo);
    cairo_font_options_destroy(fo);
    pango_layout_context_changed(l);
    pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
    if (bold)
        pango_font_description_set_weight(fd, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    pango_layout_set_width(l, (int)(width * PANGO_SCALE));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD);
    pango_layout_set_text(l, s ? s : "", -1);
    /* Pango reads LEFT and RIGHT as start and end in a right-to-left
     * paragraph; we mean the page's left and right. */
    {
        PangoLayoutLine *first = pango_layout_get_line_readonly(l, 0);
        int rtl = first && first->resolved_dir == PANGO_DIRECTION_RTL;
        PangoAlignment left = rtl ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;
        PangoAlignment right = rtl ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
        pango_layout_set_alignment(l, al == AL_RIGHT ? right : al == AL_CENTRE ? PANGO_ALIGN_CENTER : left);
    }
    return l;
}

/* Draws layout `l` (made `width` wide) placed as tf_draw_text places it. */
static void show_layout(cairo_t *cr, PangoLayout *l, double x, double y, double width, tf_align al, int halo)
{
    double left = al == AL_CENTRE ? x - width / 2 : al == AL_RIGHT ? x - width : x;
    cairo_save(cr);
    cairo_move_to(cr, left, y);
    if (halo) {
        pango_cairo_layout_path(cr, l);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_set_line_width(cr, 2.2);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        cairo_stroke(cr);
        cairo_move_to(cr, left, y);
    }
    cairo_set_source_rgb(cr, 0.08, 0.08, 0.08);
    pango_cairo_show_layout(cr, l);
    cairo_restore(cr);
}

double tf_draw_text(cairo_t *cr, const char *s, double x, double y, double width, double size, int bold,
                    tf_align al, int halo)
{
    PangoLayout *l = text_layout(cr, s, width, size, bold, al);
    int w, h;
    pango_layout_get_size(l, &w, &h);
    show_layout(cr, l, x, y, width, al, halo);
    g_object_unref(l);
    return (double)h / PANGO_SCALE;
}

static const char *area_field(const taafi_result *r, size_t a, const char *field)
{
    int i;
    if (!field || (i = OGR_FD_GetFieldIndex(r->areas->defn, field)) < 0)
        return NULL;
    return OGR_F_IsFieldSetAndNotNull(r->areas->feat[a], i) ? OGR_F_GetFieldAsString(r->areas->feat[a], i) : NULL;
}

static void hatch(cairo_t *cr, const frame *f)
{
    double d;
    cairo_save(cr);
    cairo_clip(cr);
    cairo_set_source_rgb(cr, 0.78, 0.12, 0.12);
    cairo_set_line_width(cr, 0.6);
    for (d = -f->h; d < f->w + f->h; d += 4) {
        cairo_move_to(cr, f->x + d, f->y + f->h);
        cairo_line_to(cr, f->x + d + f->h, f->y);
    }
    cairo_stroke(cr);
    cairo_restore(cr);
}

/* The scale bar's round length (metres) of about a quarter of the frame. */
static double scale_length(const frame *f)
{
    double target = f->w / 4 / f->scale, p10 = pow(10, floor(log10(target)));
    return target >= 5 * p10 ? 5 * p10 : target >= 2 * p10 ? 2 * p10 : p10;
}

/* Where the scale bar (box[0]) and the north arrow (box[1]) stand in the
 * frame, with their labels (x0 y0 x1 y1, points): no area label goes
 * there. */
static void furniture(const frame *f, double box[2][4])
{
    double w = scale_length(f) * f->scale;
    box[0][0] = f->x + 8, box[0][1] = f->y + f->h - 24;
    box[0][2] = f->x + 10 + w + 30, box[0][3] = f->y + f->h - 6;
    box[1][0] = f->x + f->w - 34, box[1][1] = f->y + 12;
    box[1][2] = f->x + f->w - 10, box[1][3] = f->y + 46;
}

/* A scale bar of a round length about a quarter of the frame. */
static void scale_bar(cairo_t *cr, const frame *f)
{
    double len = scale_length(f), x, y, w;
    char label[32];
    w = len * f->scale;
    x = f->x + 10;
    y = f->y + f->h - 22;
    cairo_set_line_width(cr, 0.6);
    for (int i = 0; i < 2; i++) {
        cairo_rectangle(cr, x + i * w / 2, y, w / 2, 4);
        if (i == 0)
            cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        else
            cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_stroke(cr);
    }
    if (len >= 1000)
        snprintf(label, sizeof label, "%g km", len / 1000);
    else
        snprintf(label, sizeof label, "%g m", len);
    tf_draw_text(cr, "0", x, y + 5, 20, 6.5, 0, AL_LEFT, 1);
    tf_draw_text(cr, label, x + w, y + 5, 60, 6.5, 0, AL_CENTRE, 1);
}

static void north_arrow(cairo_t *cr, const frame *f)
{
    double x = f->x + f->w - 22, y = f->y + 14;
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x - 7, y + 20);
    cairo_line_to(cr, x, y + 15);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_fill(cr);
    cairo_move_to(cr, x, y);
    cairo_line_to(cr, x + 7, y + 20);
    cairo_line_to(cr, x, y + 15);
    cairo_close_path(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 0.6);
    cairo_stroke(cr);
    tf_draw_text(cr, "N", x, y + 21, 20, 8, 1, AL_CENTRE, 1);
}

static const tf_indicator_def *gaps_indicator(const taafi_project *p)
{
    size_t i;
    int k;
    if (p->maps.gaps && (k = tf_project_find_indicator(p, p->maps.gaps)) >= 0)
        return &p->inds[k];
    for (i = 0; i < p->n_inds; i++)
        if (tf_family_makes_facilities(p->inds[i].type) && p->inds[i].pillar &&
            !strcmp(p->inds[i].pillar, "basic_services"))
            return &p->inds[i];
    for (i = 0; i < p->n_inds; i++)
        if (tf_family_makes_facilities(p->inds[i].type))
            return &p->inds[i];
    return NULL;
}

static void footer(cairo_t *cr, const taafi_result *r, double y)
{
    const tf_maps *m = &r->project->maps;
    char line[1024];
    snprintf(line, sizeof line, "Date %.10s · %s · taafi %s", r->finished,
             m->source_note ? m->source_note : "Inputs and their SHA-256 are listed in recovery.gpkg, table run",
             taafi_version());
    tf_draw_text(cr, line, 28, y, PAGE_W - 56, 6.5, 0, AL_LEFT, 0);
    tf_draw_text(cr, m->disclaimer ? m->disclaimer : DISCLAIMER, 28, y + 10, PAGE_W - 56, 6.5, 0, AL_LEFT, 0);
}

typedef struct by_need {
    double v; /* the sheet's value: lower is more in need; NaN last */
    size_t a;
} by_need;

static int cmp_need(const void *pa, const void *pb)
{
    const by_need *x = pa, *y = pb;
    if (isnan(x->v) != isnan(y->v))
        return isnan(x->v) ? 1 : -1;
    if (!isnan(x->v) && x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->a < y->a ? -1 : x->a > y->a;
}

/* The areas' labels, placed as a GIS's label engine places them: the
 * areas most in need first (lowest index or score), each label only where
 * it overlaps no label already placed and stays inside the map.  Among
 * thousands of areas most then go unlabelled, where they were printed
 * over one another into a grey smear.  Labels are an aid, not data: out
 * of memory, the sheet has none. */
static void draw_labels(cairo_t *cr, taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, const frame *f)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    by_need *order = malloc((A->n ? A->n : 1) * sizeof *order);
    double(*placed)[4] = malloc((A->n + 2) * sizeof *placed); /* x0 y0 x1 y1, points */
    size_t k, m = 0, j;
    char buf[256];
    if (!order || !placed)
        goto done;
    /* the scale bar and the north arrow are there first */
    furniture(f, placed);
    m = 2;
    for (k = 0; k < A->n; k++) {
        order[k].v = s->v[k];
        order[k].a = k;
    }
    qsort(order, A->n, sizeof *order, cmp_need);
    for (k = 0; k < A->n; k++) {
        size_t a = order[k].a;
        const char *ar = area_field(r, a, p->area_name_ar), *en = area_field(r, a, p->area_name);
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, A->geom[a]);
        double x, y0, px, py, box[4];
        PangoLayout *l;
        PangoRectangle lr; /* logical extents */
        int ok = pt && GEOSisEmpty_r(ctx->geos, pt) != 1 && GEOSGeomGetX_r(ctx->geos, pt, &x) &&
                 GEOSGeomGetY_r(ctx->geos, pt, &y0);
        GEOSGeom_destroy_r(ctx->geos, pt);
        if (!ok)
            continue;
        to_page(f, x, y0, &px, &py);
        /* a label whose anchor is under one placed already overlaps it:
         * known without laying the text out (most of them, among
         * thousands of areas) */
        for (j = 0; j < m; j++)
            if (px >= placed[j][0] && px <= placed[j][2] && py >= placed[j][1] && py <= placed[j][3])
                break;
        if (j < m)
            continue;
        snprintf(buf, sizeof buf, "%s%s%s", ar ? ar : "", ar && en ? "\n" : "", en ? en : "");
        if (!ar && !en)
            snprintf(buf, sizeof buf, "%s", A->id[a]);
        l = text_layout(cr, buf, 90, 6.5, 0, AL_CENTRE);
        pango_layout_get_extents(l, NULL, &lr);
        /* the text's box on the page, with its halo */
        box[0] = px - 45 + (double)lr.x / PANGO_SCALE - 1.1;
        box[1] = py - 8 + (double)lr.y / PANGO_SCALE - 1.1;
        box[2] = box[0] + (double)lr.width / PANGO_SCALE + 2.2;
        box[3] = box[1] + (double)lr.height / PANGO_SCALE + 2.2;
        ok = box[0] >= f->x && box[1] >= f->y && box[2] <= f->x + f->w && box[3] <= f->y + f->h;
        for (j = 0; ok && j < m; j++)
            ok = box[2] <= placed[j][0] || box[0] >= placed[j][2] || box[3] <= placed[j][1] || box[1] >= placed[j][3];
        if (ok) {
            show_layout(cr, l, px, py - 8, 90, AL_CENTRE, 1);
            memcpy(placed[m++], box, sizeof box);
        }
        g_object_unref(l);
    }
done:
    free(order);
    free(placed);
}

void tf_draw_sheet(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, cairo_t *cr)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    const tf_indicator_def *gap_def = s->pillar == 3 /* basic_services */ ? gaps_indicator(p) : NULL;
    frame f = {28, 78, 560, 452, 0, 0, 0, 0};
    char buf[256], lbl[32];
    size_t a, c, i;
    double y;
    int any_null = 0;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    /* title: English on the left, Arabic on the right */
    snprintf(buf, sizeof buf, "%s", p->maps.title ? p->maps.title : p->name ? p->name : "");
    tf_draw_text(cr, s->title_en, 28, 22, 380, 17, 1, AL_LEFT, 0);
    tf_draw_text(cr, s->title_ar, PAGE_W - 28, 20, 380, 18, 1, AL_RIGHT, 0);
    tf_draw_text(cr, buf, 28, 46, 560, 9, 0, AL_LEFT, 0);
    /* map */
    fit(&f, A, ctx);
    cairo_rectangle(cr, f.x, f.y, f.w, f.h);
    cairo_set_source_rgb(cr, 0.96, 0.97, 0.98);
    cairo_fill(cr);
    for (a = 0; a < A->n; a++) {
        size_t k = tf_sheet_class(s, s->v[a]);
        double rgb[3] = {0.82, 0.82, 0.82};
        if (k)
            tf_class_rgb(s->n_classes, k, rgb);
        else
            any_null = 1;
        area_on_map(cr, ctx, &f, A->geom[a], rgb, 0.25, 0.7);
    }
    if (gap_def) {
        /* every gap in one path, hatched once (hatched one by one, each
         * gap carried the whole frame's lines: 500,000 of them in a 19 MB
         * SVG for 2,000 areas).  Rings oriented the one way GEOS
         * normalises them (shells clockwise, holes counter-clockwise) and
         * filled by winding: holes stay open, and where two gaps overlap
         * (areas that overlap, which the run reported) both are hatched. */
        cairo_new_path(cr);
        for (i = 0; i < r->n_gaps; i++)
            if (r->gaps[i].def == gap_def) {
                GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, r->gaps[i].geom);
                if (g && GEOSNormalize_r(ctx->geos, g) == 0)
                    geom_path(cr, ctx, &f, g);
                GEOSGeom_destroy_r(ctx->geos, g);
            }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        hatch(cr, &f);
        cairo_new_path(cr);
    }
    draw_labels(cr, ctx, r, s, &f);
    cairo_rectangle(cr, f.x, f.y, f.w, f.h);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    scale_bar(cr, &f);
    north_arrow(cr, &f);
    /* legend */
    y = 84;
    y += tf_draw_text(cr, s->pillar < 0 ? "Priority (recovery index, 0-100)" : "Score (0-100)", 610, y, 210, 9, 1, AL_LEFT, 0);
    y += tf_draw_text(cr, s->pillar < 0 ? "الأولوية حسب مؤشر التعافي" : "الدرجة من 0 إلى 100", 814, y, 210, 9, 1, AL_RIGHT, 0) +
         6;
    for (c = 1; c <= s->n_classes; c++) {
        double lo, hi, rgb[3];
        if (!tf_sheet_listed(s, c))
            continue;
        tf_sheet_range(s, c, &lo, &hi);
        tf_class_rgb(s->n_classes, c, rgb);
        cairo_rectangle(cr, 610, y, 18, 11);
        cairo_set_source_rgb(cr, rgb[0], rgb[1], rgb[2]);
        cairo_fill_preserve(cr);
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        if (s->pillar < 0)
            snprintf(buf, sizeof buf, "%s  (%.1f – %.1f)", tf_class_label(p, s->n_classes, c, lbl, sizeof lbl), lo,
                     hi);
        else
            snprintf(buf, sizeof buf, "%.1f – %.1f", lo, hi);
        tf_draw_text(cr, buf, 634, y, 180, 8, 0, AL_LEFT, 0);
        y += 16;
    }
    if (any_null) {
        cairo_rectangle(cr, 610, y, 18, 11);
        cairo_set_source_rgb(cr, 0.82, 0.82, 0.82);
        cairo_fill(cr);
        tf_draw_text(cr, "No data / لا بيانات", 634, y, 180, 8, 0, AL_LEFT, 0);
        y += 16;
    }
    if (gap_def) {
        frame box = {610, y, 18, 11, 0, 0, 0, 0};
        cairo_rectangle(cr, 610, y, 18, 11);
        hatch(cr, &box);
        cairo_rectangle(cr, 610, y, 18, 11);
        cairo_set_source_rgb(cr, 0.78, 0.12, 0.12);
        cairo_set_line_width(cr, 0.5);
        cairo_stroke(cr);
        snprintf(buf, sizeof buf, "Beyond %g m of a working %s", gap_def->distance,
                 gap_def->kind ? gap_def->kind : gap_def->id);
        for (char *u = buf; *u; u++)
            if (*u == '_')
                *u = ' ';
        y += tf_draw_text(cr, buf, 634, y, 180, 8, 0, AL_LEFT, 0);
        snprintf(buf, sizeof buf, "خارج نطاق %g م", gap_def->distance);
        y += tf_draw_text(cr, buf, 814, y, 180, 8, 0, AL_RIGHT, 0) + 8;
    }
    y += 10;
    tf_draw_text(cr,
         s->pillar < 0 ? "Classes are the priority classes: class 1, darkest, is most in need. Rank 1 = lowest index."
                       : "Darker: lower score, more in need. Scores 0-100, 100 = best.",
         610, y, 204, 7, 0, AL_LEFT, 0);
    snprintf(buf, sizeof buf, "Projection: WGS 84 / UTM (EPSG:%d); grid north.", A->epsg);
    tf_draw_text(cr, buf, 610, 500, 204, 6.5, 0, AL_LEFT, 0);
    footer(cr, r, 552);
}

/* ---- atlas --------------------------------------------------------------- */

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

/* The atlas's locator: one frame for every page, and every area drawn
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
    frame f;
    cairo_surface_t *grey; /* a recording surface in page points, or an image */
    double px_per_pt;      /* 0 for the recording surface; the image's scale */
};

tf_atlas *tf_atlas_new(taafi_ctx *ctx, const taafi_result *r, double dpi)
{
    const tf_areas *A = r->areas;
    tf_atlas *at = calloc(1, sizeof *at);
    double vertices = 0;
    cairo_t *cr;
    size_t i;
    if (!at)
        return NULL;
    at->f = (frame){28, 78, 280, 280, 0, 0, 0, 0};
    fit(&at->f, A, ctx);
    for (i = 0; i < A->n; i++)
        vertices += GEOSGetNumCoordinates_r(ctx->geos, A->geom[i]);
    if ((double)A->n * vertices <= VECTOR_LOCATOR_BUDGET) {
        cairo_rectangle_t page = {0, 0, PAGE_W, PAGE_H};
        at->grey = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &page);
        cr = cairo_create(at->grey);
    } else {
        /* the frame's square, white, at the sheets' dpi */
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
        area_on_map(cr, ctx, &at->f, A->geom[i], GREY, 0.35, 0.5);
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
    free(at);
}

/* area_on_map, only the part of `g` in the frame `f` shown (and a margin of
 * 3 points, so that the cut's own edges fall outside it): a neighbour with
 * real boundaries has a thousand vertices, most of them off the page. */
static void clipped_on_map(cairo_t *cr, taafi_ctx *ctx, const frame *f, const GEOSGeometry *g, const double rgb[3],
                           double width)
{
    double m = 3 / f->scale, hw = f->w / 2 / f->scale + m, hh = f->h / 2 / f->scale + m;
    GEOSGeometry *part = GEOSClipByRect_r(ctx->geos, g, f->cx - hw, f->cy - hh, f->cx + hw, f->cy + hh);
    if (part) {
        if (GEOSisEmpty_r(ctx->geos, part) == 0)
            area_on_map(cr, ctx, f, part, rgb, 0.35, width);
        GEOSGeom_destroy_r(ctx->geos, part);
    } else {
        area_on_map(cr, ctx, f, g, rgb, 0.35, width); /* GEOS could not cut it: all of it, clipped by Cairo */
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
    if (!envelope(ctx, r->areas->geom[a], e))
        return 0;
    *size_pt = fmax(e[2] - e[0], e[3] - e[1]) * at->f.scale;
    return *size_pt < ZOOM_BELOW;
}

/* The zoomed view of area `a`: its envelope about a third of the frame's
 * side, centred.  Its neighbours are drawn in grey, it in its colour; the
 * whole extent goes in an inset in the frame's corner, with the area's
 * place marked. */
static void zoomed_map(cairo_t *cr, taafi_ctx *ctx, const taafi_result *r, const tf_atlas *at, size_t a,
                       const double rgb[3], frame *out)
{
    const tf_areas *A = r->areas;
    const frame *whole = &at->f;
    frame z = *whole;
    double e[4], side, vx0, vy0, vx1, vy1, px, py, inset = 80, ix = whole->x + 5, iy = whole->y + 5;
    size_t *cand = NULL, n = 0, cap = 0, k;
    GEOSGeometry *view;
    envelope(ctx, A->geom[a], e); /* not empty: tf_atlas_view chose this view */
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
    free(cand);
    clipped_on_map(cr, ctx, &z, A->geom[a], rgb, 1.8);
    cairo_restore(cr);
    cairo_rectangle(cr, z.x, z.y, z.w, z.h);
    cairo_set_source_rgb(cr, 0.5, 0.5, 0.5);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    /* the inset: the whole extent, scaled from the frame to `inset` */
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
    to_page(whole, z.cx, z.cy, &px, &py);
    cairo_arc(cr, ix + (px - whole->x) * inset / whole->w, iy + (py - whole->y) * inset / whole->h, 2.2, 0, 2 * M_PI);
    cairo_set_source_rgb(cr, 0.75, 0.1, 0.1);
    cairo_fill(cr);
}

void tf_draw_atlas_page(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *index, const tf_atlas *at, size_t a,
                        cairo_t *cr)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    frame f = at->f;
    const char *ar = area_field(r, a, p->area_name_ar), *en = area_field(r, a, p->area_name);
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
        area_on_map(cr, ctx, &f, A->geom[a], rgb, 0.35, 1.8);
    }
    scale_bar(cr, &f);
    north_arrow(cr, &f);
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
    footer(cr, r, 552);
}
