/* locate.c: points to areas by grid, stripes and exact-or-deferred
 * crossing counts (see locate.h). */
#include "locate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Edges of one area, filed by horizontal stripes of its envelope: a point's
 * ray to +x meets only edges whose y-range holds the point's y, and all of
 * those are in the point's stripe. */
typedef struct loc_area {
    double x0, y0, x1, y1; /* envelope; x0 > x1 when empty                */
    double h;              /* stripe height (m)                           */
    size_t ns;             /* stripes; 0: not polygonal, ask for it       */
    size_t edge;           /* first edge, in l->edge (4 doubles each)     */
    size_t stripe;         /* first stripe offset, in l->sstart (ns + 1)  */
} loc_area;

struct tf_locator {
    size_t n;
    loc_area *a;
    double *edge; /* ax ay bx by, per edge                                */
    size_t n_edge, cap_edge;
    size_t *sstart; /* per area, ns + 1 offsets into sidx                 */
    size_t n_sstart;
    uint32_t *sidx; /* edge numbers, relative to the area's first edge   */
    /* the grid of cells over all envelopes; each cell names, ascending,
     * the areas that hold part of it, and which hold all of it */
    double gx0, gy0, gw, gh;
    size_t gnx, gny;
    double ex0, ey0, ex1, ey1; /* envelope of all areas: nothing outside */
    double eps;                /* how far cells' rectangles were widened */
    uint32_t *gcell; /* per cell: see CELL_* below                        */
    uint32_t *glist; /* cells of several areas: count, then entries      */
};

/* Grid and stripe cells by the same monotone arithmetic on both sides
 * (filing and lookup), so that a value inside a range always lands in a
 * cell the range was filed under. */
static size_t cell_of(double v, double v0, double step, size_t n)
{
    double c = floor((v - v0) / step);
    return c <= 0 || c != c ? 0 : c >= (double)(n - 1) ? n - 1 : (size_t)c;
}

void tf_locator_free(tf_locator *l)
{
    if (!l)
        return;
    tf_free(l->a);
    tf_free(l->edge);
    tf_free(l->sstart);
    tf_free(l->sidx);
    tf_free(l->gcell);
    tf_free(l->glist);
    tf_free(l);
}

static int add_ring(tf_locator *l, GEOSContextHandle_t h, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, ring);
    unsigned n = 0, i;
    double px = 0, py = 0;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n))
        return 0;
    if (n < 2)
        return 1;
    if (l->n_edge + n > l->cap_edge) {
        size_t cap = l->cap_edge ? l->cap_edge : 1024;
        double *v;
        while (cap < l->n_edge + n)
            cap *= 2;
        if (!(v = tf_realloc(l->edge, cap * 4 * sizeof *v)))
            return 0;
        l->edge = v;
        l->cap_edge = cap;
    }
    for (i = 0; i < n; i++) {
        double x, y;
        if (!GEOSCoordSeq_getXY_r(h, s, i, &x, &y))
            return 0;
        if (i > 0 && (x != px || y != py)) {
            double *e = &l->edge[4 * l->n_edge++];
            e[0] = px, e[1] = py, e[2] = x, e[3] = y;
        }
        px = x, py = y;
    }
    return 1;
}

/* Collects the rings of a polygonal geometry; -1 if it is not polygonal
 * (the area is then always asked about), 0 on failure. */
static int collect(tf_locator *l, GEOSContextHandle_t h, const GEOSGeometry *g)
{
    int t = GEOSGeomTypeId_r(h, g), i, n;
    if (t == GEOS_POLYGON) {
        if (!add_ring(l, h, GEOSGetExteriorRing_r(h, g)))
            return 0;
        n = GEOSGetNumInteriorRings_r(h, g);
        for (i = 0; i < n; i++)
            if (!add_ring(l, h, GEOSGetInteriorRingN_r(h, g, i)))
                return 0;
        return 1;
    }
    if (t == GEOS_MULTIPOLYGON) {
        n = GEOSGetNumGeometries_r(h, g);
        for (i = 0; i < n; i++) {
            int k = collect(l, h, GEOSGetGeometryN_r(h, g, i));
            if (k != 1)
                return k;
        }
        return 1;
    }
    return -1;
}

