/*
 * raster_cells.c: exact cell-coverage fractions (tf_raster_cells).
 *
 * The polygon is transformed into the raster's CRS (the area moves, not the
 * raster: resampling counts would smear them).  Its bounding box gives a
 * window of cells, read a chunk of rows at a time.  The polygon's rings are
 * clipped to each slab of rows, then to each row's band, and the exact
 * area of polygon-within-cell of every cell of the row comes from the
 * band's area left of every column boundary, so that a cell's fraction is
 * that area over the cell's.  The centres of covered cells, when asked
 * for, come from the PROJ lattice or from transformed anchors.
 */
#include "raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * Cell centres: PROJ transforms every XY_STEP-th centre of a row (the
 * anchors) and the centres between are interpolated by the parabola
 * through three neighbouring anchors.  Along a parallel the projection
 * bends; measured for 0.002-degree cells in UTM 37N (31.5-37.4 N, up to
 * 3 degrees off the central meridian), a straight line between anchors 8
 * cells apart is off by 3 cm, the parabola over 32 cells by 0.03 mm.  The
 * anchors never lie further apart than ANCHOR_SPAN_DEG (ANCHOR_SPAN_M in
 * a projected raster), so that coarser rasters keep that precision: the
 * error grows with the cube of the span.
 */
#define XY_STEP 16
#define ANCHOR_SPAN_DEG 0.032
#define ANCHOR_SPAN_M 3500.0

typedef struct ring {
    double *x, *y;
    size_t n;
    double sign;
    /* the ring clipped to the current slab of rows (see SLAB_ROWS): sn
     * vertices, room for scap */
    double *sx, *sy;
    size_t sn, scap;
} ring;

/* Rows are clipped from the ring's part in their slab of SLAB_ROWS rows,
 * not from the whole ring: with real boundaries (a vertex every few tens
 * of metres, a thousand and more per area) clipping every row from the
 * whole ring cost rows x vertices. */
#define SLAB_ROWS 16

typedef struct rings {
    ring *r;
    size_t n, cap;
    double *bx, *by, *tx, *ty; /* scratch: a row's band, clipped twice */
    size_t scratch;                        /* capacity of each scratch array */
} rings;

/* Makes room for at least `need` doubles in each of the `n` arrays
 * (capacity *cap); 0 when memory ran out. */
static int room(double **const *arrays, int n, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 1;
    need += need / 2; /* some slack: slabs differ */
    for (int k = 0; k < n; k++) {
        double *v = tf_realloc(*arrays[k], need * sizeof *v);
        if (!v)
            return 0;
        *arrays[k] = v;
    }
    *cap = need;
    return 1;
}

static void rings_free(rings *rs)
{
    size_t i;
    for (i = 0; i < rs->n; i++) {
        tf_free(rs->r[i].x);
        tf_free(rs->r[i].y);
        tf_free(rs->r[i].sx);
        tf_free(rs->r[i].sy);
    }
    tf_free(rs->r);
    tf_free(rs->bx), tf_free(rs->by), tf_free(rs->tx), tf_free(rs->ty);
}

static double shoelace(const double *x, const double *y, size_t n)
{
    double a = 0;
    size_t i;
    for (i = 0; i + 1 < n; i++)
        a += x[i] * y[i + 1] - x[i + 1] * y[i];
    if (n > 2)
        a += x[n - 1] * y[0] - x[0] * y[n - 1];
    return a / 2;
}

/* Rings are stored relative to (x0, y0), the window's corner: shoelace
 * sums of raw coordinates (a UTM northing of 3.8 million metres, say) lose
 * to cancellation the precision a cell's area needs. */
