/* ingest.c: OGR to GEOS geometry with reprojection. */
#include "ingest.h"

#include <stdlib.h>

static taafi_status build(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **out);

/* Reads the 2D coordinates of a point, line string or ring, transformed. */
static taafi_status coords(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, int close, GEOSCoordSequence **out)
{
    int n = OGR_G_GetPointCount(g), m;
    double *x = NULL, *y = NULL;
    GEOSCoordSequence *seq = NULL;
    taafi_status st = TAAFI_OK;
    *out = NULL;
    m = n;
    x = tf_malloc(sizeof *x * (size_t)(n + 1));
    y = tf_malloc(sizeof *y * (size_t)(n + 1));
    if (!x || !y) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory reading a geometry of %d points", n);
        goto done;
    }
    if (n > 0)
        OGR_G_GetPoints(g, x, sizeof *x, y, sizeof *y, NULL, 0);
    if (close && n > 0 && (x[0] != x[n - 1] || y[0] != y[n - 1])) {
        x[n] = x[0];
        y[n] = y[0];
        m = n + 1;
    }
    if (r && m > 0 && (st = tf_reproj_xy(ctx, r, x, y, (size_t)m)))
        goto done;
    seq = GEOSCoordSeq_copyFromArrays_r(ctx->geos, x, y, NULL, NULL, (unsigned)m);
    if (!seq)
        st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot build a coordinate sequence: %s", tf_lib_error(ctx));
done:
    tf_free(x);
    tf_free(y);
    *out = seq;
    return st;
}

static taafi_status ring(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **out)
{
    GEOSCoordSequence *seq;
    taafi_status st = coords(ctx, g, r, 1, &seq);
    unsigned size = 0;
    if (st)
        return st;
    GEOSCoordSeq_getSize_r(ctx->geos, seq, &size);
    if (size < 4) {
        GEOSCoordSeq_destroy_r(ctx->geos, seq);
        return tf_error(ctx, TAAFI_ERR_GEOM, "a polygon ring has %u points; at least 4 are needed", size);
    }
    *out = GEOSGeom_createLinearRing_r(ctx->geos, seq); /* takes seq */
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot build a ring: %s", tf_lib_error(ctx));
}

static taafi_status polygon(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **out)
{
    int n = OGR_G_GetGeometryCount(g), i;
    GEOSGeometry *shell = NULL, **holes = NULL;
    taafi_status st = TAAFI_OK;
    int nh = 0;
    *out = NULL;
    if (n == 0) {
        *out = GEOSGeom_createEmptyPolygon_r(ctx->geos);
        return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot build an empty polygon");
    }
    if ((st = ring(ctx, OGR_G_GetGeometryRef(g, 0), r, &shell)))
        return st;
    if (n > 1) {
        holes = tf_calloc((size_t)n - 1, sizeof *holes);
        if (!holes) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (i = 1; i < n; i++, nh++)
            if ((st = ring(ctx, OGR_G_GetGeometryRef(g, i), r, &holes[nh])))
                goto fail;
    }
    *out = GEOSGeom_createPolygon_r(ctx->geos, shell, holes, (unsigned)nh); /* takes the rings */
    tf_free(holes);
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot build a polygon: %s", tf_lib_error(ctx));
fail:
    GEOSGeom_destroy_r(ctx->geos, shell);
    for (i = 0; i < nh; i++)
        GEOSGeom_destroy_r(ctx->geos, holes[i]);
    tf_free(holes);
    return st;
}

static taafi_status collection(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, int type, GEOSGeometry **out)
{
    int n = OGR_G_GetGeometryCount(g), i, k = 0;
    GEOSGeometry **parts = tf_calloc(n > 0 ? (size_t)n : 1, sizeof *parts);
    taafi_status st = TAAFI_OK;
    *out = NULL;
    if (!parts)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        if ((st = build(ctx, OGR_G_GetGeometryRef(g, i), r, &parts[k])))
            goto fail;
        /* Empty parts carry nothing, and GEOS 3.11 crashes on some of them
         * (the interior point of a collection holding an empty line):
         * they are left out.  Found by the fuzzing harness. */
        if (GEOSisEmpty_r(ctx->geos, parts[k]) == 1) {
            GEOSGeom_destroy_r(ctx->geos, parts[k]);
            parts[k] = NULL;
            continue;
        }
        k++;
    }
    *out = GEOSGeom_createCollection_r(ctx->geos, type, parts, (unsigned)k); /* takes the parts */
    tf_free(parts);
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot build a collection: %s", tf_lib_error(ctx));
fail:
    for (i = 0; i < k; i++)
        GEOSGeom_destroy_r(ctx->geos, parts[i]);
    tf_free(parts);
    return st;
}

static taafi_status build(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **out)
{
    OGRwkbGeometryType t = wkbFlatten(OGR_G_GetGeometryType(g));
    GEOSCoordSequence *seq;
    taafi_status st;
    *out = NULL;
    switch (t) {
    case wkbPoint:
        if (OGR_G_IsEmpty(g)) {
            *out = GEOSGeom_createEmptyPoint_r(ctx->geos);
            return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot build an empty point");
        }
        if ((st = coords(ctx, g, r, 0, &seq)))
            return st;
        *out = GEOSGeom_createPoint_r(ctx->geos, seq);
        break;
    case wkbLineString:
        if ((st = coords(ctx, g, r, 0, &seq)))
            return st;
        *out = GEOSGeom_createLineString_r(ctx->geos, seq);
        break;
    case wkbPolygon:
        return polygon(ctx, g, r, out);
    case wkbMultiPoint:
        return collection(ctx, g, r, GEOS_MULTIPOINT, out);
    case wkbMultiLineString:
        return collection(ctx, g, r, GEOS_MULTILINESTRING, out);
    case wkbMultiPolygon:
        return collection(ctx, g, r, GEOS_MULTIPOLYGON, out);
    case wkbGeometryCollection:
        return collection(ctx, g, r, GEOS_GEOMETRYCOLLECTION, out);
    default:
        return tf_error(ctx, TAAFI_ERR_GEOM, "geometry type %s is not supported", OGRGeometryTypeToName(t));
    }
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot build a geometry: %s", tf_lib_error(ctx));
}

taafi_status tf_ingest(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **out)
{
    OGRGeometryH linear = NULL;
    taafi_status st;
    *out = NULL;
    if (!g)
        return tf_error(ctx, TAAFI_ERR_GEOM, "no geometry");
    if (OGR_G_HasCurveGeometry(g, TRUE)) {
        /* Circular arcs and curve polygons: approximate with the default
         * step (4 degrees of arc), as GDAL does when writing them to
         * formats without curves. */
        linear = OGR_G_GetLinearGeometry(g, 0, NULL);
        if (!linear)
            return tf_error(ctx, TAAFI_ERR_GEOM, "cannot linearise a curved geometry");
        g = linear;
    }
    st = build(ctx, g, r, out);
    if (linear)
        OGR_G_DestroyGeometry(linear);
    return st;
}
