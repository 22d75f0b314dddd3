/* fastproj.c: see fastproj.h. */
#include "fastproj.h"

#include <math.h>
#include <stdlib.h>

/* Above this bound (metres) the lattice is not used: points far from any
 * edge by more than it are the rule only when it is tiny. */
#define MAX_BOUND 1e-4
/* Nodes per axis at most: a country in lon/lat at 0.02 degrees. */
#define MAX_NODES 512
/* Cells sampled to measure the error, at most. */
#define MAX_SAMPLED 4096

struct tf_fastproj {
    double x0, y0, h;  /* lattice origin and spacing, source CRS   */
    int nx, ny;        /* cells; nodes are (nx + 1) x (ny + 1)     */
    double *XY;        /* the nodes, transformed by PROJ: x, y pairs,
                          row by row (one cache line holds a few)  */
    double bound;      /* metres                                  */
};

void tf_fastproj_free(tf_fastproj *f)
{
    if (!f)
        return;
    tf_free(f->XY);
    tf_free(f);
}

double tf_fastproj_bound(const tf_fastproj *f) { return f->bound; }

/* Lagrange weights of the nodes at 0, 1 and 2 for t. */
static void weights(double t, double w[3])
{
    w[0] = (t - 1) * (t - 2) / 2;
    w[1] = t * (2 - t);
    w[2] = t * (t - 1) / 2;
}

/* The lattice cell's first node row and column for (x, y), or 0. */
static int place(const tf_fastproj *f, double x, double y, double *u, double *v, int *i0, int *j0)
{
    *u = (x - f->x0) / f->h, *v = (y - f->y0) / f->h;
    if (!(*u >= 0 && *u <= f->nx && *v >= 0 && *v <= f->ny))
        return 0;
    /* the three nodes nearest the point along each axis */
    *i0 = (int)floor(*u + 0.5) - 1;
    *j0 = (int)floor(*v + 0.5) - 1;
    *i0 = *i0 < 0 ? 0 : *i0 > f->nx - 2 ? f->nx - 2 : *i0;
    *j0 = *j0 < 0 ? 0 : *j0 > f->ny - 2 ? f->ny - 2 : *j0;
    return 1;
}

void tf_fastproj_prefetch(const tf_fastproj *f, double x, double y)
{
    double u, v;
    int i0, j0, j;
    if (!place(f, x, y, &u, &v, &i0, &j0))
        return;
    for (j = 0; j < 3; j++)
        __builtin_prefetch(&f->XY[2 * ((size_t)(j0 + j) * (size_t)(f->nx + 1) + (size_t)i0)]);
}

int tf_fastproj_xy(const tf_fastproj *f, double *x, double *y)
{
    double u, v, wu[3], wv[3], X = 0, Y = 0;
    int i0, j0, i, j;
    if (!place(f, *x, *y, &u, &v, &i0, &j0))
        return 0;
    weights(u - i0, wu);
    weights(v - j0, wv);
    for (j = 0; j < 3; j++) {
        const double *r = &f->XY[2 * ((size_t)(j0 + j) * (size_t)(f->nx + 1) + (size_t)i0)];
        double sx = 0, sy = 0;
        for (i = 0; i < 3; i++) {
            sx += wu[i] * r[2 * i];
            sy += wu[i] * r[2 * i + 1];
        }
        X += wv[j] * sx;
        Y += wv[j] * sy;
    }
    *x = X;
    *y = Y;
    return 1;
}

int tf_fastproj_line(const tf_fastproj *f, double y, double x0, double dx, size_t n, double *X, double *Y)
{
    double ua, va, ub, vb, wv[3], comb[2 * 3] = {0}, u, wu[3], du = dx / f->h;
    int ia, ja, ib, jb, i0 = -1, j;
    size_t k;
    if (n == 0)
        return 1;
    if (!place(f, x0, y, &ua, &va, &ia, &ja) || !place(f, x0 + (double)(n - 1) * dx, y, &ub, &vb, &ib, &jb))
        return 0;
    weights(va - ja, wv);
    for (k = 0; k < n; k++) {
        int i;
        u = ua + (double)k * du;
        i = (int)(u + 0.5) - 1; /* u >= 0: truncation is floor */
        i = i < 0 ? 0 : i > f->nx - 2 ? f->nx - 2 : i;
        if (i != i0) { /* the three columns' nodes, combined along the line */
            i0 = i;
            for (int c = 0; c < 3; c++) {
                double sx = 0, sy = 0;
                for (j = 0; j < 3; j++) {
                    const double *r = &f->XY[2 * ((size_t)(ja + j) * (size_t)(f->nx + 1) + (size_t)(i0 + c))];
                    sx += wv[j] * r[0];
                    sy += wv[j] * r[1];
                }
                comb[2 * c] = sx, comb[2 * c + 1] = sy;
            }
        }
        weights(u - i0, wu);
        X[k] = wu[0] * comb[0] + wu[1] * comb[2] + wu[2] * comb[4];
        Y[k] = wu[0] * comb[1] + wu[1] * comb[3] + wu[2] * comb[5];
    }
    return 1;
}

