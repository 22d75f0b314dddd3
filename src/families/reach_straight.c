/*
 * reach_straight.c: reach as the crow flies, in the analysis CRS (metres):
 * the zone within the standard distance is the union of a buffer round
 * each facility, made area by area from the buffers that reach the area
 * (a country's zone whole would be a serial union of thousands of circles,
 * and every area would then be cut by a geometry of a hundred thousand
 * vertices); the nearest facility comes from a grid of buckets, or from
 * the few candidates an area's envelope admits (its cursor's focus).
 */
#include "reach.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Segments per quarter circle of a buffer: 32 makes the buffer's area
 * short of the circle's by 0.04 %, which a 500 m standard can bear. */
#define QUADSEGS 32

typedef struct fac {
    double x, y;   /* analysis CRS */
    size_t index;  /* reading order */
} fac;

/* The zone within `distance` of each facility (a buffer per facility, in
 * the facilities' order), each with its envelope; out[i] owned by the
 * caller.  Their envelopes and coordinate dimensions are computed here,
 * before workers share them (GEOS computes some lazily). */
static taafi_status reach_buffers(taafi_ctx *ctx, const fac *f, size_t n, double distance, GEOSGeometry **out,
                                  double *env)
{
    size_t i;
    for (i = 0; i < n; i++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, f[i].x, f[i].y);
        out[i] = p ? GEOSBuffer_r(ctx->geos, p, distance, QUADSEGS) : NULL;
        if (p)
            GEOSGeom_destroy_r(ctx->geos, p);
        if (!out[i])
            return tf_error(ctx, TAAFI_ERR_GEOM, "cannot buffer a facility: %s", tf_lib_error(ctx));
        GEOSGeom_getXMin_r(ctx->geos, out[i], &env[4 * i]), GEOSGeom_getYMin_r(ctx->geos, out[i], &env[4 * i + 1]);
        GEOSGeom_getXMax_r(ctx->geos, out[i], &env[4 * i + 2]), GEOSGeom_getYMax_r(ctx->geos, out[i], &env[4 * i + 3]);
        GEOSGeom_getCoordinateDimension_r(ctx->geos, out[i]);
    }
    return TAAFI_OK;
}

/*
 * Nearest facility: a uniform grid of buckets over the facilities and the
 * areas, searched ring by ring outwards from the query's bucket until no
 * unsearched bucket can hold anything nearer.  Millions of raster cells
 * ask it; each answer costs a few distance computations and no allocation.
 * Ties go to the facility read first, so the answer never depends on
 * anything but the data.
 */
typedef struct grid {
    double x0, y0, cw, ch; /* origin and bucket size, metres */
    int nx, ny;
    size_t *start;         /* nx * ny + 1 offsets into idx  */
    size_t *idx;           /* facility indices by bucket   */
    const fac *fac;
} grid;

static void grid_free(grid *g)
{
    tf_free(g->start);
    tf_free(g->idx);
}

static int bucket(const grid *g, double x, double y, int *bx, int *by)
{
    int i = (int)floor((x - g->x0) / g->cw), j = (int)floor((y - g->y0) / g->ch);
    *bx = i < 0 ? 0 : i >= g->nx ? g->nx - 1 : i;
    *by = j < 0 ? 0 : j >= g->ny ? g->ny - 1 : j;
    return 1;
}

static taafi_status grid_build(taafi_ctx *ctx, grid *g, const fac *f, size_t n, const tf_areas *A)
{
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
    size_t i, *fill = NULL;
    int side;
    memset(g, 0, sizeof *g);
    g->fac = f;
    for (i = 0; i < n; i++) {
        minx = fmin(minx, f[i].x), maxx = fmax(maxx, f[i].x);
        miny = fmin(miny, f[i].y), maxy = fmax(maxy, f[i].y);
    }
    for (i = 0; i < A->n; i++) {
        double x0, y0, x1, y1;
        if (GEOSisEmpty_r(ctx->geos, A->geom[i]) == 1)
            continue;
        GEOSGeom_getXMin_r(ctx->geos, A->geom[i], &x0), GEOSGeom_getXMax_r(ctx->geos, A->geom[i], &x1);
        GEOSGeom_getYMin_r(ctx->geos, A->geom[i], &y0), GEOSGeom_getYMax_r(ctx->geos, A->geom[i], &y1);
        minx = fmin(minx, x0), maxx = fmax(maxx, x1), miny = fmin(miny, y0), maxy = fmax(maxy, y1);
    }
    /* about one facility per bucket */
    side = (int)ceil(sqrt((double)n));
    g->nx = g->ny = side < 1 ? 1 : side > 2048 ? 2048 : side;
    g->x0 = minx;
    g->y0 = miny;
    g->cw = fmax((maxx - minx) / g->nx, 1e-6);
    g->ch = fmax((maxy - miny) / g->ny, 1e-6);
    g->start = tf_calloc((size_t)g->nx * (size_t)g->ny + 1, sizeof *g->start);
    g->idx = tf_malloc((n ? n : 1) * sizeof *g->idx);
    fill = tf_calloc((size_t)g->nx * (size_t)g->ny + 1, sizeof *fill);
    if (!g->start || !g->idx || !fill) {
        tf_free(fill);
        grid_free(g);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        int bx, by;
        bucket(g, f[i].x, f[i].y, &bx, &by);
        g->start[(size_t)by * (size_t)g->nx + (size_t)bx + 1]++;
    }
    for (i = 1; i <= (size_t)g->nx * (size_t)g->ny; i++)
        g->start[i] += g->start[i - 1];
    for (i = 0; i < n; i++) { /* in reading order within each bucket */
        int bx, by;
        size_t b;
        bucket(g, f[i].x, f[i].y, &bx, &by);
        b = (size_t)by * (size_t)g->nx + (size_t)bx;
        g->idx[g->start[b] + fill[b]++] = i;
    }
    tf_free(fill);
    return TAAFI_OK;
}

