/* Population from rasters: exact cell fractions against hand-computed
 * values on tiny rasters, nodata, edges, another CRS, mass conservation. */
#include "support.h"

#include "raster/raster.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 4 x 3 cells of 10 m in EPSG:32637, top-left (500000, 3840030); values
 * 1..12 row by row from the top; cell (col 2, row 1) = 7 is nodata. */
#define X0 500000.0
#define Y0 3840030.0

static char *make_raster(const char *dir, const char *name, int epsg, double x0, double y0, double cell,
                         const double *values, int nx, int ny, double nodata)
{
    char *path = tt_path(dir, name);
    GDALDriverH drv = GDALGetDriverByName("GTiff");
    GDALDatasetH ds = GDALCreate(drv, path, nx, ny, 1, GDT_Float64, NULL);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    double gt[6] = {x0, cell, 0, y0, 0, -cell};
    assert_non_null(ds);
    GDALSetGeoTransform(ds, gt);
    OSRImportFromEPSG(srs, epsg);
    GDALSetSpatialRef(ds, srs);
    OSRRelease(srs);
    if (!isnan(nodata)) /* NaN: the raster declares none */
        GDALSetRasterNoDataValue(GDALGetRasterBand(ds, 1), nodata);
    assert_int_equal(GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, nx, ny, (void *)values, nx, ny,
                                  GDT_Float64, 0, 0),
                     CE_None);
    GDALClose(ds);
    return path;
}

static GEOSGeometry *box(taafi_ctx *ctx, double x0, double y0, double x1, double y1)
{
    GEOSCoordSequence *s = GEOSCoordSeq_create_r(ctx->geos, 5, 2);
    double xs[5] = {x0, x1, x1, x0, x0}, ys[5] = {y0, y0, y1, y1, y0};
    for (unsigned i = 0; i < 5; i++)
        GEOSCoordSeq_setXY_r(ctx->geos, s, i, xs[i], ys[i]);
    return GEOSGeom_createPolygon_r(ctx->geos, GEOSGeom_createLinearRing_r(ctx->geos, s), NULL, 0);
}

static double sum(taafi_ctx *ctx, const tf_raster *r, GEOSGeometry *g, size_t *nodata)
{
    double v = -1;
    if (tf_raster_sum(ctx, r, g, &v, nodata))
        fail_msg("%s", taafi_ctx_message(ctx));
    GEOSGeom_destroy_r(ctx->geos, g);
    return v;
}

static void test_fractions(void **state)
{
    tt_env *e = *state;
    taafi_ctx *ctx = e->ctx;
    double v[12] = {1, 2, 3, 4, 5, 6, -1, 8, 9, 10, 11, 12};
    char *path = make_raster(e->dir, "a.tif", 32637, X0, Y0, 10, v, 4, 3, -1);
    tf_raster *r = NULL;
    size_t nodata = 0;
    assert_int_equal(tf_raster_open(ctx, path, 1, 32637, &r), TAAFI_OK);
    /* exactly one cell: (col 0, row 0) = 1 */
    assert_double_equal(sum(ctx, r, box(ctx, X0, Y0 - 10, X0 + 10, Y0), &nodata), 1, 1e-12);
    /* a polygon smaller than one cell: 2 m x 2 m of cell 2 (value 2) */
    assert_double_equal(sum(ctx, r, box(ctx, X0 + 13, Y0 - 7, X0 + 15, Y0 - 5), NULL), 2 * 0.04, 1e-12);
    /* a quarter of each of four cells 1, 2, 5, 6 */
    assert_double_equal(sum(ctx, r, box(ctx, X0 + 5, Y0 - 15, X0 + 15, Y0 - 5), NULL), (1 + 2 + 5 + 6) / 4.0,
                        1e-12);
    /* crossing the raster's west edge: only the half inside counts */
    assert_double_equal(sum(ctx, r, box(ctx, X0 - 10, Y0 - 10, X0 + 10, Y0), NULL), 1, 1e-12);
    /* a triangle: half of cell 1 */
    {
        GEOSGeometry *t;
        GEOSCoordSequence *s = GEOSCoordSeq_create_r(ctx->geos, 4, 2);
        GEOSCoordSeq_setXY_r(ctx->geos, s, 0, X0, Y0);
        GEOSCoordSeq_setXY_r(ctx->geos, s, 1, X0 + 10, Y0);
        GEOSCoordSeq_setXY_r(ctx->geos, s, 2, X0, Y0 - 10);
        GEOSCoordSeq_setXY_r(ctx->geos, s, 3, X0, Y0);
        t = GEOSGeom_createPolygon_r(ctx->geos, GEOSGeom_createLinearRing_r(ctx->geos, s), NULL, 0);
        assert_double_equal(sum(ctx, r, t, NULL), 0.5, 1e-12);
    }
    /* the nodata cell counts nothing, and is counted as nodata */
    assert_double_equal(sum(ctx, r, box(ctx, X0 + 20, Y0 - 20, X0 + 30, Y0 - 10), &nodata), 0, 0);
    assert_int_equal(nodata, 1);
    /* wholly outside the raster */
    assert_double_equal(sum(ctx, r, box(ctx, X0 + 100, Y0, X0 + 110, Y0 + 10), NULL), 0, 0);
    tf_raster_close(r);
    free(path);
}

