/* OGR to GEOS: every geometry type, ring closing, curves, failures. */
#include "support.h"

#include "io/ingest.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static GEOSGeometry *ingest_wkt(taafi_ctx *ctx, const char *wkt, taafi_status *st)
{
    OGRGeometryH g = NULL;
    GEOSGeometry *out = NULL;
    char *w = (char *)wkt;
    assert_int_equal(OGR_G_CreateFromWkt(&w, NULL, &g), OGRERR_NONE);
    *st = tf_ingest(ctx, g, NULL, &out);
    OGR_G_DestroyGeometry(g);
    return out;
}

static void test_types(void **state)
{
    static const struct {
        const char *wkt;
        int type;
        double area;
    } cases[] = {
        {"POINT (1 2)", GEOS_POINT, 0},
        {"LINESTRING (0 0,1 1)", GEOS_LINESTRING, 0},
        {"POLYGON ((0 0,10 0,10 10,0 10,0 0),(2 2,2 4,4 4,4 2,2 2))", GEOS_POLYGON, 96},
        {"MULTIPOINT ((0 0),(1 1))", GEOS_MULTIPOINT, 0},
        {"MULTILINESTRING ((0 0,1 1),(2 2,3 3))", GEOS_MULTILINESTRING, 0},
        {"MULTIPOLYGON (((0 0,1 0,1 1,0 1,0 0)),((5 5,7 5,7 7,5 7,5 5)))", GEOS_MULTIPOLYGON, 5},
        {"GEOMETRYCOLLECTION (POINT (0 0),POLYGON ((0 0,2 0,2 2,0 2,0 0)))", GEOS_GEOMETRYCOLLECTION, 4},
        {"POINT Z (1 2 3)", GEOS_POINT, 0},
        {"POLYGON EMPTY", GEOS_POLYGON, 0},
    };
    taafi_ctx *ctx = NULL;
    size_t i;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        taafi_status st;
        double area = -1;
        GEOSGeometry *g = ingest_wkt(ctx, cases[i].wkt, &st);
        if (st != TAAFI_OK)
            fail_msg("%s: %s", cases[i].wkt, taafi_ctx_message(ctx));
        assert_int_equal(GEOSGeomTypeId_r(ctx->geos, g), cases[i].type);
        assert_int_equal(GEOSArea_r(ctx->geos, g, &area), 1);
        assert_double_equal(area, cases[i].area, 1e-9);
        GEOSGeom_destroy_r(ctx->geos, g);
    }
    taafi_ctx_free(ctx);
}

/* A curve polygon (a circle of radius 1) becomes a polygon whose area is
 * close to pi. */
static void test_curve(void **state)
{
    taafi_ctx *ctx = NULL;
    taafi_status st;
    double area = 0;
    GEOSGeometry *g;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    g = ingest_wkt(ctx, "CURVEPOLYGON (CIRCULARSTRING (1 0,-1 0,1 0))", &st);
    assert_int_equal(st, TAAFI_OK);
    assert_int_equal(GEOSGeomTypeId_r(ctx->geos, g), GEOS_POLYGON);
    GEOSArea_r(ctx->geos, g, &area);
    assert_true(fabs(area - M_PI) < 0.01);
    GEOSGeom_destroy_r(ctx->geos, g);
    taafi_ctx_free(ctx);
}

/* An unclosed ring (as some hand-made files have) is closed; a ring of
 * two points is refused with a message. */
static void test_rings(void **state)
{
    taafi_ctx *ctx = NULL;
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon), ring = OGR_G_CreateGeometry(wkbLinearRing);
    GEOSGeometry *g = NULL;
    double area = 0;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    OGR_G_AddPoint_2D(ring, 0, 0);
    OGR_G_AddPoint_2D(ring, 4, 0);
    OGR_G_AddPoint_2D(ring, 4, 3);
    OGR_G_AddGeometryDirectly(poly, ring);
    assert_int_equal(tf_ingest(ctx, poly, NULL, &g), TAAFI_OK);
    GEOSArea_r(ctx->geos, g, &area);
    assert_double_equal(area, 6.0, 1e-12);
    GEOSGeom_destroy_r(ctx->geos, g);
    OGR_G_DestroyGeometry(poly);

    poly = OGR_G_CreateGeometry(wkbPolygon);
    ring = OGR_G_CreateGeometry(wkbLinearRing);
    OGR_G_AddPoint_2D(ring, 0, 0);
    OGR_G_AddPoint_2D(ring, 4, 0);
    OGR_G_AddGeometryDirectly(poly, ring);
    assert_int_equal(tf_ingest(ctx, poly, NULL, &g), TAAFI_ERR_GEOM);
    assert_null(g);
    assert_non_null(strstr(taafi_ctx_message(ctx), "at least 4"));
    OGR_G_DestroyGeometry(poly);
    assert_int_equal(tf_ingest(ctx, NULL, NULL, &g), TAAFI_ERR_GEOM);
    taafi_ctx_free(ctx);
}

/* Found by fuzzing: GEOS 3.11 crashed on the interior point of a
 * collection holding an empty curve; empty parts are now left out. */
static void test_empty_parts(void **state)
{
    taafi_ctx *ctx = NULL;
    taafi_status st;
    GEOSGeometry *g, *pt;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    g = ingest_wkt(ctx, "GEOMETRYCOLLECTION (POINT (0 0),CIRCULARSTRING EMPTY)", &st);
    assert_int_equal(st, TAAFI_OK);
    assert_int_equal(GEOSGetNumGeometries_r(ctx->geos, g), 1);
    pt = GEOSPointOnSurface_r(ctx->geos, g);
    assert_non_null(pt);
    GEOSGeom_destroy_r(ctx->geos, pt);
    GEOSGeom_destroy_r(ctx->geos, g);
    taafi_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_types),
        cmocka_unit_test(test_curve),
        cmocka_unit_test(test_rings),
        cmocka_unit_test(test_empty_parts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
