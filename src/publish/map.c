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
#include "map_draw.h"
#include "families/indicator.h"
#include "families/reach.h"

#include <math.h>
#include <pango/pangocairo.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT "Noto Sans Arabic, Noto Sans, DejaVu Sans"

static const char DISCLAIMER[] = "The boundaries and names shown and the designations used on this map do not imply "
                                 "official endorsement or acceptance.";



/* Sets f's scale and centre so that every area fits its box. */
void tf_map_fit(tf_frame *f, const tf_areas *a, taafi_ctx *ctx)
{
    double e[4], minx, miny, maxx, maxy, bw, bh;
    if (!tf_areas_extent(ctx, a, e))
        e[0] = e[1] = 0, e[2] = e[3] = 1;
    minx = e[0], miny = e[1], maxx = e[2], maxy = e[3];
    bw = (maxx - minx) * 1.06 + 1e-9;
    bh = (maxy - miny) * 1.06 + 1e-9;
    f->scale = fmin(f->w / bw, f->h / bh);
    f->cx = (minx + maxx) / 2;
    f->cy = (miny + maxy) / 2;
}

void tf_map_to_page(const tf_frame *f, double x, double y, double *px, double *py)
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


static void ring_path(cairo_t *cr, taafi_ctx *ctx, const tf_frame *f, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned n = 0, i;
    double lx = 0, ly = 0, tol = f->tol > 0 ? f->tol : DRAW_TOLERANCE;
    if (!s || !GEOSCoordSeq_getSize_r(ctx->geos, s, &n))
        return;
    for (i = 0; i < n; i++) {
        double x, y, px, py;
        GEOSCoordSeq_getXY_r(ctx->geos, s, i, &x, &y);
        tf_map_to_page(f, x, y, &px, &py);
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
static void geom_path(cairo_t *cr, taafi_ctx *ctx, const tf_frame *f, const GEOSGeometry *g)
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
void tf_map_area_on_map(cairo_t *cr, taafi_ctx *ctx, const tf_frame *f, const GEOSGeometry *g, const double rgb[3],
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

const char *tf_map_area_field(const taafi_result *r, size_t a, const char *field)
{
    int i;
    if (!field || (i = OGR_FD_GetFieldIndex(r->areas->defn, field)) < 0)
        return NULL;
    return OGR_F_IsFieldSetAndNotNull(r->areas->feat[a], i) ? OGR_F_GetFieldAsString(r->areas->feat[a], i) : NULL;
}

static void hatch(cairo_t *cr, const tf_frame *f)
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

/* The scale bar's round length (metres) of about a quarter of the tf_frame. */
static double scale_length(const tf_frame *f)
{
    double target = f->w / 4 / f->scale, p10 = pow(10, floor(log10(target)));
    return target >= 5 * p10 ? 5 * p10 : target >= 2 * p10 ? 2 * p10 : p10;
}

/* Where the scale bar (box[0]) and the north arrow (box[1]) stand in the
 * tf_frame, with their labels (x0 y0 x1 y1, points): no area label goes
 * there. */
static void furniture(const tf_frame *f, double box[2][4])
{
    double w = scale_length(f) * f->scale;
    box[0][0] = f->x + 8, box[0][1] = f->y + f->h - 24;
    box[0][2] = f->x + 10 + w + 30, box[0][3] = f->y + f->h - 6;
    box[1][0] = f->x + f->w - 34, box[1][1] = f->y + 12;
    box[1][2] = f->x + f->w - 10, box[1][3] = f->y + 46;
}

/* A scale bar of a round length about a quarter of the tf_frame. */
void tf_map_scale_bar(cairo_t *cr, const tf_frame *f)
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

void tf_map_north_arrow(cairo_t *cr, const tf_frame *f)
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

void tf_map_footer(cairo_t *cr, const taafi_result *r, double y)
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
static void draw_labels(cairo_t *cr, taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, const tf_frame *f)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    by_need *order = tf_malloc((A->n ? A->n : 1) * sizeof *order);
    double(*placed)[4] = tf_malloc((A->n + 2) * sizeof *placed); /* x0 y0 x1 y1, points */
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
        const char *ar = tf_map_area_field(r, a, p->area_name_ar), *en = tf_map_area_field(r, a, p->area_name);
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, A->geom[a]);
        double x, y0, px, py, box[4];
        PangoLayout *l;
        PangoRectangle lr; /* logical extents */
        int ok = pt && GEOSisEmpty_r(ctx->geos, pt) != 1 && GEOSGeomGetX_r(ctx->geos, pt, &x) &&
                 GEOSGeomGetY_r(ctx->geos, pt, &y0);
        GEOSGeom_destroy_r(ctx->geos, pt);
        if (!ok)
            continue;
        tf_map_to_page(f, x, y0, &px, &py);
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
    tf_free(order);
    tf_free(placed);
}

/* The closed streets of a gap measured along the network, in black, over
 * the gaps they make (clipped to the map's frame); whether any was drawn. */
static int closed_streets(cairo_t *cr, const taafi_result *r, const tf_frame *f, const tf_indicator_def *gap_def)
{
    const unsigned char *closed;
    size_t e, n = 0;
    if (!gap_def || gap_def->reach != TF_REACH_NETWORK || !r->network ||
        !(closed = tf_network_closures(r->network, gap_def->closures)))
        return 0;
    cairo_save(cr);
    cairo_rectangle(cr, f->x, f->y, f->w, f->h);
    cairo_clip(cr);
    cairo_new_path(cr);
    for (e = 0; e < tf_network_edges(r->network); e++)
        if (closed[e]) {
            double s[4], px, py;
            tf_network_segment(r->network, e, s);
            tf_map_to_page(f, s[0], s[1], &px, &py);
            cairo_move_to(cr, px, py);
            tf_map_to_page(f, s[2], s[3], &px, &py);
            cairo_line_to(cr, px, py);
            n++;
        }
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_set_line_width(cr, 0.9);
    cairo_stroke(cr);
    cairo_restore(cr);
    return n > 0;
}

/* The map: each area in its class's colour (*any_null: some in none),
 * the service gaps of gap_def hatched over them, the labels, the frame,
 * scale bar and north arrow. */
static void sheet_map(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, cairo_t *cr, tf_frame *f,
                      const tf_indicator_def *gap_def, int *any_null)
{
    const tf_areas *A = r->areas;
    size_t a, i;
    tf_map_fit(f, A, ctx);
    cairo_rectangle(cr, f->x, f->y, f->w, f->h);
    cairo_set_source_rgb(cr, 0.96, 0.97, 0.98);
    cairo_fill(cr);
    for (a = 0; a < A->n; a++) {
        size_t k = tf_sheet_class(s, s->v[a]);
        double rgb[3] = {0.82, 0.82, 0.82};
        if (k)
            tf_class_rgb(s->n_classes, k, rgb);
        else
            *any_null = 1;
        tf_map_area_on_map(cr, ctx, f, A->geom[a], rgb, 0.25, 0.7);
    }
    if (gap_def) {
        /* every gap in one path, hatched once (hatched one by one, each
         * gap carried the whole tf_frame's lines: 500,000 of them in a 19 MB
         * SVG for 2,000 areas).  Rings oriented the one way GEOS
         * normalises them (shells clockwise, holes counter-clockwise) and
         * filled by winding: holes stay open, and where two gaps overlap
         * (areas that overlap, which the run reported) both are hatched. */
        cairo_new_path(cr);
        for (i = 0; i < r->n_gaps; i++)
            if (r->gaps[i].def == gap_def) {
                GEOSGeometry *g = GEOSGeom_clone_r(ctx->geos, r->gaps[i].geom);
                if (g && GEOSNormalize_r(ctx->geos, g) == 0)
                    geom_path(cr, ctx, f, g);
                GEOSGeom_destroy_r(ctx->geos, g);
            }
        cairo_set_fill_rule(cr, CAIRO_FILL_RULE_WINDING);
        hatch(cr, f);
        cairo_new_path(cr);
        closed_streets(cr, r, f, gap_def);
    }
    draw_labels(cr, ctx, r, s, f);
    cairo_rectangle(cr, f->x, f->y, f->w, f->h);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    cairo_set_line_width(cr, 0.8);
    cairo_stroke(cr);
    tf_map_scale_bar(cr, f);
    tf_map_north_arrow(cr, f);
}

/* The legend's gap entry at y; the y below it. */
static double legend_gaps(cairo_t *cr, const tf_indicator_def *gap_def, int minutes, double y)
{
    tf_frame box = {610, y, 18, 11, 0, 0, 0, 0};
    char buf[256];
    cairo_rectangle(cr, 610, y, 18, 11);
    hatch(cr, &box);
    cairo_rectangle(cr, 610, y, 18, 11);
    cairo_set_source_rgb(cr, 0.78, 0.12, 0.12);
    cairo_set_line_width(cr, 0.5);
    cairo_stroke(cr);
    snprintf(buf, sizeof buf, "Beyond %g %s%s of a working %s", minutes ? gap_def->minutes : gap_def->distance,
             minutes ? "min" : "m", gap_def->reach == TF_REACH_NETWORK ? " along open streets" : "",
             gap_def->kind ? gap_def->kind : gap_def->id);
    for (char *u = buf; *u; u++)
        if (*u == '_')
            *u = ' ';
    y += tf_draw_text(cr, buf, 634, y, 180, 8, 0, AL_LEFT, 0);
    if (minutes)
        snprintf(buf, sizeof buf, "خارج نطاق %g دقيقة عبر الشوارع المفتوحة", gap_def->minutes);
    else
        snprintf(buf, sizeof buf, gap_def->reach == TF_REACH_NETWORK ? "خارج نطاق %g م عبر الشوارع المفتوحة"
                                                                     : "خارج نطاق %g م",
                 gap_def->distance);
    return y + tf_draw_text(cr, buf, 814, y, 180, 8, 0, AL_RIGHT, 0) + 8;
}

/* The legend: its title, a swatch per class listed, no data, the gaps,
 * the note; the projection. */
static void legend(cairo_t *cr, const taafi_result *r, const tf_sheet *s, const tf_indicator_def *gap_def,
                   int any_null)
{
    const taafi_project *p = r->project;
    char buf[256], lbl[32];
    double y = 84;
    size_t c;
    y += tf_draw_text(cr, s->pillar < 0 ? "Priority (recovery index, 0-100)" : "Score (0-100)", 610, y, 210, 9, 1,
                      AL_LEFT, 0);
    y += tf_draw_text(cr, s->pillar < 0 ? "الأولوية حسب مؤشر التعافي" : "الدرجة من 0 إلى 100", 814, y, 210, 9, 1,
                      AL_RIGHT, 0) +
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
    if (gap_def)
        y = legend_gaps(cr, gap_def, gap_def->reach == TF_REACH_NETWORK && p->network.drive, y);
    if (gap_def && gap_def->reach == TF_REACH_NETWORK && r->network &&
        tf_network_closures(r->network, gap_def->closures)) { /* the closed streets drawn over the gaps */
        cairo_move_to(cr, 610, y + 5.5);
        cairo_line_to(cr, 628, y + 5.5);
        cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
        cairo_set_line_width(cr, 0.9);
        cairo_stroke(cr);
        y += tf_draw_text(cr, "Closed street", 634, y, 180, 8, 0, AL_LEFT, 0);
        y += tf_draw_text(cr, "شارع مغلق", 814, y, 180, 8, 0, AL_RIGHT, 0) + 8;
    }
    y += 10;
    tf_draw_text(cr,
         s->pillar < 0 ? "Classes are the priority classes: class 1, darkest, is most in need. Rank 1 = lowest index."
                       : "Darker: lower score, more in need. Scores 0-100, 100 = best.",
         610, y, 204, 7, 0, AL_LEFT, 0);
    snprintf(buf, sizeof buf, "Projection: WGS 84 / UTM (EPSG:%d); grid north.", r->areas->epsg);
    tf_draw_text(cr, buf, 610, 500, 204, 6.5, 0, AL_LEFT, 0);
}

void tf_draw_sheet(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, cairo_t *cr)
{
    const taafi_project *p = r->project;
    const tf_indicator_def *gap_def = s->pillar == 3 /* basic_services */ ? gaps_indicator(p) : NULL;
    tf_frame f = {28, 78, 560, 452, 0, 0, 0, 0};
    char buf[256];
    int any_null = 0;
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    /* title: English on the left, Arabic on the right */
    snprintf(buf, sizeof buf, "%s", p->maps.title ? p->maps.title : p->name ? p->name : "");
    tf_draw_text(cr, s->title_en, 28, 22, 380, 17, 1, AL_LEFT, 0);
    tf_draw_text(cr, s->title_ar, PAGE_W - 28, 20, 380, 18, 1, AL_RIGHT, 0);
    tf_draw_text(cr, buf, 28, 46, 560, 9, 0, AL_LEFT, 0);
    sheet_map(ctx, r, s, cr, &f, gap_def, &any_null);
    legend(cr, r, s, gap_def, any_null);
    tf_map_footer(cr, r, 552);
}
