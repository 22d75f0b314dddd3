/*
 * raster.h: reading a raster of counts (persons per cell) under polygons,
 * with exact cell-coverage fractions: a cell half inside a polygon counts
 * half, as exactextract does, so that areas tiling the raster share out its
 * total exactly.  Rasters are read window by window, never whole.
 */
#ifndef TAAFI_RASTER_H
#define TAAFI_RASTER_H

#include "core/core.h"
#include "geom/fastproj.h"
#include "areas/areas.h"
#include "geom/reproj.h"

#include <gdal.h>
#include <math.h>

typedef struct tf_raster {
    char *path;
    GDALDatasetH ds;
    GDALRasterBandH band;
    double gt[6];             /* geotransform: north-up, no rotation */
    int nx, ny;               /* size in cells                         */
    int has_nodata;
    double nodata;
    OGRSpatialReferenceH srs; /* east/north order; owned               */
    tf_reproj *to_raster;     /* analysis CRS -> raster CRS            */
    tf_reproj *from_raster;   /* raster CRS -> analysis CRS            */
    const tf_fastproj *fp;    /* borrowed: see tf_raster_use_lattice   */
} tf_raster;

/* Cell centres for tf_raster_cells from `fp` (a lattice for the same
 * transformation as from_raster, fastproj.h) rather than from PROJ
 * anchors along each row; fp must outlive its use.  NULL: anchors. */
void tf_raster_use_lattice(tf_raster *r, const tf_fastproj *fp);

/* Opens band `band` (1-based) of `path` read-only, for areas in
 * EPSG:`analysis_epsg`.  Refuses rotated rasters and rasters without a
 * CRS.  Caller owns *out (tf_raster_close). */
taafi_status tf_raster_open(taafi_ctx *ctx, const char *path, int band, int analysis_epsg, tf_raster **out);
void tf_raster_close(tf_raster *r);

/* Refuses (TAAFI_ERR_DATA, with the numbers and what to do) a raster of
 * which the areas' envelope spans more than `limit` cells (the project's
 * limits.raster_cells): reading them would take minutes. */
taafi_status tf_raster_check_cells(taafi_ctx *ctx, const tf_raster *r, const tf_areas *A, double limit);

/* Called for the cells a polygon covers, a row at a time: n cells with
 * their centres in the analysis CRS (x, y: NULL when not asked for), their
 * values, and the shares of their areas inside the polygon (0-1].  Nodata
 * and NaN cells are left out. */
typedef taafi_status (*tf_cell_fn)(taafi_ctx *ctx, size_t n, const double *x, const double *y, const double *value,
                                   const double *fraction, void *user);

/* A raster that declares no nodata value often has one all the same:
 * these cell values, of no sum a layer of persons or of anything counted
 * per cell can hold, are read as nodata in a raster without a declared
 * one (-9999, -32768, and beyond +-1e20, where float32's -3.4e38 and
 * -1e30 fall; NaN always is). */
#define TF_RASTER_UNDECLARED_NODATA(v) ((v) == -9999.0 || (v) == -32768.0 || fabs(v) >= 1e20)
/* The raster's extent as a polygon in the analysis CRS, its edges
 * followed at 64 points a side (a UTM area of a lon/lat raster is not a
 * rectangle).  The caller destroys *out. */
taafi_status tf_raster_extent(taafi_ctx *ctx, const tf_raster *r, GEOSGeometry **out);

/* floor(v) held to [lo - 1, hi + 1], as a long: a cell index that any
 * coordinate gives without overflow (NaN and the infinities included,
 * which a cast would make undefined).  NaN gives lo - 1. */
static inline long tf_cell_index(double v, long lo, long hi)
{
    double f = floor(v);
    return !(f >= (double)lo - 1) ? lo - 1 : f > (double)hi + 1 ? hi + 1 : (long)f;
}


/* Visits the cells under `poly` (analysis CRS), row by row.  *nodata_out,
 * if not NULL, receives the number of nodata cells met.  Without
 * `want_xy` the centres are not worked out (a sum needs no coordinates). */
taafi_status tf_raster_cells(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, int want_xy, tf_cell_fn fn,
                             void *user, size_t *nodata_out);

/* The sum of value x fraction under `poly` (analysis CRS). */
taafi_status tf_raster_sum(taafi_ctx *ctx, const tf_raster *r, const GEOSGeometry *poly, double *sum,
                           size_t *nodata_out);

#endif