static int add_ring(rings *rs, const GEOSContextHandle_t h, const GEOSGeometry *lr, int hole, double x0, double y0)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(h, lr);
    unsigned n = 0, i;
    ring *r;
    if (!s || !GEOSCoordSeq_getSize_r(h, s, &n) || n < 4)
        return 1; /* nothing to add */
    if (rs->n == rs->cap) {
        size_t cap = rs->cap ? rs->cap * 2 : 8;
        ring *v = tf_realloc(rs->r, cap * sizeof *v);
        if (!v)
            return 0;
        rs->r = v;
        rs->cap = cap;
    }
    r = &rs->r[rs->n];
    r->n = n - 1; /* the closing point is implicit */
    r->x = tf_malloc(sizeof *r->x * n);
    r->y = tf_malloc(sizeof *r->y * n);
    r->scap = r->sn = 0; /* the slab's part: room made as it is clipped */
    r->sx = r->sy = NULL;
    if (!r->x || !r->y) {
        tf_free(r->x);
        tf_free(r->y);
        return 0;
    }
    for (i = 0; i < n - 1; i++) {
        GEOSCoordSeq_getXY_r(h, s, i, &r->x[i], &r->y[i]);
        r->x[i] -= x0;
        r->y[i] -= y0;
    }
    r->sign = (hole ? -1.0 : 1.0) * (shoelace(r->x, r->y, r->n) < 0 ? -1.0 : 1.0);
    rs->n++;
    /* scratch room for a clip of the ring by a half-plane (at most 2n
     * vertices: each edge gives at most two) and a second clip of that;
     * a row's band, clipped twice from its slab's part, makes room of its
     * own when that part is bigger */
    {
        double **scr[4] = {&rs->bx, &rs->by, &rs->tx, &rs->ty};
        return room(scr, 4, &rs->scratch, 4 * (size_t)n + 8);
    }
}

static int collect(rings *rs, GEOSContextHandle_t h, const GEOSGeometry *g, double x0, double y0)
{
    int t = GEOSGeomTypeId_r(h, g), i, n;
    if (t == GEOS_POLYGON) {
        if (!add_ring(rs, h, GEOSGetExteriorRing_r(h, g), 0, x0, y0))
            return 0;
        n = GEOSGetNumInteriorRings_r(h, g);
        for (i = 0; i < n; i++)
            if (!add_ring(rs, h, GEOSGetInteriorRingN_r(h, g, i), 1, x0, y0))
                return 0;
    } else if (t == GEOS_MULTIPOLYGON || t == GEOS_GEOMETRYCOLLECTION) {
        n = GEOSGetNumGeometries_r(h, g);
        for (i = 0; i < n; i++)
            if (!collect(rs, h, GEOSGetGeometryN_r(h, g, i), x0, y0))
                return 0;
    }
    return 1; /* points and lines cover nothing */
}

/* Clips the polygon (x, y, n) to the half-plane k * v >= k * c, where v is
 * x (axis 0) or y (axis 1); writes it to (ox, oy) and returns its size. */
static size_t clip(const double *x, const double *y, size_t n, int axis, double c, double k, double *ox, double *oy)
{
    size_t i, m = 0;
    for (i = 0; i < n; i++) {
        size_t j = (i + 1) % n;
        double vi = axis ? y[i] : x[i], vj = axis ? y[j] : x[j];
        int in_i = k * vi >= k * c, in_j = k * vj >= k * c;
        if (in_i) {
            ox[m] = x[i];
            oy[m] = y[i];
            m++;
        }
        if (in_i != in_j) {
            double t = (c - vi) / (vj - vi);
            ox[m] = axis ? x[i] + t * (x[j] - x[i]) : c;
            oy[m] = axis ? c : y[i] + t * (y[j] - y[i]);
            m++;
        }
    }
    return m;
}

/*
 * Adds sign x A(col * cw) to F[col], for col = 0..w, where A(c) is the
 * signed area of the polygon (x, y, n) left of the line x = c.  By Green's
 * theorem A(c) = -(integral of y dx) over the polygon's boundary left of
 * the line, and the line's own stretch adds nothing there (dx = 0): so
 * each edge adds, at every column boundary, the trapezoid under its part
 * left of it: nothing left of the edge, a growing part across it, and its
 * whole trapezoid from its right end on (through the running sum D, w + 2
 * doubles, zeroed here).  One pass over the edges and the columns they
 * span, where clipping the band at every column boundary cost a clip and
 * a shoelace per column.
 */
