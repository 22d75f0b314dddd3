/*
 * Assessment rounds on the hand fixture (tt_fixture): round r1 counts the
 * fixture's points (4 in A1, 4 in B2), round r2 a later file with 1 in A1
 * and 3 in B2, so every change is known: -3 and -1, -75 % and -25 %.
 */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRS "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32637\"}},"
#define PT(x, y) "{\"type\":\"Feature\",\"properties\":{\"cls\":\"destroyed\"},\"geometry\":{\"type\":\"Point\"," \
                 "\"coordinates\":[" #x "," #y "]}}"

static const char PROJECT[] =
    "areas: {source: areas.geojson, id: code}\n"
    "layers:\n"
    "  damage: {source: points.geojson}\n"
    "  other: {source: points.geojson}\n"
    "indicators:\n"
    "  - {id: n, type: count, layer: damage, pillar: ideal_neighbourhood, direction: lower_is_better,\n"
    "     method: target, target: 0, floor: 10}\n"
    "  - {id: m, type: count, layer: other}\n"
    "rounds:\n"
    "  - {name: r1, date: 2025-01, shared: all}\n"
    "  - {name: r2, date: 2025-06, layers: {damage: {source: points2.geojson}}%s}\n";

static int setup(void **state)
{
    tt_env *e;
    tt_env_setup(state);
    e = *state;
    free(tt_fixture(e->dir));
    free(tt_write(e->dir, "points2.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS "\"features\":[" PT(500010, 3840010) "," PT(500150, 3840050) ","
                  PT(500160, 3840060) "," PT(500170, 3840070) "]}\n"));
    return 0;
}

static int run(tt_env *e, const char *shared, const char *extra_args, char **err)
{
    char text[2048], cmd[4096], *path;
    int code;
    snprintf(text, sizeof text, PROJECT, shared);
    path = tt_write(e->dir, "rounds.yml", text);
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s/out' -q %s", TAAFI_BIN, path, e->dir, extra_args);
    code = tt_run(cmd, NULL, err);
    free(path);
    return code;
}

static sqlite3 *gpkg(tt_env *e)
{
    char *p = tt_path(e->dir, "out/recovery.gpkg");
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(p, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    free(p);
    return db;
}

static void test_known_changes(void **state)
{
    tt_env *e = *state;
    char *err = NULL;
    sqlite3 *db;
    if (run(e, ", shared: [other]", "", &err) != 0)
        fail_msg("%s", err);
    free(err);
    db = gpkg(e);
    /* area_rounds: both rounds, each area */
    assert_true(tt_sql_double(db, "SELECT count(*) FROM area_rounds") == 4);
    assert_true(tt_sql_double(db, "SELECT n FROM area_rounds WHERE round = 'r1' AND area_id = 'A1'") == 4);
    assert_true(tt_sql_double(db, "SELECT n FROM area_rounds WHERE round = 'r2' AND area_id = 'A1'") == 1);
    /* the shared layer is the same in both rounds */
    assert_true(tt_sql_double(db, "SELECT count(DISTINCT m) FROM area_rounds WHERE area_id = 'B2'") == 1);
    /* areas: the latest round */
    assert_true(tt_sql_double(db, "SELECT n FROM areas WHERE code = 'B2'") == 3);
    /* change */
    assert_true(tt_sql_double(db, "SELECT n__chg_r2 FROM change WHERE code = 'A1'") == -3);
    assert_true(tt_sql_double(db, "SELECT n__chg_r2 FROM change WHERE code = 'B2'") == -1);
    assert_double_equal(tt_sql_double(db, "SELECT n__pct_r2 FROM change WHERE code = 'A1'"), -75, 1e-12);
    assert_double_equal(tt_sql_double(db, "SELECT n__pct_r2 FROM change WHERE code = 'B2'"), -25, 1e-12);
    /* scores 100 (10 - n) / 10: 60 -> 90 and 60 -> 70: both improved */
    assert_double_equal(tt_sql_double(db, "SELECT n_score__chg_r2 FROM change WHERE code = 'A1'"), 30, 1e-9);
    {
        char *t = tt_sql_text(db, "SELECT ideal_neighbourhood_trend FROM change WHERE code = 'B2'");
        assert_string_equal(t, "improved");
        free(t);
    }
    /* the gap to the target (0) closed since the baseline: 3 of 4, 1 of 4 */
    assert_double_equal(tt_sql_double(db, "SELECT n__gap_closed_pct FROM change WHERE code = 'A1'"), 75, 1e-9);
    assert_double_equal(tt_sql_double(db, "SELECT n__gap_closed_pct FROM change WHERE code = 'B2'"), 25, 1e-9);
    /* provenance per round */
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'round'") == 2);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'input' AND name = 'r2/damage' AND "
                                  "value LIKE '%points2.geojson' AND length(sha256) = 64") == 1);
    sqlite3_close(db);
    {
        char *p = tt_path(e->dir, "out/change.geojson");
        assert_true(tt_exists(p));
        free(p);
    }
}