/* Polygons tiling the raster share its total exactly: here two triangles
 * and a slanted strip across the whole 4 x 3 raster. */
static void test_conservation(void **state)
{
    tt_env *e = *state;
    taafi_ctx *ctx = e->ctx;
    double v[12] = {1, 2, 3, 4, 5, 6, -1, 8, 9, 10, 11, 12}, total = 1 + 2 + 3 + 4 + 5 + 6 + 8 + 9 + 10 + 11 + 12;
    char *path = make_raster(e->dir, "b.tif", 32637, X0, Y0, 10, v, 4, 3, -1);
    tf_raster *r = NULL;
    /* the raster's rectangle cut by the line from (X0, Y0 - 30) to (X0 + 40, Y0 - 3) */
    const char *wkt[2] = {"POLYGON ((500000 3840000, 500040 3840000, 500040 3840027, 500000 3840000))",
                          "POLYGON ((500000 3840000, 500040 3840027, 500040 3840030, 500000 3840030, 500000 3840000))"};
    double s = 0;
    int i;
    assert_int_equal(tf_raster_open(ctx, path, 1, 32637, &r), TAAFI_OK);
    for (i = 0; i < 2; i++) {
        GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
        GEOSGeometry *g = GEOSWKTReader_read_r(ctx->geos, rd, wkt[i]);
        GEOSWKTReader_destroy_r(ctx->geos, rd);
        s += sum(ctx, r, g, NULL);
    }
    assert_double_equal(s, total, 1e-9 * total);
    tf_raster_close(r);
    free(path);
}

/* Tall polygons with dense rings (rows are clipped from each ring's part
 * in their slab of 16 rows): a circle of 3,000 vertices with a square
 * hole whose top and bottom lie exactly on the row lines at a slab's
 * edge, beside a slanted strip, over 60 x 50 cells.  The sum against an
 * independent one: each cell's value times GEOS's area of the polygon's
 * intersection with the cell. */