static void band_areas(const double *x, const double *y, size_t n, double cw, int w, double sign, double *F,
                       double *D)
{
    size_t i;
    int col;
    double acc = 0;
    for (col = 0; col <= w + 1; col++)
        D[col] = 0;
    for (i = 0; i < n; i++) {
        size_t j = i + 1 == n ? 0 : i + 1;
        double x1 = x[i], y1 = y[i], x2 = x[j], y2 = y[j], lo, hi, ylo, yhi, s, slope;
        int ca, cb;
        if (x1 == x2)
            continue; /* vertical: dx = 0 */
        s = x2 > x1 ? 1.0 : -1.0;
        lo = x2 > x1 ? x1 : x2, hi = x2 > x1 ? x2 : x1;
        ylo = x2 > x1 ? y1 : y2, yhi = x2 > x1 ? y2 : y1;
        slope = (yhi - ylo) / (hi - lo);
        /* the boundaries strictly inside (lo, hi) take a part; from the
         * first at or beyond hi on, the whole */
        ca = (int)floor(lo / cw) + 1;
        cb = (int)ceil(hi / cw);
        if (ca < 0)
            ca = 0;
        if (cb > w + 1)
            cb = w + 1;
        if (cb < 0)
            cb = 0;
        for (col = ca; col < cb && col <= w; col++) {
            double m = col * cw, ym;
            m = m < lo ? lo : m > hi ? hi : m;
            ym = ylo + (m - lo) * slope;
            F[col] += sign * (-s * (m - lo) * (ylo + ym) / 2);
        }
        D[cb] += sign * (-s * (hi - lo) * (ylo + yhi) / 2);
    }
    for (col = 0; col <= w; col++) {
        acc += D[col];
        F[col] += acc;
    }
}

/* Anchors' spacing in cells for this raster (see XY_STEP). */
static int anchor_step(const tf_raster *r)
{
    double span = OSRIsGeographic(r->srs) ? ANCHOR_SPAN_DEG : ANCHOR_SPAN_M;
    double cells = floor(span / r->gt[1]);
    return cells >= XY_STEP ? XY_STEP : !(cells >= 2) ? 2 : (int)cells;
}

/* The value at t of the parabola through (t0, v0), (t1, v1), (t2, v2). */
static double parabola(double t, double t0, double v0, double t1, double v1, double t2, double v2)
{
    return v0 * (t - t1) * (t - t2) / ((t0 - t1) * (t0 - t2)) + v1 * (t - t0) * (t - t2) / ((t1 - t0) * (t1 - t2)) +
           v2 * (t - t0) * (t - t1) / ((t2 - t0) * (t2 - t1));
}


/* The analysis-CRS centres of a row's covered cells (area > 0), in column
 * order, into (cx, cy); *n_out of them.  The row's centres are at y = yc
 * in the raster's CRS; ac, ax, ay have room for w / step + 4 anchors, cx
 * and cy for w centres. */
