/*
 * Every indicator family on hand-worked fixtures.  Areas (tt_fixture):
 * A1 = [500000,500100] x [3840000,3840100], B2 = the square east of it,
 * EPSG:32637, 0.01 km² each.  Expected values are worked out in the
 * comments from the coordinates alone.
 */
#include "support.h"

#include "result/result.h"
#include "analysis/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CRS "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32637\"}},"
#define FC(x) "{\"type\":\"FeatureCollection\"," CRS "\"features\":[" x "]}"

typedef struct fixture {
    char *dir;
    taafi_ctx *ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tt_tmpdir();
    free(tt_fixture(f->dir));
    /* lines: L1 (500050..500150, y=3840050), 100 m, half in A1, half in B2,
     *        v=10; L2 (x=500010, 3840010..3840090), 80 m in A1, v=4;
     *        L3 far outside, v=99 */
    free(tt_write(f->dir, "lines.geojson",
                  FC("{\"type\":\"Feature\",\"properties\":{\"v\":10,\"ok\":\"yes\"},\"geometry\":{\"type\":"
                     "\"LineString\",\"coordinates\":[[500050,3840050],[500150,3840050]]}},"
                     "{\"type\":\"Feature\",\"properties\":{\"v\":4,\"ok\":\"yes\"},\"geometry\":{\"type\":"
                     "\"LineString\",\"coordinates\":[[500010,3840010],[500010,3840090]]}},"
                     "{\"type\":\"Feature\",\"properties\":{\"v\":99,\"ok\":\"no\"},\"geometry\":{\"type\":"
                     "\"LineString\",\"coordinates\":[[501000,3841000],[501100,3841000]]}}")));
    /* polygons: P1 40 x 50 m straddling x=500100 (1000 m2 in each area),
     *           P2 50 x 50 m inside A1 (2500 m2), P3 'grey' in B2 */
    free(tt_write(f->dir, "polys.geojson",
                  FC("{\"type\":\"Feature\",\"properties\":{\"use\":\"green\",\"n\":\"8\"},\"geometry\":{\"type\":"
                     "\"Polygon\",\"coordinates\":[[[500080,3840000],[500120,3840000],[500120,3840050],"
                     "[500080,3840050],[500080,3840000]]]}},"
                     "{\"type\":\"Feature\",\"properties\":{\"use\":\"green\",\"n\":\" 2 \"},\"geometry\":{\"type\":"
                     "\"Polygon\",\"coordinates\":[[[500000,3840050],[500050,3840050],[500050,3840100],"
                     "[500000,3840100],[500000,3840050]]]}},"
                     "{\"type\":\"Feature\",\"properties\":{\"use\":\"grey\",\"n\":null},\"geometry\":{\"type\":"
                     "\"Polygon\",\"coordinates\":[[[500150,3840060],[500160,3840060],[500160,3840070],"
                     "[500150,3840070],[500150,3840060]]]}}")));
    /* facilities: F1 250 m north of A1's centre, F2 300 m east of B2's */
    free(tt_write(f->dir, "fac.geojson",
                  FC("{\"type\":\"Feature\",\"properties\":{\"k\":\"a\"},\"geometry\":{\"type\":\"Point\","
                     "\"coordinates\":[500050,3840300]}},"
                     "{\"type\":\"Feature\",\"properties\":{\"k\":\"a\"},\"geometry\":{\"type\":\"Point\","
                     "\"coordinates\":[500450,3840050]}},"
                     "{\"type\":\"Feature\",\"properties\":{\"k\":\"b\"},\"geometry\":{\"type\":\"Point\","
                     "\"coordinates\":[500150,3840040]}}")));
    free(tt_write(f->dir, "tab.csv", "code,score,pop,note\nA1,3.5,2000,x\n Z9 ,1,1,y\nB2,,500,z\n"));
    assert_int_equal(taafi_ctx_new(&f->ctx), TAAFI_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    taafi_ctx_free(f->ctx);
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

static const char HEAD[] = "areas: {source: areas.geojson, id: code}\n"
                           "layers:\n"
                           "  lines: {source: lines.geojson}\n"
                           "  polys: {source: polys.geojson}\n"
                           "  fac: {source: fac.geojson}\n"
                           "  pts: {source: points.geojson}\n";

/* Runs HEAD + `rest`; returns the status, *r on success. */
static taafi_status run(fixture *f, const char *rest, taafi_result **r)
{
    char *text = malloc(strlen(HEAD) + strlen(rest) + 1), *path;
    taafi_project *p = NULL;
    taafi_status st;
    sprintf(text, "%s%s", HEAD, rest);
    path = tt_write(f->dir, "p.yml", text);
    free(text);
    *r = NULL;
    st = taafi_project_load(f->ctx, path, &p);
    if (!st)
        st = taafi_run(f->ctx, p, r);
    free(path);
    if (*r)
        (*r)->project = NULL; /* the project goes now; the values stay */
    taafi_project_free(p);
    return st;
}


static void must_run(fixture *f, const char *rest, taafi_result **r)
{
    if (run(f, rest, r) != TAAFI_OK)
        fail_msg("%s", taafi_ctx_message(f->ctx));
}

static void test_length_and_stats_on_lines(void **state)
{
    fixture *f = *state;
    taafi_result *r;
    must_run(f,
             "indicators:\n"
             "  - {id: len, type: length_density, layer: lines}\n"
             "  - {id: s, type: sum, layer: lines, field: v}\n"
             "  - {id: m, type: mean, layer: lines, field: v}\n"
             "  - {id: lo, type: min, layer: lines, field: v}\n"
             "  - {id: hi, type: max, layer: lines, field: v}\n",
             &r);
    /* A1: 50 m of L1 + 80 m of L2 = 0.13 km over 0.01 km2 */
    assert_double_equal(tt_value(r, "len", 0), 13.0, 1e-9);
    assert_double_equal(tt_value(r, "len", 1), 5.0, 1e-9);
    /* sum weighted by the share inside: A1 = 10 * 0.5 + 4 * 1 */
    assert_double_equal(tt_value(r, "s", 0), 9.0, 1e-9);
    assert_double_equal(tt_value(r, "s", 1), 5.0, 1e-9);
    /* weighted mean: A1 = 9 / 1.5, B2 = 5 / 0.5 */
    assert_double_equal(tt_value(r, "m", 0), 6.0, 1e-9);
    assert_double_equal(tt_value(r, "m", 1), 10.0, 1e-9);
    assert_double_equal(tt_value(r, "lo", 0), 4.0, 0);
    assert_double_equal(tt_value(r, "hi", 0), 10.0, 0);
    assert_double_equal(tt_value(r, "lo", 1), 10.0, 0);
    taafi_result_free(r);
}

static void test_area_share_and_polygon_stats(void **state)
{
    fixture *f = *state;
    taafi_result *r;
    must_run(f,
             "indicators:\n"
             "  - {id: green, type: area_share, layer: polys, where: \"use = 'green'\"}\n"
             "  - {id: all, type: area_share, layer: polys}\n"
             "  - {id: n, type: sum, layer: polys, field: n}\n",
             &r);
    /* A1: 1000 + 2500 m2 of 10000; B2: 1000 m2 */
    assert_double_equal(tt_value(r, "green", 0), 35.0, 1e-9);
    assert_double_equal(tt_value(r, "green", 1), 10.0, 1e-9);
    assert_double_equal(tt_value(r, "all", 1), 11.0, 1e-9); /* + the 100 m2 grey square */
    /* numbers stored as text: 8 * 0.5 + 2 in A1, 8 * 0.5 in B2 (NULL skipped) */
    assert_double_equal(tt_value(r, "n", 0), 6.0, 1e-9);
    assert_double_equal(tt_value(r, "n", 1), 4.0, 1e-9);
    {
        /* the NULL value is listed with its feature id (2) */
        size_t i;
        int listed = 0;
        for (i = 0; i < taafi_result_issue_count(r); i++) {
            const char *problem;
            taafi_result_issue(r, i, NULL, NULL, &problem, NULL);
            listed += strstr(problem, "1 feature(s) with no value in n (ids 2)") != NULL;
        }
        assert_int_equal(listed, 1);
    }
    taafi_result_free(r);
}

static void test_nearest(void **state)
{
    fixture *f = *state;
    taafi_result *r;
    must_run(f,
             "indicators:\n"
             "  - {id: d, type: nearest_distance, layer: fac, where: \"k = 'a'\"}\n"
             "  - {id: none, type: nearest_distance, layer: fac, where: \"k = 'zzz'\"}\n",
             &r);
    /* from each square's point on surface, its centre */
    assert_double_equal(tt_value(r, "d", 0), 250.0, 1e-6);
    assert_double_equal(tt_value(r, "d", 1), sqrt(100.0 * 100.0 + 250.0 * 250.0), 1e-6);
    assert_true(isnan(tt_value(r, "none", 0)));
    taafi_result_free(r);
}

static void test_table_expression_per_1000(void **state)
{
    fixture *f = *state;
    taafi_result *r;
    size_t i, notes = 0;
    must_run(f,
             "population: pop\n"
             "indicators:\n"
             "  - {id: pop, type: table, source: tab.csv, key: code, field: pop}\n"
             "  - {id: score, type: table, source: tab.csv, key: code, field: score}\n"
             "  - {id: twice, type: expression, expression: score * 2 + area_km2}\n"
             "  - {id: chain, type: expression, expression: twice + 1}\n"
             "  - {id: dens, type: expression, expression: \"pts * 1.0 / NULLIF(area_km2, 0)\"}\n"
             "  - {id: pts, type: count, layer: pts, per_1000: true}\n",
             &r);
    assert_double_equal(tt_value(r, "pop", 0), 2000, 0);
    assert_double_equal(tt_value(r, "score", 0), 3.5, 0);
    assert_true(isnan(tt_value(r, "score", 1))); /* empty cell */
    assert_double_equal(tt_value(r, "twice", 0), 7.01, 1e-12);
    assert_true(isnan(tt_value(r, "twice", 1))); /* NULL stays NULL */
    assert_double_equal(tt_value(r, "chain", 0), 8.01, 1e-12);
    assert_double_equal(tt_value(r, "dens", 0), 400, 1e-9); /* the 4 points of A1 */
    assert_double_equal(tt_value(r, "pts_per_1000", 0), 2.0, 1e-12);
    assert_double_equal(tt_value(r, "pts_per_1000", 1), 8.0, 1e-12);
    for (i = 0; i < taafi_result_issue_count(r); i++) {
        const char *problem;
        taafi_result_issue(r, i, NULL, NULL, &problem, NULL);
        notes += strstr(problem, "'Z9'") != NULL || strstr(problem, "no value in score") != NULL;
    }
    assert_int_equal(notes, 3); /* Z9 in each of the two tables, the empty score */
    taafi_result_free(r);
}

/* Each bad definition fails with the project-file line (or the feature
 * ids) in the message. */
static void test_errors(void **state)
{
    static const struct {
        const char *rest;
        taafi_status st;
        const char *frag1, *frag2;
    } cases[] = {
        {"indicators:\n  - {id: a, type: expression, expression: b + 1}\n"
         "  - {id: b, type: expression, expression: a + 1}\n",
         TAAFI_ERR_PROJECT, "p.yml:8:", "cycle: a -> b -> a"},
        {"indicators:\n  - {id: a, type: expression, expression: nosuch + 1}\n", TAAFI_ERR_PROJECT, "p.yml:8:",
         "names 'nosuch'"},
        {"indicators:\n  - {id: a, type: expression, expression: \"sum(1)\"}\n", TAAFI_ERR_PROJECT, "p.yml:8:",
         "aggregates"},
        {"indicators:\n  - {id: a, type: sum, layer: fac, field: k}\n", TAAFI_ERR_DATA, "fac.geojson",
         "ids 0, 1, 2"},
        {"indicators:\n  - {id: a, type: table, source: tab.csv, key: code, field: note}\n", TAAFI_ERR_DATA,
         "tab.csv", "A1 ('x')"},
        {"indicators:\n  - {id: a, type: area_share, layer: fac}\n", TAAFI_ERR_DATA, "feature 0 is a point",
         "needs polygons"},
        {"indicators:\n  - {id: a, type: area, pillar: basic_services, direction: up}\n", TAAFI_ERR_PROJECT,
         "p.yml:8:", "unknown direction 'up'"},
        {"indicators:\n  - {id: a, type: area, pillar: basic_services}\n", TAAFI_ERR_PROJECT, "p.yml:8:",
         "no 'direction'"},
        {"indicators:\n  - {id: a, type: area, pillar: basic_services, direction: higher_is_better, weight: -1}\n",
         TAAFI_ERR_PROJECT, "p.yml:8:", "negative"},
        {"indicators:\n  - {id: a, type: area, pillar: basic_services, direction: higher_is_better, weight: 0}\n",
         TAAFI_ERR_PROJECT, "p.yml:8:", "weight 0"},
        {"indicators:\n  - {id: a, type: area, pillar: basic_services, direction: higher_is_better, method: "
         "target}\n",
         TAAFI_ERR_PROJECT, "p.yml:8:", "no 'target'"},
        {"indicators:\n  - {id: a, type: area, weight: 2}\n", TAAFI_ERR_PROJECT, "p.yml:8:", "no 'pillar'"},
        {"indicators:\n  - {id: a, type: sum, layer: fac}\n", TAAFI_ERR_PROJECT, "p.yml:8:", "no 'field'"},
        {"indicators:\n  - {id: a, type: count, layer: fac, field: k}\n", TAAFI_ERR_PROJECT, "p.yml:8:",
         "'field' does not apply to an indicator of type count"},
        {"indicators:\n  - {id: a, type: count, layer: fac, per_1000: true}\n", TAAFI_ERR_PROJECT, "p.yml",
         "no 'population"},
        {"indicators:\n  - {id: a, type: area, pillar: basic_services, direction: higher_is_better}\n"
         "scoring: {pillars: {basic_services: {weight: 0}, economic_vitality: {weight: 0}, "
         "community_organisation: {weight: 0}, institutional_organisation: {weight: 0}, "
         "ideal_neighbourhood: {weight: 0}}}\n",
         TAAFI_ERR_PROJECT, "p.yml:9:", "every pillar weight is 0"},
        {"indicators:\n  - {id: a, type: table, source: tab.csv, key: code, field: score, pillar: basic_services,"
         " direction: higher_is_better}\nscoring: {missing: fail}\n",
         TAAFI_ERR_DATA, "area B2 has no value for indicator 'a'", "missing: skip"},
    };
    fixture *f = *state;
    size_t i;
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        taafi_result *r = NULL;
        taafi_status st = run(f, cases[i].rest, &r);
        const char *msg = taafi_ctx_message(f->ctx);
        if (st != cases[i].st || !strstr(msg, cases[i].frag1) || !strstr(msg, cases[i].frag2))
            fail_msg("case %zu: status %d, message: %s", i, (int)st, msg);
        assert_null(r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_length_and_stats_on_lines),
        cmocka_unit_test(test_area_share_and_polygon_stats),
        cmocka_unit_test(test_nearest),
        cmocka_unit_test(test_table_expression_per_1000),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
