/*
 * network_close.c: which street segments are closed, and by what: the
 * streets' own attributes (network.closed.where), and the features of
 * other layers (network.closed.by: rubble or closure polygons, closure
 * lines, checkpoints or destroyed buildings with a distance).  Each cause
 * is noted with the segments and kilometres it closes; a cause that
 * closes every street is warned of by name.
 */
#include "network_int.h"
#include "io/ingest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What one cause closed: marks per edge (this cause's), counted, and the
 * closures' mask it adds to (the first cause of an edge kept). */
typedef struct tally {
    unsigned char *mark, *closed;
    size_t segments;
    double km;
} tally;

static void close_edge(const tf_network *n, tally *t, size_t e, unsigned char cause)
{
    if (t->mark[e])
        return;
    t->mark[e] = 1;
    t->segments++;
    t->km += n->len[e] / 1000;
    if (!t->closed[e])
        t->closed[e] = cause;
}

/* The source of `layer` with `where` added to its own filter, opened
 * from *def (the caller's: src points at it while open; def->where is
 * the caller's to free after the source is closed). */
static taafi_status open_filtered(taafi_ctx *ctx, const tf_source *layer, const char *where, tf_source *def,
                                  tf_vsource *src)
{
    *def = *layer;
    def->where = layer->where && where ? tf_sprintf("(%s) AND (%s)", layer->where, where)
                                       : tf_strdup(layer->where ? layer->where : where);
    if ((layer->where || where) && !def->where)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    return tf_source_open(ctx, def, src);
}

