/*
 * Coverage on fixtures whose answers are known geometrically: a 1 km
 * square area (EPSG:32637) with one resident in every 10 m cell, and
 * facilities placed so that the reach zone is one or two whole circles.
 * GEOS buffers are polygons of 4 x 32 = 128 sides inscribed in the circle,
 * whose area is 64 r^2 sin(2 pi / 128).
 */
#include "support.h"

#include "result/result.h"
#include "output/writers.h"
#include "families/indicator.h"
#include "publish/map.h"

#include <ogr_srs_api.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define CRS "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32637\"}},"

static double gon(double r) { return 64 * r * r * sin(2 * M_PI / 128); }

static int setup(void **state)
{
    tt_env *e;
    char *path;
    double ones[100 * 100];
    GDALDatasetH ds;
    OGRSpatialReferenceH srs;
    double gt[6] = {500000, 10, 0, 3841000, 0, -10};
    size_t i;
    tt_env_setup(state);
    e = *state;
    free(tt_write(e->dir, "areas.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS "\"features\":[{\"type\":\"Feature\",\"properties\":"
                  "{\"code\":\"SQ\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,3840000],"
                  "[501000,3840000],[501000,3841000],[500000,3841000],[500000,3840000]]]}}]}\n"));
    /* F1 at the centre, functioning; F2 west and F3 east, partial;
     * F4 near F1 but not functioning: never counted. */
    free(tt_write(e->dir, "fac.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS "\"features\":["
                  "{\"type\":\"Feature\",\"properties\":{\"kind\":\"tap\",\"status\":\"functioning\",\"cap\":10},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500500,3840500]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"kind\":\"well\",\"status\":\"partial\",\"cap\":4},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500250,3840500]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"kind\":\"well\",\"status\":\"functioning\",\"cap\":0},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500750,3840500]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"kind\":\"tap\",\"status\":\"not_functioning\",\"cap\":9},"
                  "\"geometry\":{\"type\":\"Point\",\"coordinates\":[500510,3840500]}}]}\n"));
    for (i = 0; i < 100 * 100; i++)
        ones[i] = 1;
    path = tt_path(e->dir, "pop.tif");
    ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 100, 100, 1, GDT_Float64, NULL);
    GDALSetGeoTransform(ds, gt);
    srs = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(srs, 32637);
    GDALSetSpatialRef(ds, srs);
    OSRRelease(srs);
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 100, 100, ones, 100, 100, GDT_Float64, 0, 0),
        CE_None);
    GDALClose(ds);
    free(path);
    return 0;
}

