/* The point locator against GEOS, point by point: on shapes made to be
 * awkward (holes, parts, shared edges, horizontal edges, vertices at the
 * same height) and on points made to be awkward (vertices, edge points,
 * points a rounding error off an edge) as well as scattered ones. */
#include "support.h"

#include "core/core.h"
#include "geom/locate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef tt_env fixture;
#define setup tt_env_setup
#define teardown tt_env_teardown

/* UTM-like coordinates, where rounding is what it is in real runs. */
static const char *const SHAPES[] = {
    /* 0: a square with a square hole */
    "POLYGON((500000 3840000,500100 3840000,500100 3840100,500000 3840100,500000 3840000),"
    "(500025 3840025,500025 3840075,500075 3840075,500075 3840025,500025 3840025))",
    /* 1: east of it, sharing the edge x = 500100; a comb of horizontal
     * edges and teeth whose tips share one height */
    "POLYGON((500100 3840000,500200 3840000,500200 3840100,500175 3840100,500175 3840050,500150 3840050,"
    "500150 3840100,500125 3840100,500125 3840050,500100 3840050,500100 3840000))",
    /* 2: two triangles touching at a vertex, with a slanted edge */
    "MULTIPOLYGON(((500000 3840100,500050 3840100,500000 3840150,500000 3840100)),"
    "((500050 3840100,500100 3840133.3333333,500100 3840100,500050 3840100)))",
    /* 3: overlapping 0's hole and beyond: a point in both goes to 0 */
    "POLYGON((500030 3840030,500090 3840030,500090 3840090,500030 3840090,500030 3840030))",
    /* 4: empty */
    "POLYGON EMPTY",
    /* 5: not polygonal (always deferred to GEOS) */
    "GEOMETRYCOLLECTION(POLYGON((500200 3840000,500300 3840000,500300 3840100,500200 3840000)))",
};
#define N_SHAPES (sizeof SHAPES / sizeof *SHAPES)

typedef struct geos_oracle {
    taafi_ctx *ctx;
    const GEOSPreparedGeometry **prep;
    size_t asked;
} geos_oracle;

static int ask(size_t i, double x, double y, void *user)
{
    geos_oracle *o = user;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(o->ctx->geos, x, y);
    int in = GEOSPreparedIntersects_r(o->ctx->geos, o->prep[i], pt) == 1;
    o->asked++;
    GEOSGeom_destroy_r(o->ctx->geos, pt);
    return in;
}

/* The lowest-numbered shape GEOS says holds (x, y), boundary included. */
static long brute(geos_oracle *o, double x, double y)
{
    size_t i;
    for (i = 0; i < N_SHAPES; i++) {
        size_t before = o->asked;
        int in = ask(i, x, y, o);
        o->asked = before;
        if (in)
            return (long)i;
    }
    return -1;
}

typedef struct world {
    GEOSGeometry *g[N_SHAPES];
    const GEOSPreparedGeometry *prep[N_SHAPES];
    tf_locator *loc;
    geos_oracle o;
} world;

static void world_make(taafi_ctx *ctx, world *w)
{
    size_t i;
    memset(w, 0, sizeof *w);
    for (i = 0; i < N_SHAPES; i++) {
        assert_non_null(w->g[i] = GEOSGeomFromWKT_r(ctx->geos, SHAPES[i]));
        assert_non_null(w->prep[i] = GEOSPrepare_r(ctx->geos, w->g[i]));
    }
    assert_int_equal(tf_locator_new(ctx, w->g, N_SHAPES, &w->loc), TAAFI_OK);
    w->o.ctx = ctx;
    w->o.prep = w->prep;
}

static void world_free(taafi_ctx *ctx, world *w)
{
    size_t i;
    tf_locator_free(w->loc);
    for (i = 0; i < N_SHAPES; i++) {
        GEOSPreparedGeom_destroy_r(ctx->geos, w->prep[i]);
        GEOSGeom_destroy_r(ctx->geos, w->g[i]);
    }
}

static void check(world *w, double x, double y)
{
    long want = brute(&w->o, x, y), got = tf_locator_find(w->loc, x, y, ask, &w->o);
    if (want != got)
        fail_msg("(%.10f, %.10f): locator %ld, GEOS %ld", x, y, got, want);
}

/* Every vertex of every shape, the middle of every edge, and both pushed
 * by the smallest steps the doubles allow in eight directions. */