static const fac *nearest(const grid *g, double x, double y, double *dist)
{
    const fac *best = NULL;
    double bd = INFINITY, step = fmin(g->cw, g->ch); /* bd: squared distance */
    int bx, by, ring, max_ring = g->nx > g->ny ? g->nx : g->ny;
    bucket(g, x, y, &bx, &by);
    for (ring = 0; ring <= max_ring; ring++) {
        int i, j;
        for (j = by - ring; j <= by + ring; j++) {
            if (j < 0 || j >= g->ny)
                continue;
            for (i = bx - ring; i <= bx + ring; i++) {
                size_t b, k;
                if (i < 0 || i >= g->nx || (abs(i - bx) != ring && abs(j - by) != ring))
                    continue;
                b = (size_t)j * (size_t)g->nx + (size_t)i;
                for (k = g->start[b]; k < g->start[b + 1]; k++) {
                    const fac *f = &g->fac[g->idx[k]];
                    double d = (f->x - x) * (f->x - x) + (f->y - y) * (f->y - y);
                    if (d < bd || (d == bd && best && f->index < best->index)) {
                        bd = d;
                        best = f;
                    }
                }
            }
        }
        /* anything in a farther ring is at least ring * step away (the
         * query lies in the grid, inside its own bucket) */
        if (best && bd <= (ring * step) * (ring * step))
            break;
    }
    if (best)
        *dist = sqrt(bd);
    return best;
}

/*
 * The facilities that can be nearest to some point of one area.  Every
 * cell centre p within `r` of the area's centre c has its nearest facility
 * within d(c) + r (d(c): c's nearest distance), so that facility lies
 * within d(c) + 2r of c: those few, in reading order, are all a cell of
 * the area needs to look at.  A scan of them in that order, keeping the
 * first of equal distances, gives what nearest() gives; a centre beyond
 * `r` (a cell overhanging the area's envelope far) asks the grid.
 */
typedef struct near_set {
    double cx, cy, r2;  /* centre and squared radius of validity (m, m²) */
    const fac **f;      /* candidates, ascending index                  */
    double *fx, *fy;    /* their coordinates, side by side for the scan  */
    size_t n;
} near_set;

/* Above this many candidates the grid is as quick: no set is made. */
#define NEAR_SET_MAX 48

