/*
 * network_grid.c: a uniform grid of buckets over segments: the nearest
 * segment to a point (ring by ring outwards until no unsearched bucket can
 * hold a nearer one), and the segments near an envelope.
 *
 * Written here rather than taken from GEOS's STRtree: a join needs the
 * position along the segment as well as the distance, tens of millions of
 * raster cells ask, and an answer must cost no allocation and come out the
 * same on any thread (GEOS 3.11's tree builds itself on its first query).
 * tests/unit/test_network.c checks the answers against a brute force.
 */
#include "network_int.h"

#include <math.h>
#include <string.h>

/* The position along s of the point nearest to (x, y), and the square of
 * its distance (the search compares squares: no root per candidate). */
static double project2(const double s[4], double x, double y, double *d2)
{
    double dx = s[2] - s[0], dy = s[3] - s[1], l2 = dx * dx + dy * dy, t = 0, ex, ey;
    if (l2 > 0) {
        t = ((x - s[0]) * dx + (y - s[1]) * dy) / l2;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
    }
    ex = x - (s[0] + t * dx), ey = y - (s[1] + t * dy);
    *d2 = ex * ex + ey * ey;
    return t;
}

double tf_seg_project(const double s[4], double x, double y, double *d)
{
    double t = project2(s, x, y, d);
    *d = sqrt(*d);
    return t;
}

/* floor(v) held to [0, n - 1] (NaN gives 0), without the undefined
 * behaviour of casting a double beyond a long. */
static long clampl(double v, long n)
{
    if (!(v >= 0))
        return 0;
    return v >= (double)n ? n - 1 : (long)v;
}

void tf_seggrid_free(tf_seggrid *g)
{
    if (!g)
        return;
    tf_free(g->start);
    tf_free(g->idx);
    tf_free(g->seg);
    tf_free(g->ring);
    memset(g, 0, sizeof *g);
}

/* The buckets a segment's envelope meets: [*i0, *i1] x [*j0, *j1]. */
static void seg_buckets(const tf_seggrid *g, const double *s, long *i0, long *j0, long *i1, long *j1)
{
    *i0 = clampl((fmin(s[0], s[2]) - g->x0) / g->cell, g->nx);
    *i1 = clampl((fmax(s[0], s[2]) - g->x0) / g->cell, g->nx);
    *j0 = clampl((fmin(s[1], s[3]) - g->y0) / g->cell, g->ny);
    *j1 = clampl((fmax(s[1], s[3]) - g->y0) / g->cell, g->ny);
}

/* The grid's extent and bucket side: about one bucket per segment, at
 * least a metre, at most 2^22 buckets. */
static void grid_shape(tf_seggrid *g, double cell)
{
    double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY, w, h;
    size_t i;
    for (i = 0; i < g->n; i++) {
        const double *s = &g->seg[4 * i];
        minx = fmin(minx, fmin(s[0], s[2])), maxx = fmax(maxx, fmax(s[0], s[2]));
        miny = fmin(miny, fmin(s[1], s[3])), maxy = fmax(maxy, fmax(s[1], s[3]));
    }
    if (!(minx <= maxx))
        minx = miny = 0, maxx = maxy = 1;
    w = fmax(maxx - minx, 1), h = fmax(maxy - miny, 1);
    g->cell = cell > 0 ? cell : fmax(1.0, sqrt(w * h / (double)(g->n ? g->n : 1)));
    while ((w / g->cell + 1) * (h / g->cell + 1) > (double)(1 << 22))
        g->cell *= 2;
    g->x0 = minx, g->y0 = miny;
    g->nx = (long)(w / g->cell) + 1, g->ny = (long)(h / g->cell) + 1;
}

taafi_status tf_seggrid_build(taafi_ctx *ctx, tf_seggrid *g, double *seg, size_t n)
{
    return tf_seggrid_build_cell(ctx, g, seg, n, 0);
}

