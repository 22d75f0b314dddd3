/* map.h: drawing map sheets and atlas pages with Cairo and Pango. */
#ifndef TAAFI_MAP_H
#define TAAFI_MAP_H

#include "analysis/sheets.h"

#include <cairo.h>

/* Draws sheet `s` on an A4 landscape page of 842 x 595 units on `cr`. */
void tf_draw_sheet(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, cairo_t *cr);

/* What every atlas page shares: the locator map's frame and its areas,
 * drawn once (as vectors, or for many pages of many vertices as an image
 * at `dpi`).  NULL when out of memory; free with tf_atlas_free (accepts
 * NULL).  Read-only once made. */
typedef struct tf_atlas tf_atlas;
tf_atlas *tf_atlas_new(taafi_ctx *ctx, const taafi_result *r, double dpi);
void tf_atlas_free(tf_atlas *at);

/* Whether the atlas page of area `a` zooms on it (1) or shows the whole
 * extent (0); *size_pt: the area's width or height (the larger) on the
 * whole extent's map, in points. */
int tf_atlas_view(const tf_atlas *at, taafi_ctx *ctx, const taafi_result *r, size_t a, double *size_pt);

/* Draws the atlas page of area `a` (index: the index sheet, or NULL). */
void tf_draw_atlas_page(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *index, const tf_atlas *at, size_t a,
                        cairo_t *cr);

/* The value an atlas page shows for indicator `d` (the settings in force)
 * in area `a`: the column that scores it (tf_score_column), with its unit,
 * as drawn ("—" when missing). */
void tf_atlas_value(const taafi_result *r, const tf_indicator_def *d, size_t a, char *buf, size_t size);

typedef enum tf_align { TF_ALIGN_LEFT, TF_ALIGN_RIGHT, TF_ALIGN_CENTRE } tf_align;

/* Draws `s` (UTF-8, any script: Pango shapes and orders it) with its top
 * at y, in a box of `width` points whose left edge (TF_ALIGN_LEFT), right
 * edge (TF_ALIGN_RIGHT) or centre is at x, `size` points high; `halo`
 * draws a white outline first.  Returns the height drawn. */
double tf_draw_text(cairo_t *cr, const char *s, double x, double y, double width, double size, int bold,
                    tf_align al, int halo);

#define TF_PAGE_W 842.0
#define TF_PAGE_H 595.0

/* The sheet as PNG bytes at `dpi` (malloc'd into *png, *len). */
taafi_status tf_sheet_png(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *s, double dpi, unsigned char **png,
                          size_t *len);

#endif
