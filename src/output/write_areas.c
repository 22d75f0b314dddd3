/* write_areas.c: the areas layer, shared by the GeoPackage and GeoJSON
 * writers. */
#include "geom/reproj.h"
#include "writers.h"

#include <math.h>
#include <ogr_api.h>
#include <stdlib.h>
#include <string.h>

OGRSpatialReferenceH tf_layer_srs(int lonlat, int analysis_epsg)
{
    if (lonlat == TF_GEOM_RFC7946 || lonlat == TF_GEOM_NONE)
        return NULL;
    return tf_srs_from_epsg(lonlat == TF_GEOM_LONLAT ? 4326 : analysis_epsg);
}

/* 7 decimals of a degree: 1.1 cm of latitude, RFC 7946's advice. */
static double round7(double v) { return round(v * 1e7) / 1e7; }

static void fix_ring(OGRGeometryH ring, int exterior)
{
    int n = OGR_G_GetPointCount(ring), i;
    double *x, *y, area = 0;
    if (n <= 0 || !(x = tf_malloc(2 * (size_t)n * sizeof *x)))
        return;
    y = x + n;
    OGR_G_GetPoints(ring, x, sizeof *x, y, sizeof *y, NULL, 0);
    for (i = 0; i < n; i++) {
        x[i] = round7(x[i]);
        y[i] = round7(y[i]);
    }
    /* shoelace: twice the signed area, positive when counter-clockwise */
    for (i = 0; i + 1 < n; i++)
        area += x[i] * y[i + 1] - x[i + 1] * y[i];
    if (exterior ? area < 0 : area > 0)
        for (i = 0; i < n / 2; i++) {
            double t = x[i];
            x[i] = x[n - 1 - i];
            x[n - 1 - i] = t;
            t = y[i];
            y[i] = y[n - 1 - i];
            y[n - 1 - i] = t;
        }
    OGR_G_SetPoints(ring, n, x, sizeof *x, y, sizeof *y, NULL, 0);
    tf_free(x);
}

void tf_rfc7946_fix(OGRGeometryH g)
{
    int i, n;
    switch (wkbFlatten(OGR_G_GetGeometryType(g))) {
    case wkbPolygon:
        n = OGR_G_GetGeometryCount(g);
        for (i = 0; i < n; i++)
            fix_ring(OGR_G_GetGeometryRef(g, i), i == 0);
        break;
    case wkbMultiPolygon:
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbGeometryCollection:
        n = OGR_G_GetGeometryCount(g);
        for (i = 0; i < n; i++)
            tf_rfc7946_fix(OGR_G_GetGeometryRef(g, i));
        break;
    case wkbPoint:
        if (!OGR_G_IsEmpty(g))
            OGR_G_SetPoint_2D(g, 0, round7(OGR_G_GetX(g, 0)), round7(OGR_G_GetY(g, 0)));
        break;
    default: { /* lines: rounded only */
        n = OGR_G_GetPointCount(g);
        for (i = 0; i < n; i++)
            OGR_G_SetPoint_2D(g, i, round7(OGR_G_GetX(g, i)), round7(OGR_G_GetY(g, i)));
        break;
    }
    }
}

taafi_status tf_geos_to_ogr(taafi_ctx *ctx, GEOSWKBWriter *w, const GEOSGeometry *g, int multipolygon, int lonlat,
                            OGRGeometryH *out)
{
    size_t size = 0;
    unsigned char *wkb = GEOSWKBWriter_write_r(ctx->geos, w, g, &size);
    OGRGeometryH og = NULL;
    OGRErr e;
    *out = NULL;
    if (!wkb)
        return tf_error(ctx, TAAFI_ERR_GEOM, "cannot encode a geometry: %s", tf_lib_error(ctx));
    e = OGR_G_CreateFromWkbEx(wkb, NULL, &og, size);
    GEOSFree_r(ctx->geos, wkb);
    if (e != OGRERR_NONE)
        return tf_error(ctx, TAAFI_ERR_GEOM, "cannot decode a geometry GEOS wrote (OGR error %d)", (int)e);
    /* One geometry type per layer: polygons become one-part multipolygons. */
    *out = multipolygon ? OGR_G_ForceToMultiPolygon(og) : og;
    if (lonlat == TF_GEOM_RFC7946) {
        /* as GDAL's RFC7946=YES writes them: a one-part MultiPolygon as
         * the Polygon it is */
        if (multipolygon && OGR_G_GetGeometryCount(*out) == 1)
            *out = OGR_G_ForceToPolygon(*out);
        tf_rfc7946_fix(*out);
    }
    return TAAFI_OK;
}

taafi_status tf_write_areas_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                  int lonlat, char **layer_options)
{
    return tf_write_areas_range(ctx, r, ds, name, lonlat, layer_options, 0, r->areas->n);
}

/* The areas' own fields, then a field per column (its label as the
 * field's alternative name). */
