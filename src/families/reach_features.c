/*
 * reach_features.c: the straight-line reach of features of any geometry
 * (points, lines, polygons), for nearest_distance: the distance from a
 * place to the nearest point of the nearest feature, GEOS's distance in the
 * analysis CRS, found through an STRtree of the features.  Built for few
 * features (a layer's filtered facilities) and few places (one per area).
 * Of features at exactly equal distance it returns the one the tree finds
 * first: the distance is defined, the index among ties is not.  It cuts no
 * areas (coverage measures from points: reach_straight.c).
 */
#include "reach.h"

#include <stdlib.h>

typedef struct feat_state {
    taafi_ctx *ctx;                 /* the context the geometries belong to */
    const GEOSGeometry *const *g;   /* borrowed: the caller's, outlive it  */
    size_t n;
    GEOSSTRtree *tree;              /* items: pointers into g               */
} feat_state;

typedef struct feat_cursor {
    taafi_ctx *ctx;
    const feat_state *s;
} feat_cursor;

static void feat_free(taafi_ctx *ctx, void *state)
{
    feat_state *s = state;
    if (!s)
        return;
    if (s->tree)
        GEOSSTRtree_destroy_r(ctx->geos, s->tree);
    tf_free(s);
}

static taafi_status feat_make(taafi_ctx *ctx, const tf_reach_how *how, const GEOSGeometry *const *g, size_t n,
                              const tf_areas *A, double distance_m, void **state)
{
    feat_state *s = tf_calloc(1, sizeof *s);
    size_t i;
    (void)how, (void)A, (void)distance_m;
    *state = NULL;
    if (!s || (n && !(s->tree = GEOSSTRtree_create_r(ctx->geos, 10)))) {
        tf_free(s);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    s->ctx = ctx, s->g = g, s->n = n;
    for (i = 0; i < n; i++) /* GEOS takes the item as void *; it is only read */
        GEOSSTRtree_insert_r(ctx->geos, s->tree, g[i], (void *)&g[i]);
    *state = s;
    return TAAFI_OK;
}

static taafi_status feat_cursor_new(taafi_ctx *ctx, const void *state, void **out)
{
    feat_cursor *c = tf_calloc(1, sizeof *c);
    if (!c)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    c->ctx = ctx, c->s = state;
    *out = c;
    return TAAFI_OK;
}

static void feat_cursor_free(void *cur) { tf_free(cur); }

static void feat_focus(void *cur, const double env[4]) { (void)cur, (void)env; }

/* The tree's distance between a query point and an item (a slot of g). */
static int item_distance(const void *item, const void *query, double *d, void *user)
{
    feat_cursor *c = user;
    return GEOSDistance_r(c->ctx->geos, *(const GEOSGeometry *const *)item, query, d);
}

static long feat_nearest(void *cur, double x, double y, double *dist_m)
{
    feat_cursor *c = cur;
    GEOSGeometry *pt;
    const void *near;
    long hit = -1;
    if (!c->s->n || !(pt = GEOSGeom_createPointFromXY_r(c->ctx->geos, x, y)))
        return -1;
    near = GEOSSTRtree_nearest_generic_r(c->ctx->geos, c->s->tree, pt, pt, item_distance, c);
    if (near && GEOSDistance_r(c->ctx->geos, pt, *(const GEOSGeometry *const *)near, dist_m))
        hit = (long)((const GEOSGeometry *const *)near - c->s->g);
    GEOSGeom_destroy_r(c->ctx->geos, pt);
    return hit;
}

const tf_reach_ops tf_reach_straight_features = {.name = "straight (features)",
                                                 .make_features = feat_make,
                                                 .free = feat_free,
                                                 .cursor_new = feat_cursor_new,
                                                 .cursor_free = feat_cursor_free,
                                                 .focus = feat_focus,
                                                 .nearest = feat_nearest};