static taafi_status centres(taafi_ctx *ctx, const tf_raster *r, int c0, double yc, const double *area, int w,
                            int step, int *ac, double *ax, double *ay, double *cx, double *cy, int *n_out)
{
    int first = -1, lastc = -1, na = 0, col, seg = 0, n = 0;
    taafi_status st;
    *n_out = 0;
    for (col = 0; col < w; col++)
        if (area[col] > 0) {
            if (first < 0)
                first = col;
            lastc = col;
        }
    if (first < 0)
        return TAAFI_OK;
    /* from the lattice when there is one and the row lies on it: every
     * centre from first to lastc, then the covered ones packed */
    if (r->fp && tf_fastproj_line(r->fp, yc, r->gt[0] + (c0 + first + 0.5) * r->gt[1], r->gt[1],
                                  (size_t)(lastc - first + 1), cx, cy)) {
        for (col = first; col <= lastc; col++)
            if (area[col] > 0) {
                cx[n] = cx[col - first];
                cy[n++] = cy[col - first];
            }
        *n_out = n;
        return TAAFI_OK;
    }
    for (col = first; col < lastc; col += step)
        ac[na++] = col;
    ac[na++] = lastc;
    if (na == 2 && lastc - first > 1) { /* a parabola needs three */
        ac[2] = lastc;
        ac[1] = first + (lastc - first) / 2;
        na = 3;
    }
    for (int i = 0; i < na; i++) {
        ax[i] = r->gt[0] + (c0 + ac[i] + 0.5) * r->gt[1];
        ay[i] = yc;
    }
    if ((st = tf_reproj_xy(ctx, r->from_raster, ax, ay, (size_t)na)))
        return st;
    for (col = first; col <= lastc; col++) {
        int i0;
        if (area[col] <= 0)
            continue;
        while (seg + 1 < na - 1 && col > ac[seg + 1])
            seg++;
        if (col == ac[seg]) {
            cx[n] = ax[seg];
            cy[n++] = ay[seg];
            continue;
        }
        if (seg + 1 < na && col == ac[seg + 1]) {
            cx[n] = ax[seg + 1];
            cy[n++] = ay[seg + 1];
            continue;
        }
        /* between two anchors, so na >= 3: the segment's two and the next
         * (or, at the end, the one before) */
        i0 = seg + 2 < na ? seg : seg - 1;
        cx[n] = parabola(col, ac[i0], ax[i0], ac[i0 + 1], ax[i0 + 1], ac[i0 + 2], ax[i0 + 2]);
        cy[n++] = parabola(col, ac[i0], ay[i0], ac[i0 + 1], ay[i0 + 1], ac[i0 + 2], ay[i0 + 2]);
    }
    *n_out = n;
    return TAAFI_OK;
}

/* The work of one tf_raster_cells call: the window of cells the polygon's
 * extent touches (columns c0..c1, rows r0..r1, w wide), its rings, the
 * rows read `chunk` at a time, and the scratch of one row. */
typedef struct cells_job {
    const tf_raster *r;
    int c0, c1, r0, r1, w, chunk, chunk_start, chunk_end, step;
    double cell_area, wx0, wy0;
    rings rs;
    double *buf, *area, *F, *D, *cx, *cy;
    double *pv, *pf; /* a row's values and fractions, packed */
    double *ax, *ay; /* transformed anchor centres */
    int *ac;         /* anchor columns */
    size_t nodata;
} cells_job;

static void job_free(cells_job *j)
{
    rings_free(&j->rs);
    tf_free(j->buf);
    tf_free(j->area);
    tf_free(j->F);
    tf_free(j->D);
    tf_free(j->cx);
    tf_free(j->cy);
    tf_free(j->pv);
    tf_free(j->pf);
    tf_free(j->ax);
    tf_free(j->ay);
    tf_free(j->ac);
}

/* The window of cells g's extent touches, clipped to the raster (cells
 * beyond its edge hold nothing): 1, 0 when g lies wholly outside, -1 when
 * its extent cannot be had. */
static int window(cells_job *j, GEOSContextHandle_t h, const GEOSGeometry *g)
{
    const tf_raster *r = j->r;
    double minx, miny, maxx, maxy;
    if (!GEOSGeom_getXMin_r(h, g, &minx) || !GEOSGeom_getXMax_r(h, g, &maxx) || !GEOSGeom_getYMin_r(h, g, &miny) ||
        !GEOSGeom_getYMax_r(h, g, &maxy))
        return -1;
    j->c0 = (int)tf_cell_index((minx - r->gt[0]) / r->gt[1], 0, r->nx - 1);
    j->c1 = (int)tf_cell_index((maxx - r->gt[0]) / r->gt[1], 0, r->nx - 1);
    j->r0 = (int)tf_cell_index((maxy - r->gt[3]) / r->gt[5], 0, r->ny - 1);
    j->r1 = (int)tf_cell_index((miny - r->gt[3]) / r->gt[5], 0, r->ny - 1);
    j->c0 = j->c0 < 0 ? 0 : j->c0;
    j->r0 = j->r0 < 0 ? 0 : j->r0;
    j->c1 = j->c1 >= r->nx ? r->nx - 1 : j->c1;
    j->r1 = j->r1 >= r->ny ? r->ny - 1 : j->r1;
    if (j->c0 > j->c1 || j->r0 > j->r1)
        return 0;
    j->w = j->c1 - j->c0 + 1;
    /* rows per read: up to a million cells (8 MB) */
    j->chunk = (1 << 20) / j->w;
    j->chunk = j->chunk < 1 ? 1 : j->chunk > j->r1 - j->r0 + 1 ? j->r1 - j->r0 + 1 : j->chunk;
    j->wx0 = r->gt[0] + j->c0 * r->gt[1];
    j->wy0 = r->gt[3] + j->r0 * r->gt[5];
    return 1;
}