static taafi_result *run(tt_env *e, const char *cov, taafi_project **p)
{
    char text[2048], *path;
    taafi_result *r = NULL;
    snprintf(text, sizeof text,
             "areas: {source: areas.geojson, id: code}\n"
             "layers:\n  fac: {source: fac.geojson}\n"
             "population: pop\n"
             "indicators:\n"
             "  - {id: pop, type: raster_sum, source: pop.tif}\n"
             "  - %s\n",
             cov);
    path = tt_write(e->dir, "p.yml", text);
    if (taafi_project_load(e->ctx, path, p) || taafi_run(e->ctx, *p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    free(path);
    return r;
}

static void test_single_facility(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = run(e, "{id: c, type: coverage, layer: fac, kind: tap, distance: 300}", &p);
    double share = gon(300) / 1e6 * 100;
    double covered_km2, a_km2 = 1.0;
    assert_double_equal(tt_value(r, "pop", 0), 10000, 1e-6);
    assert_double_equal(tt_value(r, "c_area_pct", 0), share, 1e-9);
    /* one resident per 100 m2 everywhere: the residents' share is the area's */
    assert_double_equal(tt_value(r, "c_pop_pct", 0), share, 1e-9);
    assert_double_equal(tt_value(r, "c_pop_beyond", 0), 10000 * (1 - share / 100), 1e-6);
    /* mean distance from the centre of a square of side L to its points:
     * L (sqrt 2 + ln(1 + sqrt 2)) / 6; cell centres approximate it */
    assert_double_equal(tt_value(r, "c_mean_dist", 0), 1000 * (sqrt(2) + log(1 + sqrt(2))) / 6, 0.2);
    assert_double_equal(tt_value(r, "c_facilities", 0), 1, 0); /* F4 is not functioning */
    assert_double_equal(tt_value(r, "c_residents_per_facility", 0), 10000, 1e-6);
    /* the gap and the covered part make up the area */
    assert_int_equal(r->n_gaps, 1);
    covered_km2 = a_km2 * tt_value(r, "c_area_pct", 0) / 100;
    assert_double_equal(r->gaps[0].km2 + covered_km2, a_km2, 1e-12);
    assert_double_equal(r->gaps[0].residents, tt_value(r, "c_pop_beyond", 0), 1e-9);
    assert_int_equal(r->n_facilities, 1);
    assert_double_equal(r->facilities[0].basin, 10000, 1e-6);
    /* the gaps' GeoJSON made in memory (the writer's pieces) is what the
     * file writer makes */
    {
        char *path = tt_path(e->dir, "gaps_now.geojson"), *now;
        unsigned char *mem = NULL;
        size_t len = 0, mem_len = 0;
        assert_int_equal(tf_geojson_gaps_bytes(e->ctx, r, 0, r->n_gaps, &mem, &mem_len), TAAFI_OK);
        assert_int_equal(tf_write_geojson_gaps(e->ctx, r, path), TAAFI_OK);
        now = tt_read(path, &len);
        assert_int_equal(len, mem_len);
        assert_memory_equal(now, mem, len);
        VSIFree(mem);
        free(now);
        free(path);
    }
    taafi_result_free(r);
    taafi_project_free(p);
}

/* Two wells 500 m apart share the square's residents equally (their
 * basins split it down the middle); with a standard of 2,500 per well the
 * load is 2. */
static void test_basins_and_load(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = run(e,
                          "{id: w, type: coverage, layer: fac, kind: well, distance: 200, standard: 2500, "
                          "capacity_field: cap}",
                          &p);
    size_t i;
    assert_double_equal(tt_value(r, "w_area_pct", 0), 2 * gon(200) / 1e6 * 100, 1e-9);
    assert_double_equal(tt_value(r, "w_facilities", 0), 2, 0);
    assert_double_equal(tt_value(r, "w_residents_per_facility", 0), 5000, 1e-6);
    assert_double_equal(tt_value(r, "w_load_vs_standard", 0), 2, 1e-9);
    assert_int_equal(r->n_facilities, 2);
    for (i = 0; i < 2; i++)
        assert_double_equal(r->facilities[i].basin, 5000, 1e-6);
    /* capacity 4: 1,250 residents per unit; capacity 0: none */
    assert_double_equal(r->facilities[0].per_capacity, 1250, 1e-6);
    assert_true(isnan(r->facilities[1].per_capacity));
    taafi_result_free(r);
    taafi_project_free(p);
}

/* Three facilities whose 300 m circles overlap (250 m apart): the share
 * covered is the union's, as GEOS makes it from the three buffers at once
 * (taafi unions, area by area, only the buffers that reach the area). */
static void test_overlapping_reach(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = run(e, "{id: c, type: coverage, layer: fac, distance: 300}", &p);
    GEOSContextHandle_t h = e->ctx->geos;
    const double xs[3] = {500500, 500250, 500750};
    GEOSGeometry *b[3], *all, *u, *sq, *in;
    double want;
    int i;
    for (i = 0; i < 3; i++) {
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, xs[i], 3840500);
        b[i] = GEOSBuffer_r(h, pt, 300, 32);
        GEOSGeom_destroy_r(h, pt);
    }
    all = GEOSGeom_createCollection_r(h, GEOS_MULTIPOLYGON, b, 3);
    u = GEOSUnaryUnion_r(h, all);
    sq = GEOSGeomFromWKT_r(h, "POLYGON((500000 3840000,501000 3840000,501000 3841000,500000 3841000,500000 3840000))");
    in = GEOSIntersection_r(h, sq, u);
    GEOSArea_r(h, in, &want);
    assert_true(want < 3 * gon(300) - 1000); /* the overlaps matter */
    assert_double_equal(tt_value(r, "c_area_pct", 0), want / 1e6 * 100, 1e-9);
    assert_int_equal(r->n_gaps, 1);
    assert_double_equal(r->gaps[0].km2, 1 - want / 1e6, 1e-12);
    assert_double_equal(tt_value(r, "c_facilities", 0), 3, 0);
    GEOSGeom_destroy_r(h, all);
    GEOSGeom_destroy_r(h, u);
    GEOSGeom_destroy_r(h, sq);
    GEOSGeom_destroy_r(h, in);
    taafi_result_free(r);
    taafi_project_free(p);
}

/* No matching facility: nothing covered, everyone beyond reach, the whole
 * area is a gap, no mean distance. */
static void test_no_facility(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = run(e, "{id: n, type: coverage, layer: fac, kind: bakery}", &p);
    assert_double_equal(tt_value(r, "n_area_pct", 0), 0, 0);
    assert_double_equal(tt_value(r, "n_pop_beyond", 0), 10000, 1e-6);
    assert_true(isnan(tt_value(r, "n_mean_dist", 0)));
    assert_double_equal(r->gaps[0].km2, 1.0, 1e-12);
    taafi_result_free(r);
    taafi_project_free(p);
}

/* The project-file rules: a kind without a published distance needs one;
 * statuses can be switched off; the written layers exist. */
static void test_project_rules(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r;
    char *path = tt_write(e->dir, "bad.yml",
                          "areas: {source: areas.geojson, id: code}\nlayers:\n  fac: {source: fac.geojson}\n"
                          "indicators:\n  - {id: c, type: coverage, layer: fac, kind: clinic}\n");
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "bad.yml:5:"));
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "no published standard distance"));
    free(path);
    /* statuses: [] counts the broken tap too */
    r = run(e, "{id: c, type: coverage, layer: fac, kind: tap, distance: 300, statuses: []}", &p);
    assert_double_equal(tt_value(r, "c_facilities", 0), 2, 0);
    /* water_point's defaults: 500 m (Sphere) */
    taafi_result_free(r);
    taafi_project_free(p);
    r = run(e, "{id: c, type: coverage, layer: fac, kind: water_point, kind_field: kind}", &p);
    assert_double_equal(p->inds[1].distance, 500, 0);
    assert_double_equal(p->inds[1].standard, 250, 0);
    {
        char *out = tt_path(e->dir, "out");
        sqlite3 *db;
        char *gpkg;
        assert_int_equal(taafi_result_write(e->ctx, r, out, 0), TAAFI_OK);
        gpkg = tt_path(out, "recovery.gpkg");
        assert_int_equal(sqlite3_open(gpkg, &db), SQLITE_OK);
        assert_true(tt_sql_double(db, "SELECT count(*) FROM service_gaps") == 1);
        assert_true(tt_sql_double(db, "SELECT gap_km2 FROM service_gaps") == 1.0);
        assert_true(tt_sql_double(db, "SELECT count(*) FROM facilities") == 0);
        sqlite3_close(db);
        free(gpkg);
        gpkg = tt_path(out, "service_gaps.geojson");
        assert_true(tt_exists(gpkg));
        free(gpkg);
        free(out);
    }
    taafi_result_free(r);
    taafi_project_free(p);
}