static int cmp_fac(const void *a, const void *b)
{
    const fac *x = *(const fac *const *)a, *y = *(const fac *const *)b;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Fills `ns` (whose f has room for NEAR_SET_MAX) for the envelope; ns->n
 * is 0 when no set is worth making. */
static void near_set_make(const grid *g, double x0, double y0, double x1, double y1, near_set *ns)
{
    double d, reach, r;
    int bx0, by0, bx1, by1, i, j;
    ns->n = 0;
    ns->cx = (x0 + x1) / 2, ns->cy = (y0 + y1) / 2;
    /* the envelope's half-diagonal, with room for the centres of cells
     * that overhang it */
    r = 1.1 * hypot(x1 - x0, y1 - y0) / 2 + 1000;
    ns->r2 = r * r;
    if (!nearest(g, ns->cx, ns->cy, &d))
        return;
    /* a hair more than d + 2r, against rounding */
    reach = (d + 2 * r) * (1 + 1e-9) + 1e-6;
    bucket(g, ns->cx - reach, ns->cy - reach, &bx0, &by0);
    bucket(g, ns->cx + reach, ns->cy + reach, &bx1, &by1);
    for (j = by0; j <= by1; j++)
        for (i = bx0; i <= bx1; i++) {
            size_t b = (size_t)j * (size_t)g->nx + (size_t)i, k;
            for (k = g->start[b]; k < g->start[b + 1]; k++) {
                const fac *f = &g->fac[g->idx[k]];
                if (hypot(f->x - ns->cx, f->y - ns->cy) > reach)
                    continue;
                if (ns->n == NEAR_SET_MAX) {
                    ns->n = 0;
                    return;
                }
                ns->f[ns->n++] = f;
            }
        }
    qsort(ns->f, ns->n, sizeof *ns->f, cmp_fac);
    for (size_t q = 0; q < ns->n; q++) {
        ns->fx[q] = ns->f[q]->x;
        ns->fy[q] = ns->f[q]->y;
    }
}

/* The facilities' buffers, shared read-only by the workers. */
typedef struct reach {
    GEOSGeometry **buf; /* per facility */
    double *env;        /* x0 y0 x1 y1 per facility */
    size_t n;
    double radius;      /* m: no buffer reaches further from its facility */
} reach;

static int cmp_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

/* The parts of an area inside and outside the reach zone: the area cut by
 * the union of the buffers whose envelope meets its own (env: x0 y0 x1 y1,
 * NULL for an empty area), which is the whole zone as far as the area goes.  `near` (ascending facility
 * numbers, so that the union never depends on the order the grid gave
 * them) has room for every facility. */
static taafi_status cut_by_zone(taafi_ctx *ctx, const GEOSGeometry *area, const double *env, const reach *z,
                                const grid *g, size_t *near, GEOSGeometry **covered, GEOSGeometry **gap)
{
    GEOSContextHandle_t h = ctx->geos;
    GEOSGeometry *local = NULL, **parts = NULL;
    size_t n = 0, i;
    *covered = *gap = NULL;
    if (g && env) {
        int bx0, by0, bx1, by1, bi, bj;
        double reach_m = z->radius + 1; /* the grid holds facilities, not buffers */
        double x0 = env[0], y0 = env[1], x1 = env[2], y1 = env[3];
        bucket(g, x0 - reach_m, y0 - reach_m, &bx0, &by0);
        bucket(g, x1 + reach_m, y1 + reach_m, &bx1, &by1);
        for (bj = by0; bj <= by1; bj++)
            for (bi = bx0; bi <= bx1; bi++) {
                size_t b = (size_t)bj * (size_t)g->nx + (size_t)bi, k;
                for (k = g->start[b]; k < g->start[b + 1]; k++) {
                    size_t f = g->fac[g->idx[k]].index;
                    const double *e = &z->env[4 * f];
                    if (e[2] >= x0 && e[0] <= x1 && e[3] >= y0 && e[1] <= y1)
                        near[n++] = f;
                }
            }
    }
    if (n == 0) {
        *covered = GEOSGeom_createEmptyPolygon_r(h);
        *gap = GEOSGeom_clone_r(h, area);
    } else {
        GEOSGeometry *all;
        qsort(near, n, sizeof *near, cmp_size);
        if (!(parts = tf_malloc(n * sizeof *parts)))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        for (i = 0; i < n; i++)
            if (!(parts[i] = GEOSGeom_clone_r(h, z->buf[near[i]]))) {
                while (i > 0)
                    GEOSGeom_destroy_r(h, parts[--i]);
                tf_free(parts);
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            }
        all = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, parts, (unsigned)n); /* takes the parts */
        tf_free(parts);
        local = all ? (n == 1 ? all : GEOSUnaryUnion_r(h, all)) : NULL;
        if (all && local != all)
            GEOSGeom_destroy_r(h, all);
        if (local) {
            if (GEOSContains_r(h, local, area) == 1) {
                *covered = GEOSGeom_clone_r(h, area);
                *gap = GEOSGeom_createEmptyPolygon_r(h);
            } else {
                *covered = GEOSIntersection_r(h, area, local);
                *gap = GEOSDifference_r(h, area, local);
            }
            GEOSGeom_destroy_r(h, local);
        }
    }
    if (!*covered || !*gap) {
        if (*covered)
            GEOSGeom_destroy_r(h, *covered);
        if (*gap)
            GEOSGeom_destroy_r(h, *gap);
        *covered = *gap = NULL;
        return tf_error(ctx, TAAFI_ERR_GEOM, "%s", tf_lib_error(ctx));
    }
    return TAAFI_OK;
}


/* ---- the interface ------------------------------------------------------- */

typedef struct straight {
    fac *fac;    /* n, in reading order */
    size_t n;
    grid gr;     /* when n > 0 */
    reach zone;  /* the buffers */
} straight;

typedef struct cursor {
    const straight *s;
    size_t *near_ix;   /* room for every facility's number (cut_by_zone) */
    near_set ns;       /* the focus: candidates for one area's places */
    const fac **ns_f;  /* its storage */
    double *ns_xy;
} cursor;