static void test_slabs(void **state)
{
    tt_env *e = *state;
    taafi_ctx *ctx = e->ctx;
    enum { NX = 60, NY = 50 };
    double *v = malloc(sizeof *v * NX * NY), expected = 0, got;
    char *path;
    tf_raster *r = NULL;
    GEOSGeometry *parts[2], *g;
    GEOSWKTReader *rd = GEOSWKTReader_create_r(ctx->geos);
    tf_buf wkt = {0};
    int i, j;
    for (i = 0; i < NX * NY; i++)
        v[i] = 1 + (i * 37 % 101);
    path = make_raster(e->dir, "tall.tif", 32637, X0, Y0, 10, v, NX, NY, -1);
    /* the circle: centre 250 m east and 240 m south of the corner, radius
     * 200 m; the hole: rows 16 to 24 (y from Y0 - 160 to Y0 - 240) */
    tf_buf_printf(&wkt, "POLYGON ((");
    for (i = 0; i <= 3000; i++) {
        double a = 2 * M_PI * (i % 3000) / 3000;
        tf_buf_printf(&wkt, "%s%.6f %.6f", i ? ", " : "", X0 + 250 + 200 * cos(a), Y0 - 240 + 200 * sin(a));
    }
    tf_buf_printf(&wkt, "), (%.1f %.1f, %.1f %.1f, %.1f %.1f, %.1f %.1f, %.1f %.1f))", X0 + 200, Y0 - 240, X0 + 300,
                  Y0 - 240, X0 + 300, Y0 - 160, X0 + 200, Y0 - 160, X0 + 200, Y0 - 240);
    parts[0] = GEOSWKTReader_read_r(ctx->geos, rd, wkt.s);
    parts[1] = GEOSWKTReader_read_r(ctx->geos, rd, "POLYGON ((500460 3840020, 500470 3840020, 500590 3839550, "
                                                   "500580 3839550, 500460 3840020))");
    assert_non_null(parts[0]);
    assert_non_null(parts[1]);
    g = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, parts, 2);
    assert_int_equal(GEOSisValid_r(ctx->geos, g), 1);
    for (j = 0; j < NY; j++)
        for (i = 0; i < NX; i++) {
            GEOSGeometry *cell = box(ctx, X0 + 10 * i, Y0 - 10 * (j + 1), X0 + 10 * (i + 1), Y0 - 10 * j);
            GEOSGeometry *x = GEOSIntersection_r(ctx->geos, g, cell);
            double m2 = 0;
            GEOSArea_r(ctx->geos, x, &m2);
            expected += v[j * NX + i] * m2 / 100;
            GEOSGeom_destroy_r(ctx->geos, x);
            GEOSGeom_destroy_r(ctx->geos, cell);
        }
    assert_int_equal(tf_raster_open(ctx, path, 1, 32637, &r), TAAFI_OK);
    got = sum(ctx, r, g, NULL); /* takes g */
    if (fabs(got - expected) > 1e-9 * expected)
        fail_msg("sum %.12f, cell by cell with GEOS %.12f", got, expected);
    tf_raster_close(r);
    GEOSWKTReader_destroy_r(ctx->geos, rd);
    tf_buf_free(&wkt);
    free(v);
    free(path);
}

/* A raster in EPSG:4326 under areas in UTM: the area is transformed, not
 * the raster.  The whole raster's extent, carried to UTM and back, holds
 * the whole total. */
static void test_other_crs(void **state)
{
    tt_env *e = *state;
    taafi_ctx *ctx = e->ctx;
    double v[6] = {10, 20, 30, 40, 50, 60}, c = 1.0 / 1200;
    char *path = make_raster(e->dir, "ll.tif", 4326, 36.72, 34.73, c, v, 3, 2, -99999);
    tf_raster *r = NULL;
    OGRSpatialReferenceH wgs = tf_srs_from_epsg(4326);
    tf_reproj *to_utm = NULL;
    GEOSGeometry *ll, *utm = NULL, *ll_half, *utm_half = NULL;
    assert_int_equal(tf_raster_open(ctx, path, 1, 32637, &r), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, wgs, 32637, "test", &to_utm), TAAFI_OK);
    /* slightly larger than the raster: every cell whole */
    ll = box(ctx, 36.72 - c / 10, 34.73 - 2 * c - c / 10, 36.72 + 3 * c + c / 10, 34.73 + c / 10);
    assert_int_equal(tf_reproj_geom(ctx, to_utm, ll, &utm), TAAFI_OK);
    assert_double_equal(sum(ctx, r, utm, NULL), 210, 1e-9);
    /* the western column only (10 + 40), within the tiny curvature of a
     * straight UTM edge across 90 m */
    ll_half = box(ctx, 36.72 - c / 10, 34.73 - 2 * c - c / 10, 36.72 + c, 34.73 + c / 10);
    assert_int_equal(tf_reproj_geom(ctx, to_utm, ll_half, &utm_half), TAAFI_OK);
    assert_double_equal(sum(ctx, r, utm_half, NULL), 50, 1e-3);
    GEOSGeom_destroy_r(ctx->geos, ll);
    GEOSGeom_destroy_r(ctx->geos, ll_half);
    tf_reproj_free(to_utm);
    OSRRelease(wgs);
    tf_raster_close(r);
    free(path);
}

/* Collects the centres tf_raster_cells hands out, in its order. */
typedef struct centre_log {
    double *x, *y;
    size_t n, cap;
} centre_log;

static taafi_status log_centre(taafi_ctx *ctx, size_t n, const double *x, const double *y, const double *value,
                               const double *fraction, void *user)
{
    centre_log *l = user;
    size_t k;
    (void)ctx, (void)value, (void)fraction;
    for (k = 0; k < n; k++) {
        assert_true(l->n < l->cap);
        l->x[l->n] = x[k];
        l->y[l->n++] = y[k];
    }
    return TAAFI_OK;
}

