/* write_rounds.c: area_rounds, the change layer and change.geojson. */
#include "rounds/rounds.h"
#include "geom/reproj.h"
#include "writers.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static taafi_status field(taafi_ctx *ctx, OGRLayerH l, const char *name, OGRFieldType t)
{
    OGRFieldDefnH fd = OGR_Fld_Create(name, t);
    OGRErr e = OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    return e == OGRERR_NONE ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_IO, "cannot create field %s: %s", name, tf_lib_error(ctx));
}

static taafi_status area_rounds(taafi_ctx *ctx, const tf_rounds *t, GDALDatasetH ds, char **opts)
{
    OGRLayerH l = GDALDatasetCreateLayer(ds, TF_AREA_ROUNDS, NULL, wkbNone, opts);
    size_t k, a, c;
    taafi_status st;
    if (!l)
        return tf_error(ctx, TAAFI_ERR_IO, "cannot create table " TF_AREA_ROUNDS ": %s", tf_lib_error(ctx));
    for (c = 0; c < TF_AR_N_FIXED; c++)
        if ((st = field(ctx, l, tf_area_rounds_fixed[c], OFTString)))
            return st;
    for (c = 0; c < t->n_cols; c++)
        if ((st = field(ctx, l, t->col[c], t->is_int[c] ? OFTInteger64 : OFTReal)))
            return st;
    for (k = 0; k < t->n_rounds; k++)
        for (a = 0; a < t->n_areas; a++) {
            OGRFeatureH f;
            if (!t->present[k * t->n_areas + a])
                continue;
            if (!(f = OGR_F_Create(OGR_L_GetLayerDefn(l))))
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            OGR_F_SetFieldString(f, TF_AR_ROUND, t->name[k]);
            OGR_F_SetFieldString(f, TF_AR_DATE, t->date[k]);
            OGR_F_SetFieldString(f, TF_AR_COMPUTED, t->started[k]);
            OGR_F_SetFieldString(f, TF_AR_AREA_ID, t->id[a]);
            if (t->geom_sha[k * t->n_areas + a])
                OGR_F_SetFieldString(f, TF_AR_GEOM_SHA, t->geom_sha[k * t->n_areas + a]);
            for (c = 0; c < t->n_cols; c++) {
                double v = t->v[(k * t->n_areas + a) * t->n_cols + c];
                int fi = TF_AR_N_FIXED + (int)c;
                if (isnan(v))
                    OGR_F_SetFieldNull(f, fi);
                else if (t->is_int[c])
                    OGR_F_SetFieldInteger64(f, fi, (GIntBig)llround(v));
                else
                    OGR_F_SetFieldDouble(f, fi, v);
            }
            if ((st = tf_feature_put(ctx, l, f)))
                return st;
        }
    return TAAFI_OK;
}

taafi_status tf_write_change_layer(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *t, GDALDatasetH ds, int lonlat,
                                   char **opts)
{
    const tf_areas *A = r->areas;
    const taafi_project *p = r->project;
    OGRSpatialReferenceH srs = tf_layer_srs(lonlat, A->epsg);
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx->geos);
    OGRLayerH l = NULL;
    OGRFeatureH f = NULL;
    size_t a, c;
    int ni = -1, nai = -1;
    taafi_status st = TAAFI_OK;
    if ((!srs && lonlat != TF_GEOM_RFC7946) || !w) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    if (!(l = GDALDatasetCreateLayer(ds, "change", srs, wkbMultiPolygon, opts))) {
        st = tf_error(ctx, TAAFI_ERR_IO, "cannot create layer change: %s", tf_lib_error(ctx));
        goto done;
    }
    if ((st = field(ctx, l, p->area_id, OFTString)) ||
        (p->area_name && (st = field(ctx, l, p->area_name, OFTString))) ||
        (p->area_name_ar && (st = field(ctx, l, p->area_name_ar, OFTString))))
        goto done;
    for (c = 0; c < t->n_change; c++)
        if ((st = field(ctx, l, t->change_col[c], t->change_is_text[c] ? OFTString : OFTReal)))
            goto done;
    if (p->area_name)
        ni = OGR_FD_GetFieldIndex(A->defn, p->area_name);
    if (p->area_name_ar)
        nai = OGR_FD_GetFieldIndex(A->defn, p->area_name_ar);
    for (a = 0; a < A->n; a++) {
        OGRGeometryH g;
        int base = 1 + (p->area_name ? 1 : 0) + (p->area_name_ar ? 1 : 0);
        if (!(f = OGR_F_Create(OGR_L_GetLayerDefn(l)))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        OGR_F_SetFieldString(f, 0, A->id[a]);
        if (ni >= 0)
            OGR_F_SetFieldString(f, 1, OGR_F_GetFieldAsString(A->feat[a], ni));
        if (nai >= 0)
            OGR_F_SetFieldString(f, p->area_name ? 2 : 1, OGR_F_GetFieldAsString(A->feat[a], nai));
        for (c = 0; c < t->n_change; c++) {
            int fi = base + (int)c;
            if (t->change_is_text[c]) {
                const char *s = t->change_text[c * A->n + a];
                if (s)
                    OGR_F_SetFieldString(f, fi, s);
                else
                    OGR_F_SetFieldNull(f, fi);
            } else if (isnan(t->change_v[c * A->n + a])) {
                OGR_F_SetFieldNull(f, fi);
            } else {
                OGR_F_SetFieldDouble(f, fi, t->change_v[c * A->n + a]);
            }
        }
        if ((st = tf_geos_to_ogr(ctx, w, lonlat ? A->geom_ll[a] : A->geom[a], 1, lonlat, &g)))
            goto done;
        OGR_F_SetGeometryDirectly(f, g);
        st = tf_feature_put(ctx, l, f);
        f = NULL;
        if (st)
            goto done;
    }
done:
    if (f)
        OGR_F_Destroy(f);
    if (w)
        GEOSWKBWriter_destroy_r(ctx->geos, w);
    if (srs)
        OSRRelease(srs);
    return st;
}

taafi_status tf_write_rounds(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *t, GDALDatasetH ds,
                             char **table_opts, char **layer_opts)
{
    taafi_status st = area_rounds(ctx, t, ds, table_opts);
    return st ? st : tf_write_change_layer(ctx, r, t, ds, 0, layer_opts);
}

static taafi_status change_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat, char **opts,
                                 const void *rounds)
{
    return tf_write_change_layer(ctx, r, rounds, ds, lonlat, opts);
}

taafi_status tf_write_geojson_change(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *t, const char *path)
{
    return tf_write_geojson_arg(ctx, r, path, change_layer, t);
}