/* A project whose scenario `s` gives area indicator `a` the settings
 * SETTINGS (YAML) is refused when loaded, with `fragment` in the message. */
static void refused_scenario(tt_env *e, const char *name, const char *settings, const char *fragment)
{
    taafi_project *p = NULL;
    char text[512], *path;
    snprintf(text, sizeof text,
             "areas: {source: areas.geojson, id: code}\n"
             "indicators:\n"
             "  - {id: a, type: area, pillar: basic_services, direction: higher_is_better}\n"
             "scenarios:\n"
             "  s:\n"
             "    indicators:\n"
             "      a: %s\n",
             settings);
    path = tt_write(e->dir, name, text);
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_ERR_PROJECT);
    assert_null(p);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), fragment));
    free(path);
}

/* Moves the group's input files into DIR/gone (away) or back. */
static void move_inputs(const char *dir, int away)
{
    static const char *const inputs[] = {"areas.geojson", "fac.geojson", "pop.tif"};
    char here[4096], there[4096];
    snprintf(there, sizeof there, "%s/gone", dir);
    if (away)
        assert_true(mkdir(there, 0777) == 0 || errno == EEXIST);
    for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
        snprintf(here, sizeof here, "%s/%s", dir, inputs[i]);
        snprintf(there, sizeof there, "%s/gone/%s", dir, inputs[i]);
        assert_int_equal(away ? rename(here, there) : rename(there, here), 0);
    }
}

/* A scenario with another distance: its coverage is computed from the
 * facilities already read and equals the known circle; a column derived
 * from it follows; going back to the project gives the project's numbers
 * and gaps again.  A distance is refused on an indicator that is not a
 * coverage. */
