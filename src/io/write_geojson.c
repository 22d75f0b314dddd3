/* write_geojson.c: GeoJSON files, RFC 7946. */
#include "writers.h"

taafi_status tf_write_geojson_with(taafi_ctx *ctx, const taafi_result *r, const char *path, tf_layer_writer fn)
{
    /* RFC7946=YES makes GDAL write counter-clockwise exterior rings and
     * clockwise holes, no "crs" member and 7 decimals at most; the
     * geometries are already in EPSG:4326, so GDAL reprojects nothing. */
    static const char *const layer_opts[] = {"RFC7946=YES", "COORDINATE_PRECISION=7", "WRITE_NAME=NO", NULL};
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    GDALDatasetH ds;
    taafi_status st;
    if (!drv)
        return tf_error(ctx, TAAFI_ERR_IO, "this GDAL has no GeoJSON driver");
    tf_gdal_enter(ctx);
    if (!(ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL))) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot create the GeoJSON file: %s", path, tf_lib_error(ctx));
        tf_gdal_leave(ctx);
        return st;
    }
    st = fn(ctx, r, ds, 1, (char **)layer_opts);
    tf_lib_error_clear(ctx);
    GDALClose(ds);
    if (!st && tf_lib_error(ctx)[0])
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: error while closing: %s", path, tf_lib_error(ctx));
    tf_gdal_leave(ctx);
    return st;
}

static taafi_status areas_layer(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, int lonlat, char **opts)
{
    return tf_write_areas_layer(ctx, r, ds, "areas", lonlat, opts);
}

taafi_status tf_write_geojson(taafi_ctx *ctx, const taafi_result *r, const char *path)
{
    return tf_write_geojson_with(ctx, r, path, areas_layer);
}