static void straight_free(taafi_ctx *ctx, void *state)
{
    straight *s = state;
    size_t i;
    if (!s)
        return;
    for (i = 0; s->zone.buf && i < s->zone.n; i++)
        if (s->zone.buf[i])
            GEOSGeom_destroy_r(ctx->geos, s->zone.buf[i]);
    tf_free(s->zone.buf);
    tf_free(s->zone.env);
    if (s->n)
        grid_free(&s->gr);
    tf_free(s->fac);
    tf_free(s);
}

static taafi_status straight_make(taafi_ctx *ctx, const tf_reach_how *how, const double *x, const double *y, size_t n,
                                  const tf_areas *A, double distance_m, void **out)
{
    straight *s = tf_calloc(1, sizeof *s);
    size_t i;
    taafi_status st = TAAFI_OK;
    (void)how;
    *out = NULL;
    if (!s || !(s->fac = tf_calloc(n ? n : 1, sizeof *s->fac)) || !(s->zone.buf = tf_calloc(n ? n : 1, sizeof *s->zone.buf)) ||
        !(s->zone.env = tf_calloc(n ? 4 * n : 1, sizeof *s->zone.env))) {
        straight_free(ctx, s);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < n; i++) {
        s->fac[i].x = x[i];
        s->fac[i].y = y[i];
        s->fac[i].index = i;
    }
    s->zone.n = n;
    s->zone.radius = distance_m;
    if ((st = reach_buffers(ctx, s->fac, n, distance_m, s->zone.buf, s->zone.env)) ||
        (n && (st = grid_build(ctx, &s->gr, s->fac, n, A)))) {
        s->n = 0; /* no grid to free */
        straight_free(ctx, s);
        return st;
    }
    s->n = n;
    *out = s;
    return TAAFI_OK;
}

static void cursor_free(void *cur)
{
    cursor *c = cur;
    if (!c)
        return;
    tf_free(c->near_ix);
    tf_free(c->ns_f);
    tf_free(c->ns_xy);
    tf_free(c);
}

static taafi_status cursor_make(taafi_ctx *ctx, const void *state, void **out)
{
    const straight *s = state;
    cursor *c = tf_calloc(1, sizeof *c);
    *out = NULL;
    if (!c || !(c->near_ix = tf_calloc(s->n ? s->n : 1, sizeof *c->near_ix)) ||
        !(c->ns_f = tf_calloc(NEAR_SET_MAX, sizeof *c->ns_f)) || !(c->ns_xy = tf_calloc(2 * NEAR_SET_MAX, sizeof *c->ns_xy))) {
        cursor_free(c);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    c->s = s;
    c->ns.f = c->ns_f;
    c->ns.fx = c->ns_xy;
    c->ns.fy = c->ns_xy + NEAR_SET_MAX;
    *out = c;
    return TAAFI_OK;
}

static void focus(void *cur, const double env[4])
{
    cursor *c = cur;
    c->ns.n = 0;
    if (env && c->s->n)
        near_set_make(&c->s->gr, env[0], env[1], env[2], env[3], &c->ns);
}

static long straight_nearest(void *cur, double x, double y, double *dist_m)
{
    cursor *c = cur;
    const near_set *ns = &c->ns;
    const fac *hit;
    if (!c->s->n)
        return -1;
    if (ns->n && (x - ns->cx) * (x - ns->cx) + (y - ns->cy) * (y - ns->cy) <= ns->r2) {
        double bd = INFINITY;
        size_t q, bq = 0;
        for (q = 0; q < ns->n; q++) {
            double dd = (ns->fx[q] - x) * (ns->fx[q] - x) + (ns->fy[q] - y) * (ns->fy[q] - y);
            if (dd < bd) {
                bd = dd;
                bq = q;
            }
        }
        hit = ns->f[bq];
        *dist_m = sqrt(bd);
#ifndef NDEBUG
        {
            /* debug builds (the sanitizer suite) check every answer */
            double dg;
            assert(nearest(&c->s->gr, x, y, &dg) == hit && dg == *dist_m);
        }
#endif
        return (long)hit->index;
    }
    hit = nearest(&c->s->gr, x, y, dist_m);
    return hit ? (long)hit->index : -1;
}

static taafi_status straight_cut(taafi_ctx *ctx, void *cur, const GEOSGeometry *area, const double *env,
                                 GEOSGeometry **covered, GEOSGeometry **gap)
{
    cursor *c = cur;
    return cut_by_zone(ctx, area, env, &c->s->zone, c->s->n ? &c->s->gr : NULL, c->near_ix, covered, gap);
}

const tf_reach_ops tf_reach_straight = {.name = "straight",
                                        .make = straight_make,
                                        .free = straight_free,
                                        .cursor_new = cursor_make,
                                        .cursor_free = cursor_free,
                                        .focus = focus,
                                        .nearest = straight_nearest,
                                        .cut = straight_cut};