/* The cell centres given to coverage are interpolated between centres
 * PROJ transforms; each must sit within a millimetre of PROJ's own answer
 * for it: 0.002-degree cells (about 190 m) 2.5 degrees east of UTM 37N's
 * central meridian, rows of 203 cells, where a straight line between
 * anchors 8 cells apart would be 3 cm off. */
static void test_centres(void **state)
{
    tt_env *e = *state;
    taafi_ctx *ctx = e->ctx;
    enum { NX = 203, NY = 3 };
    double *v = calloc(NX * NY, sizeof *v), c = 0.002, lon0 = 41.3, lat0 = 34.0, worst = 0;
    char *path;
    tf_raster *r = NULL;
    OGRSpatialReferenceH wgs = tf_srs_from_epsg(4326);
    tf_reproj *to_utm = NULL;
    GEOSGeometry *ll, *utm = NULL;
    centre_log l = {calloc(NX * NY, sizeof(double)), calloc(NX * NY, sizeof(double)), 0, NX * NY};
    size_t k;
    for (k = 0; k < NX * NY; k++)
        v[k] = 1;
    path = make_raster(e->dir, "centres.tif", 4326, lon0, lat0, c, v, NX, NY, -99999);
    assert_int_equal(tf_raster_open(ctx, path, 1, 32637, &r), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, wgs, 32637, "test", &to_utm), TAAFI_OK);
    ll = box(ctx, lon0 - c, lat0 - (NY + 1) * c, lon0 + (NX + 1) * c, lat0 + c);
    assert_int_equal(tf_reproj_geom(ctx, to_utm, ll, &utm), TAAFI_OK);
    /* from PROJ anchors along the rows, then from a lattice (fastproj.h) */
    for (int pass = 0; pass < 2; pass++) {
        tf_fastproj *fp = NULL;
        if (pass == 1) {
            assert_int_equal(tf_fastproj_new(ctx, r->from_raster, lon0 - c, lat0 - (NY + 1) * c, lon0 + (NX + 1) * c,
                                             lat0 + c, 0.02, &fp),
                             TAAFI_OK);
            assert_non_null(fp);
            tf_raster_use_lattice(r, fp);
        }
        l.n = 0;
        worst = 0;
        if (tf_raster_cells(ctx, r, utm, 1, log_centre, &l, NULL))
            fail_msg("%s", taafi_ctx_message(ctx));
        assert_int_equal(l.n, NX * NY); /* every cell, row by row */
        for (k = 0; k < l.n; k++) {
            double x = lon0 + ((double)(k % NX) + 0.5) * c, y = lat0 - ((double)(k / NX) + 0.5) * c;
            assert_int_equal(tf_reproj_xy(ctx, to_utm, &x, &y, 1), TAAFI_OK);
            worst = fmax(worst, hypot(l.x[k] - x, l.y[k] - y));
        }
        if (worst > 1e-3)
            fail_msg("%s: a centre is %.6f m off", pass ? "lattice" : "anchors", worst);
        tf_raster_use_lattice(r, NULL);
        tf_fastproj_free(fp);
    }
    GEOSGeom_destroy_r(ctx->geos, ll);
    GEOSGeom_destroy_r(ctx->geos, utm);
    tf_reproj_free(to_utm);
    OSRRelease(wgs);
    tf_raster_close(r);
    free(path);
    free(v);
    free(l.x);
    free(l.y);
}

static void test_refusals(void **state)
{
    tt_env *e = *state;
    taafi_ctx *ctx = e->ctx;
    tf_raster *r = NULL;
    char *txt = tt_write(e->dir, "x.tif", "not a raster");
    assert_int_equal(tf_raster_open(ctx, txt, 1, 32637, &r), TAAFI_ERR_IO);
    assert_null(r);
    {
        double v[1] = {1};
        char *p = make_raster(e->dir, "one.tif", 32637, X0, Y0, 10, v, 1, 1, -1);
        assert_int_equal(tf_raster_open(ctx, p, 2, 32637, &r), TAAFI_ERR_PROJECT);
        assert_non_null(strstr(taafi_ctx_message(ctx), "no band 2"));
        free(p);
    }
    free(txt);
}

/* Box `c` (metres in EPSG:32637) as a GeoJSON feature with id `id`. */
#define BOX(id, x0, x1)                                                                                            \
    "{\"type\":\"Feature\",\"properties\":{\"c\":\"" id "\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":" \
    "[[[" #x0 ",3840020],[" #x1 ",3840020],[" #x1 ",3840030],[" #x0 ",3840030],[" #x0 ",3840020]]]}}"