/* Files the area's edges by stripes; about one stripe per edge. */
static int stripes(tf_locator *l, loc_area *a, size_t n_edge)
{
    size_t ns = n_edge < 1 ? 1 : n_edge > 65536 ? 65536 : n_edge, i, k, total = 0;
    size_t *start, *fill;
    uint32_t *idx;
    if (l->n_sstart + ns + 1 > (size_t)-1 / sizeof *start)
        return 0;
    if (!(start = tf_realloc(l->sstart, (l->n_sstart + ns + 1) * sizeof *start)))
        return 0;
    l->sstart = start;
    a->ns = ns;
    a->stripe = l->n_sstart;
    a->h = (a->y1 - a->y0) / (double)ns;
    if (!(a->h > 0))
        a->h = 1, a->ns = ns = 1;
    start += a->stripe;
    memset(start, 0, (ns + 1) * sizeof *start);
    for (i = 0; i < n_edge; i++) {
        const double *e = &l->edge[4 * (a->edge + i)];
        size_t s0 = cell_of(fmin(e[1], e[3]), a->y0, a->h, ns), s1 = cell_of(fmax(e[1], e[3]), a->y0, a->h, ns);
        for (k = s0; k <= s1; k++)
            start[k + 1]++;
        total += s1 - s0 + 1;
    }
    /* offsets are absolute in sidx, which grows area by area */
    {
        size_t base = l->n_sstart ? l->sstart[l->n_sstart - 1] : 0; /* sidx used so far */
        uint32_t *v;
        if (!(v = tf_realloc(l->sidx, (base + total + 1) * sizeof *v)))
            return 0;
        l->sidx = v;
        start[0] = base;
        for (k = 1; k <= ns; k++)
            start[k] += start[k - 1];
        if (!(fill = tf_calloc(ns, sizeof *fill)))
            return 0;
        idx = l->sidx;
        for (i = 0; i < n_edge; i++) {
            const double *e = &l->edge[4 * (a->edge + i)];
            size_t s0 = cell_of(fmin(e[1], e[3]), a->y0, a->h, ns), s1 = cell_of(fmax(e[1], e[3]), a->y0, a->h, ns);
            for (k = s0; k <= s1; k++)
                idx[start[k] + fill[k]++] = (uint32_t)i;
        }
        tf_free(fill);
    }
    l->n_sstart += ns + 1;
    return 1;
}

/* A grid entry: the area's number, with FULL_CELL set when the cell lies
 * wholly inside the area (no test needed).  A cell is one 32-bit word, so
 * that the grid of a few thousand areas stays in the processor's cache
 * while a million points in no order ask it: its top two bits say
 * whether it holds one area to test (CELL_ONE), one area it lies wholly in
 * (CELL_ONE_FULL), several (CELL_LIST: the low bits are their offset in
 * glist, which holds their count and then their entries in ascending
 * order), or none (CELL_NONE). */
#define FULL_CELL 0x80000000u
#define CELL_KIND 0xC0000000u
#define CELL_ONE 0x00000000u
#define CELL_ONE_FULL 0x40000000u
#define CELL_LIST 0x80000000u
#define CELL_NONE 0xC0000000u
#define CELL_VALUE 0x3FFFFFFFu

enum { CELL_OUT, CELL_FULL, CELL_TEST };

/* How area i stands to the rectangle [rx0, rx1] x [ry0, ry1]: if no edge's
 * box meets it, the rectangle is wholly on one side of the boundary, which
 * its centre tells; else it must be tested point by point. */
static int cell_class(const tf_locator *l, size_t i, double rx0, double ry0, double rx1, double ry1)
{
    const loc_area *a = &l->a[i];
    const double *edges;
    const size_t *start;
    size_t s, s0, s1, k;
    int in;
    if (a->x0 > a->x1 || rx1 < a->x0 || rx0 > a->x1 || ry1 < a->y0 || ry0 > a->y1)
        return CELL_OUT;
    if (a->ns == 0)
        return CELL_TEST;
    edges = &l->edge[4 * a->edge];
    start = &l->sstart[a->stripe];
    s0 = cell_of(ry0, a->y0, a->h, a->ns), s1 = cell_of(ry1, a->y0, a->h, a->ns);
    for (s = s0; s <= s1; s++)
        for (k = start[s]; k < start[s + 1]; k++) {
            const double *e = &edges[4 * (size_t)l->sidx[k]];
            if (fmax(e[0], e[2]) >= rx0 && fmin(e[0], e[2]) <= rx1 && fmax(e[1], e[3]) >= ry0 &&
                fmin(e[1], e[3]) <= ry1)
                return CELL_TEST;
        }
    in = tf_locator_test(l, i, (rx0 + rx1) / 2, (ry0 + ry1) / 2);
    return in > 0 ? CELL_FULL : in == 0 ? CELL_OUT : CELL_TEST;
}

