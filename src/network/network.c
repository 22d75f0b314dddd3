/*
 * network.c: the streets made a graph (network.h): read (network_read.c),
 * noded where streets of one level cross (network_node.c), street ends
 * joined to a vertex within the tolerance, every piece between two
 * vertices an edge, with its cost; the pieces noted.
 */
#include "network_int.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Vertices by their exact coordinates: an open-addressing table. */
typedef struct vtab {
    size_t *slot; /* node + 1, 0: empty */
    size_t mask;
    double *x, *y;
    size_t n;
} vtab;

static size_t hash_xy(double x, double y)
{
    uint64_t a, b;
    x += 0.0, y += 0.0; /* -0 as 0 */
    memcpy(&a, &x, sizeof a);
    memcpy(&b, &y, sizeof b);
    a ^= b * 0x9E3779B97F4A7C15ull;
    a ^= a >> 29;
    a *= 0xBF58476D1CE4E5B9ull;
    return (size_t)(a ^ (a >> 32));
}

static size_t vertex(vtab *V, double x, double y)
{
    size_t h = hash_xy(x, y) & V->mask;
    for (;; h = (h + 1) & V->mask) {
        size_t k = V->slot[h];
        if (!k) {
            V->x[V->n] = x, V->y[V->n] = y;
            V->slot[h] = ++V->n;
            return V->n - 1;
        }
        if (V->x[k - 1] == x && V->y[k - 1] == y)
            return k - 1;
    }
}

static size_t root(size_t *parent, size_t v)
{
    while (parent[v] != v)
        v = parent[v] = parent[parent[v]];
    return v;
}

/* Street ends (vertices of one edge) within `tol` metres of another
 * vertex joined to the nearest such vertex: parent[] of a union-find.
 * The vertex kept is the one that is not a street end, or of two ends the
 * lower in (x, y), so that a pair of ends meets where one of them is. */
static taafi_status snap_ends(taafi_ctx *ctx, const vtab *V, const size_t *eu, const size_t *ev, size_t m,
                              double tol, size_t *parent, size_t *n_joined)
{
    tf_seggrid g = {0};
    unsigned char *deg = tf_calloc(V->n ? V->n : 1, 1);
    double *pts = tf_malloc((V->n ? V->n : 1) * 4 * sizeof *pts), t, d;
    size_t i;
    taafi_status st;
    *n_joined = 0;
    if (!deg || !pts) {
        tf_free(deg);
        tf_free(pts);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < m; i++) {
        deg[eu[i]] += deg[eu[i]] < 2;
        deg[ev[i]] += deg[ev[i]] < 2;
    }
    for (i = 0; i < V->n; i++)
        pts[4 * i] = pts[4 * i + 2] = V->x[i], pts[4 * i + 1] = pts[4 * i + 3] = V->y[i];
    if ((st = tf_seggrid_build(ctx, &g, pts, V->n))) { /* takes pts */
        tf_free(deg);
        return st;
    }
    for (i = 0; i < V->n; i++) {
        long k;
        if (deg[i] != 1 || (k = tf_seggrid_nearest(&g, V->x[i], V->y[i], tol, NULL, (long)i, &t, &d)) < 0 ||
            root(parent, (size_t)k) == root(parent, i))
            continue;
        {
            size_t ri = root(parent, i), rk = root(parent, (size_t)k);
            int keep_i = deg[k] == 1 && (V->x[ri] < V->x[rk] || (V->x[ri] == V->x[rk] && V->y[ri] < V->y[rk]));
            if (keep_i)
                parent[rk] = ri;
            else
                parent[ri] = rk;
        }
        (*n_joined)++;
    }
    tf_seggrid_free(&g);
    tf_free(deg);
    return TAAFI_OK;
}

void tf_network_free(taafi_ctx *ctx, tf_network *n)
{
    (void)ctx;
    if (!n)
        return;
    tf_free(n->nx);
    tf_free(n->ny);
    tf_free(n->eu);
    tf_free(n->ev);
    tf_free(n->len);
    tf_free(n->cost);
    tf_free(n->dir);
    tf_free(n->feature);
    tf_free(n->closed);
    tf_free(n->adj_start);
    tf_free(n->adj);
    tf_seggrid_free(&n->grid);
    tf_free(n->fid);
    for (size_t i = 0; i < n->n_scen; i++)
        tf_free(n->scen[i].closed);
    tf_free(n->scen);
    tf_free(n);
}

/* The vertices of S's segments and its edges between them; ends within
 * tol joined; pieces of no length dropped. */