/* The areas `features` (GeoJSON features in EPSG:32637) summed over the
 * raster `ras` (indicator pop); fails the test on an error.  The caller
 * frees *p and the result. */
static taafi_result *sum_over(tt_env *e, const char *features, const char *ras, taafi_project **p)
{
    char text[4096], *yml;
    taafi_result *r = NULL;
    snprintf(text, sizeof text,
             "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
             "\"urn:ogc:def:crs:EPSG::32637\"}},\"features\":[%s]}\n",
             features);
    free(tt_write(e->dir, "sum_areas.geojson", text));
    snprintf(text, sizeof text,
             "areas: {source: sum_areas.geojson, id: c}\nindicators:\n  - {id: pop, type: raster_sum, source: %s}\n",
             ras);
    yml = tt_write(e->dir, "sum.yml", text);
    *p = NULL;
    if (taafi_project_load(e->ctx, yml, p) || taafi_run(e->ctx, *p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    free(yml);
    return r;
}

/* The data-quality notes whose problem holds `a` (and `b`, unless NULL). */
static int notes_with(const taafi_result *r, const char *a, const char *b)
{
    int n = 0;
    for (size_t i = 0; i < taafi_result_issue_count(r); i++) {
        const char *problem;
        taafi_result_issue(r, i, NULL, NULL, &problem, NULL);
        n += strstr(problem, a) && (!b || strstr(problem, b));
    }
    return n;
}

/* A sum of cells that overflows is no value (issue 16: Inf went into the
 * CSV and GeoPackage and was dropped from the GeoJSON silently): NULL,
 * with a note naming the column. */
static void test_overflow_is_null(void **state)
{
    tt_env *e = *state;
    double v[2] = {1e308, 1e308};
    char *ras = make_raster(e->dir, "huge.tif", 32637, X0, Y0, 10, v, 2, 1, -1);
    taafi_project *p;
    taafi_result *r = sum_over(e, BOX("A", 500000, 500020), ras, &p);
    assert_true(isnan(tt_value(r, "pop", 0)));
    assert_int_equal(notes_with(r, "column pop: 1 value(s) beyond the range of numbers", NULL), 1);
    taafi_result_free(r);
    taafi_project_free(p);
    free(ras);
}

/* A raster that declares no nodata value but holds -1e30 and -9999 cells
 * (as exports often do): those cells are left out of the sum and the note
 * says why, not summed into the population (issue 16, 7 and requirement 5). */
static void test_undeclared_nodata(void **state)
{
    tt_env *e = *state;
    double v[4] = {5, -1e30, -9999, 3};
    char *ras = make_raster(e->dir, "undeclared.tif", 32637, X0, Y0, 10, v, 4, 1, NAN);
    taafi_project *p;
    taafi_result *r = sum_over(e, BOX("A", 500000, 500040), ras, &p);
    assert_double_equal(tt_value(r, "pop", 0), 8, 1e-9);
    assert_int_equal(notes_with(r, "2 nodata cell(s) under the areas;", "declares no nodata value"), 1);
    taafi_result_free(r);
    taafi_project_free(p);
    free(ras);
}

/* Areas off the raster, or half on it: the one off it is NULL, not 0
 * residents, and both are noted with the share on the raster. */
static void test_areas_off_the_raster(void **state)
{
    tt_env *e = *state;
    double v[4] = {1, 2, 3, 4};
    char *ras = make_raster(e->dir, "edge.tif", 32637, X0, Y0, 10, v, 4, 1, -1);
    taafi_project *p;
    taafi_result *r = sum_over(e, BOX("H", 500020, 500060) "," BOX("O", 500100, 500120), ras, &p);
    assert_double_equal(tt_value(r, "pop", 0), 7, 1e-9); /* cells 3 and 4 */
    assert_true(isnan(tt_value(r, "pop", 1)));
    assert_int_equal(notes_with(r, "area O lies outside the raster", NULL), 1);
    assert_int_equal(notes_with(r, "only 50.0 % of area H lies on the raster", NULL), 1);
    taafi_result_free(r);
    taafi_project_free(p);
    free(ras);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fractions, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_slabs, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_conservation, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_other_crs, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_centres, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_refusals, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_overflow_is_null, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_undeclared_nodata, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_areas_off_the_raster, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
