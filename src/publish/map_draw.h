/* map_draw.h: what map.c's sheets and atlas.c's pages share: the frame
 * that maps the analysis CRS onto the page, drawing areas, the scale bar,
 * north arrow and footer.  Private to src/publish. */
#ifndef TAAFI_MAP_DRAW_H
#define TAAFI_MAP_DRAW_H

#include "map.h"

#define PAGE_W TF_PAGE_W
#define PAGE_H TF_PAGE_H
#define AL_LEFT TF_ALIGN_LEFT
#define AL_RIGHT TF_ALIGN_RIGHT
#define AL_CENTRE TF_ALIGN_CENTRE

/* The fill of areas shown only for where they are (the atlas's). */
static const double GREY[3] = {0.9, 0.9, 0.9};

/* A tf_frame on the page and the affine map from the analysis CRS into it. */
typedef struct tf_frame {
    double x, y, w, h;   /* on the page, points      */
    double scale;        /* points per metre         */
    double cx, cy;       /* centre, analysis CRS     */
    double tol;          /* vertices closer than this (points) to the last drawn are left out; 0: DRAW_TOLERANCE */
} tf_frame;

const char *tf_map_area_field(const taafi_result *r, size_t a, const char *field);
void tf_map_area_on_map(cairo_t *cr, taafi_ctx *ctx, const tf_frame *f, const GEOSGeometry *g, const double rgb[3],
                        double outline, double width);
void tf_map_fit(tf_frame *f, const tf_areas *a, taafi_ctx *ctx);
void tf_map_footer(cairo_t *cr, const taafi_result *r, double y);
void tf_map_north_arrow(cairo_t *cr, const tf_frame *f);
void tf_map_scale_bar(cairo_t *cr, const tf_frame *f);
void tf_map_to_page(const tf_frame *f, double x, double y, double *px, double *py);

#endif