static taafi_status make_edges(taafi_ctx *ctx, const tf_net_segs *S, double tol, tf_network *n, size_t *n_joined)
{
    vtab V = {0};
    size_t cap = 16, i, m = 0, *parent = NULL, *id = NULL;
    taafi_status st = TAAFI_OK;
    while (cap < 4 * S->n)
        cap *= 2;
    V.mask = cap - 1;
    V.slot = tf_calloc(cap, sizeof *V.slot);
    V.x = tf_malloc((2 * S->n + 1) * sizeof *V.x), V.y = tf_malloc((2 * S->n + 1) * sizeof *V.y);
    n->eu = tf_malloc((S->n + 1) * sizeof *n->eu), n->ev = tf_malloc((S->n + 1) * sizeof *n->ev);
    n->len = tf_malloc((S->n + 1) * sizeof *n->len), n->feature = tf_malloc((S->n + 1) * sizeof *n->feature);
    n->dir = tf_malloc(S->n + 1);
    if (!V.slot || !V.x || !V.y || !n->eu || !n->ev || !n->len || !n->feature || !n->dir)
        goto nomem;
    for (i = 0; i < S->n; i++) {
        n->eu[i] = vertex(&V, S->s[4 * i], S->s[4 * i + 1]);
        n->ev[i] = vertex(&V, S->s[4 * i + 2], S->s[4 * i + 3]);
    }
    if (!(parent = tf_malloc((V.n + 1) * sizeof *parent)) || !(id = tf_malloc((V.n + 1) * sizeof *id)))
        goto nomem;
    for (i = 0; i < V.n; i++)
        parent[i] = i;
    *n_joined = 0;
    if (tol > 0 && (st = snap_ends(ctx, &V, n->eu, n->ev, S->n, tol, parent, n_joined)))
        goto done;
    n->nx = tf_malloc((V.n + 1) * sizeof *n->nx), n->ny = tf_malloc((V.n + 1) * sizeof *n->ny);
    if (!n->nx || !n->ny)
        goto nomem;
    for (i = 0, n->n_nodes = 0; i < V.n; i++) /* the roots, numbered in order */
        if (root(parent, i) == i) {
            n->nx[n->n_nodes] = V.x[i], n->ny[n->n_nodes] = V.y[i];
            id[i] = n->n_nodes++;
        }
    for (i = 0; i < S->n; i++) {
        size_t u = id[root(parent, n->eu[i])], v = id[root(parent, n->ev[i])];
        if (u == v)
            continue;
        n->eu[m] = u, n->ev[m] = v, n->feature[m] = S->feat[i];
        n->dir[m] = S->same[i] > 0; /* for now: drawn as its street (edge_costs) */
        n->len[m++] = hypot(n->nx[v] - n->nx[u], n->ny[v] - n->ny[u]);
    }
    n->n_edges = m;
    goto done;
nomem:
    st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
done:
    tf_free(V.slot);
    tf_free(V.x);
    tf_free(V.y);
    tf_free(parent);
    tf_free(id);
    return st;
}

/* Each edge's cost (metres walked, or minutes at its street's speed) and
 * the way it may be driven (one-way streets, mode: drive); n->dir holds
 * whether each edge runs as its street is drawn until then. */
