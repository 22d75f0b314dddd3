/*
 * raster.c: a raster input opened for the analysis (its transforms to and
 * from the analysis CRS, its nodata), and the sum of its cells under a
 * polygon.  The cells and their exact fractions: raster_cells.c.
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
    tf_free(r->path);
    tf_free(r);
}

taafi_status tf_raster_open(taafi_ctx *ctx, const char *path, int band, int analysis_epsg, tf_raster **out)
{
    tf_raster *r = tf_calloc(1, sizeof *r);
    OGRSpatialReferenceH analysis = NULL;
    OGRSpatialReferenceH srs;
    taafi_status st = TAAFI_OK;
    int ok = 0;
    *out = NULL;
    if (!r || !(r->path = tf_strdup(path))) {
        tf_free(r);
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
    /* (NaN compares false: every test is written to fail for it) */
    if (GDALGetGeoTransform(r->ds, r->gt) != CE_None || r->gt[2] != 0 || r->gt[4] != 0 || !(r->gt[1] > 0) ||
        !(r->gt[5] < 0) || !isfinite(r->gt[0]) || !isfinite(r->gt[3]) || !isfinite(r->gt[1]) ||
        !isfinite(r->gt[5])) {
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

void tf_raster_use_lattice(tf_raster *r, const tf_fastproj *fp) { r->fp = fp; }

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

taafi_status tf_raster_extent(taafi_ctx *ctx, const tf_raster *r, GEOSGeometry **out)
{
    enum { SIDE = 64, N = 4 * SIDE + 1 };
    double x[N], y[N], x0 = r->gt[0], y0 = r->gt[3], x1 = x0 + r->nx * r->gt[1], y1 = y0 + r->ny * r->gt[5];
    GEOSCoordSequence *cs;
    GEOSGeometry *ring;
    taafi_status st;
    *out = NULL;
    for (int i = 0; i < SIDE; i++) {
        double t = (double)i / SIDE;
        x[i] = x0 + t * (x1 - x0), y[i] = y0;                        /* top, west to east    */
        x[SIDE + i] = x1, y[SIDE + i] = y0 + t * (y1 - y0);          /* east, north to south */
        x[2 * SIDE + i] = x1 - t * (x1 - x0), y[2 * SIDE + i] = y1;  /* bottom               */
        x[3 * SIDE + i] = x0, y[3 * SIDE + i] = y1 - t * (y1 - y0);  /* west                 */
    }
    x[N - 1] = x[0], y[N - 1] = y[0];
    if ((st = tf_reproj_xy(ctx, r->from_raster, x, y, N)))
        return st;
    if (!(cs = GEOSCoordSeq_copyFromArrays_r(ctx->geos, x, y, NULL, NULL, N)) ||
        !(ring = GEOSGeom_createLinearRing_r(ctx->geos, cs)) ||
        !(*out = GEOSGeom_createPolygon_r(ctx->geos, ring, NULL, 0)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    return TAAFI_OK;
}

taafi_status tf_raster_sum(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, double *sum,
                           size_t *nodata_out)
{
    *sum = 0;
    return tf_raster_cells(ctx, r, poly, 0, add_cells, sum, nodata_out);
}

taafi_status tf_raster_check_cells(taafi_ctx *ctx, const tf_raster *r, const tf_areas *A, double limit)
{
    double x0, y0, x1, y1, px[9], py[9], cells, e[4];
    size_t k;
    long c0, c1, r0, r1;
    if (!tf_areas_extent(ctx, A, e))
        return TAAFI_OK;
    x0 = e[0], y0 = e[1], x1 = e[2], y1 = e[3];
    /* the envelope's corners, side middles and centre in the raster's CRS */
    for (k = 0; k < 9; k++) {
        px[k] = x0 + (x1 - x0) * (double)(k % 3) / 2;
        py[k] = y0 + (y1 - y0) * (double)(k / 3) / 2;
    }
    if (tf_reproj_xy(ctx, r->to_raster, px, py, 9) != TAAFI_OK) {
        tf_lib_error_clear(ctx);
        return TAAFI_OK; /* the cells' own reading says what is wrong */
    }
    x0 = y0 = INFINITY, x1 = y1 = -INFINITY;
    for (k = 0; k < 9; k++)
        x0 = fmin(x0, px[k]), y0 = fmin(y0, py[k]), x1 = fmax(x1, px[k]), y1 = fmax(y1, py[k]);
    c0 = tf_cell_index((x0 - r->gt[0]) / r->gt[1], 0, r->nx - 1);
    c1 = tf_cell_index((x1 - r->gt[0]) / r->gt[1], 0, r->nx - 1);
    r0 = tf_cell_index((y1 - r->gt[3]) / r->gt[5], 0, r->ny - 1);
    r1 = tf_cell_index((y0 - r->gt[3]) / r->gt[5], 0, r->ny - 1);
    c0 = c0 < 0 ? 0 : c0, r0 = r0 < 0 ? 0 : r0;
    c1 = c1 > r->nx - 1 ? r->nx - 1 : c1, r1 = r1 > r->ny - 1 ? r->ny - 1 : r1;
    cells = c1 < c0 || r1 < r0 ? 0 : (double)(c1 - c0 + 1) * (double)(r1 - r0 + 1);
    if (cells <= limit)
        return TAAFI_OK;
    return tf_error(ctx, TAAFI_ERR_DATA,
                    "%s: the areas span %ld x %ld = %.0f cells of this raster, more than limits.raster_cells (%.0f); "
                    "use a coarser raster (gdalwarp -tr), clip it to the areas (gdalwarp -te), or raise the limit",
                    r->path, c1 - c0 + 1, r1 - r0 + 1, cells, limit);
}
