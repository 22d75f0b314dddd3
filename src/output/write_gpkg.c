/* write_gpkg.c: the GeoPackage output. */
#include "rounds/rounds.h"
#include "style.h"
#include "writers.h"
#include "families/indicator.h"

#include <cpl_conv.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* Tables without geometry are GeoPackage "attributes" tables. */
static const char *const ATTR[] = {"ASPATIAL_VARIANT=GPKG_ATTRIBUTES", NULL};

/* `run`: what produced this file, so that a result can be traced to its
 * inputs byte for byte.  One row per fact: (item, name, value, sha256). */
static taafi_status write_run(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, GDALDatasetH ds)
{
    static const char *const cols[] = {"item", "name", "value", "sha256", NULL};
    const taafi_project *p = r->project;
    OGRLayerH t;
    char hex[65], buf[64], versions[512];
    size_t i;
    taafi_status st;
    PJ_INFO pi = proj_info();
    if ((st = tf_table_create(ctx, ds, "run", cols, NULL, (char **)ATTR, &t)))
        return st;
    tf_sha256_buf(p->text, strlen(p->text), hex);
    taafi_versions(versions, sizeof versions);
    if ((st = tf_table_row(ctx, t, (const char *[]){"project", p->path, p->text, hex}, 4)))
        return st;
    if (rounds) {
        /* every round's inputs, named ROUND/role, and each round's
         * definitions signature */
        for (i = 0; i < rounds->n_run_rows; i++)
            if ((st = tf_table_row(ctx, t, (const char *const *)&rounds->run_rows[4 * i], 4)))
                return st;
    }
    for (i = 0; i < r->n_inputs && !rounds; i++)
        if ((st = tf_table_row(ctx, t,
                      (const char *[]){"input", r->inputs[i].role, r->inputs[i].path,
                                       r->inputs[i].sha256[0] ? r->inputs[i].sha256 : NULL},
                      4)))
            return st;
    if (r->scenario && (st = tf_table_row(ctx, t, (const char *[]){"scenario", r->scenario, NULL, NULL}, 4)))
        return st;
    snprintf(buf, sizeof buf, "EPSG:%d", r->areas->epsg);
    if ((st = tf_table_row(ctx, t, (const char *[]){"crs", "analysis", buf, NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"version", "taafi", taafi_version(), NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"version", "GDAL", GDALVersionInfo("RELEASE_NAME"), NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"version", "GEOS", GEOSversion(), NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"version", "PROJ", pi.version, NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"version", "all", versions, NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"time", "started", r->started, NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"time", "finished", r->finished, NULL}, 4)) ||
        (st = tf_table_row(ctx, t, (const char *[]){"run", "run_id", r->run_id, NULL}, 4)))
        return st;
    return TAAFI_OK;
}

static taafi_status write_dq(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds)
{
    static const char *const cols[] = {"layer", "feature_id", "problem", "action", NULL};
    static const OGRFieldType types[] = {OFTString, OFTInteger64, OFTString, OFTString};
    OGRLayerH t;
    size_t i;
    taafi_status st;
    if ((st = tf_table_create(ctx, ds, "data_quality", cols, types, (char **)ATTR, &t)))
        return st;
    for (i = 0; i < r->dq.n; i++) {
        const tf_dq_item *it = &r->dq.items[i];
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(t));
        if (!f)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        OGR_F_SetFieldString(f, 0, it->layer);
        if (it->fid >= 0)
            OGR_F_SetFieldInteger64(f, 1, (GIntBig)it->fid);
        OGR_F_SetFieldString(f, 2, it->problem);
        OGR_F_SetFieldString(f, 3, it->action);
        if ((st = tf_feature_put(ctx, t, f)))
            return st;
    }
    return TAAFI_OK;
}

taafi_status tf_write_gpkg(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, const char *path)
{
    static const char *const layer_opts[] = {"GEOMETRY_NAME=geom", "FID=fid", "SPATIAL_INDEX=YES", NULL};
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds;
    taafi_status st = TAAFI_OK;
    char date[40], *saved = NULL;
    time_t t;
    int pinned = tf_source_date(&t);
    if (!drv)
        return tf_error(ctx, TAAFI_ERR_IO, "this GDAL has no GPKG driver");
    tf_gdal_enter(ctx);
    if (pinned) {
        /* SOURCE_DATE_EPOCH: GDAL's own time stamps (gpkg_contents'
         * last_change) too, so that the file is the same bytes each run;
         * set on this thread only, for this file only */
        char now[32];
        const char *was = CPLGetThreadLocalConfigOption("OGR_CURRENT_DATE", NULL);
        saved = was ? CPLStrdup(was) : NULL;
        tf_utc_now(now); /* that time: "...T05:10:15Z", as GDAL wants it with milliseconds */
        snprintf(date, sizeof date, "%.19s.000Z", now);
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", date);
    }
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
        (st = tf_write_indicators_table(ctx, r, ds, "indicators", (char **)ATTR)) ||
        (tf_project_makes_facility_layers(r->project) &&
         ((st = tf_write_gaps_layer(ctx, r, ds, 0, (char **)layer_opts)) ||
          (st = tf_write_facilities_layer(ctx, r, ds, 0, (char **)layer_opts)))) ||
        (st = tf_write_styles(ctx, r, ds, (char **)ATTR)) ||
        (rounds && (st = tf_write_rounds(ctx, r, rounds, ds, (char **)ATTR, (char **)layer_opts))) ||
        (st = write_run(ctx, r, rounds, ds)) || (st = write_dq(ctx, r, ds)))
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
    if (pinned) {
        CPLSetThreadLocalConfigOption("OGR_CURRENT_DATE", saved);
        CPLFree(saved);
    }
    tf_gdal_leave(ctx);
    return st;
}