static int cmp_fid(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* closed.where: the streets it selects (their fids read without their
 * geometry), and every segment of them. */
static taafi_status close_where(taafi_ctx *ctx, const taafi_project *p, const tf_network *n, const char *where,
                                tally *t)
{
    static const char *no_geometry[] = {"OGR_GEOMETRY", NULL};
    tf_source def = {0};
    tf_vsource src = {0};
    int64_t *sel = NULL, *v;
    size_t n_sel = 0, cap = 0, e, n_msgs = 0;
    OGRFeatureH f;
    taafi_status st;
    if ((st = open_filtered(ctx, &p->layers[p->network.layer], where, &def, &src)))
        goto done;
    OGR_L_SetIgnoredFields(src.layer, no_geometry);
    OGR_L_ResetReading(src.layer);
    while (!st && (f = tf_source_next(ctx, &src, &n_msgs, &st))) {
        if (n_sel == cap) {
            size_t c2 = cap ? 2 * cap : 256;
            if ((v = tf_realloc(sel, c2 * sizeof *v)))
                sel = v, cap = c2;
        }
        if (n_sel < cap)
            sel[n_sel++] = OGR_F_GetFID(f);
        else
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        OGR_F_Destroy(f);
    }
    if (st)
        goto done;
    qsort(sel, n_sel, sizeof *sel, cmp_fid);
    for (e = 0; e < n->n_edges && n_sel; e++)
        if (n->feature[e] != SIZE_MAX && bsearch(&n->fid[n->feature[e]], sel, n_sel, sizeof *sel, cmp_fid))
            close_edge(n, t, e, TF_CLOSED_WHERE);
done:
    tf_source_close(&src);
    tf_free(def.where);
    tf_free(sel);
    return st;
}

/* One closing feature: the segments within `within` of it. */
typedef struct closer {
    taafi_ctx *ctx;
    const tf_network *n;
    tally *t;
    unsigned char cause;
    double within, px, py;      /* px, py: the feature when a point     */
    int is_point;
    const GEOSPreparedGeometry *pg;
    taafi_status st;
} closer;

static int close_near(size_t e, void *user)
{
    closer *c = user;
    const tf_network *n = c->n;
    double s[4] = {n->nx[n->eu[e]], n->ny[n->eu[e]], n->nx[n->ev[e]], n->ny[n->ev[e]]}, d;
    GEOSCoordSequence *cs;
    GEOSGeometry *line;
    char hit;
    if (c->t->mark[e])
        return 0;
    if (c->is_point) {
        tf_seg_project(s, c->px, c->py, &d);
        if (d <= c->within)
            close_edge(n, c->t, e, c->cause);
        return 0;
    }
    if (!(cs = GEOSCoordSeq_create_r(c->ctx->geos, 2, 2)) || !GEOSCoordSeq_setXY_r(c->ctx->geos, cs, 0, s[0], s[1]) ||
        !GEOSCoordSeq_setXY_r(c->ctx->geos, cs, 1, s[2], s[3]) ||
        !(line = GEOSGeom_createLineString_r(c->ctx->geos, cs))) {
        c->st = tf_error(c->ctx, TAAFI_ERR_NOMEM, "out of memory");
        return 1;
    }
    hit = c->within > 0 ? GEOSPreparedDistanceWithin_r(c->ctx->geos, c->pg, line, c->within)
                        : GEOSPreparedIntersects_r(c->ctx->geos, c->pg, line);
    GEOSGeom_destroy_r(c->ctx->geos, line);
    if (hit == 2) {
        c->st = tf_error(c->ctx, TAAFI_ERR_GEOM, "cannot compare a closure with a street: %s", tf_lib_error(c->ctx));
        return 1;
    }
    if (hit)
        close_edge(n, c->t, e, c->cause);
    return 0;
}

/* A feature of a closed.by layer, in the analysis CRS: the segments it
 * closes. */
static taafi_status close_by_feature(closer *c, const GEOSGeometry *g)
{
    taafi_ctx *ctx = c->ctx;
    double env[4];
    if (!tf_geom_envelope(ctx, g, env))
        return TAAFI_OK;
    env[0] -= c->within, env[1] -= c->within, env[2] += c->within, env[3] += c->within;
    c->is_point = GEOSGeomTypeId_r(ctx->geos, g) == GEOS_POINT;
    if (c->is_point) {
        GEOSGeomGetX_r(ctx->geos, g, &c->px), GEOSGeomGetY_r(ctx->geos, g, &c->py);
        c->pg = NULL;
    } else if (!(c->pg = GEOSPrepare_r(ctx->geos, g))) {
        return tf_error(ctx, TAAFI_ERR_GEOM, "cannot prepare a closure: %s", tf_lib_error(ctx));
    }
    c->st = TAAFI_OK;
    tf_seggrid_visit(&c->n->grid, env, close_near, c);
    if (c->pg)
        GEOSPreparedGeom_destroy_r(ctx->geos, c->pg);
    return c->st;
}

/* closed.by[k]: every feature of its layer that its where selects. */
static taafi_status close_by(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, const tf_network *n,
                             const tf_closure_def *cd, size_t k, tally *t, tf_dq *dq, tf_file_fn add_input, void *user)
{
    tf_source def = {0};
    tf_vsource src = {0};
    OGRSpatialReferenceH srs;
    tf_reproj *to_xy = NULL;
    closer c = {ctx, n, t, (unsigned char)(TF_CLOSED_BY + k), cd->within, 0, 0, 0, NULL, TAAFI_OK};
    OGRFeatureH f;
    size_t n_msgs = 0;
    taafi_status st;
    if ((st = open_filtered(ctx, &p->layers[cd->layer], cd->where, &def, &src)) ||
        (st = tf_source_srs(ctx, &src, &srs)) || (st = tf_reproj_new(ctx, srs, A->epsg, src.def->path, &to_xy)) ||
        (st = tf_source_hash(ctx, &src, add_input, user)))
        goto done;
    OGR_L_ResetReading(src.layer);
    while (!st && (f = tf_source_next(ctx, &src, &n_msgs, &st))) {
        OGRGeometryH og = OGR_F_GetGeometryRef(f);
        GEOSGeometry *g = NULL;
        if (!(st = tf_check_interrupt(ctx)) && og && !OGR_G_IsEmpty(og)) {
            if (tf_ingest(ctx, og, to_xy, &g) == TAAFI_OK) {
                st = close_by_feature(&c, g);
                GEOSGeom_destroy_r(ctx->geos, g);
            } else {
                st = tf_dq_add(ctx, dq, p->layers[cd->layer].role, OGR_F_GetFID(f),
                               "closure geometry unusable", "closes no street");
            }
        }
        OGR_F_Destroy(f);
    }
done:
    tf_reproj_free(to_xy);
    tf_source_close(&src);
    tf_free(def.where);
    return st;
}

/* What a cause (a description) closed, noted; warned of when it closes
 * every segment. */
static taafi_status note_cause(taafi_ctx *ctx, const tf_network *n, const char *role, const char *scenario,
                               const char *what, const tally *t, tf_dq *dq)
{
    char problem[700];
    snprintf(problem, sizeof problem, "%s%s%sclosed by %s: %zu of %zu street segments, %.3f km",
             scenario ? "scenario " : "", scenario ? scenario : "", scenario ? ": " : "", what, t->segments,
             n->n_edges, t->km);
    tf_log(ctx, TAAFI_LOG_INFO, "network: %s", problem);
    if (t->segments == n->n_edges)
        tf_log(ctx, TAAFI_LOG_WARNING, "network: %s closes every street: nothing can be reached along the streets; "
               "check its filter", what);
    return tf_dq_add(ctx, dq, role, -1, problem,
                     t->segments == n->n_edges ? "every street closed: nothing reached along the streets"
                                               : "routed around");
}

/* What closed.by[k] is, in words. */
static void describe_by(const taafi_project *p, const tf_closure_def *cd, char *what, size_t size)
{
    snprintf(what, size, "layer %s%s%s%s within %g m", p->layers[cd->layer].role, cd->where ? " (" : "",
             cd->where ? cd->where : "", cd->where ? ")" : "", cd->within);
}

taafi_status tf_network_close(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, const tf_network *n,
                              const tf_network_def *nd, const char *scenario, unsigned char *closed, int *any,
                              tf_dq *dq, tf_file_fn add_input, void *user)
{
    const char *role = p->layers[p->network.layer].role;
    tally t = {0};
    char what[512];
    size_t k, e;
    taafi_status st = TAAFI_OK;
    *any = 0;
    if (!nd->closed_where && !nd->n_closed_by)
        return TAAFI_OK;
    if (!(t.mark = tf_calloc(n->n_edges ? n->n_edges : 1, 1)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    t.closed = closed;
    if (nd->closed_where && !(st = close_where(ctx, p, n, nd->closed_where, &t))) {
        snprintf(what, sizeof what, "closed.where (%s)", nd->closed_where);
        st = note_cause(ctx, n, role, scenario, what, &t, dq);
    }
    for (k = 0; k < nd->n_closed_by && !st; k++) {
        memset(t.mark, 0, n->n_edges), t.segments = 0, t.km = 0;
        if (!(st = close_by(ctx, p, A, n, &nd->closed_by[k], k, &t, dq, add_input, user))) {
            describe_by(p, &nd->closed_by[k], what, sizeof what);
            st = note_cause(ctx, n, role, scenario, what, &t, dq);
        }
    }
    for (e = 0; e < n->n_edges; e++)
        *any |= closed[e] != 0;
    tf_free(t.mark);
    return st;
}

taafi_status tf_network_add_closures(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, tf_network *n,
                                     const tf_network_def *nd, const char *scenario, tf_dq *dq,
                                     tf_file_fn add_input, void *user)
{
    struct scen_closures *v = tf_realloc(n->scen, (n->n_scen + 1) * sizeof *v);
    taafi_status st;
    if (!v)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    n->scen = v;
    v = &n->scen[n->n_scen];
    v->nd = nd;
    if (!(v->closed = tf_calloc(n->n_edges ? n->n_edges : 1, 1)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    n->n_scen++; /* now, so that the network frees its mask */
    st = tf_network_close(ctx, p, A, n, nd, scenario, v->closed, &v->any, dq, add_input, user);
    return st;
}

const unsigned char *tf_network_closures(const tf_network *n, const tf_network_def *which)
{
    size_t i;
    for (i = 0; which && i < n->n_scen; i++)
        if (n->scen[i].nd == which)
            return n->scen[i].any ? n->scen[i].closed : NULL;
    return n->any_closed ? n->closed : NULL;
}
