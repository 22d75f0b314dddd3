/*
 * Points read by columns (GDAL's Arrow stream, columns.h) against the same
 * points read feature by feature: every column and every data-quality
 * record must be the same, over rows made to be awkward (NULL and empty
 * geometries, a polygon in a point layer, a point on the edge between two
 * areas, one outside, one with its coordinates exchanged, a 3D point, a
 * gap in the FIDs, NULL, blank and unexpected classes, integer classes,
 * numbers stored as text, NULL numbers).
 *
 * The fixture is written here through GDAL: the same rows into a
 * GeoPackage point layer (read by columns) and into one whose geometry
 * type is left open (which taafi reads feature by feature).
 */
#include "support.h"

#include "io/columns.h"

#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct row {
    const char *wkt; /* NULL: no geometry */
    const char *cls; /* NULL: NULL */
    int code;        /* -1: NULL */
    double people;   /* NaN: NULL */
    const char *txt; /* NULL: NULL */
} row;

/* lon/lat; areas A = [39.00, 39.01] x [34.70, 34.71], B east of it */
static const row ROWS[] = {
    {"POINT (39.005 34.705)", "destroyed", 1, 2.5, " 12 "},
    {"POINT (39.006 34.706)", " Destroyed ", 2, NAN, ""},
    {"POINT (39.01 34.705)", "severe", 2, 1, "3"},            /* on the shared edge */
    {"POINT (39.015 34.705)", "rubble", -1, 4, "1e3"},        /* undeclared class */
    {"POINT (39.005 34.705)", "deleted", 9, 0, "0"},          /* deleted once written */
    {NULL, "severe", 1, 8, "5"},                              /* no geometry */
    {"POINT EMPTY", "moderate", 1, 16, "6"},                  /* empty */
    {"POLYGON ((39.012 34.702,39.013 34.702,39.013 34.703,39.012 34.703,39.012 34.702))", "destroyed", 3, 32,
     "7"},                                                    /* a polygon in B */
    {"POINT (39.5 34.5)", "destroyed", 1, 64, "8"},           /* outside */
    {"POINT (34.705 39.005)", "possible", 1, 128, "9"},       /* lat, lon */
    {"POINT Z (39.016 34.706 5)", NULL, 4, 256, NULL},        /* 3D, no class */
    {"POINT (39.017 34.707)", "", 4, 512, " "},               /* blank class */
};
#define N_ROWS (sizeof ROWS / sizeof *ROWS)

static void make_layer(const char *path, OGRwkbGeometryType type)
{
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    GDALDatasetH ds;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OGRLayerH l;
    OGRFieldDefnH fd;
    size_t i;
    assert_non_null(drv);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    l = GDALDatasetCreateLayer(ds, "damage", srs, type, NULL);
    assert_non_null(l);
    fd = OGR_Fld_Create("cls", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("code", OFTInteger);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("people", OFTReal);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("txt", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    fd = OGR_Fld_Create("unused", OFTString);
    OGR_L_CreateField(l, fd, TRUE);
    OGR_Fld_Destroy(fd);
    CPLPushErrorHandler(CPLQuietErrorHandler); /* the polygon in a point layer */
    for (i = 0; i < N_ROWS; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        if (ROWS[i].wkt) {
            OGRGeometryH g = NULL;
            char *w = (char *)ROWS[i].wkt;
            assert_int_equal(OGR_G_CreateFromWkt(&w, srs, &g), OGRERR_NONE);
            OGR_F_SetGeometryDirectly(f, g);
        }
        if (ROWS[i].cls)
            OGR_F_SetFieldString(f, 0, ROWS[i].cls);
        else
            OGR_F_SetFieldNull(f, 0);
        if (ROWS[i].code >= 0)
            OGR_F_SetFieldInteger(f, 1, ROWS[i].code);
        else
            OGR_F_SetFieldNull(f, 1);
        if (!isnan(ROWS[i].people))
            OGR_F_SetFieldDouble(f, 2, ROWS[i].people);
        else
            OGR_F_SetFieldNull(f, 2);
        if (ROWS[i].txt)
            OGR_F_SetFieldString(f, 3, ROWS[i].txt);
        else
            OGR_F_SetFieldNull(f, 3);
        OGR_F_SetFieldString(f, 4, "notes nobody reads");
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        /* a gap in the FIDs, as deleting leaves */
        if (ROWS[i].cls && !strcmp(ROWS[i].cls, "deleted"))
            assert_int_equal(OGR_L_DeleteFeature(l, OGR_F_GetFID(f)), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    CPLPopErrorHandler();
    GDALClose(ds);
    OSRRelease(srs);
}

static const char AREAS[] =
    "{\"type\":\"FeatureCollection\",\"features\":["
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[39.00,34.70],[39.01,34.70],[39.01,34.71],[39.00,34.71],[39.00,34.70]]]}},"
    "{\"type\":\"Feature\",\"properties\":{\"code\":\"B\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
    "[[[39.01,34.70],[39.02,34.70],[39.02,34.71],[39.01,34.71],[39.01,34.70]]]}}]}\n";

