/*
 * Oracle for the example analysis: every count and area that taafi wrote
 * for the bundled Homs example is recomputed here by SpatiaLite SQL on the
 * same shapefiles (VirtualShape reads them; ST_Transform, ST_Area and
 * ST_Within compute), a path that shares no code with taafi's GDAL reading,
 * PROJ set-up, GEOS STRtree and prepared geometries.
 */
#include "support.h"

#include "example.h"

#include <math.h>
#include <string.h>

typedef struct fixture {
    char *dir;
    sqlite3 *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char sql[2048];
    f->dir = tt_tmpdir();
    tt_run_example(f->dir);
    f->db = tt_spatialite();
    snprintf(sql, sizeof sql,
             "CREATE VIRTUAL TABLE shp_nb USING VirtualShape('%1$s/data/shapefiles/neighbourhoods', 'UTF-8', 4326);"
             "CREATE VIRTUAL TABLE shp_dmg USING VirtualShape('%1$s/data/shapefiles/damage', 'UTF-8', 4326);"
             "CREATE VIRTUAL TABLE shp_svc USING VirtualShape('%1$s/data/shapefiles/services', 'UTF-8', 4326);"
             "CREATE VIRTUAL TABLE shp_st USING VirtualShape('%1$s/data/shapefiles/streets', 'UTF-8', 4326);"
             "CREATE VIRTUAL TABLE shp_lu USING VirtualShape('%1$s/data/shapefiles/landuse', 'UTF-8', 4326);"
             "CREATE VIRTUAL TABLE ws USING VirtualText('%1$s/data/tables/workshop.csv', 'UTF-8', 1, POINT, "
             " DOUBLEQUOTE, ',');"
             "ATTACH '%2$s/recovery.gpkg' AS out;",
             tt_source_dir(), f->dir);
    tt_exec(f->db, sql);
    /* Everything in UTM zone 37N, the CRS taafi should choose for Homs. */
    tt_exec(f->db, "CREATE TABLE nb AS SELECT nbhd_id, name_ar, ST_Transform(Geometry, 32637) AS g FROM shp_nb;"
                   "CREATE TABLE dmg AS SELECT damage_cls AS cls, ST_Transform(Geometry, 32637) AS g FROM shp_dmg;"
                   "CREATE TABLE svc AS SELECT kind, status, capacity, ST_Transform(Geometry, 32637) AS g FROM shp_svc;"
                   "CREATE TABLE st AS SELECT passable, ST_Transform(Geometry, 32637) AS g FROM shp_st;"
                   "CREATE TABLE lu AS SELECT use, ST_Transform(Geometry, 32637) AS g FROM shp_lu;"
                   "CREATE TABLE dmg_in AS SELECT nb.nbhd_id, dmg.cls FROM dmg JOIN nb ON ST_Within(dmg.g, nb.g);"
                   "CREATE TABLE svc_in AS SELECT nb.nbhd_id, svc.kind, svc.status, svc.capacity FROM svc "
                   " JOIN nb ON ST_Within(svc.g, nb.g);");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    if (!*state)
        return 0;
    fixture *f = *state;
    sqlite3_close(f->db);
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

/* Runs a query whose rows are (id, taafi's value, oracle's value) and
 * requires agreement within `tol` (relative when `relative`). */
static int compare(sqlite3 *db, const char *sql, double tol, int relative)
{
    sqlite3_stmt *st;
    int rows = 0;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("SQL: %s\n%s", sqlite3_errmsg(db), sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        double got = sqlite3_column_double(st, 1), want = sqlite3_column_double(st, 2);
        double err = fabs(got - want) / (relative && want != 0 ? fabs(want) : 1);
        if (sqlite3_column_type(st, 1) == SQLITE_NULL || err > tol)
            fail_msg("%s: taafi %.12g, oracle %.12g\n%s", id, got, want, sql);
        rows++;
    }
    sqlite3_finalize(st);
    return rows;
}

static void test_area_km2(void **state)
{
    fixture *f = *state;
    int n = compare(f->db,
                    "SELECT a.nbhd_id, a.area_km2, ST_Area(nb.g) / 1e6 FROM out.areas a JOIN nb USING (nbhd_id)",
                    1e-9, 1);
    assert_int_equal(n, 20);
    /* The bundled district is a plausible 8-15 km2 in all. */
    assert_true(tt_sql_double(f->db, "SELECT sum(area_km2) FROM out.areas") > 8);
    assert_true(tt_sql_double(f->db, "SELECT sum(area_km2) FROM out.areas") < 15);
}

static void test_damage_by_class(void **state)
{
    fixture *f = *state;
    static const char *const cls[] = {"destroyed", "severe", "moderate", "possible"};
    char sql[1024];
    size_t i;
    assert_int_equal(compare(f->db,
                             "SELECT a.nbhd_id, a.damage, (SELECT count(*) FROM dmg_in d WHERE d.nbhd_id = a.nbhd_id) "
                             "FROM out.areas a",
                             0, 0),
                     20);
    for (i = 0; i < 4; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, a.damage_%1$s, (SELECT count(*) FROM dmg_in d WHERE d.nbhd_id = a.nbhd_id "
                 "AND d.cls = '%1$s') FROM out.areas a",
                 cls[i]);
        assert_int_equal(compare(f->db, sql, 0, 0), 20);
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, a.damage_%1$s_per_km2, (SELECT count(*) FROM dmg_in d WHERE "
                 "d.nbhd_id = a.nbhd_id AND d.cls = '%1$s') / (ST_Area(nb.g) / 1e6) FROM out.areas a "
                 "JOIN nb USING (nbhd_id)",
                 cls[i]);
        assert_int_equal(compare(f->db, sql, 1e-9, 1), 20);
    }
    /* Every point is counted once: inside plus outside is the whole layer. */
    assert_true(tt_sql_double(f->db, "SELECT (SELECT sum(damage) FROM out.areas) + (SELECT count(*) FROM "
                                     "out.data_quality WHERE layer = 'damage' AND problem = 'outside every area') "
                                     "= (SELECT count(*) FROM dmg)") == 1);
    assert_true(tt_sql_double(f->db, "SELECT sum(damage_other) FROM out.areas") == 0);
}

/* Concrete values for two named neighbourhoods of the committed data, as
 * the oracle counts them, so that a change in the data shows here too. */
static void test_named_neighbourhoods(void **state)
{
    fixture *f = *state;
    static const char *const ids[] = {"HMS-E-02", "HMS-E-12"};
    char sql[512];
    size_t i;
    for (i = 0; i < 2; i++) {
        double want, got;
        snprintf(sql, sizeof sql, "SELECT count(*) FROM dmg_in WHERE nbhd_id = '%s' AND cls = 'destroyed'", ids[i]);
        want = tt_sql_double(f->db, sql);
        snprintf(sql, sizeof sql, "SELECT damage_destroyed FROM out.areas WHERE nbhd_id = '%s'", ids[i]);
        got = tt_sql_double(f->db, sql);
        assert_true(want > 0);
        assert_true(got == want);
    }
    assert_true(tt_sql_double(f->db, "SELECT damage_destroyed FROM out.areas WHERE nbhd_id = 'HMS-E-02'") == 82);
    assert_true(tt_sql_double(f->db, "SELECT name_en = 'Bab Dreib' FROM out.areas WHERE nbhd_id = 'HMS-E-02'") == 1);
}

static void test_services(void **state)
{
    fixture *f = *state;
    static const char *const kinds[] = {"clinic", "school", "bakery", "water_point", "market", "council_office",
                                        "community_centre"};
    char sql[1024];
    size_t i;
    for (i = 0; i < 7; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, a.services_%1$s, (SELECT count(*) FROM svc_in s WHERE s.nbhd_id = a.nbhd_id "
                 "AND s.kind = '%1$s') FROM out.areas a",
                 kinds[i]);
        assert_int_equal(compare(f->db, sql, 0, 0), 20);
        /* the `where` filter: functioning or partial only */
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, a.working_%1$s, (SELECT count(*) FROM svc_in s WHERE s.nbhd_id = a.nbhd_id "
                 "AND s.kind = '%1$s' AND s.status IN ('functioning', 'partial')) FROM out.areas a",
                 kinds[i]);
        assert_int_equal(compare(f->db, sql, 0, 0), 20);
    }
}

/* area_share and length_density: intersections measured by SpatiaLite. */
static void test_overlays(void **state)
{
    fixture *f = *state;
    static const char *const uses[][2] = {
        {"commercial", "commercial_share"}, {"green", "green_share"}, {"vacant_rubble", "rubble_share"}};
    char sql[1024];
    size_t i;
    for (i = 0; i < 3; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, a.%s, (SELECT coalesce(sum(ST_Area(ST_Intersection(lu.g, nb.g))), 0) FROM lu "
                 "WHERE lu.use = '%s' AND ST_Intersects(lu.g, nb.g)) * 100.0 / ST_Area(nb.g) FROM out.areas a "
                 "JOIN nb USING (nbhd_id)",
                 uses[i][1], uses[i][0]);
        assert_int_equal(compare(f->db, sql, 1e-9, 0), 20);
    }
    assert_int_equal(compare(f->db,
                             "SELECT a.nbhd_id, a.passable_streets, (SELECT coalesce(sum(ST_Length(ST_Intersection("
                             "st.g, nb.g))), 0) FROM st WHERE st.passable = 'yes' AND ST_Intersects(st.g, nb.g)) "
                             "/ 1000.0 / (ST_Area(nb.g) / 1e6) FROM out.areas a JOIN nb USING (nbhd_id)",
                             1e-9, 1),
                     20);
}

/* nearest_distance from SpatiaLite's point on surface to every candidate. */
static void test_nearest(void **state)
{
    fixture *f = *state;
    static const char *const kinds[][2] = {
        {"water_point", "water_distance"}, {"school", "school_distance"}, {"market", "market_distance"},
        {"council_office", "council_distance"}};
    char sql[1024];
    size_t i;
    for (i = 0; i < 4; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, a.%s, (SELECT min(ST_Distance(ST_PointOnSurface(nb.g), svc.g)) FROM svc "
                 "WHERE svc.kind = '%s' AND svc.status IN ('functioning', 'partial')) FROM out.areas a "
                 "JOIN nb USING (nbhd_id)",
                 kinds[i][1], kinds[i][0]);
        assert_int_equal(compare(f->db, sql, 1e-6, 0), 20);
    }
}

/* table values (SpatiaLite's own CSV reader), statistics of points, and
 * the expressions and per-1,000 figures built on them. */
static void test_tables_stats_expressions(void **state)
{
    fixture *f = *state;
    assert_int_equal(compare(f->db, "SELECT a.nbhd_id, a.population_estimate, ws.\"السكان\" FROM out.areas a JOIN ws "
                                    "ON ws.nbhd_id = a.nbhd_id", 0, 0),
                     20);
    assert_int_equal(compare(f->db, "SELECT a.nbhd_id, a.livelihood_score, ws.\"سبل_العيش\" FROM out.areas a JOIN ws "
                                    "ON ws.nbhd_id = a.nbhd_id", 1e-12, 0),
                     20);
    assert_int_equal(compare(f->db,
                             "SELECT a.nbhd_id, a.school_places, (SELECT coalesce(sum(capacity), 0) FROM svc_in s "
                             "WHERE s.nbhd_id = a.nbhd_id AND kind = 'school' AND status IN ('functioning', "
                             "'partial')) FROM out.areas a",
                             0, 0),
                     20);
    assert_int_equal(compare(f->db,
                             "SELECT a.nbhd_id, a.bakery_output_mean, (SELECT avg(capacity) FROM svc_in s WHERE "
                             "s.nbhd_id = a.nbhd_id AND kind = 'bakery' AND status IN ('functioning', 'partial')) "
                             "FROM out.areas a WHERE a.bakery_output_mean IS NOT NULL",
                             1e-9, 1),
                     (int)tt_sql_double(f->db, "SELECT count(*) FROM out.areas WHERE bakery_output_mean IS NOT NULL"));
    /* areas without a functioning bakery have no mean (NULL), not 0 */
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.areas a WHERE (bakery_output_mean IS NULL) <> "
                                     "(working_bakery = 0)") == 0);
    assert_int_equal(compare(f->db, "SELECT a.nbhd_id, a.density, a.population / (ST_Area(nb.g) / 1e6) FROM "
                                    "out.areas a JOIN nb USING (nbhd_id)",
                             1e-9, 1),
                     20);
    assert_int_equal(compare(f->db, "SELECT a.nbhd_id, a.working_clinic_per_1000, a.working_clinic * 1000.0 / "
                                    "a.population FROM out.areas a",
                             1e-12, 1),
                     20);
}