taafi_status tf_seggrid_build_cell(taafi_ctx *ctx, tf_seggrid *g, double *seg, size_t n, double cell)
{
    size_t i, nb, total = 0;
    long a, b, i0, j0, i1, j1;
    memset(g, 0, sizeof *g);
    g->seg = seg, g->n = n;
    grid_shape(g, cell);
    nb = (size_t)(g->nx * g->ny);
    if (!(g->start = tf_calloc(nb + 1, sizeof *g->start)))
        goto nomem;
    for (i = 0; i < n; i++) { /* counted, then placed */
        seg_buckets(g, &seg[4 * i], &i0, &j0, &i1, &j1);
        for (b = j0; b <= j1; b++)
            for (a = i0; a <= i1; a++)
                g->start[(size_t)(b * g->nx + a) + 1]++;
        total += (size_t)((i1 - i0 + 1) * (j1 - j0 + 1));
    }
    for (i = 0; i < nb; i++)
        g->start[i + 1] += g->start[i];
    if (!(g->idx = tf_malloc((total ? total : 1) * sizeof *g->idx)))
        goto nomem;
    for (i = 0; i < n; i++) { /* in segment order within each bucket */
        seg_buckets(g, &seg[4 * i], &i0, &j0, &i1, &j1);
        for (b = j0; b <= j1; b++)
            for (a = i0; a <= i1; a++)
                g->idx[g->start[(size_t)(b * g->nx + a)]++] = i;
    }
    for (i = nb; i > 0; i--) /* the offsets moved on by one bucket */
        g->start[i] = g->start[i - 1];
    g->start[0] = 0;
    return TAAFI_OK;
nomem:
    tf_seggrid_free(g);
    return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
}

/* The nearest segment of bucket (a, b) better than *best (ties: lower
 * number); *bd2 the square of its distance. */
static void search_bucket(const tf_seggrid *g, long a, long b, double x, double y, const unsigned char *skip,
                          long except, long *best, double *bd2, double *bt)
{
    size_t k, e = g->start[(size_t)(b * g->nx + a) + 1];
    for (k = g->start[(size_t)(b * g->nx + a)]; k < e; k++) {
        size_t i = g->idx[k];
        double d2, t;
        if ((long)i == except || (skip && skip[i]))
            continue;
        t = project2(&g->seg[4 * i], x, y, &d2);
        if (d2 < *bd2 || (d2 == *bd2 && (long)i < *best))
            *best = (long)i, *bd2 = d2, *bt = t;
    }
}

/* How far (x, y) is, at least, from every bucket outside the rings up to
 * r round bucket (a, b); INFINITY when they hold the whole grid. */
static double ring_bound(const tf_seggrid *g, long a, long b, long r, double x, double y)
{
    double m = INFINITY;
    if (a - r > 0)
        m = fmin(m, x - (g->x0 + (double)(a - r) * g->cell));
    if (a + r < g->nx - 1)
        m = fmin(m, g->x0 + (double)(a + r + 1) * g->cell - x);
    if (b - r > 0)
        m = fmin(m, y - (g->y0 + (double)(b - r) * g->cell));
    if (b + r < g->ny - 1)
        m = fmin(m, g->y0 + (double)(b + r + 1) * g->cell - y);
    return m < 0 ? 0 : m;
}

/* Chebyshev distance, in buckets, to the nearest bucket holding a
 * segment: two passes of a chamfer transform (exact for this metric). */
void tf_seggrid_rings(tf_seggrid *g)
{
    long a, b, nx = g->nx, ny = g->ny;
    unsigned short *r;
    if (g->ring || !(r = tf_malloc((size_t)(nx * ny) * sizeof *r)))
        return;
#define RING(a, b) r[(size_t)((b) * nx + (a))]
#define LOWER(a, b, v) ((v) < RING(a, b) ? (void)(RING(a, b) = (v)) : (void)0)
    for (b = 0; b < ny; b++)
        for (a = 0; a < nx; a++) {
            RING(a, b) = g->start[(size_t)(b * nx + a)] < g->start[(size_t)(b * nx + a) + 1] ? 0 : 65535;
            if (b > 0) {
                LOWER(a, b, RING(a, b - 1) + 1 > 65535 ? 65535 : RING(a, b - 1) + 1);
                if (a > 0)
                    LOWER(a, b, RING(a - 1, b - 1) + 1 > 65535 ? 65535 : RING(a - 1, b - 1) + 1);
                if (a + 1 < nx)
                    LOWER(a, b, RING(a + 1, b - 1) + 1 > 65535 ? 65535 : RING(a + 1, b - 1) + 1);
            }
            if (a > 0)
                LOWER(a, b, RING(a - 1, b) + 1 > 65535 ? 65535 : RING(a - 1, b) + 1);
        }
    for (b = ny - 1; b >= 0; b--)
        for (a = nx - 1; a >= 0; a--) {
            if (b + 1 < ny) {
                LOWER(a, b, RING(a, b + 1) + 1 > 65535 ? 65535 : RING(a, b + 1) + 1);
                if (a > 0)
                    LOWER(a, b, RING(a - 1, b + 1) + 1 > 65535 ? 65535 : RING(a - 1, b + 1) + 1);
                if (a + 1 < nx)
                    LOWER(a, b, RING(a + 1, b + 1) + 1 > 65535 ? 65535 : RING(a + 1, b + 1) + 1);
            }
            if (a + 1 < nx)
                LOWER(a, b, RING(a + 1, b) + 1 > 65535 ? 65535 : RING(a + 1, b) + 1);
        }
#undef LOWER
#undef RING
    g->ring = r;
}

