/* Reprojection: UTM zone choice, known coordinates, axis order. */
#include "support.h"

#include "geom/reproj.h"

#include <math.h>

static void test_utm_zone(void **state)
{
    (void)state;
    assert_int_equal(tf_utm_epsg(36.72, 34.73), 32637); /* Homs */
    assert_int_equal(tf_utm_epsg(36.0, 34.0), 32637);   /* zone 37 starts at 36 E */
    assert_int_equal(tf_utm_epsg(35.999, 34.0), 32636);
    assert_int_equal(tf_utm_epsg(-70.6, -33.4), 32719); /* Santiago */
    assert_int_equal(tf_utm_epsg(-180.0, 10.0), 32601);
    assert_int_equal(tf_utm_epsg(180.0, 10.0), 32660);
}

static OGRSpatialReferenceH srs(int epsg, OSRAxisMappingStrategy strategy)
{
    OGRSpatialReferenceH s = OSRNewSpatialReference(NULL);
    assert_int_equal(OSRImportFromEPSG(s, epsg), OGRERR_NONE);
    OSRSetAxisMappingStrategy(s, strategy);
    return s;
}

/* On a zone's central meridian at the equator, UTM gives the false easting
 * 500000 m and northing 0 exactly; 1 degree north is about 110574 m times
 * the scale factor 0.9996 (a property of the projection, not of PROJ). */
static void test_known_points(void **state)
{
    taafi_ctx *ctx = NULL;
    tf_reproj *r = NULL;
    OGRSpatialReferenceH wgs = srs(4326, OAMS_TRADITIONAL_GIS_ORDER);
    double x[2] = {39.0, 39.0}, y[2] = {0.0, 1.0};
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, wgs, 32637, "test", &r), TAAFI_OK);
    assert_false(tf_reproj_is_identity(r));
    assert_int_equal(tf_reproj_xy(ctx, r, x, y, 2), TAAFI_OK);
    assert_double_equal(x[0], 500000.0, 1e-6);
    assert_double_equal(y[0], 0.0, 1e-6);
    assert_double_equal(x[1], 500000.0, 1e-6);
    assert_double_equal(y[1], 110574.39 * 0.9996, 1.0);
    tf_reproj_free(r);
    OSRRelease(wgs);
    taafi_ctx_free(ctx);
}

/* Data stored latitude first (authority-compliant order) must give the
 * same result as data stored longitude first. */
static void test_axis_order(void **state)
{
    taafi_ctx *ctx = NULL;
    tf_reproj *a = NULL, *b = NULL;
    OGRSpatialReferenceH trad = srs(4326, OAMS_TRADITIONAL_GIS_ORDER);
    OGRSpatialReferenceH auth = srs(4326, OAMS_AUTHORITY_COMPLIANT);
    double x1 = 36.72, y1 = 34.73;    /* lon, lat */
    double x2 = 34.73, y2 = 36.72;    /* lat, lon */
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, trad, 32637, "trad", &a), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, auth, 32637, "auth", &b), TAAFI_OK);
    assert_int_equal(tf_reproj_xy(ctx, a, &x1, &y1, 1), TAAFI_OK);
    assert_int_equal(tf_reproj_xy(ctx, b, &x2, &y2, 1), TAAFI_OK);
    assert_double_equal(x1, x2, 1e-6);
    assert_double_equal(y1, y2, 1e-6);
    assert_true(x1 > 200000 && x1 < 300000); /* west of 39 E: easting below 500 km */
    assert_true(y1 > 3800000 && y1 < 3900000);
    tf_reproj_free(a);
    tf_reproj_free(b);
    OSRRelease(trad);
    OSRRelease(auth);
    taafi_ctx_free(ctx);
}

static void test_identity(void **state)
{
    taafi_ctx *ctx = NULL;
    tf_reproj *r = NULL;
    OGRSpatialReferenceH utm = srs(32637, OAMS_TRADITIONAL_GIS_ORDER);
    double x = 271234.5, y = 3846000.25;
    (void)state;
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    assert_int_equal(tf_reproj_new(ctx, utm, 32637, "utm", &r), TAAFI_OK);
    assert_true(tf_reproj_is_identity(r));
    assert_int_equal(tf_reproj_xy(ctx, r, &x, &y, 1), TAAFI_OK);
    assert_true(x == 271234.5 && y == 3846000.25);
    tf_reproj_free(r);
    tf_reproj_free(NULL);
    OSRRelease(utm);
    taafi_ctx_free(ctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utm_zone),
        cmocka_unit_test(test_known_points),
        cmocka_unit_test(test_axis_order),
        cmocka_unit_test(test_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