/* Scores recomputed in SQL from the raw columns: a minmax score with
 * window functions, a target score, a pillar mean and the index with the
 * example's weights (basic services counts twice). */
static void test_scores(void **state)
{
    fixture *f = *state;
    assert_int_equal(compare(f->db,
                             "SELECT nbhd_id, rubble_share_score, 100.0 * (max(rubble_share) OVER () - rubble_share) "
                             "/ (max(rubble_share) OVER () - min(rubble_share) OVER ()) FROM out.areas",
                             1e-9, 0),
                     20);
    assert_int_equal(compare(f->db,
                             "SELECT nbhd_id, school_distance_score, CASE WHEN school_distance <= 1000 THEN 100 "
                             "WHEN school_distance >= 3000 THEN 0 ELSE 100.0 * (3000 - school_distance) / 2000 END "
                             "FROM out.areas",
                             1e-9, 0),
                     20);
    assert_int_equal(compare(f->db,
                             "SELECT nbhd_id, institutional_organisation_score, (council_distance_score + "
                             "trust_score_score) / 2 FROM out.areas",
                             1e-9, 0),
                     20);
    assert_int_equal(compare(f->db,
                             "SELECT nbhd_id, recovery_index, (economic_vitality_score + "
                             "institutional_organisation_score + community_organisation_score + "
                             "2 * basic_services_score + ideal_neighbourhood_score) / 6 FROM out.areas",
                             1e-9, 0),
                     20);
    assert_int_equal(compare(f->db,
                             "SELECT nbhd_id, rank, 1 + (SELECT count(*) FROM out.areas b WHERE b.recovery_index < "
                             "a.recovery_index) FROM out.areas a",
                             0, 0),
                     20);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.areas WHERE priority = 'very high'") == 5);
    assert_true(tt_sql_double(f->db, "SELECT max(recovery_index) FROM out.areas WHERE priority_class = 1") <
                tt_sql_double(f->db, "SELECT min(recovery_index) FROM out.areas WHERE priority_class = 2"));
}

