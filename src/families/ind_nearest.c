/*
 * ind_nearest.c: the distance in metres from each area's representative
 * point (GEOSPointOnSurface: always inside the area, unlike a centroid) to
 * the nearest matching feature, measured by the reach (reach.h: today a
 * straight line in the analysis CRS, to the feature's own geometry).
 *
 * The matching features are kept (the layer is filtered, facilities are few)
 * and the reach is made over them once; each area then asks for its nearest.
 */
#include "indicator.h"
#include "reach.h"

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
    tf_free(s->g);
    tf_free(s);
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    (void)def, (void)areas, (void)src;
    *out = tf_calloc(1, sizeof **out);
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
}

static taafi_status consume(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *f)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        GEOSGeometry **g = tf_realloc(s->g, cap * sizeof *g);
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

/* The distance from each area's point on its surface to the nearest
 * feature, through the reach (straight lines, to the features' own
 * geometries). */
static taafi_status distances(taafi_ctx *ctx, tf_reach_cursor *c, const taafi_result *r, double *v)
{
    size_t i;
    for (i = 0; i < r->areas->n; i++) {
        GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, r->areas->geom[i]);
        double x, y, d;
        if (!pt)
            return tf_error(ctx, TAAFI_ERR_GEOM, "area %s: no point on its surface: %s", r->areas->id[i],
                            tf_lib_error(ctx));
        /* an area of no surface: NULL */
        if (GEOSisEmpty_r(ctx->geos, pt) != 1 && GEOSGeomGetX_r(ctx->geos, pt, &x) &&
            GEOSGeomGetY_r(ctx->geos, pt, &y) && tf_reach_nearest(c, x, y, &d) >= 0)
            v[i] = d;
        GEOSGeom_destroy_r(ctx->geos, pt);
    }
    return TAAFI_OK;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    tf_reach *reach = NULL;
    tf_reach_cursor *c = NULL;
    tf_reach_how how = {def->reach, r->network, r->network ? tf_network_closures(r->network, def->closures) : NULL};
    double *v;
    int minutes = def->reach == TF_REACH_NETWORK && r->project->network.drive;
    taafi_status st = tf_result_add_column(ctx, r, def->id, def, 0, minutes ? "min" : "m", &v);
    if (st)
        return st;
    if (s->n == 0)
        return tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1,
                         "no matching feature at all", "distances left NULL");
    if (!(st = tf_reach_new_features(ctx, &how, (const GEOSGeometry *const *)s->g, s->n, r->areas, 0,
                                     &reach)) &&
        !(st = tf_reach_cursor_new(ctx, reach, &c)))
        st = distances(ctx, c, r, v);
    tf_reach_cursor_free(c);
    tf_reach_free(ctx, reach);
    return st;
}

/* A scenario with other closures measures again along the streets. */
static int scenario_variant(const tf_indicator_def *base, const tf_indicator_def *scen, char *why, size_t size)
{
    if (scen->closures == base->closures)
        return 0;
    snprintf(why, size, "along the streets with the scenario's closures");
    return 1;
}

const tf_family tf_family_nearest = {.type = TF_IND_NEAREST_DISTANCE,
                                     .begin = begin,
                                     .consume = consume,
                                     .finish = finish,
                                     .free = free_state,
                                     .scenario_variant = scenario_variant};

/* The project-file keys of nearest_distance: layer, where. */
static taafi_status layer_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    taafi_status st = pj_layer_where(ps, m, d, "name one of the layers under 'layers'");
    return st ? st : pj_parse_reach(ps, m, d);
}

static const char *const KEYS[] = {"layer", "where", "reach", NULL};
const tf_family_keys tf_keys_nearest = {.type = "nearest_distance", .keys = KEYS, .parse = layer_keys};
