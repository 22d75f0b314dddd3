/* write_gpkg.c: the GeoPackage output. */
#include "writers.h"

#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

/* Makes a table without geometry with string fields `names`. */
static taafi_status make_table(taafi_ctx *ctx, GDALDatasetH ds, const char *name, const char *const *names,
                               const OGRFieldType *types, OGRLayerH *out)
{
    static const char *const opts[] = {"ASPATIAL_VARIANT=GPKG_ATTRIBUTES", NULL};
    size_t i;
    *out = GDALDatasetCreateLayer(ds, name, NULL, wkbNone, (char **)opts);
    if (!*out)
        return tf_error(ctx, TAAFI_ERR_IO, "cannot create table %s: %s", name, tf_lib_error(ctx));
    for (i = 0; names[i]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types ? types[i] : OFTString);
        OGRErr e = OGR_L_CreateField(*out, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return tf_error(ctx, TAAFI_ERR_IO, "cannot create field %s.%s: %s", name, names[i], tf_lib_error(ctx));
    }
    return TAAFI_OK;
}

/* Appends a row of strings (NULL entries stay NULL). */
static taafi_status row(taafi_ctx *ctx, OGRLayerH layer, const char *const *values, int n)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    int i;
    OGRErr e;
    if (!f)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        if (values[i])
            OGR_F_SetFieldString(f, i, values[i]);
    e = OGR_L_CreateFeature(layer, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE)
        return tf_error(ctx, TAAFI_ERR_IO, "cannot write to %s: %s", OGR_L_GetName(layer), tf_lib_error(ctx));
    return TAAFI_OK;
}

/* `run`: what produced this file, so that a result can be traced to its
 * inputs byte for byte.  One row per fact: (item, name, value, sha256). */
static taafi_status write_run(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds)
{
    static const char *const cols[] = {"item", "name", "value", "sha256", NULL};
    const taafi_project *p = r->project;
    OGRLayerH t;
    char hex[65], buf[64], versions[512];
    size_t i;
    taafi_status st;
    PJ_INFO pi = proj_info();
    if ((st = make_table(ctx, ds, "run", cols, NULL, &t)))
        return st;
    tf_sha256_buf(p->text, strlen(p->text), hex);
    taafi_versions(versions, sizeof versions);
    if ((st = row(ctx, t, (const char *[]){"project", p->path, p->text, hex}, 4)))
        return st;
    for (i = 0; i < r->n_inputs; i++)
        if ((st = row(ctx, t,
                      (const char *[]){"input", r->inputs[i].role, r->inputs[i].path,
                                       r->inputs[i].sha256[0] ? r->inputs[i].sha256 : NULL},
                      4)))
            return st;
    snprintf(buf, sizeof buf, "EPSG:%d", r->areas->epsg);
    if ((st = row(ctx, t, (const char *[]){"crs", "analysis", buf, NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"version", "taafi", taafi_version(), NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"version", "GDAL", GDALVersionInfo("RELEASE_NAME"), NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"version", "GEOS", GEOSversion(), NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"version", "PROJ", pi.version, NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"version", "all", versions, NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"time", "started", r->started, NULL}, 4)) ||
        (st = row(ctx, t, (const char *[]){"time", "finished", r->finished, NULL}, 4)))
        return st;
    return TAAFI_OK;
}

/* `indicators`: one row per output column, with its indicator, unit and
 * labels, for legends and for checking how a number was made. */
static taafi_status write_indicators(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds)
{
    static const char *const cols[] = {"column_name", "indicator", "type",  "layer",   "unit",
                                       "pillar",      "label",     "label_ar", NULL};
    static const char *const types[] = {"area", "count"};
    OGRLayerH t;
    size_t i;
    taafi_status st;
    if ((st = make_table(ctx, ds, "indicators", cols, NULL, &t)))
        return st;
    for (i = 0; i < r->n_cols; i++) {
        const tf_column *c = &r->cols[i];
        const tf_indicator_def *d = c->def;
        const char *v[8] = {c->name, d->id, types[d->type], d->layer >= 0 ? r->project->layers[d->layer].role : NULL,
                            c->unit, d->pillar, d->label, d->label_ar};
        if ((st = row(ctx, t, v, 8)))
            return st;
    }
    return TAAFI_OK;
}

static taafi_status write_dq(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds)
{
    static const char *const cols[] = {"layer", "feature_id", "problem", "action", NULL};
    static const OGRFieldType types[] = {OFTString, OFTInteger64, OFTString, OFTString};
    OGRLayerH t;
    size_t i;
    taafi_status st;
    if ((st = make_table(ctx, ds, "data_quality", cols, types, &t)))
        return st;
    for (i = 0; i < r->dq.n; i++) {
        const tf_dq_item *it = &r->dq.items[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t));
        OGRErr e;
        if (!f)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        OGR_F_SetFieldString(f, 0, it->layer);
        if (it->fid >= 0)
            OGR_F_SetFieldInteger64(f, 1, (GIntBig)it->fid);
        OGR_F_SetFieldString(f, 2, it->problem);
        OGR_F_SetFieldString(f, 3, it->action);
        e = OGR_L_CreateFeature(t, f);
        OGR_F_Destroy(f);
        if (e != OGRERR_NONE)
            return tf_error(ctx, TAAFI_ERR_IO, "cannot write to data_quality: %s", tf_lib_error(ctx));
    }
    return TAAFI_OK;
}

taafi_status tf_write_gpkg(taafi_ctx *ctx, const taafi_result *r, const char *path)
{
    static const char *const layer_opts[] = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES", NULL};
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds;
    taafi_status st = TAAFI_OK;
    if (!drv)
        return tf_error(ctx, TAAFI_ERR_IO, "this GDAL has no GPKG driver");
    tf_gdal_enter(ctx);
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot create the GeoPackage: %s", path, tf_lib_error(ctx));
        goto done;
    }
    /* One transaction: fast, and nothing half-written inside the file. */
    if (GDALDatasetStartTransaction(ds, FALSE) != OGRERR_NONE) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot start a transaction: %s", path, tf_lib_error(ctx));
        goto done;
    }
    if ((st = tf_write_areas_layer(ctx, r, ds, "areas", 0, (char **)layer_opts)) ||
        (st = write_indicators(ctx, r, ds)) || (st = write_run(ctx, r, ds)) || (st = write_dq(ctx, r, ds)))
        goto done;
    if (GDALDatasetCommitTransaction(ds) != OGRERR_NONE) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot commit: %s", path, tf_lib_error(ctx));
        goto done;
    }
done:
    if (ds) {
        tf_lib_error_clear(ctx);
        GDALClose(ds);
        if (!st && tf_lib_error(ctx)[0])
            st = tf_error(ctx, TAAFI_ERR_IO, "%s: error while closing: %s", path, tf_lib_error(ctx));
    }
    tf_gdal_leave(ctx);
    return st;
}
