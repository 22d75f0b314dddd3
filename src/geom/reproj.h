/*
 * reproj.h: coordinate transformations, all through PROJ.  Coordinates go in
 * and out in east/north order (longitude first for geographic CRSs), the
 * order OGR layers deliver and GeoJSON and GeoPackage store.
 */
#ifndef TAAFI_REPROJ_H
#define TAAFI_REPROJ_H

#include "core/core.h"

#include <ogr_srs_api.h>

typedef struct tf_reproj tf_reproj;

/* A transformation from `src` (as an OGR layer describes its CRS, with its
 * data axis mapping) to EPSG:`dst_epsg`.  `what` names the input in
 * messages.  When the two CRSs are the same, the transformation is the
 * identity and costs nothing.  Caller owns *out. */
taafi_status tf_reproj_new(taafi_ctx *ctx, OGRSpatialReferenceH src, int dst_epsg, const char *what,
                           tf_reproj **out);
void tf_reproj_free(tf_reproj *r);

/* A transformation between two OGR spatial references (e.g. from the
 * analysis CRS to a raster's CRS).  Caller owns *out. */
taafi_status tf_reproj_new_srs(taafi_ctx *ctx, OGRSpatialReferenceH src, OGRSpatialReferenceH dst, const char *what,
                               tf_reproj **out);

/* A copy of GEOS geometry `g` transformed by `r`.  Caller owns *out. */
taafi_status tf_reproj_geom(taafi_ctx *ctx, const tf_reproj *r, const GEOSGeometry *g, GEOSGeometry **out);

/* Transforms n coordinates in place.  TAAFI_ERR_CRS if any cannot be
 * transformed (outside the CRS's domain). */
taafi_status tf_reproj_xy(taafi_ctx *ctx, const tf_reproj *r, double *x, double *y, size_t n);

/* 1 if the transformation does nothing. */
int tf_reproj_is_identity(const tf_reproj *r);

/* An OGR spatial reference for EPSG:`epsg` in east/north axis order, for
 * writing outputs.  Caller owns it (OSRRelease). NULL on failure. */
OGRSpatialReferenceH tf_srs_from_epsg(int epsg);

/* The UTM zone EPSG code (WGS 84, 326xx north, 327xx south) for lon/lat. */
int tf_utm_epsg(double lon, double lat);

#endif
