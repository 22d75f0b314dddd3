/* Loading areas: repair, skipping, refusals, CRS choice, locating. */
#include "support.h"

#include "areas/areas.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef tt_env fixture;
#define setup tt_env_setup
#define teardown tt_env_teardown

static taafi_status ignore(taafi_ctx *c, const char *a, const char *b, const char *d, void *u)
{
    (void)c, (void)a, (void)b, (void)d, (void)u;
    return TAAFI_OK;
}

/* Writes `areas_file` with `text`, a project over it with id field `id`,
 * and loads the areas. */
static taafi_status load(fixture *f, const char *areas_file, const char *text, const char *id, tf_dq *dq,
                         tf_areas **out)
{
    taafi_project *p = NULL;
    char yml[512];
    char *path;
    taafi_status st;
    free(tt_write(f->dir, areas_file, text));
    snprintf(yml, sizeof yml, "areas: {source: %s, id: %s}\nindicators: []\n", areas_file, id);
    path = tt_write(f->dir, "p.yml", yml);
    assert_int_equal(taafi_project_load(f->ctx, path, &p), TAAFI_OK);
    st = tf_areas_load(f->ctx, p, dq, ignore, NULL, out);
    taafi_project_free(p);
    free(path);
    return st;
}

#define FC(features) "{\"type\":\"FeatureCollection\",\"features\":[" features "]}"
#define F(id, geom) "{\"type\":\"Feature\",\"properties\":{\"code\":" id "},\"geometry\":" geom "}"
#define SQ(x0, y0, x1, y1)                                                                                        \
    "{\"type\":\"Polygon\",\"coordinates\":[[[" #x0 "," #y0 "],[" #x1 "," #y0 "],[" #x1 "," #y1 "],[" #x0 "," #y1   \
    "],[" #x0 "," #y0 "]]]}"

/* A bow-tie (self-intersecting) neighbourhood is repaired into its two
 * triangles and recorded; a feature without geometry is skipped and
 * recorded.  The lon/lat square of 0.01 degrees at 34.7 N is about
 * 1110 m x 914 m. */
static void test_repair_and_skip(void **state)
{
    fixture *f = *state;
    tf_dq dq = {0};
    tf_areas *a = NULL;
    taafi_status st = load(f, "a.geojson",
                           FC(F("\"bow\"", "{\"type\":\"Polygon\",\"coordinates\":[[[36.70,34.70],[36.72,34.72],"
                                           "[36.72,34.70],[36.70,34.72],[36.70,34.70]]]}") ","
                              F("\"none\"", "null") "," F("\"sq\"", SQ(36.73, 34.70, 36.74, 34.71))),
                           "code", &dq, &a);
    if (st)
        fail_msg("%s", taafi_ctx_message(f->ctx));
    assert_int_equal(a->n, 2);
    assert_int_equal(a->epsg, 32637);
    assert_string_equal(a->id[0], "bow");
    assert_string_equal(a->id[1], "sq");
    assert_int_equal(GEOSisValid_r(f->ctx->geos, a->geom[0]), 1);
    /* the bow-tie's two triangles cover half its bounding square */
    assert_true(fabs(a->area_km2[0] / (4 * a->area_km2[1]) - 0.5) < 0.01);
    assert_true(a->area_km2[1] > 0.98 && a->area_km2[1] < 1.04);
    assert_int_equal(dq.n, 2);
    assert_non_null(strstr(dq.items[0].problem, "no geometry"));
    assert_true(dq.items[0].fid == 1);
    assert_non_null(strstr(dq.items[1].problem, "invalid polygon"));
    assert_non_null(strstr(dq.items[1].action, "GEOSMakeValid"));
    tf_areas_free(f->ctx, a);
    tf_dq_free(&dq);
}

/* Appends to `b` a ring through the corners, each side cut into n steps
 * (dense, like real boundaries). */
static void dense_ring(tf_buf *b, const double (*corner)[2], int n_corners, int n)
{
    tf_buf_printf(b, "[");
    for (int c = 0; c < n_corners; c++)
        for (int k = 0; k < n; k++) {
            const double *p0 = corner[c], *p1 = corner[(c + 1) % n_corners];
            double t = (double)k / n;
            tf_buf_printf(b, "[%.9f,%.9f],", p0[0] + t * (p1[0] - p0[0]), p0[1] + t * (p1[1] - p0[1]));
        }
    tf_buf_printf(b, "[%.9f,%.9f]]", corner[0][0], corner[0][1]);
}

/* The second reading of the areas runs on the --jobs workers when the
 * areas have many vertices (here 80,000): three bow-ties among squares
 * are repaired and noted in the areas' order, with the same areas bit
 * for bit, with 1 and 3 threads. */