/* The rings of g relative to the window, and the scratch; 0: no memory. */
static int scratch(cells_job *j, GEOSContextHandle_t h, const GEOSGeometry *g)
{
    size_t w = (size_t)j->w, na = (size_t)(j->w / j->step + 4);
    return collect(&j->rs, h, g, j->wx0, j->wy0) && (j->buf = tf_malloc(sizeof *j->buf * w * (size_t)j->chunk)) &&
           (j->ax = tf_malloc(sizeof *j->ax * na)) && (j->ay = tf_malloc(sizeof *j->ay * na)) &&
           (j->ac = tf_malloc(sizeof *j->ac * na)) && (j->area = tf_malloc(sizeof *j->area * w)) &&
           (j->F = tf_malloc(sizeof *j->F * (w + 1))) && (j->D = tf_malloc(sizeof *j->D * (w + 2))) &&
           (j->cx = tf_malloc(sizeof *j->cx * w)) && (j->cy = tf_malloc(sizeof *j->cy * w)) &&
           (j->pv = tf_malloc(sizeof *j->pv * w)) && (j->pf = tf_malloc(sizeof *j->pf * w));
}

/* The slab of rows [row, row + SLAB_ROWS): each ring's part in it,
 * clipped as a band is (the rows' bands lie inside). */
static taafi_status slab(taafi_ctx *ctx, cells_job *j, int row)
{
    rings *rs = &j->rs;
    double ltop = (row - j->r0) * j->r->gt[5], sbot = (row - j->r0 + SLAB_ROWS) * j->r->gt[5];
    size_t k;
    for (k = 0; k < rs->n; k++) {
        ring *rg = &rs->r[k];
        size_t nt = clip(rg->x, rg->y, rg->n, 1, sbot, 1, rs->tx, rs->ty); /* <= 2n: scratch has room */
        double **part[2] = {&rg->sx, &rg->sy}, **scr[4] = {&rs->bx, &rs->by, &rs->tx, &rs->ty};
        if (!room(part, 2, &rg->scap, 2 * nt + 2))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        if ((rg->sn = clip(rs->tx, rs->ty, nt, 1, ltop, -1, rg->sx, rg->sy)) > 0 &&
            !room(scr, 4, &rs->scratch, 4 * rg->sn + 8)) /* the rows' bands, clipped twice */
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    return TAAFI_OK;
}

/* The polygon's area in each cell of the row between ltop and lbot
 * (relative to the window) into j->area, from F at every column
 * boundary, ring by ring; whether any cell is covered. */
static int row_areas(cells_job *j, double ltop, double lbot)
{
    rings *rs = &j->rs;
    size_t k;
    int col, any = 0;
    for (col = 0; col <= j->w; col++)
        j->F[col] = 0;
    for (k = 0; k < rs->n; k++) {
        const ring *rg = &rs->r[k];
        size_t nb;
        if (rg->sn < 3)
            continue;
        nb = clip(rg->sx, rg->sy, rg->sn, 1, lbot, 1, rs->tx, rs->ty);
        nb = clip(rs->tx, rs->ty, nb, 1, ltop, -1, rs->bx, rs->by);
        if (nb < 3)
            continue;
        band_areas(rs->bx, rs->by, nb, j->r->gt[1], j->w, rg->sign, j->F, j->D);
    }
    for (col = 0; col < j->w; col++) {
        j->area[col] = j->F[col + 1] - j->F[col];
        any |= j->area[col] > 0;
    }
    return any;
}

/* Rows are read `chunk` at a time from `row` (the whole window of most
 * areas in one call): a call per row cost more than the decompression,
 * and memory stays bounded for a country-sized polygon. */
static taafi_status read_rows(taafi_ctx *ctx, cells_job *j, int row)
{
    int n_rows = j->r1 - row + 1 < j->chunk ? j->r1 - row + 1 : j->chunk;
    taafi_status st;
    if ((st = tf_check_interrupt(ctx))) /* a million cells a read: Ctrl-C within one */
        return st;
    tf_gdal_enter(ctx);
    if (GDALRasterIO(j->r->band, GF_Read, j->c0, row, j->w, n_rows, j->buf, j->w, n_rows, GDT_Float64, 0, 0) !=
        CE_None)
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot read rows %d-%d: %s", j->r->path, row, row + n_rows - 1,
                      tf_lib_error(ctx));
    tf_gdal_leave(ctx);
    j->chunk_start = row;
    j->chunk_end = row + n_rows;
    return st;
}

