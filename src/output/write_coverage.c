/* write_coverage.c: the service_gaps and facilities layers. */
#include "geom/reproj.h"
#include "writers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static taafi_status add_field(taafi_ctx *ctx, OGRLayerH layer, const char *name, OGRFieldType type)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, type);
    OGRErr e = OGR_L_CreateField(layer, fd, TRUE);
    OGR_Fld_Destroy(fd);
    if (e != OGRERR_NONE)
        return tf_error(ctx, TAAFI_ERR_IO, "cannot create field %s: %s", name, tf_lib_error(ctx));
    return TAAFI_OK;
}

static void set_double(OGRFeatureH f, const char *name, double v)
{
    int i = OGR_F_GetFieldIndex(f, name);
    if (isnan(v))
        OGR_F_SetFieldNull(f, i);
    else
        OGR_F_SetFieldDouble(f, i, v);
}

/* The geometry to write: as it is, or transformed to EPSG:4326. */
static taafi_status place(taafi_ctx *ctx, const tf_reproj *to_ll, GEOSWKBWriter *w, const GEOSGeometry *g,
                          int multipolygon, int lonlat, OGRGeometryH *out)
{
    GEOSGeometry *t = NULL;
    taafi_status st;
    if (to_ll && (st = tf_reproj_geom(ctx, to_ll, g, &t)))
        return st;
    st = tf_geos_to_ogr(ctx, w, t ? t : g, multipolygon, lonlat, out);
    if (t)
        GEOSGeom_destroy_r(ctx->geos, t);
    return st;
}

/* Shared set-up: the layer, the WKB writer, the transformation. */
static taafi_status open_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                               OGRwkbGeometryType type, int lonlat, char **options, OGRLayerH *layer,
                               GEOSWKBWriter **w, tf_reproj **to_ll)
{
    OGRSpatialReferenceH out = tf_layer_srs(lonlat, r->areas->epsg);
    OGRSpatialReferenceH analysis = lonlat ? tf_srs_from_epsg(r->areas->epsg) : NULL;
    taafi_status st = TAAFI_OK;
    *layer = NULL;
    *w = NULL;
    *to_ll = NULL;
    if ((!out && lonlat != TF_GEOM_RFC7946) || (lonlat && !analysis)) {
        st = tf_error(ctx, TAAFI_ERR_CRS, "PROJ does not know EPSG:%d", r->areas->epsg);
        goto done;
    }
    if (lonlat && (st = tf_reproj_new(ctx, analysis, 4326, name, to_ll)))
        goto done;
    if (!(*layer = GDALDatasetCreateLayer(ds, name, out, type, options))) {
        st = tf_error(ctx, TAAFI_ERR_IO, "cannot create layer %s: %s", name, tf_lib_error(ctx));
        goto done;
    }
    if (!(*w = GEOSWKBWriter_create_r(ctx->geos)))
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
done:
    if (out)
        OSRRelease(out);
    if (analysis)
        OSRRelease(analysis);
    return st;
}

taafi_status tf_write_gaps_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat, char **options)
{
    return tf_write_gaps_range(ctx, r, ds, lonlat, options, 0, r->n_gaps);
}

taafi_status tf_write_gaps_range(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                 char **options, size_t i0, size_t i1)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    OGRLayerH layer;
    GEOSWKBWriter *w = NULL;
    tf_reproj *to_ll = NULL;
    OGRFeatureH f = NULL;
    size_t i;
    int name_i = -1, name_ar_i = -1;
    taafi_status st;
    if ((st = open_layer(ctx, r, ds, "service_gaps", wkbMultiPolygon, lonlat, options, &layer, &w, &to_ll)) ||
        (st = add_field(ctx, layer, p->area_id, OFTString)) ||
        (p->area_name && (st = add_field(ctx, layer, p->area_name, OFTString))) ||
        (p->area_name_ar && (st = add_field(ctx, layer, p->area_name_ar, OFTString))) ||
        (st = add_field(ctx, layer, "indicator", OFTString)) || (st = add_field(ctx, layer, "kind", OFTString)) ||
        (st = add_field(ctx, layer, "distance_m", OFTReal)) || (st = add_field(ctx, layer, "gap_km2", OFTReal)) ||
        (st = add_field(ctx, layer, "gap_residents", OFTReal)))
        goto done;
    if (p->area_name)
        name_i = OGR_FD_GetFieldIndex(A->defn, p->area_name);
    if (p->area_name_ar)
        name_ar_i = OGR_FD_GetFieldIndex(A->defn, p->area_name_ar);
    for (i = i0; i < i1 && i < r->n_gaps; i++) {
        const tf_gap *g = &r->gaps[i];
        OGRGeometryH og;
        if (!(f = OGR_F_Create(OGR_L_GetLayerDefn(layer)))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        OGR_F_SetFieldString(f, 0, A->id[g->area]);
        if (name_i >= 0)
            OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, p->area_name), OGR_F_GetFieldAsString(A->feat[g->area], name_i));
        if (name_ar_i >= 0)
            OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, p->area_name_ar),
                                 OGR_F_GetFieldAsString(A->feat[g->area], name_ar_i));
        OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "indicator"), g->def->id);
        if (g->def->kind)
            OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "kind"), g->def->kind);
        set_double(f, "distance_m", g->def->distance);
        set_double(f, "gap_km2", g->km2);
        set_double(f, "gap_residents", g->residents);
        if ((st = place(ctx, to_ll, w, g->geom, 1, lonlat, &og)))
            goto done;
        OGR_F_SetGeometryDirectly(f, og);
        st = tf_feature_put(ctx, layer, f);
        f = NULL;
        if (st)
            goto done;
    }
