/*
 * network_route.c: joining places to the network and the shortest
 * distances along it: Dijkstra from many sources at once, each node
 * labelled with the source that reaches it first (pgRouting's
 * pgr_drivingDistance from several start points, with equal costs both
 * ways).  Distances in metres.
 */
#include "network_int.h"

#include <math.h>
#include <string.h>

int tf_network_join(const tf_network *n, double x, double y, const unsigned char *closed, tf_net_join *j)
{
    double t, d;
    long e = tf_seggrid_nearest(&n->grid, x, y, n->max_join, closed, -1, &t, &d);
    if (e < 0)
        return 0;
    j->edge = (size_t)e, j->t = t, j->leg_m = d;
    return 1;
}

/* A binary heap of (distance, label, node), smallest distance first and,
 * at equal distances, the lower label: the order of settling, and so the
 * labels, never depend on anything but the data. */
typedef struct item {
    double d;
    long label;
    size_t node;
} item;

typedef struct heap {
    item *a;
    size_t n, cap;
} heap;

static int before(const item *x, const item *y) { return x->d < y->d || (x->d == y->d && x->label < y->label); }

static int heap_push(taafi_ctx *ctx, heap *h, double d, long label, size_t node)
{
    size_t i;
    if (h->n == h->cap) {
        size_t cap = h->cap ? 2 * h->cap : 1024;
        item *a = tf_realloc(h->a, cap * sizeof *a);
        if (!a)
            return (void)tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory"), -1;
        h->a = a, h->cap = cap;
    }
    i = h->n++;
    h->a[i].d = d, h->a[i].label = label, h->a[i].node = node;
    while (i > 0 && before(&h->a[i], &h->a[(i - 1) / 2])) {
        item t = h->a[i];
        h->a[i] = h->a[(i - 1) / 2], h->a[(i - 1) / 2] = t;
        i = (i - 1) / 2;
    }
    return 0;
}

static item heap_pop(heap *h)
{
    item top = h->a[0];
    size_t i = 0;
    h->a[0] = h->a[--h->n];
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < h->n && before(&h->a[l], &h->a[m]))
            m = l;
        if (r < h->n && before(&h->a[r], &h->a[m]))
            m = r;
        if (m == i)
            break;
        item t = h->a[i];
        h->a[i] = h->a[m], h->a[m] = t;
        i = m;
    }
    return top;
}

/* Whether (d, label) improves on what node v holds; if so it does now. */
static int improve(double *dist, long *label, size_t v, double d, long l)
{
    if (!(d < dist[v] || (d == dist[v] && l < label[v])))
        return 0;
    dist[v] = d, label[v] = l;
    return 1;
}

taafi_status tf_network_route(taafi_ctx *ctx, const tf_network *n, const tf_net_join *src, size_t ns,
                              const unsigned char *closed, double max_cost, double *dist, long *label)
{
    heap h = {0};
    size_t i, k;
    taafi_status st = TAAFI_OK;
    for (i = 0; i < n->n_nodes; i++)
        dist[i] = INFINITY, label[i] = -1;
    /* Distances run from the places to the sources (residents go to the
     * facility): a source is reached from the end of its edge that may be
     * driven towards it, and an edge is followed from node x back to w
     * when it may be driven from w to x. */
    for (k = 0; k < ns && !st; k++) {
        size_t e = src[k].edge;
        double leg = src[k].leg_m * n->leg_cost;
        double du = leg + src[k].t * n->cost[e], dv = leg + (1 - src[k].t) * n->cost[e];
        if (n->dir[e] != TF_DIR_BACKWARD && improve(dist, label, n->eu[e], du, (long)k) &&
            heap_push(ctx, &h, du, (long)k, n->eu[e]))
            st = TAAFI_ERR_NOMEM;
        if (!st && n->dir[e] != TF_DIR_FORWARD && improve(dist, label, n->ev[e], dv, (long)k) &&
            heap_push(ctx, &h, dv, (long)k, n->ev[e]))
            st = TAAFI_ERR_NOMEM;
    }
    while (!st && h.n) {
        item it = heap_pop(&h);
        if (it.d > max_cost)
            break; /* every cost settled from here on is beyond it */
        if (it.d != dist[it.node] || it.label != label[it.node])
            continue; /* superseded */
        for (k = n->adj_start[it.node]; k < n->adj_start[it.node + 1] && !st; k++) {
            size_t e = n->adj[k], w = n->eu[e] == it.node ? n->ev[e] : n->eu[e];
            /* from w to it.node: forward when w is the edge's first end */
            if ((closed && closed[e]) || n->dir[e] == (w == n->eu[e] ? TF_DIR_BACKWARD : TF_DIR_FORWARD))
                continue;
            if (improve(dist, label, w, it.d + n->cost[e], it.label) &&
                heap_push(ctx, &h, it.d + n->cost[e], it.label, w))
                st = TAAFI_ERR_NOMEM;
        }
    }
    tf_free(h.a);
    return st;
}

double tf_network_via_nodes(const tf_network *n, const double *dist, const long *label, const tf_net_join *j,
                            long *label_out)
{
    size_t e = j->edge;
    double du = dist[n->eu[e]] + j->t * n->cost[e], dv = dist[n->ev[e]] + (1 - j->t) * n->cost[e];
    /* back to the first end, or on to the second, as the edge may be driven */
    long lu = n->dir[e] == TF_DIR_FORWARD ? -1 : label[n->eu[e]];
    long lv = n->dir[e] == TF_DIR_BACKWARD ? -1 : label[n->ev[e]];
    if (lu < 0 && lv < 0) {
        *label_out = -1;
        return INFINITY;
    }
    if (lv >= 0 && (lu < 0 || dv < du || (dv == du && lv < lu))) {
        *label_out = lv;
        return dv + j->leg_m * n->leg_cost;
    }
    *label_out = lu;
    return du + j->leg_m * n->leg_cost;
}

double tf_network_along(const tf_network *n, const tf_net_join *a, const tf_net_join *b)
{
    unsigned char dir = n->dir[a->edge];
    if (dir == (a->t <= b->t ? TF_DIR_BACKWARD : TF_DIR_FORWARD))
        return INFINITY; /* that way is one-way against it */
    return (a->leg_m + b->leg_m) * n->leg_cost + fabs(a->t - b->t) * n->cost[a->edge];
}