/* A layer a round neither replaces nor declares shared is an error. */
static void test_missing_layer(void **state)
{
    tt_env *e = *state;
    char *err = NULL;
    assert_int_equal(run(e, "", "", &err), 2);
    assert_non_null(strstr(err, "round 'r2' has no source for layer 'other'"));
    assert_non_null(strstr(err, "shared: [other]"));
    free(err);
}

/* Replacing round r2 leaves r1's rows byte for byte. */
static void test_append(void **state)
{
    tt_env *e = *state;
    char *err = NULL, *r1_before, *r1_after, *r2;
    sqlite3 *db;
    if (run(e, ", shared: [other]", "", &err) != 0)
        fail_msg("%s", err);
    free(err);
    db = gpkg(e);
    r1_before = tt_sql_text(db, "SELECT group_concat(quote(area_id) || quote(n) || quote(m) || quote(n_score) || "
                                "quote(recovery_index) || quote(geom_sha256) || quote(computed), '|') FROM area_rounds "
                                "WHERE round = 'r1'");
    sqlite3_close(db);
    /* round 2 gets one more point in B2, and only it is computed again */
    free(tt_write(e->dir, "points2.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS "\"features\":[" PT(500010, 3840010) "," PT(500150, 3840050) ","
                  PT(500160, 3840060) "," PT(500170, 3840070) "," PT(500180, 3840080) "]}\n"));
    if (run(e, ", shared: [other]", "--round r2", &err) != 0)
        fail_msg("%s", err);
    free(err);
    db = gpkg(e);
    r1_after = tt_sql_text(db, "SELECT group_concat(quote(area_id) || quote(n) || quote(m) || quote(n_score) || "
                               "quote(recovery_index) || quote(geom_sha256) || quote(computed), '|') FROM area_rounds "
                               "WHERE round = 'r1'");
    assert_string_equal(r1_before, r1_after);
    r2 = tt_sql_text(db, "SELECT n FROM area_rounds WHERE round = 'r2' AND area_id = 'B2'");
    assert_string_equal(r2, "4");
    assert_true(tt_sql_double(db, "SELECT n__chg_r2 FROM change WHERE code = 'B2'") == 0);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'round'") == 2);
    /* each round's provenance stays: r1's inputs and times, r2's new ones */
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'round_time' AND name LIKE 'r1/%'") == 2);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'round_time' AND name LIKE 'r2/%'") == 2);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'input' AND name = 'r1/damage'") > 0);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'input' AND name = 'r2/damage' AND "
                                  "value LIKE '%points2.geojson'") > 0);
    sqlite3_close(db);
    free(r1_before);
    free(r1_after);
    free(r2);
    /* changed definitions are refused */
    {
        char text[2048], *path, cmd[4096];
        snprintf(text, sizeof text, PROJECT, ", shared: [other]");
        *strstr(text, "floor: 10") = '\0';
        strcat(text, "floor: 20}\n  - {id: m, type: count, layer: other}\nrounds:\n  - {name: r1, date: 2025-01, "
                     "shared: all}\n  - {name: r2, date: 2025-06, layers: {damage: {source: points2.geojson}}, "
                     "shared: [other]}\n");
        path = tt_write(e->dir, "changed.yml", text);
        snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s/out' -q --round r2", TAAFI_BIN, path, e->dir);
        assert_int_equal(tt_run(cmd, NULL, &err), 2);
        assert_non_null(strstr(err, "definitions changed since round 'r1'"));
        free(err);
        free(path);
    }
}

/* A stored result whose area_rounds has a row without a round name (a
 * GeoPackage edited by hand) is refused with a message, not a crash, and
 * the folder keeps it as it was. */
static void test_damaged_store(void **state)
{
    tt_env *e = *state;
    char *err = NULL, *p = tt_path(e->dir, "out/recovery.gpkg"), *before, *after;
    sqlite3 *db;
    size_t l0, l1;
    if (run(e, ", shared: [other]", "", &err) != 0)
        fail_msg("%s", err);
    free(err);
    assert_int_equal(sqlite3_open(p, &db), SQLITE_OK);
    tt_exec(db, "UPDATE area_rounds SET round = NULL WHERE fid = 1");
    sqlite3_close(db);
    before = tt_read(p, &l0);
    assert_int_equal(run(e, ", shared: [other]", "--round r2", &err), 1);
    assert_non_null(strstr(err, "names no round"));
    after = tt_read(p, &l1);
    assert_true(l0 == l1 && !memcmp(before, after, l0));
    free(before);
    free(after);
    free(err);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_known_changes, setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_missing_layer, setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_append, setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_damaged_store, setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