taafi_status tf_fastproj_new(taafi_ctx *ctx, const tf_reproj *to, double x0, double y0, double x1, double y1,
                             double step, tf_fastproj **out)
{
    tf_fastproj *f = NULL;
    double *sx = NULL, *sy = NULL, *ex = NULL, *ey = NULL, *nx_ = NULL, *ny_ = NULL, worst = 0, w, hgt;
    size_t n_nodes, k, n_s = 0;
    int i, j, stride;
    *out = NULL;
    w = x1 - x0, hgt = y1 - y0;
    if (!(w > 0 && hgt > 0 && step > 0))
        return TAAFI_OK;
    f = tf_calloc(1, sizeof *f);
    if (!f)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    f->h = fmax(step, fmax(w, hgt) / MAX_NODES);
    f->nx = (int)ceil(w / f->h), f->ny = (int)ceil(hgt / f->h);
    f->nx = f->nx < 2 ? 2 : f->nx, f->ny = f->ny < 2 ? 2 : f->ny;
    f->x0 = x0, f->y0 = y0;
    n_nodes = (size_t)(f->nx + 1) * (size_t)(f->ny + 1);
    f->XY = tf_malloc(2 * n_nodes * sizeof *f->XY);
    nx_ = tf_malloc(n_nodes * sizeof *nx_);
    ny_ = tf_malloc(n_nodes * sizeof *ny_);
    stride = (int)ceil(sqrt((double)f->nx * f->ny / MAX_SAMPLED));
    stride = stride < 1 ? 1 : stride;
    /* five points per sampled cell: its centre, the middles of its west and
     * south sides, and two off-centre points */
    k = 5 * ((size_t)(f->nx / stride + 1) * (size_t)(f->ny / stride + 1));
    sx = tf_malloc(k * sizeof *sx), sy = tf_malloc(k * sizeof *sy), ex = tf_malloc(k * sizeof *ex), ey = tf_malloc(k * sizeof *ey);
    if (!f->XY || !nx_ || !ny_ || !sx || !sy || !ex || !ey) {
        tf_fastproj_free(f);
        f = NULL;
        tf_free(sx), tf_free(sy), tf_free(ex), tf_free(ey), tf_free(nx_), tf_free(ny_);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (j = 0; j <= f->ny; j++)
        for (i = 0; i <= f->nx; i++) {
            nx_[(size_t)j * (size_t)(f->nx + 1) + (size_t)i] = x0 + i * f->h;
            ny_[(size_t)j * (size_t)(f->nx + 1) + (size_t)i] = y0 + j * f->h;
        }
    /* a node PROJ cannot transform: no lattice (every point goes to PROJ) */
    if (tf_reproj_xy(ctx, to, nx_, ny_, n_nodes) != TAAFI_OK)
        goto none;
    for (k = 0; k < n_nodes; k++)
        f->XY[2 * k] = nx_[k], f->XY[2 * k + 1] = ny_[k];
    for (j = 0; j < f->ny; j += stride)
        for (i = 0; i < f->nx; i += stride) {
            static const double du[5] = {0.5, 0.0, 0.5, 0.25, 0.75}, dv[5] = {0.5, 0.5, 0.0, 0.75, 0.25};
            for (int q = 0; q < 5; q++, n_s++) {
                sx[n_s] = ex[n_s] = x0 + (i + du[q]) * f->h;
                sy[n_s] = ey[n_s] = y0 + (j + dv[q]) * f->h;
            }
        }
    if (tf_reproj_xy(ctx, to, ex, ey, n_s) != TAAFI_OK)
        goto none;
    for (k = 0; k < n_s; k++) {
        if (!tf_fastproj_xy(f, &sx[k], &sy[k]))
            goto none;
        worst = fmax(worst, hypot(sx[k] - ex[k], sy[k] - ey[k]));
    }
    f->bound = 4 * worst + 1e-9;
    if (!(f->bound <= MAX_BOUND))
        goto none;
    tf_free(sx), tf_free(sy), tf_free(ex), tf_free(ey), tf_free(nx_), tf_free(ny_);
    *out = f;
    return TAAFI_OK;
none:
    tf_lib_error_clear(ctx);
    tf_free(sx), tf_free(sy), tf_free(ex), tf_free(ey), tf_free(nx_), tf_free(ny_);
    tf_fastproj_free(f);
    return TAAFI_OK;
}