static void test_repair_threads(void **state)
{
    fixture *f = *state;
    tf_buf text = {0};
    double km2[2][5];
    int64_t fids[2][3];
    int t;
    tf_buf_printf(&text, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int k = 0; k < 5; k++) {
        double x0 = 36.70 + 0.03 * k, y0 = 34.70;
        /* a bow-tie (even k) or a square */
        const double bow[4][2] = {{x0, y0}, {x0 + 0.02, y0 + 0.02}, {x0 + 0.02, y0}, {x0, y0 + 0.02}};
        const double sq[4][2] = {{x0, y0}, {x0 + 0.02, y0}, {x0 + 0.02, y0 + 0.02}, {x0, y0 + 0.02}};
        tf_buf_printf(&text, "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"a%d\"},"
                             "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[", k ? "," : "", k);
        dense_ring(&text, k % 2 ? sq : bow, 4, 4000);
        tf_buf_printf(&text, "]}}");
    }
    tf_buf_printf(&text, "]}\n");
    for (t = 0; t < 2; t++) {
        tf_dq dq = {0};
        tf_areas *a = NULL;
        taafi_ctx_set_threads(f->ctx, t ? 3 : 1);
        if (load(f, "bows.geojson", text.s, "code", &dq, &a))
            fail_msg("%s", taafi_ctx_message(f->ctx));
        assert_int_equal(a->n, 5);
        assert_int_equal(dq.n, 3);
        for (size_t i = 0; i < 3; i++) {
            assert_non_null(strstr(dq.items[i].problem, "invalid polygon"));
            fids[t][i] = dq.items[i].fid;
        }
        for (size_t i = 0; i < 5; i++) {
            assert_int_equal(GEOSisValid_r(f->ctx->geos, a->geom[i]), 1);
            km2[t][i] = a->area_km2[i];
        }
        tf_areas_free(f->ctx, a);
        tf_dq_free(&dq);
    }
    taafi_ctx_set_threads(f->ctx, 1);
    assert_true(fids[0][0] < fids[0][1] && fids[0][1] < fids[0][2]);
    assert_memory_equal(fids[0], fids[1], sizeof fids[0]);
    assert_memory_equal(km2[0], km2[1], sizeof km2[0]); /* bit for bit */
    /* a bow-tie's two triangles are half its square */
    assert_true(fabs(km2[0][0] / km2[0][1] - 0.5) < 0.01);
    tf_buf_free(&text);
}

static void test_refusals(void **state)
{
    fixture *f = *state;
    tf_dq dq = {0};
    tf_areas *a = (tf_areas *)1;
    /* duplicate ids */
    assert_int_equal(load(f, "dup.geojson", FC(F("\"x\"", SQ(0, 0, 1, 1)) "," F("\"x\"", SQ(1, 0, 2, 1))), "code",
                          &dq, &a),
                     TAAFI_ERR_DATA);
    assert_null(a);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "'x' is used by more than one area"));
    /* a misspelled id field */
    assert_int_equal(load(f, "id.geojson", FC(F("\"x\"", SQ(0, 0, 1, 1))), "cod", &dq, &a), TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "did you mean 'code'?"));
    /* points are not areas */
    assert_int_equal(load(f, "pt.geojson", FC(F("\"x\"", "{\"type\":\"Point\",\"coordinates\":[1,2]}")), "code",
                          &dq, &a),
                     TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "not a polygon"));
    /* an empty id */
    assert_int_equal(load(f, "empty.geojson", FC(F("\"\"", SQ(0, 0, 1, 1))), "code", &dq, &a), TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "feature 0"));
    /* no CRS: a CSV with WKT geometries */
    assert_int_equal(load(f, "nocrs.csv", "WKT,code\n\"POLYGON ((0 0,1 0,1 1,0 1,0 0))\",a\n", "code", &dq, &a),
                     TAAFI_ERR_CRS);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "no coordinate reference system"));
    /* a file that is not there */
    assert_int_equal(load(f, "x.geojson", "not json at all", "code", &dq, &a), TAAFI_ERR_IO);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "x.geojson"));
    tf_dq_free(&dq);
}

/* The point on an edge shared by two areas goes to the first; points in
 * holes and outside go nowhere. */
/* Areas anywhere on Earth (issue 16): a neighbourhood split at the
 * antimeridian (Fiji, 1 x 1 degree at 17 S) took UTM zone 45 S and 133,651
 * km² where it has about 11,850; now zone 60 S, within 1 % of the
 * geodesic area, no note of a wrong area.  A polar cap takes UPS North, and its area,
 * which no single projection measures right, is noted against the
 * geodesic area.  Areas 40 degrees wide are refused. */