static void test_scenario_distance(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    double s300 = gon(300) / 1e6 * 100, s200 = gon(200) / 1e6 * 100;
    char *path = tt_write(e->dir, "sc.yml",
                          "areas: {source: areas.geojson, id: code}\n"
                          "layers:\n  fac: {source: fac.geojson}\n"
                          "population: pop\n"
                          "indicators:\n"
                          "  - {id: pop, type: raster_sum, source: pop.tif}\n"
                          "  - {id: c, type: coverage, layer: fac, kind: tap, distance: 300, pillar: basic_services, "
                          "direction: higher_is_better}\n"
                          "  - {id: twice, type: expression, expression: c_area_pct * 2}\n"
                          "scenarios:\n"
                          "  near:\n"
                          "    indicators:\n"
                          "      c: {distance: 200, label: Within 200 m}\n");
    if (taafi_project_load(e->ctx, path, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "c_area_pct", 0), s300, 1e-9);
    assert_double_equal(tt_value(r, "twice", 0), 2 * s300, 1e-9);
    /* the scenario opens no input again: with every input file moved
     * away, it is computed all the same (they come back after: the
     * fixture is the group's) */
    move_inputs(e->dir, 1);
    taafi_result *n = NULL, *n2 = NULL;
    assert_int_equal(taafi_result_scenario(e->ctx, r, "near", &n), TAAFI_OK);
    assert_double_equal(tt_value(n, "c_area_pct", 0), s200, 1e-9);
    assert_double_equal(tt_value(n, "c_pop_beyond", 0), 10000 * (1 - s200 / 100), 1e-6);
    assert_double_equal(tt_value(n, "twice", 0), 2 * s200, 1e-9);
    assert_int_equal(n->n_gaps, 1);
    assert_double_equal(n->gaps[0].km2, 1 - s200 / 100, 1e-12);
    assert_double_equal(n->gaps[0].def->distance, 200, 0);
    move_inputs(e->dir, 0);
    assert_string_equal(tf_result_def(n, &p->inds[1])->label, "Within 200 m");
    assert_null(p->inds[1].label); /* the project's own is untouched */
    /* the facilities and what does not hang on the distance stay */
    assert_int_equal(n->n_facilities, 1);
    assert_double_equal(tt_value(n, "c_facilities", 0), 1, 0);
    /* the base is the project's, whatever its scenarios did */
    assert_double_equal(tt_value(r, "c_area_pct", 0), s300, 1e-9);
    assert_double_equal(tt_value(r, "twice", 0), 2 * s300, 1e-9);
    assert_double_equal(r->gaps[0].km2, 1 - s300 / 100, 1e-12);
    assert_double_equal(r->gaps[0].def->distance, 300, 0);
    assert_ptr_equal(tf_result_def(r, &p->inds[1]), &p->inds[1]);
    /* twice from one base: the same scenario again, the first untouched */
    assert_int_equal(taafi_result_scenario(e->ctx, r, "near", &n2), TAAFI_OK);
    assert_double_equal(tt_value(n2, "c_area_pct", 0), s200, 1e-9);
    assert_double_equal(tt_value(n, "c_area_pct", 0), s200, 1e-9);
    taafi_result_free(n2);
    taafi_result_free(n);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
    refused_scenario(e, "bad_sc.yml", "{distance: 200}", "bad_sc.yml:7:");
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "only coverage takes a 'distance'"));
}

/* A scenario that takes other facilities (other statuses, another where):
 * from the one pass over the layer (with the union of the filters), the
 * scenario's coverage has only its own facilities, columns, gaps and
 * facilities layer; the base keeps the project's.  Two wells: F2
 * partial (capacity 4), F3 functioning (capacity 0). */
