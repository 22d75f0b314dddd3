/*
 * reach_network.c: reach along the streets of the project's network
 * (network/network.h), in metres walked.
 *
 * Each facility joins the nearest point of the nearest street (an open
 * one, when the closures hold) with its straight leg, if that street is
 * within max_join; one Dijkstra from all of them at once then gives every
 * node its distance and the facility it comes from.  A place (a raster
 * cell's centre, an area's point) joins the same way; its distance is its
 * leg plus the best of the way through either end of its segment and, for
 * a facility on the same segment, the way along it (pgRouting's
 * pgr_withPoints with driving_side 'b').  A place beyond max_join of
 * every street, or on a piece of the streets no facility is on, is
 * unreachable: -1.  The zone within reach is not a polygon here: the
 * coverage cuts its areas at the raster's cells (by_cells).
 */
#include "reach.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct net_reach {
    const tf_network *net;
    const unsigned char *closed; /* per edge, NULL: none */
    size_t n;
    tf_net_join *join;      /* per facility                              */
    unsigned char *joined;  /* per facility: 1 when within max_join      */
    tf_net_join *src;       /* the joined facilities' joins ...          */
    size_t *src_fac;        /* ... and their numbers, in facility order  */
    size_t n_src;
    size_t *by_edge;        /* the sources sorted by edge (then number)  */
    double *dist;           /* per node, metres                          */
    long *label;            /* per node: a source, -1                    */
} net_reach;

static void net_free(taafi_ctx *ctx, void *state)
{
    net_reach *s = state;
    (void)ctx;
    if (!s)
        return;
    tf_free(s->join);
    tf_free(s->joined);
    tf_free(s->src);
    tf_free(s->src_fac);
    tf_free(s->by_edge);
    tf_free(s->dist);
    tf_free(s->label);
    tf_free(s);
}

/* qsort has no context: the sources sorted by (edge, number) through a
 * copy of the edges beside each number. */
typedef struct edge_src {
    size_t edge, k;
} edge_src;

static int cmp_edge_src(const void *a, const void *b)
{
    const edge_src *x = a, *y = b;
    return x->edge != y->edge ? (x->edge > y->edge) - (x->edge < y->edge) : (x->k > y->k) - (x->k < y->k);
}