/* The row's covered cells with a value (vals: the row's), packed, to fn
 * in one call; the others with nodata counted. */
static taafi_status emit(taafi_ctx *ctx, cells_job *j, const double *vals, int want_xy, tf_cell_fn fn, void *user)
{
    const tf_raster *r = j->r;
    size_t m = 0;
    int col, at = 0; /* index of the covered cell, into cx, cy */
    for (col = 0; col < j->w; col++) {
        double v = vals[col], f = j->area[col] / j->cell_area;
        if (j->area[col] <= 0)
            continue;
        at++;
        if (isnan(v) || (r->has_nodata ? v == r->nodata : TF_RASTER_UNDECLARED_NODATA(v))) {
            j->nodata++;
            continue;
        }
        j->pv[m] = v;
        j->pf[m] = f > 1 ? 1 : f;
        if (want_xy)
            j->cx[m] = j->cx[at - 1], j->cy[m] = j->cy[at - 1]; /* m <= at - 1: packing in place */
        m++;
    }
    return m ? fn(ctx, m, want_xy ? j->cx : NULL, want_xy ? j->cy : NULL, j->pv, j->pf, user) : TAAFI_OK;
}

taafi_status tf_raster_cells(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, int want_xy, tf_cell_fn fn,
                             void *user, size_t *nodata_out)
{
    cells_job j = {.r = r, .step = anchor_step(r), .cell_area = r->gt[1] * -r->gt[5]};
    GEOSGeometry *g = NULL;
    int row, in = 0;
    taafi_status st = TAAFI_OK;
    if (nodata_out)
        *nodata_out = 0;
    if (GEOSisEmpty_r(ctx->geos, poly) == 1)
        return TAAFI_OK;
    if ((st = tf_reproj_geom(ctx, r->to_raster, poly, &g)))
        return st;
    if ((in = window(&j, ctx->geos, g)) < 0)
        st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot get a polygon's extent");
    else if (in && !scratch(&j, ctx->geos, g))
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (row = j.r0; in > 0 && !st && row <= j.r1; row++) {
        double ytop = r->gt[3] + row * r->gt[5], ltop = (row - j.r0) * r->gt[5];
        int n_xy = 0;
        if ((row - j.r0) % SLAB_ROWS == 0 && (st = slab(ctx, &j, row)))
            break;
        if (!row_areas(&j, ltop, ltop + r->gt[5]))
            continue;
        if (row >= j.chunk_end && (st = read_rows(ctx, &j, row)))
            break;
        if (want_xy && (st = centres(ctx, r, j.c0, ytop + r->gt[5] / 2, j.area, j.w, j.step, j.ac, j.ax, j.ay, j.cx,
                                     j.cy, &n_xy)))
            break;
        st = emit(ctx, &j, j.buf + (size_t)(row - j.chunk_start) * (size_t)j.w, want_xy, fn, user);
    }
    job_free(&j);
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
    if (nodata_out)
        *nodata_out = j.nodata;
    return st;
}
