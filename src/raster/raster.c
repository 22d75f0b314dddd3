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

static double area_of(taafi_ctx *ctx, const GEOSGeometry *g)
{
    double a = 0;
    if (!GEOSArea_r(ctx->geos, g, &a))
        return -1;
    return a;
}

taafi_status tf_raster_cells(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, int want_xy, tf_cell_fn fn,
                             void *user, size_t *nodata_out)
{
    GEOSGeometry *g = NULL;
    double minx, miny, maxx, maxy, *buf = NULL;
    double cell_area = r->gt[1] * -r->gt[5];
    int c0, c1, r0, r1, w, row, col;
    size_t nodata = 0;
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
    if (!(buf = malloc(sizeof *buf * (size_t)w))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (row = r0; row <= r1 && !st; row++) {
        double ytop = r->gt[3] + row * r->gt[5], ybot = ytop + r->gt[5];
        GEOSGeometry *strip;
        /* One row at a time: memory stays one row of the window, and GDAL
         * serves it from the blocks it caches. */
        tf_gdal_enter(ctx);
        if (GDALRasterIO(r->band, GF_Read, c0, row, w, 1, buf, w, 1, GDT_Float64, 0, 0) != CE_None) {
            st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot read row %d: %s", r->path, row, tf_lib_error(ctx));
            tf_gdal_leave(ctx);
            break;
        }
        tf_gdal_leave(ctx);
        strip = GEOSClipByRect_r(ctx->geos, g, r->gt[0] + c0 * r->gt[1], ybot, r->gt[0] + (c1 + 1) * r->gt[1], ytop);
        if (!strip) {
            st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot clip a polygon by a raster row: %s", tf_lib_error(ctx));
            break;
        }
        if (GEOSisEmpty_r(ctx->geos, strip) != 1) {
            for (col = c0; col <= c1 && !st; col++) {
                double v = buf[col - c0], xl = r->gt[0] + col * r->gt[1], xr = xl + r->gt[1], a;
                GEOSGeometry *cell;
                if (isnan(v) || (r->has_nodata && v == r->nodata)) {
                    /* only cells the polygon really covers count as nodata */
                    cell = GEOSClipByRect_r(ctx->geos, strip, xl, ybot, xr, ytop);
                    if (cell && GEOSisEmpty_r(ctx->geos, cell) != 1 && area_of(ctx, cell) > 0)
                        nodata++;
                    if (cell)
                        GEOSGeom_destroy_r(ctx->geos, cell);
                    continue;
                }
                cell = GEOSClipByRect_r(ctx->geos, strip, xl, ybot, xr, ytop);
                if (!cell) {
                    st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot clip a polygon by a cell: %s", tf_lib_error(ctx));
                    break;
                }
                a = area_of(ctx, cell);
                GEOSGeom_destroy_r(ctx->geos, cell);
                if (a > 0) {
                    double x = NAN, y = NAN, f = a / cell_area;
                    if (want_xy) {
                        x = xl + r->gt[1] / 2;
                        y = ytop + r->gt[5] / 2;
                        if ((st = tf_reproj_xy(ctx, r->from_raster, &x, &y, 1)))
                            break;
                    }
                    st = fn(ctx, x, y, v, f > 1 ? 1 : f, user);
                }
            }
        }
        GEOSGeom_destroy_r(ctx->geos, strip);
    }
done:
    free(buf);
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
    if (nodata_out)
        *nodata_out = nodata;
    return st;
}

static taafi_status add_cell(taafi_ctx *ctx, double x, double y, double value, double fraction, void *user)
{
    (void)ctx, (void)x, (void)y;
    *(double *)user += value * fraction;
    return TAAFI_OK;
}

taafi_status tf_raster_sum(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, double *sum,
                           size_t *nodata_out)
{
    *sum = 0;
    return tf_raster_cells(ctx, r, poly, 0, add_cell, sum, nodata_out);
}