static char *project(const char *dir, const char *name, const char *points, const char *extra)
{
    char text[2048];
    snprintf(text, sizeof text,
             "areas: {source: areas.geojson, id: code}\n"
             "layers:\n"
             "  damage: {source: %s}\n"
             "indicators:\n"
             "  - {id: damage, type: count, layer: damage, class_field: cls,\n"
             "     classes: [destroyed, severe, moderate, possible]}\n"
             "  - {id: found, type: count, layer: damage, class_field: cls}\n"
             "  - {id: by_code, type: count, layer: damage, class_field: code}\n"
             "  - {id: by_txt, type: count, layer: damage, class_field: txt}\n"
             "  - {id: people, type: sum, layer: damage, field: people}\n"
             "  - {id: people_mean, type: mean, layer: damage, field: people}\n"
             "  - {id: txt, type: sum, layer: damage, field: txt}\n"
             "  - {id: txt_max, type: max, layer: damage, field: txt}\n"
             "  - {id: code_min, type: min, layer: damage, field: code}\n"
             "%s",
             points, extra);
    return tt_write(dir, name, text);
}

typedef struct seen {
    int columns; /* the log said the layer was read by columns */
    int again;   /* ... and that rows were read again by FID */
} seen;

static void on_log(taafi_log_level level, const char *message, void *user)
{
    (void)level;
    if (strstr(message, "read by columns"))
        ((seen *)user)->columns = 1;
    if (strstr(message, "read again feature by feature"))
        ((seen *)user)->again = 1;
}