/* The grid's extent (the areas' envelopes') and size: about sixteen
 * cells per area, square-ish, so that most points fall in a cell wholly
 * inside one area; halved while the filing would grow past 64 entries per
 * area (huge overlapping envelopes).  *total: the entries filed. */
static void grid_size(tf_locator *l, size_t *total)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY, w, h;
    size_t i, cells;
    for (i = 0; i < l->n; i++)
        if (l->a[i].x0 <= l->a[i].x1) {
            x0 = fmin(x0, l->a[i].x0), y0 = fmin(y0, l->a[i].y0);
            x1 = fmax(x1, l->a[i].x1), y1 = fmax(y1, l->a[i].y1);
        }
    if (!(x0 <= x1)) { /* no area at all: one empty cell, nothing inside */
        x0 = y0 = 0, x1 = y1 = -1;
    }
    l->ex0 = x0, l->ey0 = y0, l->ex1 = x1, l->ey1 = y1;
    w = fmax(x1 - x0, 1e-3), h = fmax(y1 - y0, 1e-3);
    cells = 16 * (l->n ? l->n : 1);
    for (;;) {
        l->gnx = (size_t)ceil(sqrt((double)cells * w / h));
        l->gnx = l->gnx < 1 ? 1 : l->gnx > 4096 ? 4096 : l->gnx;
        l->gny = (cells + l->gnx - 1) / l->gnx;
        l->gny = l->gny < 1 ? 1 : l->gny > 4096 ? 4096 : l->gny;
        l->gx0 = x0, l->gy0 = y0, l->gw = w / (double)l->gnx, l->gh = h / (double)l->gny;
        *total = 0;
        for (i = 0; i < l->n; i++)
            if (l->a[i].x0 <= l->a[i].x1)
                *total += (cell_of(l->a[i].x1, x0, l->gw, l->gnx) - cell_of(l->a[i].x0, x0, l->gw, l->gnx) + 1) *
                          (cell_of(l->a[i].y1, y0, l->gh, l->gny) - cell_of(l->a[i].y0, y0, l->gh, l->gny) + 1);
        if (*total <= 64 * l->n + cells || cells <= 1)
            break;
        cells /= 2;
    }
    /* a cell's rectangle, widened by far more than the rounding of the
     * arithmetic that files a point in it */
    l->eps = 1e-9 * (fabs(x0) + fabs(y0) + w + h) + 1e-9;
}

/* After the first filing pass: room in glist for the cells that hold
 * several areas (a count, then the entries), the others marked; 0: no
 * memory or too many entries. */
static int make_lists(tf_locator *l, const size_t *n_in, size_t cells)
{
    size_t at = 0, i;
    for (i = 0; i < cells; i++)
        if (n_in[i] > 1)
            at += 1 + n_in[i];
    if (at > CELL_VALUE || !(l->glist = tf_calloc(at + 1, sizeof *l->glist)))
        return 0;
    for (i = 0, at = 0; i < cells; i++) {
        if (n_in[i] == 0)
            l->gcell[i] = CELL_NONE;
        else if (n_in[i] > 1) {
            l->gcell[i] = CELL_LIST | (uint32_t)at; /* its count, glist[at], fills up */
            at += 1 + n_in[i];
        }
    }
    return 1;
}

/* Files area i in the cells its envelope touches: pass 0 classifies each
 * (cls, from entry *k on) and counts the areas per cell; pass 1 files the
 * area in the cells it touches, in ascending order of areas. */