static taafi_status create_fields(taafi_ctx *ctx, const taafi_result *r, OGRLayerH layer)
{
    const tf_areas *a = r->areas;
    int n_in = OGR_FD_GetFieldCount(a->defn), i;
    size_t c;
    for (i = 0; i < n_in; i++)
        if (OGR_L_CreateField(layer, OGR_FD_GetFieldDefn(a->defn, i), TRUE) != OGRERR_NONE)
            return tf_error(ctx, TAAFI_ERR_IO, "cannot create field %s: %s",
                            OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(a->defn, i)), tf_lib_error(ctx));
    for (c = 0; c < r->n_cols; c++) {
        const tf_column *col = &r->cols[c];
        OGRFieldDefnH fd =
            OGR_Fld_Create(col->name, col->is_text ? OFTString : col->is_count ? OFTInteger64 : OFTReal);
        if (col->def && col->def->label && !strcmp(col->name, col->def->id))
            OGR_Fld_SetAlternativeName(fd, col->def->label);
        if (OGR_L_CreateField(layer, fd, TRUE) != OGRERR_NONE) {
            OGR_Fld_Destroy(fd);
            return tf_error(ctx, TAAFI_ERR_IO, "cannot create field %s: %s", col->name, tf_lib_error(ctx));
        }
        OGR_Fld_Destroy(fd);
    }
    return TAAFI_OK;
}

/* Area k's column values into f, from field n_in on (NaN is NULL). */
static void set_values(const taafi_result *r, size_t k, int n_in, OGRFeatureH f)
{
    size_t c;
    for (c = 0; c < r->n_cols; c++) {
        double v = r->cols[c].v[k];
        int fi = n_in + (int)c;
        if (r->cols[c].is_text) {
            if (r->cols[c].text[k])
                OGR_F_SetFieldString(f, fi, r->cols[c].text[k]);
            else
                OGR_F_SetFieldNull(f, fi);
        } else if (isnan(v))
            OGR_F_SetFieldNull(f, fi);
        else if (r->cols[c].is_count)
            OGR_F_SetFieldInteger64(f, fi, (GIntBig)llround(v));
        else
            OGR_F_SetFieldDouble(f, fi, v);
    }
}

/* Area k as a feature of `layer`: its attributes (input fields first, in
 * order: map), its values, its geometry unless no_geom. */
static taafi_status write_area(taafi_ctx *ctx, const taafi_result *r, OGRLayerH layer, GEOSWKBWriter *w,
                               const int *map, int lonlat, size_t k)
{
    const tf_areas *a = r->areas;
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    OGRGeometryH g;
    taafi_status st = TAAFI_OK;
    if (!f)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (OGR_F_SetFromWithMap(f, a->feat[k], TRUE, map) != OGRERR_NONE)
        st = tf_error(ctx, TAAFI_ERR_IO, "area %s: cannot copy its attributes: %s", a->id[k], tf_lib_error(ctx));
    if (!st) {
        set_values(r, k, OGR_FD_GetFieldCount(a->defn), f);
        /* lonlat < 0: a table without geometry (CSV) */
        if (lonlat >= 0 && !(st = tf_geos_to_ogr(ctx, w, lonlat ? a->geom_ll[k] : a->geom[k], 1, lonlat, &g)))
            OGR_F_SetGeometryDirectly(f, g);
    }
    if (!st && OGR_L_CreateFeature(layer, f) != OGRERR_NONE)
        st = tf_error(ctx, TAAFI_ERR_IO, "area %s: cannot write it: %s", a->id[k], tf_lib_error(ctx));
    OGR_F_Destroy(f);
    return st;
}

taafi_status tf_write_areas_range(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                  int lonlat, char **layer_options, size_t k0, size_t k1)
{
    /* lonlat < 0: a table without geometry (CSV). */
    int no_geom = lonlat < 0;
    const tf_areas *a = r->areas;
    OGRSpatialReferenceH srs = tf_layer_srs(lonlat, a->epsg);
    GEOSWKBWriter *w = NULL;
    OGRLayerH layer;
    int n_in = OGR_FD_GetFieldCount(a->defn), i;
    int *map = NULL;
    size_t k;
    taafi_status st = TAAFI_OK;
    if (!srs && lonlat != TF_GEOM_RFC7946 && !no_geom)
        return tf_error(ctx, TAAFI_ERR_CRS, "PROJ does not know EPSG:%d", lonlat ? 4326 : a->epsg);
    layer = GDALDatasetCreateLayer(ds, name, srs, no_geom ? wkbNone : wkbMultiPolygon, layer_options);
    if (!layer) {
        st = tf_error(ctx, TAAFI_ERR_IO, "cannot create layer %s: %s", name, tf_lib_error(ctx));
        goto done;
    }
    if ((st = create_fields(ctx, r, layer)))
        goto done;
    map = tf_malloc(sizeof *map * (size_t)(n_in ? n_in : 1));
    w = GEOSWKBWriter_create_r(ctx->geos);
    if (!map || !w) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < n_in; i++)
        map[i] = i; /* input fields come first, in order */
    for (k = k0; k < k1 && k < a->n && !st; k++)
        st = write_area(ctx, r, layer, w, map, lonlat, k);
done:
    if (w)
        GEOSWKBWriter_destroy_r(ctx->geos, w);
    tf_free(map);
    if (srs)
        OSRRelease(srs);
    return st;
}