/* Coverage on the example: for every area and coverage indicator the gap
 * and the covered part make up the area, the gap's residents are the
 * residents beyond reach, and the proximity basins of each kind's
 * facilities add up to every resident of the areas. */
static void test_coverage_consistency(void **state)
{
    fixture *f = *state;
    static const char *const ids[] = {"water", "clinic", "school", "bakery"};
    char sql[1024];
    size_t i;
    double total = tt_sql_double(f->db, "SELECT sum(population) FROM out.areas");
    assert_true(total > 100000);
    for (i = 0; i < 4; i++) {
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, g.gap_km2 + a.area_km2 * a.%1$s_area_pct / 100, a.area_km2 FROM out.areas a "
                 "JOIN out.service_gaps g ON g.nbhd_id = a.nbhd_id AND g.indicator = '%1$s'",
                 ids[i]);
        assert_int_equal(compare(f->db, sql, 1e-9, 1), 20);
        /* and the gap's own geometry has that area */
        snprintf(sql, sizeof sql,
                 "SELECT g.nbhd_id, g.gap_km2, coalesce(ST_Area(GeomFromGPB(g.geom)), 0) / 1e6 FROM "
                 "out.service_gaps g WHERE g.indicator = '%s'",
                 ids[i]);
        assert_int_equal(compare(f->db, sql, 1e-9, 0), 20);
        snprintf(sql, sizeof sql,
                 "SELECT a.nbhd_id, g.gap_residents, a.%1$s_pop_beyond FROM out.areas a JOIN out.service_gaps g "
                 "ON g.nbhd_id = a.nbhd_id AND g.indicator = '%1$s'",
                 ids[i]);
        assert_int_equal(compare(f->db, sql, 1e-6, 0), 20);
        snprintf(sql, sizeof sql, "SELECT sum(basin_residents) FROM out.facilities WHERE indicator = '%s'", ids[i]);
        assert_double_equal(tt_sql_double(f->db, sql), total, 1e-6 * total);
        /* covered residents never exceed the residents */
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM out.areas WHERE %1$s_pop_beyond < -1e-6 OR %1$s_pop_beyond > population + "
                 "1e-6",
                 ids[i]);
        assert_true(tt_sql_double(f->db, sql) == 0);
    }
    /* facilities in the layer are those the status filter keeps */
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.facilities WHERE indicator = 'water'") ==
                tt_sql_double(f->db, "SELECT count(*) FROM svc WHERE kind = 'water_point' AND status IN "
                                     "('functioning', 'partial')"));
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.facilities WHERE status = 'not_functioning'") == 0);
}

