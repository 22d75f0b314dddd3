/* pass_int.h: what pass.c (a pass feature by feature) and pass_columns.c
 * (a lean pass read by columns) share: the pass's counts and buffers, and
 * the steps every feature goes through.  Private to src/analysis. */
#ifndef TAAFI_PASS_INT_H
#define TAAFI_PASS_INT_H

#include "pass.h"

#include "geom/fastproj.h"
#include "io/ingest.h"
#include "pointpool.h"

/* Features read and transformed together. */
#define CHUNK 4096
typedef struct pass_stats {
    size_t read, outside, no_geom, bad_geom, repaired, swapped;
} pass_stats;

/* Working buffers of one pass, reused from feature to feature. */
typedef struct pass_buf {
    size_t *cand, n_cand, cap_cand;
    tf_part *parts;
    size_t n_parts, cap_parts;
} pass_buf;

/* Cuts a line or polygon feature by the areas it meets: f->parts (in b);
 * a point's one part is its area (pass_cut.c). */
taafi_status tf_pass_cut(taafi_ctx *ctx, const tf_areas *a, tf_feature *f, pass_buf *b);

/* The measure of g of dimension dim: m² (2), m (1), 1 (0); 0 when GEOS
 * fails (pass_cut.c). */
int tf_pass_measure(taafi_ctx *ctx, const GEOSGeometry *g, int dim, double *m);

taafi_status tf_pass_view(taafi_ctx *ctx, taafi_result *r, const tf_source *def, const tf_reproj *to_xy, OGRFeatureH of,
                          const double *xy, long known, int need_valid, int point_geom, pass_stats *ps, tf_feature *f,
                          GEOSGeometry **geom_out, int *usable);
taafi_status tf_pass_take(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                          int scan_only, tf_ind_state **states, const tf_reproj *to_xy, OGRFeatureH of,
                          const double *xy, long known, int needs_parts, int point_geom, int geographic, pass_buf *buf,
                          pass_stats *ps);
taafi_status tf_pass_hand_over(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                               int scan_only, tf_ind_state **states, const tf_feature *f, int outside, const double *ll,
                               pass_stats *ps);
int tf_pass_in_pass(const taafi_project *p, size_t k, size_t li, const char *where, int scan_only);

/* A lean pass of a point layer by columns (GDAL's Arrow stream), when its
 * driver gives one (pass_columns.c): *done 1 when it ran (or failed). */
taafi_status tf_pass_by_columns(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                                tf_ind_state **states, tf_vsource *src, OGRSpatialReferenceH srs, tf_reproj *to_xy,
                                tf_fastproj *fp, int geographic, int needs_parts, pass_buf *buf,
                                const char **ignored, const char *stage, GIntBig total, pass_stats *ps,
                                size_t *n_gdal_msgs, int *done);

#endif