static taafi_status edge_costs(taafi_ctx *ctx, tf_network *n, const tf_network_def *nd, const tf_net_lines *L)
{
    size_t e;
    if (!(n->cost = tf_malloc((n->n_edges + 1) * sizeof *n->cost)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    n->leg_cost = nd->drive ? 60.0 / (nd->join_kmh * 1000) : 1; /* minutes per metre at the join speed */
    for (e = 0; e < n->n_edges; e++) {
        size_t f = n->feature[e];
        int same = n->dir[e], way = f == SIZE_MAX || !nd->drive ? 0 : L->oneway[f];
        double kmh = f == SIZE_MAX ? nd->default_kmh : L->kmh[f];
        n->cost[e] = nd->drive ? n->len[e] * 60.0 / (kmh * 1000) : n->len[e];
        n->dir[e] = way == 0 ? 0 : (way > 0) == (same != 0) ? TF_DIR_FORWARD : TF_DIR_BACKWARD;
    }
    return TAAFI_OK;
}

/* The edges at each node, and the grid over the edges for joins. */
static taafi_status index_edges(taafi_ctx *ctx, tf_network *n)
{
    size_t i, *fill;
    taafi_status st;
    double *seg = tf_malloc((n->n_edges + 1) * 4 * sizeof *seg);
    n->adj_start = tf_calloc(n->n_nodes + 1, sizeof *n->adj_start);
    n->adj = tf_malloc((2 * n->n_edges + 1) * sizeof *n->adj);
    fill = tf_malloc((n->n_nodes + 1) * sizeof *fill);
    if (!seg || !n->adj_start || !n->adj || !fill) {
        tf_free(seg);
        tf_free(fill);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < n->n_edges; i++)
        n->adj_start[n->eu[i] + 1]++, n->adj_start[n->ev[i] + 1]++;
    for (i = 0; i < n->n_nodes; i++)
        n->adj_start[i + 1] += n->adj_start[i];
    memcpy(fill, n->adj_start, n->n_nodes * sizeof *fill);
    for (i = 0; i < n->n_edges; i++) {
        n->adj[fill[n->eu[i]]++] = i;
        n->adj[fill[n->ev[i]]++] = i;
        seg[4 * i] = n->nx[n->eu[i]], seg[4 * i + 1] = n->ny[n->eu[i]];
        seg[4 * i + 2] = n->nx[n->ev[i]], seg[4 * i + 3] = n->ny[n->ev[i]];
    }
    tf_free(fill);
    st = tf_seggrid_build(ctx, &n->grid, seg, n->n_edges);
    if (!st)
        tf_seggrid_rings(&n->grid);
    return st;
}

/* The pieces of the open streets that no open street joins: noted when
 * there is more than one, with their lengths (a place on a piece reaches
 * only the facilities on that piece). */
static taafi_status note_pieces(taafi_ctx *ctx, const tf_network *n, const char *role, tf_dq *dq)
{
    size_t *parent = tf_malloc((n->n_nodes + 1) * sizeof *parent), i, pieces = 0, big = 0;
    double *km = tf_calloc(n->n_nodes + 1, sizeof *km), total = 0;
    char problem[256];
    taafi_status st = TAAFI_OK;
    if (!parent || !km) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < n->n_nodes; i++)
        parent[i] = i;
    for (i = 0; i < n->n_edges; i++)
        if (!n->closed[i] && root(parent, n->eu[i]) != root(parent, n->ev[i]))
            parent[root(parent, n->eu[i])] = root(parent, n->ev[i]);
    for (i = 0; i < n->n_edges; i++)
        if (!n->closed[i])
            km[root(parent, n->eu[i])] += n->len[i] / 1000, total += n->len[i] / 1000;
    for (i = 0; i < n->n_nodes; i++)
        if (km[i] > 0) {
            pieces++;
            big = km[i] > km[big] ? i : big;
        }
    if (pieces > 1) {
        snprintf(problem, sizeof problem,
                 "the open streets are %zu pieces that no open street joins: the largest %.3f km, the other %zu "
                 "%.3f km in all", pieces, km[big], pieces - 1, total - km[big]);
        st = tf_dq_add(ctx, dq, role, -1, problem,
                       "a place on a piece reaches only the facilities on that piece; the rest count as cut off");
    }
done:
    tf_free(parent);
    tf_free(km);
    return st;
}

taafi_status tf_network_build(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, tf_dq *dq,
                              tf_file_fn add_input, void *user, tf_network **out)
{
    const char *role = p->layers[p->network.layer].role;
    tf_net_lines L = {0};
    tf_net_segs S = {0};
    tf_network *n = tf_calloc(1, sizeof *n);
    size_t joined = 0, i;
    double km = 0;
    taafi_status st;
    *out = NULL;
    if (!n)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    n->max_join = p->network.max_join;
    if ((st = tf_net_read_streets(ctx, p, A->epsg, dq, add_input, user, &L)))
        goto done;
    for (i = 0; i < (L.n_levels ? L.n_levels : 1) && !st; i++)
        st = tf_net_node_level(ctx, &L, (int)i, &S);
    if (st || (st = make_edges(ctx, &S, p->network.tolerance, n, &joined)) ||
        (st = edge_costs(ctx, n, &p->network, &L)) || (st = index_edges(ctx, n)))
        goto done;
    if (!n->n_edges) {
        st = tf_error(ctx, TAAFI_ERR_DATA, "%s: network.streets: no street of any length (%zu features read); "
                      "the network needs street centre lines", p->layers[p->network.layer].path, L.n_feat);
        goto done;
    }
    if (!(n->closed = tf_calloc(n->n_edges, 1))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    n->fid = L.fid, n->n_streets = L.n_feat;
    L.fid = NULL; /* the network's now: scenarios' closures read them */
    if ((st = tf_network_close(ctx, p, A, n, &p->network, NULL, n->closed, &n->any_closed, dq, add_input, user)) ||
        (st = note_pieces(ctx, n, role, dq)))
        goto done;
    for (i = 0; i < n->n_edges; i++)
        km += n->len[i] / 1000;
    tf_log(ctx, TAAFI_LOG_INFO, "network: %zu streets read: %zu segments between %zu nodes, %.3f km; %zu street ends "
           "joined within %g m", L.n_feat, n->n_edges, n->n_nodes, km, joined, p->network.tolerance);
done:
    tf_net_lines_free(ctx, &L);
    tf_free(S.s);
    tf_free(S.feat);
    tf_free(S.same);
    if (st)
        tf_network_free(ctx, n);
    else
        *out = n;
    return st;
}

void tf_network_segment(const tf_network *n, size_t e, double xy[4])
{
    xy[0] = n->nx[n->eu[e]], xy[1] = n->ny[n->eu[e]], xy[2] = n->nx[n->ev[e]], xy[3] = n->ny[n->ev[e]];
}

size_t tf_network_nodes(const tf_network *n) { return n->n_nodes; }
size_t tf_network_edges(const tf_network *n) { return n->n_edges; }
double tf_network_max_join(const tf_network *n) { return n->max_join; }
