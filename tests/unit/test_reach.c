/*
 * test_reach.c: the reach interface, straight lines: the nearest facility
 * against a brute-force scan (ties to the lowest number), with and without
 * an area's focus; the cut of an area against GEOS's own intersection with
 * the union of all the buffers; no facility at all.
 */
#include "support.h"

#include "families/reach.h"
#include "result/result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const tf_reach_how STRAIGHT = {TF_REACH_STRAIGHT, NULL, 0};

/* Two areas side by side, 1 km squares in EPSG:32637. */
static char *areas_project(tt_env *e)
{
    free(tt_write(e->dir, "a.geojson",
                  "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                  "\"urn:ogc:def:crs:EPSG::32637\"}},\"features\":["
                  "{\"type\":\"Feature\",\"properties\":{\"c\":\"W\"},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[500000,3840000],[501000,3840000],[501000,3841000],[500000,3841000],"
                  "[500000,3840000]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"c\":\"E\"},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[501000,3840000],[502000,3840000],[502000,3841000],[501000,3841000],"
                  "[501000,3840000]]]}}]}\n"));
    return tt_write(e->dir, "p.yml",
                    "areas: {source: a.geojson, id: c}\nindicators:\n  - {id: km2, type: area}\n");
}

static long brute(const double *x, const double *y, size_t n, double px, double py, double *d)
{
    long best = -1;
    double bd = INFINITY;
    size_t i;
    for (i = 0; i < n; i++) {
        double dd = (x[i] - px) * (x[i] - px) + (y[i] - py) * (y[i] - py);
        if (dd < bd) {
            bd = dd;
            best = (long)i;
        }
    }
    *d = sqrt(bd);
    return best;
}