static void file_area(tf_locator *l, size_t i, int pass, unsigned char *cls, size_t *n_in, size_t *k)
{
    const loc_area *a = &l->a[i];
    double x0 = l->gx0, y0 = l->gy0, eps = l->eps;
    size_t cx0, cx1, cy0, cy1, cx, cy;
    if (a->x0 > a->x1)
        return;
    cx0 = cell_of(a->x0, x0, l->gw, l->gnx), cx1 = cell_of(a->x1, x0, l->gw, l->gnx);
    cy0 = cell_of(a->y0, y0, l->gh, l->gny), cy1 = cell_of(a->y1, y0, l->gh, l->gny);
    for (cy = cy0; cy <= cy1; cy++)
        for (cx = cx0; cx <= cx1; cx++, (*k)++) {
            size_t c = cy * l->gnx + cx;
            uint32_t e;
            if (pass == 0) {
                cls[*k] = (unsigned char)cell_class(l, i, x0 + (double)cx * l->gw - eps, y0 + (double)cy * l->gh - eps,
                                                    x0 + (double)(cx + 1) * l->gw + eps,
                                                    y0 + (double)(cy + 1) * l->gh + eps);
                n_in[c] += cls[*k] != CELL_OUT;
                continue;
            }
            if (cls[*k] == CELL_OUT)
                continue;
            e = (uint32_t)i | (cls[*k] == CELL_FULL ? FULL_CELL : 0);
            if (n_in[c] == 1) /* ascending: areas in order */
                l->gcell[c] = (cls[*k] == CELL_FULL ? CELL_ONE_FULL : CELL_ONE) | (uint32_t)i;
            else
                l->glist[(l->gcell[c] & CELL_VALUE) + 1 + l->glist[l->gcell[c] & CELL_VALUE]++] = e;
        }
}

static int grid(tf_locator *l)
{
    size_t i, cells, total, k, *n_in = NULL;
    unsigned char *cls = NULL;
    int ok = 0;
    grid_size(l, &total);
    cells = l->gnx * l->gny;
    if ((n_in = tf_calloc(cells, sizeof *n_in)) && (cls = tf_malloc(total + 1)) &&
        (l->gcell = tf_malloc(cells * sizeof *l->gcell))) {
        for (i = 0, k = 0; i < l->n; i++)
            file_area(l, i, 0, cls, n_in, &k);
        if ((ok = make_lists(l, n_in, cells)))
            for (i = 0, k = 0; i < l->n; i++)
                file_area(l, i, 1, cls, n_in, &k);
    }
    tf_free(cls);
    tf_free(n_in);
    return ok;
}

taafi_status tf_locator_new(taafi_ctx *ctx, GEOSGeometry *const *geom, size_t n, tf_locator **out)
{
    GEOSContextHandle_t h = ctx->geos;
    tf_locator *l = tf_calloc(1, sizeof *l);
    size_t i;
    *out = NULL;
    if (!l || n > CELL_VALUE || !(l->a = tf_calloc(n ? n : 1, sizeof *l->a)))
        goto nomem;
    l->n = n;
    for (i = 0; i < n; i++) {
        loc_area *a = &l->a[i];
        size_t before = l->n_edge;
        int k;
        a->x0 = 1, a->x1 = 0; /* empty */
        a->edge = before;
        if (GEOSisEmpty_r(h, geom[i]) != 0)
            continue;
        GEOSGeom_getXMin_r(h, geom[i], &a->x0), GEOSGeom_getXMax_r(h, geom[i], &a->x1);
        GEOSGeom_getYMin_r(h, geom[i], &a->y0), GEOSGeom_getYMax_r(h, geom[i], &a->y1);
        if ((k = collect(l, h, geom[i])) == 0)
            goto nomem;
        if (k < 0 || l->n_edge - before > UINT32_MAX) {
            l->n_edge = before; /* not polygonal: always asked about */
            a->ns = 0;
            continue;
        }
        if (!stripes(l, a, l->n_edge - before))
            goto nomem;
    }
    if (!grid(l))
        goto nomem;
    *out = l;
    return TAAFI_OK;
nomem:
    tf_locator_free(l);
    return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory indexing the areas");
}

/* Shewchuk's bound on the error of the orientation determinant computed
 * in doubles (orient2dfast): a |det| above it has the sign of the exact
 * determinant.  Taken with a margin. */
#define ORIENT_ERRBOUND 4.0e-16