static void test_awkward_points(void **state)
{
    fixture *f = *state;
    world w;
    size_t i, checked = 0;
    world_make(f->ctx, &w);
    for (i = 0; i < N_SHAPES; i++) {
        GEOSGeometry *pts = GEOSGeom_extractUniquePoints_r(f->ctx->geos, w.g[i]);
        int n = GEOSGetNumGeometries_r(f->ctx->geos, pts), k;
        for (k = 0; k < n; k++) {
            const GEOSGeometry *p = GEOSGetGeometryN_r(f->ctx->geos, pts, k);
            double x, y;
            int dx, dy;
            GEOSGeomGetX_r(f->ctx->geos, p, &x);
            GEOSGeomGetY_r(f->ctx->geos, p, &y);
            for (dx = -1; dx <= 1; dx++)
                for (dy = -1; dy <= 1; dy++) {
                    double px = dx ? nextafter(x, x + dx) : x, py = dy ? nextafter(y, y + dy) : y;
                    check(&w, px, py);
                    check(&w, px + dx * 1e-9, py + dy * 1e-9);
                    checked += 2;
                }
        }
        GEOSGeom_destroy_r(f->ctx->geos, pts);
    }
    /* edge middles along the shared edge, the comb's tips' height, the
     * hole's edges */
    for (i = 0; i <= 40; i++) {
        double t = 500000 + 5.0 * (double)i;
        check(&w, 500100, 3840000 + 2.5 * (double)i);
        check(&w, t, 3840050);
        check(&w, t, 3840100);
        check(&w, t, 3840025);
        check(&w, t, nextafter(3840050, 3840051));
        checked += 5;
    }
    assert_true(checked > 500);
    world_free(f->ctx, &w);
}

/* Scattered points decide without GEOS nearly always, and agree. */
static void test_scattered_points(void **state)
{
    fixture *f = *state;
    world w;
    unsigned long long seed = 12345;
    size_t i, n = 20000, inside = 0;
    world_make(f->ctx, &w);
    for (i = 0; i < n; i++) {
        double x, y;
        long want, got;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        x = 499990 + (double)(seed >> 11) / 9007199254740992.0 * 320;
        seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
        y = 3839990 + (double)(seed >> 11) / 9007199254740992.0 * 170;
        want = brute(&w.o, x, y);
        got = tf_locator_find(w.loc, x, y, ask, &w.o);
        if (want != got)
            fail_msg("(%.10f, %.10f): locator %ld, GEOS %ld", x, y, got, want);
        inside += got >= 0;
    }
    /* both outcomes occur, and GEOS was asked only for shape 5 (not
     * polygonal) and the odd point on an edge */
    assert_true(inside > n / 4 && inside < n);
    assert_true(w.o.asked < n / 5);
    world_free(f->ctx, &w);
}

/* The three answers of one test. */
static void test_answers(void **state)
{
    fixture *f = *state;
    world w;
    world_make(f->ctx, &w);
    assert_int_equal(tf_locator_test(w.loc, 0, 500010, 3840010), 1);   /* in the ring   */
    assert_int_equal(tf_locator_test(w.loc, 0, 500050, 3840050), 0);   /* in the hole   */
    assert_int_equal(tf_locator_test(w.loc, 0, 500100, 3840060), -1);  /* on an edge    */
    assert_int_equal(tf_locator_test(w.loc, 0, 500000, 3840000), -1);  /* on a vertex   */
    assert_int_equal(tf_locator_test(w.loc, 0, 499999, 3840050), 0);   /* off the box   */
    assert_int_equal(tf_locator_test(w.loc, 1, 500160, 3840075), 0);   /* between teeth */
    assert_int_equal(tf_locator_test(w.loc, 1, 500137.5, 3840075), 1); /* in a tooth    */
    assert_int_equal(tf_locator_test(w.loc, 4, 500050, 3840050), 0);   /* empty         */
    assert_int_equal(tf_locator_test(w.loc, 5, 500290, 3840010), -1);  /* not polygonal */
    /* overlapping: the lower number wins; in 0's hole, 3 holds it */
    assert_int_equal(tf_locator_find(w.loc, 500035, 3840035, ask, &w.o), 3);
    assert_int_equal(tf_locator_find(w.loc, 500085, 3840095, ask, &w.o), 0);
    assert_int_equal(tf_locator_find(w.loc, 510000, 3840050, ask, &w.o), -1);
    world_free(f->ctx, &w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_awkward_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scattered_points, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
