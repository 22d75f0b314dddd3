/*
 * raster.c: exact cell-coverage fractions.
 *
 * The polygon is transformed into the raster's CRS (the area moves, not the
 * raster: resampling counts would smear them).  Its bounding box gives a
 * window of cells, read in one RasterIO call.  Each row of the window is
 * cut from the polygon with GEOSClipByRect (fast: a rectangle clip), and
 * each cell of the row from that strip, so that a cell's fraction is the
 * exact area of polygon-within-cell over the cell's area.  Cells wholly
 * inside cost one cheap clip; only the polygon's boundary cells cost more.
 */
#include "raster.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void tf_raster_close(tf_raster *r)
{
    if (!r)
        return;
    if (r->ds)
        GDALClose(r->ds);
    if (r->srs)
        OSRRelease(r->srs);
    tf_reproj_free(r->to_raster);
    tf_reproj_free(r->from_raster);
    free(r->path);
    free(r);
}

taafi_status tf_raster_open(taafi_ctx *ctx, const char *path, int band, int analysis_epsg, tf_raster **out)
{
    tf_raster *r = calloc(1, sizeof *r);
    OGRSpatialReferenceH analysis = NULL;
    OGRSpatialReferenceH srs;
    taafi_status st = TAAFI_OK;
    int ok = 0;
    *out = NULL;
    if (!r || !(r->path = tf_strdup(path))) {
        free(r);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    tf_gdal_enter(ctx);
    r->ds = GDALOpenEx(path, GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
    if (!r->ds) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open as a raster: %s", path,
                      tf_lib_error(ctx)[0] ? tf_lib_error(ctx) : "unknown format");
        goto fail;
    }
    if (band < 1 || band > GDALGetRasterCount(r->ds)) {
        st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s: has %d band(s), no band %d", path, GDALGetRasterCount(r->ds),
                      band);
        goto fail;
    }
    r->band = GDALGetRasterBand(r->ds, band);
    r->nx = GDALGetRasterXSize(r->ds);
    r->ny = GDALGetRasterYSize(r->ds);
    if (GDALGetGeoTransform(r->ds, r->gt) != CE_None || r->gt[2] != 0 || r->gt[4] != 0 || r->gt[1] <= 0 ||
        r->gt[5] >= 0) {
        st = tf_error(ctx, TAAFI_ERR_DATA,
                      "%s: not a north-up raster (rotated, flipped or without a geotransform); warp it first, e.g. "
                      "gdalwarp IN OUT",
                      path);
        goto fail;
    }
    r->nodata = GDALGetRasterNoDataValue(r->band, &r->has_nodata);
    srs = GDALGetSpatialRef(r->ds);
    if (!srs) {
        st = tf_error(ctx, TAAFI_ERR_CRS, "%s: the raster has no CRS; assign one, e.g. gdal_edit.py -a_srs EPSG:4326",
                      path);
        goto fail;
    }
    /* A geotransform's x runs along columns: east/north order always. */
    r->srs = OSRClone(srs);
    OSRSetAxisMappingStrategy(r->srs, OAMS_TRADITIONAL_GIS_ORDER);
    if (!(analysis = tf_srs_from_epsg(analysis_epsg))) {
        st = tf_error(ctx, TAAFI_ERR_CRS, "PROJ does not know EPSG:%d", analysis_epsg);
        goto fail;
    }
    if ((st = tf_reproj_new_srs(ctx, analysis, r->srs, path, &r->to_raster)) ||
        (st = tf_reproj_new_srs(ctx, r->srs, analysis, path, &r->from_raster)))
        goto fail;
    ok = 1;
fail:
    if (analysis)
        OSRRelease(analysis);
    tf_gdal_leave(ctx);
    if (!ok) {
        tf_raster_close(r);
        return st;
    }
    *out = r;
    return TAAFI_OK;
}

/*
 * Exact coverage, by arithmetic.  The polygon's rings are held as plain
 * coordinate arrays, each with a sign: +1 for a shell, -1 for a hole
 * (times the sign of its own orientation, so that any winding works).
 * For a row of cells, every ring is clipped to the row's band with
 * Sutherland-Hodgman (exact for a half-plane, whatever the ring's shape);
 * then F(x), the area of the band's polygon west of x, is evaluated at
 * each column boundary (band_areas), and a cell's covered area is
 * F(right) - F(left).  No geometry is built per cell.
 */
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
        double *v = realloc(*arrays[k], need * sizeof *v);
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
        free(rs->r[i].x);
        free(rs->r[i].y);
        free(rs->r[i].sx);
        free(rs->r[i].sy);
    }
    free(rs->r);
    free(rs->bx), free(rs->by), free(rs->tx), free(rs->ty);
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
        ring *v = realloc(rs->r, cap * sizeof *v);
        if (!v)
            return 0;
        rs->r = v;
        rs->cap = cap;
    }
    r = &rs->r[rs->n];
    r->n = n - 1; /* the closing point is implicit */
    r->x = malloc(sizeof *r->x * n);
    r->y = malloc(sizeof *r->y * n);
    r->scap = r->sn = 0; /* the slab's part: room made as it is clipped */
    r->sx = r->sy = NULL;
    if (!r->x || !r->y) {
        free(r->x);
        free(r->y);
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
    return cells >= XY_STEP ? XY_STEP : cells < 2 ? 2 : (int)cells;
}