static void test_nearest_and_cut(void **state)
{
    tt_env *e = *state;
    char *path = areas_project(e);
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    tf_reach *reach = NULL;
    tf_reach_cursor *cur = NULL;
    double x[40], y[40];
    size_t n = 40, i, a;
    unsigned seed = 7;
    if (taafi_project_load(e->ctx, path, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    for (i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        x[i] = 499800 + (seed >> 8) % 2400;
        seed = seed * 1103515245u + 12345u;
        y[i] = 3839800 + (seed >> 8) % 1400;
    }
    x[7] = x[3], y[7] = y[3]; /* a tie: facility 3 wins */
    assert_int_equal(tf_reach_new(e->ctx, &STRAIGHT, x, y, n, r->areas, 150, &reach), TAAFI_OK);
    assert_int_equal(tf_reach_count(reach), n);
    assert_int_equal(tf_reach_cursor_new(e->ctx, reach, &cur), TAAFI_OK);
    for (a = 0; a < 2; a++) {
        double env[4] = {500000 + 1000.0 * (double)a, 3840000, 501000 + 1000.0 * (double)a, 3841000};
        GEOSGeometry *covered, *gap, *all = NULL, *want;
        double got_m2, want_m2, gap_m2;
        tf_reach_focus(cur, a ? env : NULL); /* the grid alone, then the focus */
        for (i = 0; i < 500; i++) {
            double px = env[0] + fmod(i * 37.31, 1000), py = env[1] + fmod(i * 71.7, 1000), d, bd;
            long want_i = brute(x, y, n, px, py, &bd);
            assert_int_equal(tf_reach_nearest(cur, px, py, &d), want_i);
            assert_true(d == bd);
        }
        assert_int_equal(tf_reach_nearest(cur, x[3], y[3], &gap_m2), 3);
        assert_int_equal(tf_reach_cut(e->ctx, cur, r->areas->geom[a], env, &covered, &gap), TAAFI_OK);
        /* the oracle: the area cut by the union of every buffer */
        for (i = 0; i < n; i++) {
            GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(e->ctx->geos, x[i], y[i]);
            GEOSGeometry *b = GEOSBuffer_r(e->ctx->geos, pt, 150, 32), *u;
            GEOSGeom_destroy_r(e->ctx->geos, pt);
            u = all ? GEOSUnion_r(e->ctx->geos, all, b) : GEOSGeom_clone_r(e->ctx->geos, b);
            GEOSGeom_destroy_r(e->ctx->geos, b);
            if (all)
                GEOSGeom_destroy_r(e->ctx->geos, all);
            all = u;
        }
        want = GEOSIntersection_r(e->ctx->geos, r->areas->geom[a], all);
        GEOSArea_r(e->ctx->geos, covered, &got_m2);
        GEOSArea_r(e->ctx->geos, want, &want_m2);
        GEOSArea_r(e->ctx->geos, gap, &gap_m2);
        assert_double_equal(got_m2, want_m2, 1e-6 * want_m2);
        assert_double_equal(got_m2 + gap_m2, 1e6, 1e-3);
        assert_true(got_m2 > 1000 && gap_m2 > 1000);
        GEOSGeom_destroy_r(e->ctx->geos, covered);
        GEOSGeom_destroy_r(e->ctx->geos, gap);
        GEOSGeom_destroy_r(e->ctx->geos, want);
        GEOSGeom_destroy_r(e->ctx->geos, all);
    }
    tf_reach_cursor_free(cur);
    tf_reach_free(e->ctx, reach);
    /* no facility: nothing is near, and every area is a gap */
    assert_int_equal(tf_reach_new(e->ctx, &STRAIGHT, x, y, 0, r->areas, 150, &reach), TAAFI_OK);
    assert_int_equal(tf_reach_cursor_new(e->ctx, reach, &cur), TAAFI_OK);
    {
        double d, m2;
        GEOSGeometry *covered, *gap;
        double env[4] = {500000, 3840000, 501000, 3841000};
        assert_int_equal(tf_reach_nearest(cur, 500500, 3840500, &d), -1);
        assert_int_equal(tf_reach_cut(e->ctx, cur, r->areas->geom[0], env, &covered, &gap), TAAFI_OK);
        assert_int_equal(GEOSisEmpty_r(e->ctx->geos, covered), 1);
        GEOSArea_r(e->ctx->geos, gap, &m2);
        assert_double_equal(m2, 1e6, 1e-6);
        GEOSGeom_destroy_r(e->ctx->geos, covered);
        GEOSGeom_destroy_r(e->ctx->geos, gap);
    }
    tf_reach_cursor_free(cur);
    tf_reach_free(e->ctx, reach);
    tf_reach_cursor_free(NULL);
    tf_reach_free(e->ctx, NULL);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
}

/* Over features of any geometry: the distance to the nearest point of the
 * nearest feature, against a brute-force scan with GEOS's own distance (a
 * line, a polygon, points); no cut. */
static void test_features(void **state)
{
    tt_env *e = *state;
    char *path = areas_project(e);
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    tf_reach *reach = NULL;
    tf_reach_cursor *cur = NULL;
    GEOSContextHandle_t h = e->ctx->geos;
    GEOSGeometry *g[6], *covered = (GEOSGeometry *)1, *gap = (GEOSGeometry *)1;
    const char *wkt[6] = {"LINESTRING (499000 3839000, 503000 3842500)",
                          "POLYGON ((501400 3840400, 501600 3840400, 501600 3840600, 501400 3840600, 501400 3840400))",
                          "POINT (500100 3840900)", "POINT (502500 3839500)",
                          "MULTIPOINT ((499500 3841500), (502200 3841200))", "POINT (500100 3840900)"};
    GEOSWKTReader *rd = GEOSWKTReader_create_r(h);
    size_t i, k;
    if (taafi_project_load(e->ctx, path, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    for (i = 0; i < 6; i++)
        assert_non_null(g[i] = GEOSWKTReader_read_r(h, rd, wkt[i]));
    GEOSWKTReader_destroy_r(h, rd);
    assert_int_equal(tf_reach_new_features(e->ctx, &STRAIGHT, (const GEOSGeometry *const *)g, 6, r->areas, 0,
                                           &reach),
                     TAAFI_OK);
    assert_int_equal(tf_reach_count(reach), 6);
    assert_int_equal(tf_reach_cursor_new(e->ctx, reach, &cur), TAAFI_OK);
    for (i = 0; i < 300; i++) {
        double px = 499500 + fmod(i * 37.31, 3000), py = 3839500 + fmod(i * 71.7, 2000), d, bd = INFINITY;
        GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(h, px, py);
        long hit;
        for (k = 0; k < 6; k++) {
            double dk;
            assert_int_equal(GEOSDistance_r(h, pt, g[k], &dk), 1);
            bd = dk < bd ? dk : bd;
        }
        hit = tf_reach_nearest(cur, px, py, &d);
        assert_true(hit >= 0 && hit < 6);
        assert_true(d == bd);
        {
            double dh;
            GEOSDistance_r(h, pt, g[hit], &dh);
            assert_true(dh == d); /* the index is one of the nearest */
        }
        GEOSGeom_destroy_r(h, pt);
    }
    /* inside the polygon: 0 */
    {
        double d;
        assert_int_equal(tf_reach_nearest(cur, 501500, 3840500, &d), 1);
        assert_true(d == 0);
    }
    assert_int_equal(tf_reach_cut(e->ctx, cur, r->areas->geom[0], NULL, &covered, &gap), TAAFI_ERR_USAGE);
    assert_null(covered);
    assert_null(gap);
    tf_reach_cursor_free(cur);
    tf_reach_free(e->ctx, reach);
    /* none: nothing is near */
    assert_int_equal(tf_reach_new_features(e->ctx, &STRAIGHT, NULL, 0, r->areas, 0, &reach), TAAFI_OK);
    assert_int_equal(tf_reach_cursor_new(e->ctx, reach, &cur), TAAFI_OK);
    {
        double d;
        assert_int_equal(tf_reach_nearest(cur, 500500, 3840500, &d), -1);
    }
    tf_reach_cursor_free(cur);
    tf_reach_free(e->ctx, reach);
    for (i = 0; i < 6; i++)
        GEOSGeom_destroy_r(h, g[i]);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_nearest_and_cut, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_features, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
