/* write_geojson.c: the GeoJSON output, RFC 7946. */
#include "writers.h"

taafi_status tf_write_geojson(taafi_ctx *ctx, const taafi_result *r, const char *path)
{
    /* RFC7946=YES makes GDAL write counter-clockwise exterior rings and
     * clockwise holes, no "crs" member and 7 decimals at most; the
     * geometries are already in EPSG:4326, so GDAL reprojects nothing. */
    static const char *const layer_opts[] = {"RFC7946=YES", "COORDINATE_PRECISION=7", "WRITE_NAME=NO", NULL};
    GDALDriverH drv = GDALGetDriverByName("GeoJSON");
    GDALDatasetH ds;
    taafi_status st = TAAFI_OK;
    if (!drv)
        return tf_error(ctx, TAAFI_ERR_IO, "this GDAL has no GeoJSON driver");
    tf_gdal_enter(ctx);
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot create the GeoJSON file: %s", path, tf_lib_error(ctx));
        goto done;
    }
    st = tf_write_areas_layer(ctx, r, ds, "areas", 1, (char **)layer_opts);
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