done:
    if (f)
        OGR_F_Destroy(f);
    if (w)
        GEOSWKBWriter_destroy_r(ctx->geos, w);
    tf_reproj_free(to_ll);
    return st;
}

taafi_status tf_write_facilities_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat,
                                       char **options)
{
    OGRLayerH layer;
    GEOSWKBWriter *w = NULL;
    tf_reproj *to_ll = NULL;
    OGRFeatureH f = NULL;
    OGRFeatureDefnH in = r->n_facilities ? OGR_F_GetDefnRef(r->facilities[0].f) : NULL;
    size_t i;
    int k, n_in = in ? OGR_FD_GetFieldCount(in) : 0;
    taafi_status st;
    if ((st = open_layer(ctx, r, ds, "facilities", wkbPoint, lonlat, options, &layer, &w, &to_ll)) ||
        (st = add_field(ctx, layer, "indicator", OFTString)))
        goto done;
    for (k = 0; k < n_in; k++)
        if (OGR_L_CreateField(layer, OGR_FD_GetFieldDefn(in, k), TRUE) != OGRERR_NONE) {
            st = tf_error(ctx, TAAFI_ERR_IO, "cannot create a facilities field: %s", tf_lib_error(ctx));
            goto done;
        }
    if ((st = add_field(ctx, layer, "area_id", OFTString)) || (st = add_field(ctx, layer, "basin_residents", OFTReal)) ||
        (st = add_field(ctx, layer, "residents_per_capacity", OFTReal)))
        goto done;
    for (i = 0; i < r->n_facilities; i++) {
        const tf_facility *fa = &r->facilities[i];
        OGRGeometryH og;
        if (!(f = OGR_F_Create(OGR_L_GetLayerDefn(layer)))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        /* Fields copied by name: coverage indicators may read different
         * layers; the first one's fields make the table. */
        OGR_F_SetFrom(f, fa->f, TRUE);
        OGR_F_SetGeometryDirectly(f, NULL);
        OGR_F_SetFID(f, OGRNullFID);
        OGR_F_SetFieldString(f, 0, fa->def->id);
        if (fa->area >= 0)
            OGR_F_SetFieldString(f, OGR_F_GetFieldIndex(f, "area_id"), r->areas->id[fa->area]);
        set_double(f, "basin_residents", fa->basin);
        set_double(f, "residents_per_capacity", fa->per_capacity);
        if ((st = place(ctx, to_ll, w, fa->pt, 0, lonlat, &og)))
            goto done;
        OGR_F_SetGeometryDirectly(f, og);
        st = tf_feature_put(ctx, layer, f);
        f = NULL;
        if (st)
            goto done;
    }
done:
    if (f)
        OGR_F_Destroy(f);
    if (w)
        GEOSWKBWriter_destroy_r(ctx->geos, w);
    tf_reproj_free(to_ll);
    return st;
}

taafi_status tf_write_geojson_gaps(taafi_ctx *ctx, const taafi_result *r, const char *path)
{
    return tf_write_geojson_with(ctx, r, path, tf_write_gaps_layer);
}

taafi_status tf_write_geojson_facilities(taafi_ctx *ctx, const taafi_result *r, const char *path)
{
    return tf_write_geojson_with(ctx, r, path, tf_write_facilities_layer);
}