/* The value at t of the parabola through (t0, v0), (t1, v1), (t2, v2). */
static double parabola(double t, double t0, double v0, double t1, double v1, double t2, double v2)
{
    return v0 * (t - t1) * (t - t2) / ((t0 - t1) * (t0 - t2)) + v1 * (t - t0) * (t - t2) / ((t1 - t0) * (t1 - t2)) +
           v2 * (t - t0) * (t - t1) / ((t2 - t0) * (t2 - t1));
}

void tf_raster_use_lattice(tf_raster *r, const tf_fastproj *fp) { r->fp = fp; }

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

taafi_status tf_raster_cells(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, int want_xy, tf_cell_fn fn,
                             void *user, size_t *nodata_out)
{
    GEOSGeometry *g = NULL;
    double minx, miny, maxx, maxy, *buf = NULL, *area = NULL, *F = NULL, *D = NULL, *cx = NULL, *cy = NULL;
    double *pv = NULL, *pf = NULL; /* a row's values and fractions, packed */
    double *ax = NULL, *ay = NULL; /* transformed anchor centres */
    int step = anchor_step(r), *ac = NULL; /* anchor columns */
    double cell_area = r->gt[1] * -r->gt[5], wx0, wy0;
    int c0, c1, r0, r1, w, row, col, chunk, chunk_start = 0, chunk_end = 0;
    const double *vals;
    size_t nodata = 0, k;
    rings rs = {0};
    taafi_status st = TAAFI_OK;
    if (nodata_out)
        *nodata_out = 0;
    if (GEOSisEmpty_r(ctx->geos, poly) == 1)
        return TAAFI_OK;
    if ((st = tf_reproj_geom(ctx, r->to_raster, poly, &g)))
        return st;
    if (!GEOSGeom_getXMin_r(ctx->geos, g, &minx) || !GEOSGeom_getXMax_r(ctx->geos, g, &maxx) ||
        !GEOSGeom_getYMin_r(ctx->geos, g, &miny) || !GEOSGeom_getYMax_r(ctx->geos, g, &maxy)) {
        st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot get a polygon's extent");
        goto done;
    }
    /* The window of cells the polygon's extent touches, clipped to the
     * raster: cells beyond its edge hold nothing. */
    c0 = (int)floor((minx - r->gt[0]) / r->gt[1]);
    c1 = (int)floor((maxx - r->gt[0]) / r->gt[1]);
    r0 = (int)floor((maxy - r->gt[3]) / r->gt[5]);
    r1 = (int)floor((miny - r->gt[3]) / r->gt[5]);
    if (c0 < 0)
        c0 = 0;
    if (r0 < 0)
        r0 = 0;
    if (c1 >= r->nx)
        c1 = r->nx - 1;
    if (r1 >= r->ny)
        r1 = r->ny - 1;
    if (c0 > c1 || r0 > r1)
        goto done; /* wholly outside the raster */
    w = c1 - c0 + 1;
    /* rows per read: up to a million cells (8 MB) */
    chunk = (1 << 20) / w;
    chunk = chunk < 1 ? 1 : chunk > r1 - r0 + 1 ? r1 - r0 + 1 : chunk;
    wx0 = r->gt[0] + c0 * r->gt[1];
    wy0 = r->gt[3] + r0 * r->gt[5];
    if (!collect(&rs, ctx->geos, g, wx0, wy0) || !(buf = malloc(sizeof *buf * (size_t)w * (size_t)chunk)) ||
        !(ax = malloc(sizeof *ax * (size_t)(w / step + 4))) || !(ay = malloc(sizeof *ay * (size_t)(w / step + 4))) ||
        !(ac = malloc(sizeof *ac * (size_t)(w / step + 4))) ||
        !(area = malloc(sizeof *area * (size_t)w)) || !(F = malloc(sizeof *F * (size_t)(w + 1))) ||
        !(D = malloc(sizeof *D * (size_t)(w + 2))) ||
        !(cx = malloc(sizeof *cx * (size_t)w)) || !(cy = malloc(sizeof *cy * (size_t)w)) ||
        !(pv = malloc(sizeof *pv * (size_t)w)) || !(pf = malloc(sizeof *pf * (size_t)w))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (row = r0; row <= r1 && !st; row++) {
        double ytop = r->gt[3] + row * r->gt[5];
        double ltop = (row - r0) * r->gt[5], lbot = ltop + r->gt[5]; /* relative to wy0 */
        int any = 0, n_xy = 0;
        for (col = 0; col <= w; col++)
            F[col] = 0;
        if ((row - r0) % SLAB_ROWS == 0) {
            /* the slab of rows [row, row + SLAB_ROWS): each ring's part
             * in it, clipped as a band is (the rows' bands lie inside) */
            double stop = ltop, sbot = (row - r0 + SLAB_ROWS) * r->gt[5];
            for (k = 0; k < rs.n && !st; k++) {
                ring *rg = &rs.r[k];
                size_t nt = clip(rg->x, rg->y, rg->n, 1, sbot, 1, rs.tx, rs.ty); /* <= 2n: scratch has room */
                double **part[2] = {&rg->sx, &rg->sy}, **scr[4] = {&rs.bx, &rs.by, &rs.tx, &rs.ty};
                if (!room(part, 2, &rg->scap, 2 * nt + 2))
                    st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                else if ((rg->sn = clip(rs.tx, rs.ty, nt, 1, stop, -1, rg->sx, rg->sy)) > 0 &&
                         !room(scr, 4, &rs.scratch, 4 * rg->sn + 8)) /* the rows' bands, clipped twice */
                    st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            }
            if (st)
                break;
        }
        /* F at every column boundary, ring by ring */
        for (k = 0; k < rs.n; k++) {
            const ring *rg = &rs.r[k];
            size_t nb;
            if (rg->sn < 3)
                continue;
            nb = clip(rg->sx, rg->sy, rg->sn, 1, lbot, 1, rs.tx, rs.ty);
            nb = clip(rs.tx, rs.ty, nb, 1, ltop, -1, rs.bx, rs.by);
            if (nb < 3)
                continue;
            band_areas(rs.bx, rs.by, nb, r->gt[1], w, rg->sign, F, D);
        }
        for (col = 0; col < w; col++) {
            area[col] = F[col + 1] - F[col];
            any |= area[col] > 0;
        }
        if (!any)
            continue;
        /* Rows are read `chunk` at a time (the whole window of most areas
         * in one call): a call per row cost more than the decompression,
         * and memory stays bounded for a country-sized polygon. */
        if (row >= chunk_end) {
            int n_rows = r1 - row + 1 < chunk ? r1 - row + 1 : chunk;
            tf_gdal_enter(ctx);
            if (GDALRasterIO(r->band, GF_Read, c0, row, w, n_rows, buf, w, n_rows, GDT_Float64, 0, 0) != CE_None) {
                st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot read rows %d-%d: %s", r->path, row, row + n_rows - 1,
                              tf_lib_error(ctx));
                tf_gdal_leave(ctx);
                break;
            }
            tf_gdal_leave(ctx);
            chunk_start = row;
            chunk_end = row + n_rows;
        }
        vals = buf + (size_t)(row - chunk_start) * (size_t)w;
        if (want_xy &&
            (st = centres(ctx, r, c0, ytop + r->gt[5] / 2, area, w, step, ac, ax, ay, cx, cy, &n_xy)))
            break;
        /* the row's covered cells with a value, packed, in one call */
        {
            size_t m = 0;
            int at = 0; /* index of the covered cell, into cx, cy */
            for (col = 0; col < w; col++) {
                double v = vals[col], f = area[col] / cell_area;
                if (area[col] <= 0)
                    continue;
                at++;
                if (isnan(v) || (r->has_nodata && v == r->nodata)) {
                    nodata++;
                    continue;
                }
                pv[m] = v;
                pf[m] = f > 1 ? 1 : f;
                if (want_xy)
                    cx[m] = cx[at - 1], cy[m] = cy[at - 1]; /* m <= at - 1: packing in place */
                m++;
            }
            if (m)
                st = fn(ctx, m, want_xy ? cx : NULL, want_xy ? cy : NULL, pv, pf, user);
        }
    }
done:
    rings_free(&rs);
    free(buf);
    free(area);
    free(F);
    free(D);
    free(cx);
    free(cy);
    free(pv);
    free(pf);
    free(ax);
    free(ay);
    free(ac);
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
    if (nodata_out)
        *nodata_out = nodata;
    return st;
}

static taafi_status add_cells(taafi_ctx *ctx, size_t n, const double *x, const double *y, const double *value,
                              const double *fraction, void *user)
{
    double *sum = user;
    size_t k;
    (void)ctx, (void)x, (void)y;
    for (k = 0; k < n; k++) /* in order: the same sum, bit for bit, as a cell at a time */
        *sum += value[k] * fraction[k];
    return TAAFI_OK;
}

taafi_status tf_raster_sum(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, double *sum,
                           size_t *nodata_out)
{
    *sum = 0;
    return tf_raster_cells(ctx, r, poly, 0, add_cells, sum, nodata_out);
}
