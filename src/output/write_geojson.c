/* write_geojson.c: GeoJSON files, RFC 7946. */
#include "writers.h"

#include <cpl_vsi.h>
#include <stdio.h>

/* Creates the GeoJSON dataset at `path` and says how its layer is to be
 * written (TF_GEOM_*, layer options).  See tf_write_geojson_with. */
static taafi_status create(taafi_ctx *ctx, const taafi_result *r, const char *path, GDALDatasetH *ds, int *lonlat,
                           char ***opts)
{
    /* RFC 7946: lon/lat, no "crs" member, exterior rings counter-clockwise
     * and holes clockwise, 7 decimals at most.  taafi rounds and turns the
     * rings itself (TF_GEOM_RFC7946) and gives GDAL 15 significant
     * figures, which it formats with printf: twice as fast as its
     * RFC7946=YES mode, whose 7 decimals go through C++ streams.  Numbers
     * in properties then carry 15 significant figures too (the GeoPackage
     * holds them exactly).  Areas spanning more than 180 degrees of
     * longitude may cross the antimeridian, which GDAL's RFC7946=YES mode
     * cuts geometries at: then that mode writes the file. */
    static const char *const fast_opts[] = {"SIGNIFICANT_FIGURES=15", "WRITE_NAME=NO", NULL};
    static const char *const gdal_opts[] = {"RFC7946=YES", "COORDINATE_PRECISION=7", "WRITE_NAME=NO", NULL};
    const tf_areas *a = r->areas;
    int ours = !(a->ll_max[0] - a->ll_min[0] > 180);
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    *ds = NULL;
    *lonlat = ours ? TF_GEOM_RFC7946 : TF_GEOM_LONLAT;
    *opts = (char **)(ours ? fast_opts : gdal_opts);
    if (!drv)
        return tf_error(ctx, TAAFI_ERR_IO, "this GDAL has no GeoJSON driver");
    if (!(*ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL)))
        return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot create the GeoJSON file: %s", path, tf_lib_error(ctx));
    return TAAFI_OK;
}

/* Closes what create() made; st: the status so far. */
static taafi_status finish(taafi_ctx *ctx, GDALDatasetH ds, const char *path, taafi_status st)
{
    tf_lib_error_clear(ctx);
    GDALClose(ds);
    if (!st && tf_lib_error(ctx)[0])
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: error while closing: %s", path, tf_lib_error(ctx));
    return st;
}

taafi_status tf_write_geojson_arg(taafi_ctx *ctx, const taafi_result *r, const char *path, tf_layer_writer_arg fn,
                                  const void *arg)
{
    GDALDatasetH ds;
    char **opts;
    int lonlat;
    taafi_status st;
    tf_gdal_enter(ctx);
    if (!(st = create(ctx, r, path, &ds, &lonlat, &opts)))
        st = finish(ctx, ds, path, fn(ctx, r, ds, lonlat, opts, arg));
    tf_gdal_leave(ctx);
    return st;
}

static taafi_status plain(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat, char **opts,
                          const void *fn)
{
    /* a function pointer travels as the pointer to it */
    return (*(const tf_layer_writer *)fn)(ctx, r, ds, lonlat, opts);
}

taafi_status tf_write_geojson_with(taafi_ctx *ctx, const taafi_result *r, const char *path, tf_layer_writer fn)
{
    return tf_write_geojson_arg(ctx, r, path, plain, &fn);
}

/* The GeoJSON document of features [i0, i1) of the areas (`gaps` 0) or
 * of the service gaps (1), written by GDAL to memory and taken. */
static taafi_status piece_bytes(taafi_ctx *ctx, const taafi_result *r, int gaps, size_t i0, size_t i1,
                                unsigned char **out, size_t *len)
{
    char path[160];
    GDALDatasetH ds;
    char **opts;
    int lonlat;
    vsi_l_offset n = 0;
    taafi_status st;
    *out = NULL;
    *len = 0;
    /* a name no other call uses at the same time */
    snprintf(path, sizeof path, "/vsimem/taafi-%s-%p-%p-%zu.geojson", gaps ? "gaps" : "areas", (void *)ctx,
             (const void *)r, i0);
    tf_gdal_enter(ctx);
    if (!(st = create(ctx, r, path, &ds, &lonlat, &opts)))
        st = finish(ctx, ds, path,
                    gaps ? tf_write_gaps_range(ctx, r, ds, lonlat, opts, i0, i1)
                         : tf_write_areas_range(ctx, r, ds, "areas", lonlat, opts, i0, i1));
    if (!st) {
        *out = VSIGetMemFileBuffer(path, &n, TRUE); /* taken, and the file gone */
        *len = (size_t)n;
        if (!*out)
            st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot take the bytes GDAL wrote", path);
    } else
        VSIUnlink(path);
    tf_gdal_leave(ctx);
    return st;
}

taafi_status tf_geojson_gaps_bytes(taafi_ctx *ctx, const taafi_result *r, size_t i0, size_t i1, unsigned char **out,
                                   size_t *len)
{
    return piece_bytes(ctx, r, 1, i0, i1, out, len);
}

taafi_status tf_geojson_areas_bytes(taafi_ctx *ctx, const taafi_result *r, size_t i0, size_t i1, unsigned char **out,
                                    size_t *len)
{
    return piece_bytes(ctx, r, 0, i0, i1, out, len);
}

static taafi_status areas_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat, char **opts)
{
    return tf_write_areas_layer(ctx, r, ds, "areas", lonlat, opts);
}

taafi_status tf_write_geojson(taafi_ctx *ctx, const taafi_result *r, const char *path)
{
    return tf_write_geojson_with(ctx, r, path, areas_layer);
}
