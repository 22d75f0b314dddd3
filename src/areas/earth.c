/*
 * earth.c: the areas measured right anywhere on Earth.  The automatic CRS
 * is chosen from the areas' centre taken on the circle of longitudes (so
 * that areas split at the antimeridian, 179.5..180 and -180..-179.5, are
 * centred at 180, not at 0), polar stereographic (UPS) beyond the UTM
 * zones' latitudes, and refused when the areas span too much for one
 * projected CRS.  Every area's km² is then held to its geodesic area on
 * the WGS 84 ellipsoid (PROJ's geod_polygonarea, GeographicLib's method).
 */
#define _DEFAULT_SOURCE /* M_PI */
#include "areas.h"
#include "geom/reproj.h"

#include <geodesic.h>
#include <math.h>
#include <stdlib.h>

/* Beyond these the UTM zones do not reach (UTM's own limits). */
#define UTM_NORTH 84.0
#define UTM_SOUTH -80.0
/* Wider than this, no one transverse Mercator keeps areas within about 1 %. */
#define MAX_SPAN_DEG 20.0

typedef struct centre {
    double sc, ss, sy, sw; /* weighted sums: cos lon, sin lon, lat, weights */
    double ref;            /* the first part's centre longitude            */
    double lo, hi;         /* the parts' extent, unwrapped to within 180 degrees of ref */
    double ylo, yhi;
    int any;
} centre;

/* One polygon part (lon/lat) into the sums. */
static void add_part(taafi_ctx *ctx, const GEOSGeometry *g, centre *c)
{
    GEOSGeometry *cg = GEOSGetCentroid_r(ctx->geos, g);
    double w = 0, x, y, x0, x1, y0, y1, d;
    (void)x;
    if (cg && GEOSArea_r(ctx->geos, g, &w) && w > 0 && GEOSisEmpty_r(ctx->geos, cg) == 0 &&
        GEOSGeomGetX_r(ctx->geos, cg, &x) && GEOSGeomGetY_r(ctx->geos, cg, &y) &&
        GEOSGeom_getXMin_r(ctx->geos, g, &x0) && GEOSGeom_getXMax_r(ctx->geos, g, &x1) &&
        GEOSGeom_getYMin_r(ctx->geos, g, &y0) && GEOSGeom_getYMax_r(ctx->geos, g, &y1)) {
        c->sc += w * cos(x * M_PI / 180);
        c->ss += w * sin(x * M_PI / 180);
        c->sy += w * y;
        c->sw += w;
        /* (the envelope's middle, not the centroid: that of a polygon not
         * yet repaired, a bow-tie, may lie anywhere) */
        double mid = (x0 + x1) / 2;
        if (!c->any) {
            c->ref = mid, c->lo = x0, c->hi = x1, c->ylo = y0, c->yhi = y1;
            c->any = 1;
        }
        /* the whole turns that bring the part within 180 degrees of ref */
        d = remainder(mid - c->ref, 360.0) - (mid - c->ref);
        c->lo = fmin(c->lo, x0 + d), c->hi = fmax(c->hi, x1 + d);
        c->ylo = fmin(c->ylo, y0), c->yhi = fmax(c->yhi, y1);
    }
    GEOSGeom_destroy_r(ctx->geos, cg);
}

taafi_status tf_areas_choose_crs(taafi_ctx *ctx, const char *path, const tf_areas *a, int *epsg)
{
    centre c = {0};
    double lon, lat;
    size_t i;
    int k, north, south;
    *epsg = 0;
    for (i = 0; i < a->n; i++)
        for (k = 0; k < GEOSGetNumGeometries_r(ctx->geos, a->geom_ll[i]); k++)
            add_part(ctx, GEOSGetGeometryN_r(ctx->geos, a->geom_ll[i], k), &c);
    if (c.sw <= 0)
        return tf_error(ctx, TAAFI_ERR_CRS, "%s: cannot choose a UTM zone for the areas; set 'crs' in the project file",
                        path);
    lon = atan2(c.ss, c.sc) * 180 / M_PI;
    lat = c.sy / c.sw;
    /* Near a pole longitudes converge: what matters is how far from it the
     * areas reach (a cap around the pole spans all 360 degrees). */
    north = lat > UTM_NORTH || c.yhi > UTM_NORTH + 0.5;
    south = !north && (lat < UTM_SOUTH || c.ylo < UTM_SOUTH - 0.5);
    if ((north || south) && (north ? 90 - c.ylo : c.yhi + 90) > MAX_SPAN_DEG)
        return tf_error(ctx, TAAFI_ERR_CRS,
                        "%s: the areas reach %.0f degrees from the %s pole, too far for one polar stereographic CRS "
                        "(areas would be off by more than 1 %%); set 'crs' to an equal-area CRS for the region, or "
                        "split the project",
                        path, north ? 90 - c.ylo : c.yhi + 90, north ? "north" : "south");
    if (north || south) {
        *epsg = north ? 32661 : 32761; /* UPS North, UPS South */
        return TAAFI_OK;
    }
    if (c.hi - c.lo > MAX_SPAN_DEG || (c.yhi - c.ylo > MAX_SPAN_DEG && fabs(lat) < 70))
        return tf_error(ctx, TAAFI_ERR_CRS,
                        "%s: the areas span %.0f degrees of longitude and %.0f of latitude, too much for one UTM zone "
                        "(areas would be off by more than 1 %%); set 'crs' to an equal-area CRS for the region, or "
                        "split the project",
                        path, c.hi - c.lo, c.yhi - c.ylo);
    *epsg = tf_utm_epsg(lon, lat);
    return TAAFI_OK;
}

/* The geodesic area of one ring (lon/lat), m², positive; NaN on failure. */
static double ring_m2(taafi_ctx *ctx, const struct geod_geodesic *g, const GEOSGeometry *ring)
{
    const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(ctx->geos, ring);
    unsigned n = 0, i;
    double *lat, *lon, area = NAN, perim;
    if (!s || !GEOSCoordSeq_getSize_r(ctx->geos, s, &n) || n < 4)
        return n < 4 && s ? 0 : NAN;
    lat = tf_malloc(n * sizeof *lat);
    lon = tf_malloc(n * sizeof *lon);
    if (lat && lon) {
        for (i = 0; i < n; i++)
            GEOSCoordSeq_getXY_r(ctx->geos, s, i, &lon[i], &lat[i]);
        geod_polygonarea(g, lat, lon, (int)n - 1, &area, &perim); /* the closing vertex is implied */
        area = fabs(area);
    }
    tf_free(lat);
    tf_free(lon);
    return area;
}

double tf_geodesic_km2(taafi_ctx *ctx, const GEOSGeometry *ll)
{
    struct geod_geodesic g;
    double m2 = 0;
    int k, h;
    geod_init(&g, 6378137.0, 1 / 298.257223563); /* WGS 84 */
    for (k = 0; k < GEOSGetNumGeometries_r(ctx->geos, ll); k++) {
        const GEOSGeometry *poly = GEOSGetGeometryN_r(ctx->geos, ll, k);
        if (GEOSGeomTypeId_r(ctx->geos, poly) != GEOS_POLYGON || GEOSisEmpty_r(ctx->geos, poly) == 1)
            continue;
        m2 += ring_m2(ctx, &g, GEOSGetExteriorRing_r(ctx->geos, poly));
        for (h = 0; h < GEOSGetNumInteriorRings_r(ctx->geos, poly); h++)
            m2 -= ring_m2(ctx, &g, GEOSGetInteriorRingN_r(ctx->geos, poly, h));
    }
    return m2 / 1e6;
}