/* The example data itself: 15-25 neighbourhoods that tile the district
 * (shared edges: no overlaps, so the union's area is the sum of areas),
 * a few thousand damage points in UNOSAT's four classes, and services of
 * every kind and status. */
static void test_example_data(void **state)
{
    fixture *f = *state;
    double n = tt_sql_double(f->db, "SELECT count(*) FROM nb");
    double sum = tt_sql_double(f->db, "SELECT sum(ST_Area(g)) FROM nb");
    double uni = tt_sql_double(f->db, "SELECT ST_Area(ST_Union(g)) FROM nb");
    assert_true(n >= 15 && n <= 25);
    assert_true(fabs(sum - uni) / sum < 1e-9);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM dmg") >= 2000);
    assert_true(tt_sql_double(f->db, "SELECT count(DISTINCT cls) FROM dmg") == 4);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM dmg WHERE cls NOT IN "
                                     "('destroyed', 'severe', 'moderate', 'possible')") == 0);
    assert_true(tt_sql_double(f->db, "SELECT count(DISTINCT kind) FROM svc") == 7);
    assert_true(tt_sql_double(f->db, "SELECT count(DISTINCT status) FROM svc") == 3);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM nb WHERE name_ar IS NULL OR name_ar = ''") == 0);
}

/* Arabic names in the GeoPackage are the shapefile's bytes (SQLite compares
 * text byte for byte). */
static void test_arabic_in_gpkg(void **state)
{
    fixture *f = *state;
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.areas a JOIN nb USING (nbhd_id) "
                                     "WHERE CAST(a.name_ar AS BLOB) = CAST(nb.name_ar AS BLOB)") == 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_area_km2),    cmocka_unit_test(test_damage_by_class),
        cmocka_unit_test(test_named_neighbourhoods), cmocka_unit_test(test_services),
        cmocka_unit_test(test_example_data),        cmocka_unit_test(test_arabic_in_gpkg),
        cmocka_unit_test(test_overlays),            cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_tables_stats_expressions), cmocka_unit_test(test_scores),
        cmocka_unit_test(test_coverage_consistency),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