/* The test for a point known within d (0: exactly); see locate.h. */
static int test_near(const tf_locator *l, size_t i, double x, double y, double d)
{
    const loc_area *a = &l->a[i];
    const double *edges;
    const size_t *start;
    size_t s, k;
    int inside = 0;
    if (a->x0 > a->x1 || x < a->x0 - d || x > a->x1 + d || y < a->y0 - d || y > a->y1 + d)
        return 0; /* off the envelope: off the polygon and its boundary */
    if (a->ns == 0)
        return -1;
    if (d > 0 && (x < a->x0 + d || x > a->x1 - d || y < a->y0 + d || y > a->y1 - d))
        return -1; /* near the envelope's edge: let the exact test say */
    edges = &l->edge[4 * a->edge];
    start = &l->sstart[a->stripe];
    s = cell_of(y, a->y0, a->h, a->ns);
    if (d > 0 && (s != cell_of(y - d, a->y0, a->h, a->ns) || s != cell_of(y + d, a->y0, a->h, a->ns)))
        return -1; /* the stripe itself is in doubt */
    for (k = start[s]; k < start[s + 1]; k++) {
        const double *e = &edges[4 * (size_t)l->sidx[k]];
        double ax = e[0] - x, ay = e[1] - y, bx = e[2] - x, by = e[3] - y, left, right, det;
        if ((ay > d && by > d) || (ay < -d && by < -d))
            continue; /* the edge's y-range misses the point's */
        if (d > 0 && (fabs(ay) <= d || fabs(by) <= d))
            return -1; /* a vertex near the point's height: which edges cross its ray is in doubt */
        left = ax * by, right = ay * bx, det = left - right;
        /* moving the point by d changes det by at most d |b - a| */
        if (fabs(det) <= ORIENT_ERRBOUND * (fabs(left) + fabs(right)) + d * (fabs(bx - ax) + fabs(by - ay)))
            return -1; /* on the edge's line, or too near to tell */
        /* half-open in y, so that a vertex on the ray counts once */
        if ((ay > 0) != (by > 0) && ((det > 0) == (by > 0)))
            inside = !inside;
    }
    return inside;
}

int tf_locator_test(const tf_locator *l, size_t i, double x, double y) { return test_near(l, i, x, y, 0); }

void tf_locator_prefetch(const tf_locator *l, double x, double y)
{
    if (x >= l->ex0 && x <= l->ex1 && y >= l->ey0 && y <= l->ey1)
        __builtin_prefetch(&l->gcell[cell_of(y, l->gy0, l->gh, l->gny) * l->gnx + cell_of(x, l->gx0, l->gw, l->gnx)]);
}

/* One test of area i, settled by `ask` when given; else -1 stays. */
static int settle(const tf_locator *l, size_t i, double x, double y, double d, tf_locate_ask ask, void *user)
{
    int in = test_near(l, i, x, y, d);
    return in < 0 && ask ? ask(i, x, y, user) : in;
}

/* tf_locator_find (d = 0, ask given) and tf_locator_find_near (d > 0, no
 * ask: -2 when in doubt). */
static long find(const tf_locator *l, double x, double y, double d, tf_locate_ask ask, void *user)
{
    uint32_t cell;
    const uint32_t *list;
    size_t k, n;
    int in;
    /* beyond every area (and off the grid, whose edge cells would take it) */
    if (!(x >= l->ex0 - d && x <= l->ex1 + d && y >= l->ey0 - d && y <= l->ey1 + d))
        return -1;
    if (d > 0 && !(x >= l->ex0 + d && x <= l->ex1 - d && y >= l->ey0 + d && y <= l->ey1 - d))
        return -2;
    cell = l->gcell[cell_of(y, l->gy0, l->gh, l->gny) * l->gnx + cell_of(x, l->gx0, l->gw, l->gnx)];
    switch (cell & CELL_KIND) {
    case CELL_NONE:
        return -1;
    case CELL_ONE_FULL:
        return (long)(cell & CELL_VALUE);
    case CELL_ONE:
        in = settle(l, cell & CELL_VALUE, x, y, d, ask, user);
        return in < 0 ? -2 : in > 0 ? (long)(cell & CELL_VALUE) : -1;
    default:
        break;
    }
    list = &l->glist[cell & CELL_VALUE];
    for (k = 1, n = list[0]; k <= n; k++) {
        uint32_t e = list[k];
        size_t i = e & ~FULL_CELL;
        if (e & FULL_CELL)
            return (long)i;
        if ((in = settle(l, i, x, y, d, ask, user)) < 0)
            return -2;
        if (in > 0)
            return (long)i;
    }
    return -1;
}

long tf_locator_find_near(const tf_locator *l, double x, double y, double d)
{
    /* a FULL cell holds every point within its widened rectangle: d must
     * stay well inside that widening */
    if (!(d >= 0 && d <= l->eps / 2))
        return -2;
    return find(l, x, y, d, NULL, NULL);
}

long tf_locator_find(const tf_locator *l, double x, double y, tf_locate_ask ask, void *user)
{
    long a = find(l, x, y, 0, ask, user);
    return a < -1 ? -1 : a; /* ask answers every doubt: -2 cannot come */
}