static taafi_result *run_seen(tt_env *e, const char *yml, seen *s)
{
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    memset(s, 0, sizeof *s);
    taafi_ctx_set_log(e->ctx, TAAFI_LOG_DEBUG, on_log, s);
    if (taafi_project_load(e->ctx, yml, &p) || taafi_run(e->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    taafi_project_free(p);
    taafi_ctx_set_log(e->ctx, TAAFI_LOG_WARNING, NULL, NULL);
    return r;
}

static taafi_result *run(tt_env *e, const char *yml, int *by_columns)
{
    seen s;
    taafi_result *r = run_seen(e, yml, &s);
    *by_columns = s.columns;
    return r;
}

static void test_same_as_features(void **state)
{
    tt_env *e = *state;
    char *areas = tt_write(e->dir, "areas.geojson", AREAS);
    char *pts = tt_path(e->dir, "points.gpkg"), *mixed = tt_path(e->dir, "mixed.gpkg");
    char *a, *b, *lean;
    taafi_result *ra, *rb, *rl;
    int cols_a, cols_b, cols_l;
    size_t c, row, i;
    GDALAllRegister();
    make_layer(pts, wkbPoint);
    make_layer(mixed, wkbUnknown);
    a = project(e->dir, "columns.yml", "points.gpkg", "");
    b = project(e->dir, "features.yml", "mixed.gpkg", "");
    /* the point layer again, a real class field keeping it off columns:
     * the lean feature path (no GEOS point, the lattice) */
    lean = project(e->dir, "lean.yml", "points.gpkg",
                   "  - {id: by_people, type: count, layer: damage, class_field: people}\n");
    {
        seen sa;
        ra = run_seen(e, a, &sa);
        cols_a = sa.columns;
        assert_true(sa.again); /* the awkward rows went the feature way */
    }
    rb = run(e, b, &cols_b);
    rl = run(e, lean, &cols_l);
    assert_true(cols_a);  /* the point layer went by columns */
    assert_false(cols_b); /* the other feature by feature */
    assert_false(cols_l);

    /* hand-worked: A holds rows 0, 1 and perhaps 2 (on the edge), B rows
     * 3, 7, 10, 11 and perhaps 2; 4 is deleted; 5 and 6 have no geometry;
     * 8 and 9 lie outside */
    assert_true(tt_value(ra, "damage", 0) + tt_value(ra, "damage", 1) == 7);
    assert_true(tt_value(ra, "damage_destroyed", 0) == 2);
    assert_true(tt_value(ra, "damage_destroyed", 1) == 1);
    assert_true(tt_value(ra, "damage_other", 1) == 3); /* rubble, NULL, blank */
    assert_true(tt_value(ra, "by_code_4", 1) == 2);
    assert_true(tt_value(ra, "by_code_1", 0) == 1);
    assert_true(tt_value(ra, "by_txt_1e3", 1) == 1);
    assert_true(tt_value(ra, "by_txt_12", 0) == 1);
    /* sums over B: rows 3 (4 people), 7 (the polygon, 32), 10 (256), 11
     * (512), and 2 (1) if the edge point went east; text numbers: 1e3,
     * 7, blank (none) and "3" */
    assert_double_equal(tt_value(ra, "people", 1), 4 + 32 + 256 + 512 + (tt_value(ra, "damage_severe", 1) ? 1 : 0),
                        0);
    assert_double_equal(tt_value(ra, "txt", 1), 1000 + 7 + (tt_value(ra, "damage_severe", 1) ? 3 : 0), 0);
    assert_double_equal(tt_value(ra, "txt_max", 0), 12, 0);

    /* and everything the same both ways */
    assert_int_equal(taafi_result_column_count(ra), taafi_result_column_count(rb));
    for (c = 0; c < taafi_result_column_count(ra); c++) {
        assert_string_equal(taafi_result_column_name(ra, c), taafi_result_column_name(rb, c));
        for (row = 0; row < 2; row++) {
            double va, vb;
            int na, nb;
            assert_int_equal(taafi_result_value(ra, row, c, &va, &na), TAAFI_OK);
            assert_int_equal(taafi_result_value(rb, row, c, &vb, &nb), TAAFI_OK);
            assert_int_equal(na, nb);
            if (!na && va != vb)
                fail_msg("%s, row %zu: %.17g by columns, %.17g by features", taafi_result_column_name(ra, c), row,
                         va, vb);
        }
    }
    /* the lean feature path too, column by column */
    for (c = 0; c < taafi_result_column_count(rb); c++) {
        size_t cl;
        assert_int_equal(taafi_result_find_column(rl, taafi_result_column_name(rb, c), &cl), TAAFI_OK);
        for (row = 0; row < 2; row++) {
            double vb, vl;
            int nb, nl;
            assert_int_equal(taafi_result_value(rb, row, c, &vb, &nb), TAAFI_OK);
            assert_int_equal(taafi_result_value(rl, row, cl, &vl, &nl), TAAFI_OK);
            assert_int_equal(nb, nl);
            if (!nb && vb != vl)
                fail_msg("%s, row %zu: %.17g lean, %.17g by features", taafi_result_column_name(rb, c), row, vl,
                         vb);
        }
    }
    assert_int_equal(taafi_result_issue_count(ra), taafi_result_issue_count(rb));
    assert_true(taafi_result_issue_count(ra) >= 4); /* 4, 5, 7, 8 at least */
    for (i = 0; i < taafi_result_issue_count(ra); i++) {
        const char *la, *lb, *pa, *pb, *aa, *ab;
        int64_t fa, fb;
        assert_int_equal(taafi_result_issue(ra, i, &la, &fa, &pa, &aa), TAAFI_OK);
        assert_int_equal(taafi_result_issue(rb, i, &lb, &fb, &pb, &ab), TAAFI_OK);
        assert_true(fa == fb);
        assert_string_equal(pa, pb);
        assert_string_equal(aa, ab);
    }
    taafi_result_free(ra);
    taafi_result_free(rb);
    taafi_result_free(rl);
    free(lean);
    free(areas);
    free(pts);
    free(mixed);
    free(a);
    free(b);
}

/* A class field holding reals is not read by columns: GDAL's text of a
 * real has rules of its own, and the classes must not change. */
static void test_real_class_declined(void **state)
{
    tt_env *e = *state;
    char *areas = tt_write(e->dir, "areas.geojson", AREAS);
    char *pts = tt_path(e->dir, "points.gpkg");
    char *yml;
    taafi_result *r;
    int cols;
    GDALAllRegister();
    make_layer(pts, wkbPoint);
    yml = tt_write(e->dir, "p.yml",
                   "areas: {source: areas.geojson, id: code}\n"
                   "layers: {damage: {source: points.gpkg}}\n"
                   "indicators:\n"
                   "  - {id: by_people, type: count, layer: damage, class_field: people}\n");
    r = run(e, yml, &cols);
    assert_false(cols);
    assert_true(tt_value(r, "by_people_2_5", 0) == 1);
    taafi_result_free(r);
    free(areas);
    free(pts);
    free(yml);
}

/* A new dataset at `path` (GDAL driver `driver`) with a point layer
 * "damage" in EPSG:4326 (lon, lat) and a text field `field`; the caller
 * adds the features and closes it. */
static GDALDatasetH point_layer(const char *path, const char *driver, const char *field, OGRLayerH *out)
{
    GDALDriverH drv = GDALGetDriverByName(driver);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    GDALDatasetH ds;
    OGRFieldDefnH fd;
    assert_non_null(drv);
    OSRImportFromEPSG(srs, 4326);
    OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    *out = GDALDatasetCreateLayer(ds, "damage", srs, wkbPoint, NULL);
    assert_non_null(*out);
    fd = OGR_Fld_Create(field, OFTString);
    assert_int_equal(OGR_L_CreateField(*out, fd, TRUE), OGRERR_NONE);
    OGR_Fld_Destroy(fd);
    OSRRelease(srs);
    return ds;
}

/* Counting points with no field at all (every field ignored): the
 * columns are the FID and the geometry alone, and every row is a point
 * there, none read again. */
static void test_count_without_fields(void **state)
{
    tt_env *e = *state;
    char *areas = tt_write(e->dir, "areas.geojson", AREAS);
    char *pts = tt_path(e->dir, "plain.gpkg"), *yml;
    GDALDatasetH ds;
    OGRLayerH l;
    taafi_result *r;
    seen s;
    int i;
    GDALAllRegister();
    ds = point_layer(pts, "GPKG", "note", &l);
    /* 5 points in A, 3 in B */
    for (i = 0; i < 8; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, i < 5 ? 39.001 + 0.001 * i : 39.011 + 0.001 * i, 34.705);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, "unread");
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    yml = tt_write(e->dir, "p.yml",
                   "areas: {source: areas.geojson, id: code}\n"
                   "layers: {damage: {source: plain.gpkg}}\n"
                   "indicators:\n"
                   "  - {id: n, type: count, layer: damage}\n");
    r = run_seen(e, yml, &s);
    assert_true(s.columns);
    assert_false(s.again);
    assert_true(tt_value(r, "n", 0) == 5);
    assert_true(tt_value(r, "n", 1) == 3);
    taafi_result_free(r);
    free(areas);
    free(pts);
    free(yml);
}

/* A GeoPackage damaged in the middle (a block of its pages overwritten):
 * GDAL reads the first features, reports SQLite's "database disk image is
 * malformed" and ends the layer early.  Either way of reading, the run
 * stops with an error: counts that silently miss the rest would be worse. */
static void test_damaged_layer(void **state)
{
    tt_env *e = *state;
    char *areas = tt_write(e->dir, "areas.geojson", AREAS);
    char *pts = tt_path(e->dir, "damaged.gpkg"), *plain, *filtered;
    GDALDatasetH ds;
    OGRLayerH l;
    FILE *fp;
    long size;
    int i;
    GDALAllRegister();
    ds = point_layer(pts, "GPKG", "cls", &l);
    GDALDatasetStartTransaction(ds, FALSE);
    for (i = 0; i < 40000; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, 39.0005 + 0.0190 * (i % 1000) / 1000.0, 34.7005 + 0.009 * (i / 1000) / 40.0);
        OGR_F_SetGeometryDirectly(f, g);
        OGR_F_SetFieldString(f, 0, i % 2 ? "destroyed" : "severe");
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
    /* a quarter of the way in: the table's pages (its spatial index comes
     * after them) */
    fp = fopen(pts, "r+b");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fseek(fp, size / 4, SEEK_SET);
    for (i = 0; i < 65536; i++)
        fputc(0xff, fp);
    fclose(fp);
    plain = tt_write(e->dir, "plain.yml",
                     "areas: {source: areas.geojson, id: code}\n"
                     "layers: {damage: {source: damaged.gpkg}}\n"
                     "indicators:\n"
                     "  - {id: n, type: count, layer: damage, class_field: cls}\n");
    filtered = tt_write(e->dir, "filtered.yml",
                        "areas: {source: areas.geojson, id: code}\n"
                        "layers: {damage: {source: damaged.gpkg, where: \"cls IS NOT NULL\"}}\n"
                        "indicators:\n"
                        "  - {id: n, type: count, layer: damage, class_field: cls}\n");
    for (i = 0; i < 2; i++) {
        taafi_project *p = NULL;
        taafi_result *r = NULL;
        taafi_status st = taafi_project_load(e->ctx, i ? filtered : plain, &p);
        if (!st)
            st = taafi_run(e->ctx, p, &r);
        if (st != TAAFI_ERR_IO || !strstr(taafi_ctx_message(e->ctx), "could not read the whole layer"))
            fail_msg("%s: status %d, message: %s", i ? "feature by feature" : "by columns", (int)st,
                     taafi_ctx_message(e->ctx));
        assert_null(r);
        taafi_project_free(p);
    }
    free(areas);
    free(pts);
    free(plain);
    free(filtered);
}

/* Writes n points over areas A and B into a GeoPackage point layer:
 * some without geometry (every 997th), some outside (every 1009th), some
 * on the edge between A and B (every 101st), classes in turn. */
static void make_many(const char *path, const char *driver, int n)
{
    static const char *const cls[] = {"destroyed", "severe", "moderate", "possible", "rubble"};
    OGRLayerH l;
    GDALDatasetH ds = point_layer(path, driver, "cls", &l);
    int i;
    GDALDatasetStartTransaction(ds, FALSE);
    for (i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        if (i % 997 != 5) {
            OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
            double x = 39.0002 + 0.0196 * ((i * 7919) % 10007) / 10007.0;
            double y = 34.7002 + 0.0096 * ((i * 104729) % 10009) / 10009.0;
            if (i % 1009 == 3)
                x += 0.5;
            if (i % 101 == 7)
                x = 39.01;
            OGR_G_SetPoint_2D(g, 0, x, y);
            OGR_F_SetGeometryDirectly(f, g);
        }
        OGR_F_SetFieldString(f, 0, cls[i % 5]);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    GDALDatasetCommitTransaction(ds);
    GDALClose(ds);
}

/* The columns of two results (two rows) and their notes are the same;
 * b's feature ids are a's less `off` (GeoJSON counts from 0, GeoPackage
 * from 1). */
static void same_results(const taafi_result *a, const taafi_result *b, int64_t off)
{
    size_t c, row, i;
    assert_int_equal(taafi_result_column_count(a), taafi_result_column_count(b));
    for (c = 0; c < taafi_result_column_count(a); c++)
        for (row = 0; row < 2; row++) {
            double x, y;
            int nx, ny;
            assert_string_equal(taafi_result_column_name(a, c), taafi_result_column_name(b, c));
            assert_int_equal(taafi_result_value(a, row, c, &x, &nx), TAAFI_OK);
            assert_int_equal(taafi_result_value(b, row, c, &y, &ny), TAAFI_OK);
            assert_true(nx == ny && (nx || x == y));
        }
    assert_int_equal(taafi_result_issue_count(a), taafi_result_issue_count(b));
    for (i = 0; i < taafi_result_issue_count(a); i++) {
        const char *pa, *pb;
        int64_t fa, fb;
        taafi_result_issue(a, i, NULL, &fa, &pa, NULL);
        taafi_result_issue(b, i, NULL, &fb, &pb, NULL);
        assert_true(fa < 0 ? fb == fa : fb == fa - off);
        assert_string_equal(pa, pb);
    }
}

/* Points placed on three threads (pointpool.h: the caller and two
 * helpers; 20,000 points, several chunks each) give the same columns and
 * notes as on one: read by columns from a GeoPackage, and feature by
 * feature from GeoJSON, all four alike. */
static void test_threads_same(void **state)
{
    tt_env *e = *state;
    char *areas = tt_write(e->dir, "areas.geojson", AREAS);
    char *gpkg = tt_path(e->dir, "many.gpkg"), *json = tt_path(e->dir, "many.geojson"), *yml_g, *yml_j;
    taafi_result *r[4];
    seen s;
    int k;
    GDALAllRegister();
    make_many(gpkg, "GPKG", 20000);
    make_many(json, "GeoJSON", 20000);
    yml_g = tt_write(e->dir, "g.yml",
                     "areas: {source: areas.geojson, id: code}\n"
                     "layers: {damage: {source: many.gpkg}}\n"
                     "indicators:\n"
                     "  - {id: damage, type: count, layer: damage, class_field: cls,\n"
                     "     classes: [destroyed, severe, moderate, possible]}\n");
    yml_j = tt_write(e->dir, "j.yml",
                     "areas: {source: areas.geojson, id: code}\n"
                     "layers: {damage: {source: many.geojson}}\n"
                     "indicators:\n"
                     "  - {id: damage, type: count, layer: damage, class_field: cls,\n"
                     "     classes: [destroyed, severe, moderate, possible]}\n");
    for (k = 0; k < 4; k++) {
        taafi_ctx_set_threads(e->ctx, k % 2 ? 3 : 1);
        r[k] = run_seen(e, k < 2 ? yml_g : yml_j, &s);
        assert_true(s.columns == (k < 2));
    }
    /* hand-worked totals: 20,000 less 21 without geometry (i % 997 == 5)
     * less those moved outside (i % 1009 == 3, 20 of them, none of which
     * lost its geometry or went to the edge) */
    assert_true(tt_value(r[0], "damage", 0) + tt_value(r[0], "damage", 1) == 20000 - 21 - 20);
    for (k = 1; k < 4; k++)
        same_results(r[0], r[k], k < 2 ? 0 : 1);
    taafi_ctx_set_threads(e->ctx, 1);
    for (k = 0; k < 4; k++)
        taafi_result_free(r[k]);
    free(areas);
    free(gpkg);
    free(json);
    free(yml_g);
    free(yml_j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_as_features, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_real_class_declined, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_count_without_fields, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_layer, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_threads_same, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
