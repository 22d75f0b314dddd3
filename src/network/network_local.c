/*
 * network_local.c: a worker's finer index of the edges near the area it
 * works on (network.h, tf_net_local): the joins of every raster cell of
 * the area search buckets of a quarter of max_join holding only the open
 * edges that can be nearest to a place in the area, rather than the
 * network's grid of about one edge per bucket over the whole extent,
 * whose buckets are large where streets are few and crowded in cities.
 * The edges keep their order, so that ties go to the lower edge as in the
 * network's own grid.
 */
#include "network_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct tf_net_local {
    taafi_ctx *ctx;
    int valid;          /* it indexes env                           */
    double env[4];
    tf_seggrid grid;    /* over the edges below, in their order      */
    size_t *edge;       /* local number -> the network's edge        */
    size_t n, cap;
    unsigned char *seen; /* per network edge, while collecting       */
    size_t n_seen;
};

tf_net_local *tf_net_local_new(taafi_ctx *ctx)
{
    tf_net_local *l = tf_calloc(1, sizeof *l);
    if (l)
        l->ctx = ctx;
    return l;
}

void tf_net_local_free(tf_net_local *l)
{
    if (!l)
        return;
    tf_seggrid_free(&l->grid);
    tf_free(l->edge);
    tf_free(l->seen);
    tf_free(l);
}

typedef struct collect {
    tf_net_local *l;
    const unsigned char *closed;
    int failed;
} collect;

static int take(size_t e, void *user)
{
    collect *c = user;
    tf_net_local *l = c->l;
    if (l->seen[e] || (c->closed && c->closed[e]))
        return 0;
    l->seen[e] = 1;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 256, *v = tf_realloc(l->edge, cap * sizeof *v);
        if (!v)
            return c->failed = 1;
        l->edge = v, l->cap = cap;
    }
    l->edge[l->n++] = e;
    return 0;
}

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

void tf_net_local_focus(tf_net_local *l, const tf_network *n, const double env[4], const unsigned char *closed)
{
    double wide[4], *seg;
    collect c = {l, closed, 0};
    size_t i;
    l->valid = 0;
    tf_seggrid_free(&l->grid);
    l->n = 0;
    if (!env || (!l->seen && !(l->seen = tf_calloc(n->n_edges ? n->n_edges : 1, 1))))
        return;
    wide[0] = env[0] - n->max_join, wide[1] = env[1] - n->max_join;
    wide[2] = env[2] + n->max_join, wide[3] = env[3] + n->max_join;
    tf_seggrid_visit(&n->grid, wide, take, &c);
    for (i = 0; i < l->n; i++) /* the marks cleared for the next area */
        l->seen[l->edge[i]] = 0;
    if (c.failed || !(seg = tf_malloc((l->n ? l->n : 1) * 4 * sizeof *seg)))
        return;
    qsort(l->edge, l->n, sizeof *l->edge, cmp_size);
    for (i = 0; i < l->n; i++)
        memcpy(&seg[4 * i], &n->grid.seg[4 * l->edge[i]], 4 * sizeof *seg);
    if (tf_seggrid_build_cell(l->ctx, &l->grid, seg, l->n, fmax(10, n->max_join / 4))) { /* takes seg */
        tf_lib_error_clear(l->ctx);
        return;
    }
    tf_seggrid_rings(&l->grid);
    memcpy(l->env, env, sizeof l->env);
    l->valid = 1;
}

int tf_network_join_near(const tf_network *n, const tf_net_local *l, double x, double y, const unsigned char *closed,
                         tf_net_join *j)
{
    double t, d;
    long k;
    if (!l || !l->valid || !(x >= l->env[0] && x <= l->env[2] && y >= l->env[1] && y <= l->env[3]))
        return tf_network_join(n, x, y, closed, j);
    if ((k = tf_seggrid_nearest(&l->grid, x, y, n->max_join, NULL, -1, &t, &d)) < 0)
        return 0;
    j->edge = l->edge[k], j->t = t, j->leg_m = d;
    return 1;
}
