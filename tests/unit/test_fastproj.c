/* The interpolated transformation (fastproj) against PROJ, and points
 * located from it against points located from PROJ's own positions: the
 * bound holds, and no point ever gets another area (it may only be sent
 * back to PROJ, near an edge). */
#include "support.h"

#include "core/core.h"
#include "geom/fastproj.h"
#include "geom/locate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef tt_env fixture;
#define setup tt_env_setup
#define teardown tt_env_teardown

static unsigned long long seed = 20261129;

static double uniform(double a, double b)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return a + (b - a) * (double)(seed >> 11) / 9007199254740992.0;
}

/* lon/lat -> UTM 37N, and back */
static void transforms(taafi_ctx *ctx, tf_reproj **to_utm, tf_reproj **to_ll)
{
    OGRSpatialReferenceH wgs = tf_srs_from_epsg(4326), utm = tf_srs_from_epsg(32637);
    assert_int_equal(tf_reproj_new(ctx, wgs, 32637, "test", to_utm), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, utm, 4326, "test", to_ll), TAAFI_OK);
    OSRRelease(wgs);
    OSRRelease(utm);
}

/* Over a country's extent (6 x 6 degrees, up to 3 degrees off the zone's
 * central meridian), every interpolated position is within the bound of
 * PROJ's, and the bound is tiny. */
static void test_bound(void **state)
{
    fixture *f = *state;
    tf_reproj *to_utm = NULL, *to_ll = NULL;
    tf_fastproj *fp = NULL;
    double worst = 0;
    int k;
    transforms(f->ctx, &to_utm, &to_ll);
    assert_int_equal(tf_fastproj_new(f->ctx, to_utm, 36.0, 31.5, 42.0, 37.5, 0.02, &fp), TAAFI_OK);
    assert_non_null(fp);
    print_message("bound %g m\n", tf_fastproj_bound(fp));
    assert_true(tf_fastproj_bound(fp) < 1e-4);
    for (k = 0; k < 20000; k++) {
        double lon = uniform(36.0, 42.0), lat = uniform(31.5, 37.5), x = lon, y = lat, ex = lon, ey = lat;
        assert_int_equal(tf_fastproj_xy(fp, &x, &y), 1);
        assert_int_equal(tf_reproj_xy(f->ctx, to_utm, &ex, &ey, 1), TAAFI_OK);
        worst = fmax(worst, hypot(x - ex, y - ey));
    }
    if (worst > tf_fastproj_bound(fp))
        fail_msg("off by %g m, bound %g m", worst, tf_fastproj_bound(fp));
    /* off the lattice: left alone, and said so */
    {
        double x = 35.0, y = 34.0;
        assert_int_equal(tf_fastproj_xy(fp, &x, &y), 0);
        assert_true(x == 35.0 && y == 34.0);
    }
    tf_fastproj_free(fp);
    tf_reproj_free(to_utm);
    tf_reproj_free(to_ll);
}

typedef struct geos_ask {
    taafi_ctx *ctx;
    const GEOSPreparedGeometry **prep;
} geos_ask;

static int ask(size_t i, double x, double y, void *user)
{
    geos_ask *a = user;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(a->ctx->geos, x, y);
    int in = GEOSPreparedIntersects_r(a->ctx->geos, a->prep[i], pt) == 1;
    GEOSGeom_destroy_r(a->ctx->geos, pt);
    return in;
}

/* A 4 x 4 block of 0.1-degree squares (edges straight in UTM between
 * their lon/lat corners).  Scattered points, and points put on the edges
 * and a hair off them: located from interpolated positions, each gets the
 * area its exact position gets, or is sent back (-2); scattered ones are
 * nearly all decided. */