static void test_anywhere(void **state)
{
    fixture *f = *state;
    tf_dq dq = {0};
    tf_areas *a = NULL;
    double g;
    size_t i, notes = 0;
    assert_int_equal(load(f, "fiji.geojson",
                          FC(F("\"F\"", "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[179.5,-17.5],[180,-17.5],"
                                          "[180,-16.5],[179.5,-16.5],[179.5,-17.5]]],[[[-180,-17.5],[-179.5,-17.5],"
                                          "[-179.5,-16.5],[-180,-16.5],[-180,-17.5]]]]}")),
                          "code", &dq, &a),
                     TAAFI_OK);
    assert_int_equal(a->epsg, 32760);
    g = tf_geodesic_km2(f->ctx, a->geom_ll[0]);
    assert_true(g > 11500 && g < 12200);
    assert_double_equal(a->area_km2[0], g, 0.01 * g);
    /* (the halves meet along the seam in UTM: one repair note, merging them;
     * no note of a wrong area) */
    for (i = 0; i < dq.n; i++)
        notes += strstr(dq.items[i].problem, "on the ellipsoid") != NULL;
    assert_int_equal(notes, 0);
    tf_areas_free(f->ctx, a);
    tf_dq_free(&dq);
    a = NULL;
    assert_int_equal(load(f, "cap.geojson",
                          FC(F("\"N\"", "{\"type\":\"Polygon\",\"coordinates\":[[[-10,86],[10,86],[10,88],"
                                          "[-10,88],[-10,86]]]}")),
                          "code", &dq, &a),
                     TAAFI_OK);
    assert_int_equal(a->epsg, 32661);
    tf_areas_free(f->ctx, a);
    tf_dq_free(&dq);
    a = NULL;
    /* the cap above 85 N as a lon/lat rectangle (issue 16, 5: 624,039 km²,
     * the square its four corners make in UPS; then refused for its 360
     * degrees of longitude): its edges follow the parallel, within 1.5 %
     * of the ellipsoid's 979,155 km² (UPS is not equal-area: noted) */
    assert_int_equal(load(f, "cap85.geojson",
                          FC(F("\"C\"", "{\"type\":\"Polygon\",\"coordinates\":[[[-180,85],[-90,85],[0,85],[90,85],"
                                          "[180,85],[180,90],[-180,90],[-180,85]]]}")),
                          "code", &dq, &a),
                     TAAFI_OK);
    assert_int_equal(a->epsg, 32661);
    assert_true(fabs(a->area_km2[0] / 979155.2 - 1) < 0.015);
    tf_areas_free(f->ctx, a);
    tf_dq_free(&dq);
    a = NULL;
    /* areas reaching 25 degrees from the pole: refused */
    assert_int_equal(load(f, "far_cap.geojson", FC(F("\"D\"", SQ(0, 65, 10, 86))), "code", &dq, &a), TAAFI_ERR_CRS);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "reach 25 degrees from the north pole"));
    assert_null(a);
    tf_dq_free(&dq);
    assert_int_equal(load(f, "wide.geojson", FC(F("\"W\"", SQ(0, 0, 40, 1))), "code", &dq, &a), TAAFI_ERR_CRS);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "span 40 degrees of longitude"));
    assert_null(a);
    tf_dq_free(&dq);
    /* a strip far from its zone's meridian in a fixed CRS: noted */
    notes = 0;
    {
        char yml[512], *path;
        taafi_project *p = NULL;
        free(tt_write(f->dir, "far.geojson", FC(F("\"X\"", SQ(60, 34, 61, 35)))));
        snprintf(yml, sizeof yml, "crs: EPSG:32637\nareas: {source: far.geojson, id: code}\nindicators: []\n");
        path = tt_write(f->dir, "far.yml", yml);
        assert_int_equal(taafi_project_load(f->ctx, path, &p), TAAFI_OK);
        assert_int_equal(tf_areas_load(f->ctx, p, &dq, ignore, NULL, &a), TAAFI_OK);
        for (i = 0; i < dq.n; i++)
            notes += strstr(dq.items[i].problem, "on the ellipsoid (off by") != NULL;
        assert_int_equal(notes, 1);
        tf_areas_free(f->ctx, a);
        tf_dq_free(&dq);
        taafi_project_free(p);
        free(path);
    }
}

static void test_locate(void **state)
{
    fixture *f = *state;
    tf_dq dq = {0};
    tf_areas *a = NULL;
    GEOSContextHandle_t h = f->ctx->geos;
    char *path;
    taafi_project *p = NULL;
    static const struct {
        double x, y;
        long want;
    } pts[] = {{500050, 3840050, 0}, {500150, 3840050, 1}, {500100, 3840050, 0}, {500300, 3840050, -1}};
    size_t i;
    path = tt_fixture(f->dir);
    assert_int_equal(taafi_project_load(f->ctx, path, &p), TAAFI_OK);
    assert_int_equal(tf_areas_load(f->ctx, p, &dq, ignore, NULL, &a), TAAFI_OK);
    assert_int_equal(a->epsg, 32637);
    for (i = 0; i < sizeof pts / sizeof *pts; i++) {
        GEOSGeometry *g = GEOSGeom_createPointFromXY_r(h, pts[i].x, pts[i].y);
        assert_int_equal(tf_areas_locate(f->ctx, a, g), pts[i].want);
        GEOSGeom_destroy_r(h, g);
    }
    tf_areas_free(f->ctx, a);
    tf_areas_free(f->ctx, NULL);
    taafi_project_free(p);
    tf_dq_free(&dq);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_repair_and_skip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_repair_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_anywhere, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
