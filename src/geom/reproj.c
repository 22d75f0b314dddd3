/* reproj.c: PROJ transformations between an input's CRS and EPSG codes. */
#include "reproj.h"

#include <cpl_conv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tf_reproj {
    PJ *pj;       /* NULL: identity                                 */
    int swap_in;  /* the data holds north before east: swap first   */
    int swap_out; /* the target wants north before east: swap last */
};

OGRSpatialReferenceH tf_srs_from_epsg(int epsg)
{
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    if (!srs)
        return NULL;
    if (OSRImportFromEPSG(srs, epsg) != OGRERR_NONE) {
        OSRRelease(srs);
        return NULL;
    }
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    return srs;
}

int tf_utm_epsg(double lon, double lat)
{
    int zone = (int)floor((lon + 180.0) / 6.0) + 1;
    if (zone < 1)
        zone = 1;
    if (zone > 60)
        zone = 60;
    return (lat >= 0 ? 32600 : 32700) + zone;
}

/* Whether the first coordinate the data holds is a northing/latitude. */
static int data_north_first(OGRSpatialReferenceH src)
{
    int n = 0;
    const int *map = OSRGetDataAxisToSRSAxisMapping(src, &n);
    OGRAxisOrientation o = OAO_Other;
    if (!map || n < 2)
        return 0;
    if (!OSRGetAxis(src, OSRIsProjected(src) ? "PROJCS" : "GEOGCS", abs(map[0]) - 1, &o))
        return 0;
    return o == OAO_North || o == OAO_South;
}

static char *srs_wkt(OGRSpatialReferenceH srs)
{
    static const char *const wkt_opts[] = {"FORMAT=WKT2_2019", NULL};
    char *wkt = NULL;
    if (OSRExportToWktEx(srs, &wkt, wkt_opts) != OGRERR_NONE) {
        CPLFree(wkt);
        return NULL;
    }
    return wkt;
}

/* The transformation from `src` to the CRS PROJ reads from `dst_def` (an
 * "EPSG:n" string or WKT); `dst_north_first`: the data handed back must
 * hold north before east (a target OGR layout that is not east/north). */
static taafi_status make(taafi_ctx *ctx, OGRSpatialReferenceH src, const char *dst_def, int dst_north_first,
                         const char *what, tf_reproj **out)
{
    char *wkt = NULL;
    PJ *psrc = NULL, *pdst = NULL, *p = NULL;
    tf_reproj *r = NULL;
    taafi_status st;
    *out = NULL;
    r = tf_calloc(1, sizeof *r);
    if (!r)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    tf_gdal_enter(ctx);
    if (!(wkt = srs_wkt(src))) {
        st = tf_error(ctx, TAAFI_ERR_CRS, "%s: its CRS cannot be described (%s); give the data a valid CRS", what,
                      tf_lib_error(ctx));
        goto fail;
    }
    r->swap_in = data_north_first(src);
    r->swap_out = dst_north_first;
    psrc = proj_create(ctx->pj, wkt);
    pdst = proj_create(ctx->pj, dst_def);
    if (!psrc || !pdst) {
        st = tf_error(ctx, TAAFI_ERR_CRS, "%s: PROJ does not know its CRS or the target CRS (%s)", what,
                      tf_lib_error(ctx));
        goto fail;
    }
    if (!proj_is_equivalent_to_with_ctx(ctx->pj, psrc, pdst, PJ_COMP_EQUIVALENT)) {
        PJ *raw = proj_create_crs_to_crs_from_pj(ctx->pj, psrc, pdst, NULL, NULL);
        if (!raw) {
            st = tf_error(ctx, TAAFI_ERR_CRS, "%s: no transformation from its CRS to the target CRS (%s)", what,
                          tf_lib_error(ctx));
            goto fail;
        }
        /* Normalising puts both ends in east/north order whatever the
         * CRS definitions say, matching how OGR hands coordinates over. */
        p = proj_normalize_for_visualization(ctx->pj, raw);
        proj_destroy(raw);
        if (!p) {
            st = tf_error(ctx, TAAFI_ERR_CRS, "%s: cannot set up the transformation", what);
            goto fail;
        }
    }
    r->pj = p;
    proj_destroy(psrc);
    proj_destroy(pdst);
    CPLFree(wkt);
    tf_gdal_leave(ctx);
    *out = r;
    return TAAFI_OK;
fail:
    proj_destroy(psrc);
    proj_destroy(pdst);
    CPLFree(wkt);
    tf_free(r);
    tf_gdal_leave(ctx);
    return st;
}

