/*
 * Mass conservation on the example data: the 20 neighbourhoods and the
 * rest of the population raster's extent (their complement, computed by
 * SpatiaLite) tile the raster, so taafi's residents per area must add up
 * to the raster's total (read here with GDAL's plain RasterIO) within
 * 1e-6, although every area travels to UTM and back.
 */
#include "support.h"

#include <gdal.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_tiling_conserves_total(void **state)
{
    tt_env *e = *state;
    char path[2048], sql[4096], *yml, *geojson;
    GDALDatasetH ds;
    double gt[6], total = 0, *row, nodata, sum = 0;
    int nx, ny, i, j, has_nodata;
    sqlite3 *db;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    size_t a;
    snprintf(path, sizeof path, "%s/data/rasters/population.tif", tt_source_dir());
    GDALAllRegister();
    ds = GDALOpen(path, GA_ReadOnly);
    assert_non_null(ds);
    GDALGetGeoTransform(ds, gt);
    nx = GDALGetRasterXSize(ds);
    ny = GDALGetRasterYSize(ds);
    nodata = GDALGetRasterNoDataValue(GDALGetRasterBand(ds, 1), &has_nodata);
    assert_true(has_nodata);
    row = malloc(sizeof *row * (size_t)nx);
    for (j = 0; j < ny; j++) {
        assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, j, nx, 1, row, nx, 1, GDT_Float64, 0, 0),
                         CE_None);
        for (i = 0; i < nx; i++)
            if (row[i] != nodata)
                total += row[i];
    }
    free(row);
    GDALClose(ds);
    /* areas: the neighbourhoods and their complement in the raster's extent */
    db = tt_spatialite();
    snprintf(sql, sizeof sql,
             "CREATE VIRTUAL TABLE nb USING VirtualShape('%s/data/shapefiles/neighbourhoods', 'UTF-8', 4326)",
             tt_source_dir());
    tt_exec(db, sql);
    snprintf(sql, sizeof sql,
             "SELECT '{\"type\":\"FeatureCollection\",\"features\":[' || group_concat(f, ',') || ']}' FROM ("
             " SELECT '{\"type\":\"Feature\",\"properties\":{\"code\":\"' || nbhd_id || '\"},\"geometry\":' || "
             "  AsGeoJSON(Geometry, 15) || '}' AS f FROM nb"
             " UNION ALL SELECT '{\"type\":\"Feature\",\"properties\":{\"code\":\"rest\"},\"geometry\":' || "
             "  AsGeoJSON(ST_Difference(BuildMbr(%.17g, %.17g, %.17g, %.17g, 4326), (SELECT ST_Union(Geometry) FROM "
             "nb)), 15) || '}')",
             gt[0], gt[3] + ny * gt[5], gt[0] + nx * gt[1], gt[3]);
    geojson = tt_sql_text(db, sql);
    sqlite3_close(db);
    free(tt_write(e->dir, "tiles.geojson", geojson));
    free(geojson);
    snprintf(sql, sizeof sql,
             "areas: {source: tiles.geojson, id: code}\n"
             "indicators:\n  - {id: pop, type: raster_sum, source: '%s'}\n",
             path);
    yml = tt_write(e->dir, "p.yml", sql);
    if (taafi_project_load(e->ctx, yml, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_int_equal(taafi_result_area_count(r), 21);
    for (a = 0; a < 21; a++)
        sum += tt_value(r, "pop", a);
    if (fabs(sum - total) > 1e-6 * total)
        fail_msg("areas hold %.9f residents, the raster %.9f (relative %.3g)", sum, total, fabs(sum - total) / total);
    taafi_result_free(r);
    taafi_project_free(p);
    free(yml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_tiling_conserves_total, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