static taafi_status sort_by_edge(taafi_ctx *ctx, net_reach *s)
{
    edge_src *es = tf_malloc((s->n_src ? s->n_src : 1) * sizeof *es);
    size_t k;
    if (!es || !(s->by_edge = tf_malloc((s->n_src ? s->n_src : 1) * sizeof *s->by_edge))) {
        tf_free(es);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (k = 0; k < s->n_src; k++)
        es[k].edge = s->src[k].edge, es[k].k = k;
    qsort(es, s->n_src, sizeof *es, cmp_edge_src);
    for (k = 0; k < s->n_src; k++)
        s->by_edge[k] = es[k].k;
    tf_free(es);
    return TAAFI_OK;
}

static taafi_status net_make(taafi_ctx *ctx, const tf_reach_how *how, const double *x, const double *y, size_t n,
                             const tf_areas *A, double distance_m, void **out)
{
    net_reach *s = tf_calloc(1, sizeof *s);
    size_t i, nn = how->network ? tf_network_nodes(how->network) : 0;
    taafi_status st;
    (void)A, (void)distance_m;
    *out = NULL;
    if (!how->network)
        return tf_free(s), tf_error(ctx, TAAFI_ERR_USAGE, "reach along the network without a network");
    if (!s || !(s->join = tf_malloc((n ? n : 1) * sizeof *s->join)) || !(s->joined = tf_calloc(n ? n : 1, 1)) ||
        !(s->src = tf_malloc((n ? n : 1) * sizeof *s->src)) ||
        !(s->src_fac = tf_malloc((n ? n : 1) * sizeof *s->src_fac)) ||
        !(s->dist = tf_malloc((nn ? nn : 1) * sizeof *s->dist)) ||
        !(s->label = tf_malloc((nn ? nn : 1) * sizeof *s->label))) {
        net_free(ctx, s);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    s->net = how->network, s->closed = how->closed, s->n = n;
    for (i = 0; i < n; i++)
        if ((s->joined[i] = (unsigned char)tf_network_join(s->net, x[i], y[i], s->closed, &s->join[i]))) {
            s->src[s->n_src] = s->join[i];
            s->src_fac[s->n_src++] = i;
        }
    if ((st = sort_by_edge(ctx, s)) ||
        (st = tf_network_route(ctx, s->net, s->src, s->n_src, s->closed, INFINITY, s->dist, s->label))) {
        net_free(ctx, s);
        return st == TAAFI_ERR_NOMEM ? tf_error(ctx, st, "out of memory") : st;
    }
    *out = s;
    return TAAFI_OK;
}

/* Features along the network are their points on surface. */
static taafi_status net_make_features(taafi_ctx *ctx, const tf_reach_how *how, const GEOSGeometry *const *g,
                                      size_t n, const tf_areas *A, double distance_m, void **out)
{
    double *x = tf_malloc((n ? n : 1) * sizeof *x), *y = tf_malloc((n ? n : 1) * sizeof *y);
    size_t i;
    taafi_status st = TAAFI_OK;
    if (!x || !y)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < n && !st; i++) {
        GEOSGeometry *p = GEOSPointOnSurface_r(ctx->geos, g[i]);
        x[i] = y[i] = NAN; /* no point: joins nothing */
        if (!p)
            st = tf_error(ctx, TAAFI_ERR_GEOM, "a feature has no point on its surface: %s", tf_lib_error(ctx));
        else if (!GEOSisEmpty_r(ctx->geos, p))
            GEOSGeomGetX_r(ctx->geos, p, &x[i]), GEOSGeomGetY_r(ctx->geos, p, &y[i]);
        if (p)
            GEOSGeom_destroy_r(ctx->geos, p);
    }
    if (!st)
        st = net_make(ctx, how, x, y, n, A, distance_m, out);
    tf_free(x);
    tf_free(y);
    return st;
}

/* A worker's cursor: its index of the edges near the area it asks about. */
typedef struct net_cursor {
    const net_reach *s;
    tf_net_local *local;
} net_cursor;

static taafi_status net_cursor_new(taafi_ctx *ctx, const void *state, void **cursor)
{
    net_cursor *c = tf_calloc(1, sizeof *c);
    if (!c || !(c->local = tf_net_local_new(ctx))) {
        tf_free(c);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    c->s = state;
    *cursor = c;
    return TAAFI_OK;
}

static void net_cursor_free(void *cursor)
{
    net_cursor *c = cursor;
    if (!c)
        return;
    tf_net_local_free(c->local);
    tf_free(c);
}

static void net_focus(void *cursor, const double env[4])
{
    net_cursor *c = cursor;
    tf_net_local_focus(c->local, c->s->net, env, c->s->closed);
}

/* The first source on edge e in by_edge order, or n_src. */
static size_t first_on_edge(const net_reach *s, size_t e)
{
    size_t lo = 0, hi = s->n_src;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->src[s->by_edge[mid]].edge < e)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static long net_nearest(void *cursor, double x, double y, double *dist_m)
{
    const net_cursor *c = cursor;
    const net_reach *s = c->s;
    tf_net_join j;
    long lab;
    size_t k;
    double d;
    *dist_m = INFINITY;
    if (!tf_network_join_near(s->net, c->local, x, y, s->closed, &j))
        return -1;
    d = tf_network_via_nodes(s->net, s->dist, s->label, &j, &lab);
    for (k = first_on_edge(s, j.edge); k < s->n_src && s->src[s->by_edge[k]].edge == j.edge; k++) {
        size_t q = s->by_edge[k];
        double a = tf_network_along(s->net, &j, &s->src[q]);
        if (a < d || (a == d && (long)q < lab))
            d = a, lab = (long)q;
    }
    if (lab < 0)
        return -1;
    *dist_m = d;
    return (long)s->src_fac[lab];
}

static int net_serves(const void *state, size_t i) { return ((const net_reach *)state)->joined[i]; }

const tf_reach_ops tf_reach_network = {.name = "network",
                                       .make = net_make,
                                       .make_features = net_make_features,
                                       .free = net_free,
                                       .cursor_new = net_cursor_new,
                                       .cursor_free = net_cursor_free,
                                       .focus = net_focus,
                                       .nearest = net_nearest,
                                       .serves = net_serves,
                                       .by_cells = 1};