static void test_same_areas(void **state)
{
    fixture *f = *state;
    taafi_ctx *ctx = f->ctx;
    enum { N = 4 };
    tf_reproj *to_utm = NULL, *to_ll = NULL;
    tf_fastproj *fp = NULL;
    tf_locator *loc = NULL;
    GEOSGeometry *g[N * N];
    const GEOSPreparedGeometry *prep[N * N];
    geos_ask ga;
    double lon0 = 40.5, lat0 = 34.0, c = 0.1, d;
    size_t undecided = 0, decided = 0, k;
    int i, j;
    transforms(ctx, &to_utm, &to_ll);
    for (j = 0; j < N; j++)
        for (i = 0; i < N; i++) {
            double xs[5] = {lon0 + i * c, lon0 + (i + 1) * c, lon0 + (i + 1) * c, lon0 + i * c, lon0 + i * c};
            double ys[5] = {lat0 + j * c, lat0 + j * c, lat0 + (j + 1) * c, lat0 + (j + 1) * c, lat0 + j * c};
            GEOSCoordSequence *s = GEOSCoordSeq_create_r(ctx->geos, 5, 2);
            assert_int_equal(tf_reproj_xy(ctx, to_utm, xs, ys, 5), TAAFI_OK);
            for (k = 0; k < 5; k++)
                GEOSCoordSeq_setXY_r(ctx->geos, s, (unsigned)k, xs[k], ys[k]);
            g[j * N + i] =
                GEOSGeom_createPolygon_r(ctx->geos, GEOSGeom_createLinearRing_r(ctx->geos, s), NULL, 0);
            prep[j * N + i] = GEOSPrepare_r(ctx->geos, g[j * N + i]);
        }
    ga.ctx = ctx;
    ga.prep = prep;
    assert_int_equal(tf_locator_new(ctx, g, N * N, &loc), TAAFI_OK);
    assert_int_equal(tf_fastproj_new(ctx, to_utm, lon0 - 0.01, lat0 - 0.01, lon0 + N * c + 0.01,
                                     lat0 + N * c + 0.01, 0.02, &fp),
                     TAAFI_OK);
    assert_non_null(fp);
    d = tf_fastproj_bound(fp);
    for (k = 0; k < 30000; k++) {
        double lon, lat, x, y, ex, ey;
        long want, got;
        if (k < 20000) { /* scattered */
            lon = uniform(lon0 - 0.005, lon0 + N * c + 0.005);
            lat = uniform(lat0 - 0.005, lat0 + N * c + 0.005);
        } else { /* on a UTM edge between two corners, then nudged by up to 2d */
            int a = (int)uniform(0, N * N), e = (int)uniform(0, 4);
            const GEOSCoordSequence *s = GEOSGeom_getCoordSeq_r(ctx->geos, GEOSGetExteriorRing_r(ctx->geos, g[a]));
            double x0, y0, x1, y1, t = uniform(0, 1);
            GEOSCoordSeq_getXY_r(ctx->geos, s, (unsigned)e, &x0, &y0);
            GEOSCoordSeq_getXY_r(ctx->geos, s, (unsigned)e + 1, &x1, &y1);
            lon = x0 + t * (x1 - x0) + uniform(-2 * d, 2 * d);
            lat = y0 + t * (y1 - y0) + uniform(-2 * d, 2 * d);
            assert_int_equal(tf_reproj_xy(ctx, to_ll, &lon, &lat, 1), TAAFI_OK);
        }
        x = ex = lon, y = ey = lat;
        assert_int_equal(tf_fastproj_xy(fp, &x, &y), 1);
        assert_int_equal(tf_reproj_xy(ctx, to_utm, &ex, &ey, 1), TAAFI_OK);
        want = tf_locator_find(loc, ex, ey, ask, &ga);
        got = tf_locator_find_near(loc, x, y, d);
        if (got == -2) {
            undecided++;
            continue;
        }
        if (got != want)
            fail_msg("(%.9f, %.9f): %ld from the interpolated position, %ld from PROJ's", lon, lat, got, want);
        if (k < 20000)
            decided++;
    }
    assert_true(decided > 19900); /* the scattered points: almost all */
    assert_true(undecided > 0);   /* the ones put on edges: some sent back */
    tf_locator_free(loc);
    for (k = 0; k < N * N; k++) {
        GEOSPreparedGeom_destroy_r(ctx->geos, prep[k]);
        GEOSGeom_destroy_r(ctx->geos, g[k]);
    }
    tf_fastproj_free(fp);
    tf_reproj_free(to_utm);
    tf_reproj_free(to_ll);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bound, setup, teardown),
        cmocka_unit_test_setup_teardown(test_same_areas, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