taafi_status tf_reproj_new(taafi_ctx *ctx, OGRSpatialReferenceH src, int dst_epsg, const char *what,
                           tf_reproj **out)
{
    char dst_def[32];
    snprintf(dst_def, sizeof dst_def, "EPSG:%d", dst_epsg);
    return make(ctx, src, dst_def, 0, what, out);
}

taafi_status tf_reproj_new_srs(taafi_ctx *ctx, OGRSpatialReferenceH src, OGRSpatialReferenceH dst, const char *what,
                               tf_reproj **out)
{
    char *wkt = srs_wkt(dst);
    taafi_status st;
    if (!wkt)
        return tf_error(ctx, TAAFI_ERR_CRS, "%s: the target CRS cannot be described", what);
    st = make(ctx, src, wkt, data_north_first(dst), what, out);
    CPLFree(wkt);
    return st;
}

static int transform_cb(double *x, double *y, void *user)
{
    const tf_reproj *r = user;
    double a = *x, b = *y;
    if (r->swap_in) {
        double t = a;
        a = b;
        b = t;
    }
    if (r->pj) {
        PJ_COORD c = proj_coord(a, b, 0, 0);
        c = proj_trans(r->pj, PJ_FWD, c);
        a = c.xy.x;
        b = c.xy.y;
        if (!isfinite(a) || !isfinite(b))
            return 0;
    }
    if (r->swap_out) {
        double t = a;
        a = b;
        b = t;
    }
    *x = a;
    *y = b;
    return 1;
}

taafi_status tf_reproj_geom(taafi_ctx *ctx, const tf_reproj *r, const GEOSGeometry *g, GEOSGeometry **out)
{
    *out = GEOSGeom_transformXY_r(ctx->geos, g, transform_cb, (void *)r);
    if (!*out)
        return tf_error(ctx, TAAFI_ERR_CRS, "a geometry cannot be transformed (outside the area its CRS covers?)");
    return TAAFI_OK;
}

void tf_reproj_free(tf_reproj *r)
{
    if (!r)
        return;
    if (r->pj)
        proj_destroy(r->pj);
    tf_free(r);
}

int tf_reproj_is_identity(const tf_reproj *r) { return !r->pj && r->swap_in == r->swap_out; }

taafi_status tf_reproj_xy(taafi_ctx *ctx, const tf_reproj *r, double *x, double *y, size_t n)
{
    size_t i;
    if (r->swap_in) {
        double *t = x;
        x = y;
        y = t;
    }
    if (r->pj) {
        proj_trans_generic(r->pj, PJ_FWD, x, sizeof *x, n, y, sizeof *y, n, NULL, 0, 0, NULL, 0, 0);
        for (i = 0; i < n; i++)
            if (!isfinite(x[i]) || !isfinite(y[i]))
                return tf_error(ctx, TAAFI_ERR_CRS,
                                "coordinates cannot be transformed (outside the area their CRS covers?)");
    }
    if (r->swap_in != r->swap_out) {
        /* The data held (north, east); hand back (east, north), or the
         * other way round for a target that wants north first. */
        for (i = 0; i < n; i++) {
            double t = x[i];
            x[i] = y[i];
            y[i] = t;
        }
    }
    return TAAFI_OK;
}