static void test_scenario_filter(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    double one = gon(200) / 1e6 * 100;
    double x;
    char *path = tt_write(e->dir, "sf.yml",
                          "areas: {source: areas.geojson, id: code}\n"
                          "layers:\n  fac: {source: fac.geojson}\n"
                          "population: pop\n"
                          "indicators:\n"
                          "  - {id: pop, type: raster_sum, source: pop.tif}\n"
                          "  - {id: w, type: coverage, layer: fac, kind: well, distance: 200, pillar: basic_services, "
                          "direction: higher_is_better}\n"
                          "scenarios:\n"
                          "  functioning_only:\n"
                          "    indicators:\n"
                          "      w: {statuses: [functioning]}\n"
                          "  big_only:\n"
                          "    indicators:\n"
                          "      w: {where: \"cap > 3\"}\n");
    if (taafi_project_load(e->ctx, path, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    /* one pass, with every filter */
    assert_non_null(p->inds[1].pass_where);
    assert_double_equal(tt_value(r, "w_area_pct", 0), 2 * one, 1e-9);
    assert_double_equal(tt_value(r, "w_facilities", 0), 2, 0);
    assert_int_equal(r->n_facilities, 2);
    move_inputs(e->dir, 1); /* the filters apply to what was read: no file opened again */
    taafi_result *fo = NULL, *bo = NULL;
    assert_int_equal(taafi_result_scenario(e->ctx, r, "functioning_only", &fo), TAAFI_OK);
    assert_double_equal(tt_value(fo, "w_area_pct", 0), one, 1e-9);
    assert_double_equal(tt_value(fo, "w_facilities", 0), 1, 0);
    assert_double_equal(tt_value(fo, "w_pop_pct", 0), one, 1e-9);
    assert_int_equal(fo->n_gaps, 1);
    assert_double_equal(fo->gaps[0].km2, 1 - one / 100, 1e-12);
    assert_int_equal(fo->n_facilities, 1);
    GEOSGeomGetX_r(e->ctx->geos, fo->facilities[0].pt, &x);
    assert_double_equal(x, 500750, 1e-6); /* F3 */
    assert_double_equal(fo->facilities[0].basin, 10000, 1e-6); /* the only well: everyone's nearest */
    assert_int_equal(taafi_result_scenario(e->ctx, r, "big_only", &bo), TAAFI_OK);
    assert_double_equal(tt_value(bo, "w_area_pct", 0), one, 1e-9);
    assert_int_equal(bo->n_facilities, 1);
    GEOSGeomGetX_r(e->ctx->geos, bo->facilities[0].pt, &x);
    assert_double_equal(x, 500250, 1e-6); /* F2 */
    move_inputs(e->dir, 0);
    taafi_result_free(bo);
    taafi_result_free(fo);
    /* the base still holds both wells */
    assert_double_equal(tt_value(r, "w_area_pct", 0), 2 * one, 1e-9);
    assert_int_equal(r->n_facilities, 2);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
    /* only coverage takes statuses; a filter GDAL refuses stops the run */
    refused_scenario(e, "sf_bad.yml", "{statuses: [functioning]}", "only coverage takes 'statuses' or 'where'");
}

/* The population column is the same, bit for bit, with a coverage after
 * it (which once summed it in raster_sum's stead) and without one,
 * nodata cells and their note once too. */
static void test_population_from_coverage(void **state)
{
    tt_env *e = *state;
    double cells[100 * 100], gt[6] = {500000, 10, 0, 3841000, 0, -10};
    const char *const projects[2] = {
        "areas: {source: areas.geojson, id: code}\nlayers:\n  fac: {source: fac.geojson}\npopulation: pop\n"
        "indicators:\n  - {id: pop, type: raster_sum, source: pop2.tif}\n"
        "  - {id: c, type: coverage, layer: fac, kind: tap, distance: 300}\n",
        "areas: {source: areas.geojson, id: code}\npopulation: pop\n"
        "indicators:\n  - {id: pop, type: raster_sum, source: pop2.tif}\n"};
    double pop[2];
    char *path = tt_path(e->dir, "pop2.tif");
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GTiff"), path, 100, 100, 1, GDT_Float64, NULL);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    int i;
    /* uneven values, so that a different order of summing would show */
    for (i = 0; i < 100 * 100; i++)
        cells[i] = 0.1 + (i % 7) * 0.37;
    cells[0] = cells[5050] = -9;
    GDALSetGeoTransform(ds, gt);
    OSRImportFromEPSG(srs, 32637);
    GDALSetSpatialRef(ds, srs);
    OSRRelease(srs);
    GDALSetRasterNoDataValue(GDALGetRasterBand(ds, 1), -9);
    assert_int_equal(
        GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, 100, 100, cells, 100, 100, GDT_Float64, 0, 0),
        CE_None);
    GDALClose(ds);
    free(path);
    for (i = 0; i < 2; i++) {
        taafi_project *p = NULL;
        taafi_result *r = NULL;
        char *yml = tt_write(e->dir, "pp.yml", projects[i]);
        size_t k, notes = 0;
        if (taafi_project_load(e->ctx, yml, &p) || taafi_run(e->ctx, p, &r))
            fail_msg("%s", taafi_ctx_message(e->ctx));
        pop[i] = tt_value(r, "pop", 0);
        for (k = 0; k < r->dq.n; k++)
            notes += !strcmp(r->dq.items[k].layer, "pop") &&
                     !strcmp(r->dq.items[k].problem, "2 nodata cell(s) under the areas");
        assert_int_equal(notes, 1);
        taafi_result_free(r);
        taafi_project_free(p);
        free(yml);
    }
    assert_true(pop[0] == pop[1]); /* bit for bit */
    assert_true(pop[0] > 0);
}

/* The atlas shows the value that scores an indicator: a coverage
 * indicator scored by another of its columns (score_column) shows that
 * column, with the indicator's own unit; without one, the share of
 * residents within reach, in %. */
static void test_atlas_shows_scored_value(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = run(e,
                          "{id: c, type: coverage, layer: fac, kind: tap, distance: 300, pillar: basic_services, "
                          "direction: lower_is_better, score_column: c_pop_beyond, unit: residents}",
                          &p);
    char buf[64], want[64], col[300];
    const tf_indicator_def *d = tf_result_def(r, &p->inds[1]);
    double beyond = tt_value(r, "c_pop_beyond", 0), pct = tt_value(r, "c_pop_pct", 0);
    assert_string_equal(tf_score_column(d, col, sizeof col), "c_pop_beyond");
    assert_true(fabs(beyond - pct) > 1);
    tf_atlas_value(r, d, 0, buf, sizeof buf);
    snprintf(want, sizeof want, "%.0f residents", beyond);
    assert_string_equal(buf, want);
    taafi_result_free(r);
    taafi_project_free(p);
    r = run(e,
            "{id: c, type: coverage, layer: fac, kind: tap, distance: 300, pillar: basic_services, "
            "direction: higher_is_better}",
            &p);
    d = tf_result_def(r, &p->inds[1]);
    assert_string_equal(tf_score_column(d, col, sizeof col), "c_pop_pct");
    tf_atlas_value(r, d, 0, buf, sizeof buf);
    pct = tt_value(r, "c_pop_pct", 0);
    snprintf(want, sizeof want, "%.*f %%", pct >= 10 ? 1 : 2, pct);
    assert_string_equal(buf, want);
    taafi_result_free(r);
    taafi_project_free(p);
}

/* A scenario that cannot be scored (no facility left, with missing: fail)
 * fails, gives no result, and leaves the base as it was: the project's own
 * scoring, every score there. */
static void test_failed_scenario_restores(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    double before, score;
    char *path = tt_write(e->dir, "fail.yml",
                          "areas: {source: areas.geojson, id: code}\n"
                          "layers:\n  fac: {source: fac.geojson}\n"
                          "population: pop\n"
                          "scoring: {missing: fail}\n"
                          "indicators:\n"
                          "  - {id: pop, type: raster_sum, source: pop.tif}\n"
                          "  - {id: c, type: coverage, layer: fac, kind: tap, distance: 300, pillar: basic_services, "
                          "direction: lower_is_better, score_column: c_mean_dist}\n"
                          "scenarios:\n"
                          "  none:\n"
                          "    indicators:\n"
                          "      c: {where: \"status = 'no such status'\"}\n");
    if (taafi_project_load(e->ctx, path, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    before = tt_value(r, "c_mean_dist", 0);
    score = tt_value(r, "c_score", 0);
    assert_false(isnan(before));
    taafi_result *s = (taafi_result *)1;
    assert_int_equal(taafi_result_scenario(e->ctx, r, "none", &s), TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "scoring.missing is fail"));
    assert_null(s);
    assert_null(r->scenario);
    assert_true(tt_value(r, "c_mean_dist", 0) == before);
    assert_true(tt_value(r, "c_score", 0) == score);
    assert_true(tf_result_column_index(r, "recovery_index") >= 0);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_single_facility),
        cmocka_unit_test(test_atlas_shows_scored_value),
        cmocka_unit_test(test_failed_scenario_restores),
        cmocka_unit_test(test_basins_and_load),
        cmocka_unit_test(test_overlapping_reach),
        cmocka_unit_test(test_no_facility),
        cmocka_unit_test(test_project_rules),
        cmocka_unit_test(test_scenario_distance),
        cmocka_unit_test(test_scenario_filter),
        cmocka_unit_test(test_population_from_coverage),
    };
    return cmocka_run_group_tests(tests, setup, tt_env_teardown);
}