long tf_seggrid_nearest(const tf_seggrid *g, double x, double y, double maxd, const unsigned char *skip, long except,
                        double *t, double *d)
{
    long a, b, r, i, best = -1, r0 = 0;
    double bd = INFINITY, bt = 0, bound;
    if (!g->n || !isfinite(x) || !isfinite(y))
        return -1;
    a = clampl((x - g->x0) / g->cell, g->nx), b = clampl((y - g->y0) / g->cell, g->ny);
    /* inside the grid, the rings before the nearest bucket holding a
     * segment are empty, and that bucket is at least (ring - 1) buckets
     * away */
    if (g->ring && x >= g->x0 && y >= g->y0 && x < g->x0 + (double)g->nx * g->cell &&
        y < g->y0 + (double)g->ny * g->cell) {
        r0 = g->ring[(size_t)(b * g->nx + a)];
        if ((double)(r0 - 1) * g->cell > maxd)
            return -1;
    }
    for (r = r0;; r++) {
        if (r == 0) {
            search_bucket(g, a, b, x, y, skip, except, &best, &bd, &bt);
        } else {
            for (i = -r; i <= r; i++) { /* the ring's rows, then its columns */
                if (a + i < 0 || a + i >= g->nx)
                    continue;
                if (b - r >= 0)
                    search_bucket(g, a + i, b - r, x, y, skip, except, &best, &bd, &bt);
                if (b + r < g->ny)
                    search_bucket(g, a + i, b + r, x, y, skip, except, &best, &bd, &bt);
            }
            for (i = -r + 1; i <= r - 1; i++) {
                if (b + i < 0 || b + i >= g->ny)
                    continue;
                if (a - r >= 0)
                    search_bucket(g, a - r, b + i, x, y, skip, except, &best, &bd, &bt);
                if (a + r < g->nx)
                    search_bucket(g, a + r, b + i, x, y, skip, except, &best, &bd, &bt);
            }
        }
        bound = ring_bound(g, a, b, r, x, y);
        if (bd < bound * bound || bound > maxd || bound == INFINITY)
            break;
    }
    if (best < 0 || sqrt(bd) > maxd)
        return -1;
    *t = bt, *d = sqrt(bd);
    return best;
}

int tf_seggrid_visit(const tf_seggrid *g, const double env[4], int (*fn)(size_t i, void *user), void *user)
{
    long a, b, i0, i1, j0, j1;
    size_t k;
    int rc;
    if (!g->n || !(env[0] <= env[2]) || !(env[1] <= env[3]))
        return 0;
    if (env[2] < g->x0 || env[3] < g->y0 || env[0] > g->x0 + (double)g->nx * g->cell ||
        env[1] > g->y0 + (double)g->ny * g->cell)
        return 0;
    i0 = clampl((env[0] - g->x0) / g->cell, g->nx), i1 = clampl((env[2] - g->x0) / g->cell, g->nx);
    j0 = clampl((env[1] - g->y0) / g->cell, g->ny), j1 = clampl((env[3] - g->y0) / g->cell, g->ny);
    for (b = j0; b <= j1; b++)
        for (a = i0; a <= i1; a++)
            for (k = g->start[(size_t)(b * g->nx + a)]; k < g->start[(size_t)(b * g->nx + a) + 1]; k++)
                if ((rc = fn(g->idx[k], user)))
                    return rc;
    return 0;
}
