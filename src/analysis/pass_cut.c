/* pass_cut.c: a feature's measure (m² for polygons, m for lines, 1 for
 * points) and its parts inside the areas it meets, for the indicators of a
 * pass that need them (overlay: area_share, length_density, sums by part). */
#include "pass_int.h"

#include <stdlib.h>

static taafi_status add_part(taafi_ctx *ctx, pass_buf *b, size_t area, double measure)
{
    if (b->n_parts == b->cap_parts) {
        size_t cap = b->cap_parts ? b->cap_parts * 2 : 16;
        tf_part *p = tf_realloc(b->parts, cap * sizeof *p);
        if (!p)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        b->parts = p;
        b->cap_parts = cap;
    }
    b->parts[b->n_parts].area = area;
    b->parts[b->n_parts].measure = measure;
    b->n_parts++;
    return TAAFI_OK;
}

int tf_pass_measure(taafi_ctx *ctx, const GEOSGeometry *g, int dim, double *m)
{
    if (dim == 2)
        return GEOSArea_r(ctx->geos, g, m);
    if (dim == 1)
        return GEOSLength_r(ctx->geos, g, m);
    *m = 1;
    return 1;
}

/* Cuts a line or polygon feature by the areas it meets. */
taafi_status tf_pass_cut(taafi_ctx *ctx, const tf_areas *a, tf_feature *f, pass_buf *b)
{
    size_t k;
    taafi_status st;
    b->n_parts = 0;
    if (f->dim == 0) {
        if (f->area >= 0 && (st = add_part(ctx, b, (size_t)f->area, 1.0)))
            return st;
        goto out;
    }
    if ((st = tf_areas_candidates(ctx, a, f->geom, &b->cand, &b->n_cand, &b->cap_cand)))
        return st;
    for (k = 0; k < b->n_cand; k++) {
        size_t i = b->cand[k];
        double m = 0;
        if (GEOSPreparedContains_r(ctx->geos, a->prep[i], f->geom) == 1) {
            m = f->measure;
        } else if (GEOSPreparedIntersects_r(ctx->geos, a->prep[i], f->geom) == 1) {
            GEOSGeometry *x = GEOSIntersection_r(ctx->geos, a->geom[i], f->geom);
            if (!x)
                return tf_error(ctx, TAAFI_ERR_GEOM, "feature %lld: cannot intersect it with area %s: %s",
                                (long long)f->fid, a->id[i], tf_lib_error(ctx));
            tf_pass_measure(ctx, x, f->dim, &m);
            GEOSGeom_destroy_r(ctx->geos, x);
        }
        if (m > 0 && (st = add_part(ctx, b, i, m)))
            return st;
    }
out:
    f->parts = b->parts;
    f->n_parts = b->n_parts;
    return TAAFI_OK;
}
