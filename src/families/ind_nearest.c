/*
 * ind_nearest.c: the distance in metres from each area's representative
 * point (GEOSPointOnSurface: always inside the area, unlike a centroid) to
 * the nearest matching feature, Euclidean in the analysis CRS.
 *
 * The matching features are kept (the layer is filtered, facilities are few)
 * and indexed once in an STRtree; each area then asks for its nearest.
 */
#include "indicator.h"

#include <math.h>
#include <stdlib.h>

struct tf_ind_state {
    GEOSGeometry **g;
    size_t n, cap;
};

static void free_state(taafi_ctx *ctx, tf_ind_state *s)
{
    size_t i;
    if (!s)
        return;
    for (i = 0; i < s->n; i++)
        GEOSGeom_destroy_r(ctx->geos, s->g[i]);
    free(s->g);
    free(s);
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    (void)def, (void)areas, (void)src;
    *out = calloc(1, sizeof **out);
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
}

static taafi_status consume(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *f)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        GEOSGeometry **g = realloc(s->g, cap * sizeof *g);
        if (!g)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        s->g = g;
        s->cap = cap;
    }
    if (!(s->g[s->n] = GEOSGeom_clone_r(ctx->geos, f->geom)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->n++;
    return TAAFI_OK;
}

typedef struct dist_user {
    taafi_ctx *ctx;
} dist_user;

static int distance_cb(const void *a, const void *b, double *d, void *user)
{
    dist_user *u = user;
    return GEOSDistance_r(u->ctx->geos, a, b, d);
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    GEOSSTRtree *tree = NULL;
    double *v;
    size_t i;
    dist_user u = {ctx};
    taafi_status st = tf_result_add_column(ctx, r, def->id, def, 0, "m", &v);
    if (st)
        return st;
    if (s->n == 0)
        return tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1,
                         "no matching feature at all", "distances left NULL");
    if (!(tree = GEOSSTRtree_create_r(ctx->geos, 10)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < s->n; i++)
        GEOSSTRtree_insert_r(ctx->geos, tree, s->g[i], s->g[i]);
    for (i = 0; i < r->areas->n && !st; i++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, r->areas->geom[i]);
        const void *near;
        double d;
        if (!pt) {
            st = tf_error(ctx, TAAFI_ERR_GEOM, "area %s: no point on its surface: %s", r->areas->id[i],
                          tf_lib_error(ctx));
            break;
        }
        if (GEOSisEmpty_r(ctx->geos, pt) == 1) { /* an area of no surface: NULL */
            GEOSGeom_destroy_r(ctx->geos, pt);
            continue;
        }
        near = GEOSSTRtree_nearest_generic_r(ctx->geos, tree, pt, pt, distance_cb, &u);
        if (near && GEOSDistance_r(ctx->geos, pt, near, &d))
            v[i] = d;
        GEOSGeom_destroy_r(ctx->geos, pt);
    }
    GEOSSTRtree_destroy_r(ctx->geos, tree);
    return st;
}

const tf_family tf_family_nearest = {.type = TF_IND_NEAREST_DISTANCE,
                                     .begin = begin,
                                     .consume = consume,
                                     .finish = finish,
                                     .free = free_state};

/* The project-file keys of nearest_distance: layer, where. */
static taafi_status layer_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    return pj_layer_where(ps, m, d, "name one of the layers under 'layers'");
}

static const char *const KEYS[] = {"layer", "where", NULL};
const tf_family_keys tf_keys_nearest = {.type = "nearest_distance", .keys = KEYS, .parse = layer_keys};
