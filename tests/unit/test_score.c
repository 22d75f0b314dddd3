/* Scoring: normalisation methods and their edge cases, ranks, pillar
 * means, missing values, zero weights, zero-area polygons, classes, and
 * that changing one weight changes the index by exactly what it should. */
#include "support.h"

#include "result/result.h"
#include "analysis/score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static tf_indicator_def def(tf_direction dir, tf_method m)
{
    tf_indicator_def d;
    memset(&d, 0, sizeof d);
    d.direction = dir;
    d.method = m;
    d.weight = 1;
    d.clamp = 2.5;
    return d;
}

static void test_minmax(void **state)
{
    tf_indicator_def hi = def(TF_DIR_HIGHER_BETTER, TF_NORM_MINMAX), lo = def(TF_DIR_LOWER_BETTER, TF_NORM_MINMAX);
    double x[4] = {1, 2, NAN, 3}, s[4], eq[3] = {7, 7, 7}, one[1] = {5};
    (void)state;
    tf_normalise(&hi, x, 4, s);
    assert_double_equal(s[0], 0, 0);
    assert_double_equal(s[1], 50, 1e-12);
    assert_true(isnan(s[2])); /* missing stays missing, never 0 */
    assert_double_equal(s[3], 100, 0);
    tf_normalise(&lo, x, 4, s);
    assert_double_equal(s[0], 100, 0);
    assert_double_equal(s[3], 0, 0);
    /* all areas equal, and a single area: nobody is better: 50 */
    tf_normalise(&hi, eq, 3, s);
    assert_double_equal(s[0], 50, 0);
    assert_double_equal(s[2], 50, 0);
    tf_normalise(&lo, one, 1, s);
    assert_double_equal(s[0], 50, 0);
}

static void test_target(void **state)
{
    tf_indicator_def hi = def(TF_DIR_HIGHER_BETTER, TF_NORM_TARGET), lo = def(TF_DIR_LOWER_BETTER, TF_NORM_TARGET);
    double x[4] = {1, 6, 10, 12}, d[4] = {250, 1250, 3000, 800}, s[4];
    (void)state;
    hi.has_target = hi.has_floor = 1;
    hi.target = 10;
    hi.floor = 2;
    tf_normalise(&hi, x, 4, s);
    assert_double_equal(s[0], 0, 0);
    assert_double_equal(s[1], 50, 1e-12);
    assert_double_equal(s[2], 100, 0);
    assert_double_equal(s[3], 100, 0);
    /* Sphere's 500 m to water, 0 at 2000 m */
    lo.has_target = lo.has_floor = 1;
    lo.target = 500;
    lo.floor = 2000;
    tf_normalise(&lo, d, 4, s);
    assert_double_equal(s[0], 100, 0);
    assert_double_equal(s[1], 50, 1e-12);
    assert_double_equal(s[2], 0, 0);
    assert_double_equal(s[3], 80, 1e-12);
    /* without a floor the worst area (3000 m) is 0 */
    lo.has_floor = 0;
    tf_normalise(&lo, d, 4, s);
    assert_double_equal(s[1], 100.0 * (3000 - 1250) / 2500, 1e-12);
    assert_double_equal(s[2], 0, 0);
    /* higher_is_better without a floor: 0 at 0 */
    hi.has_floor = 0;
    tf_normalise(&hi, x, 4, s);
    assert_double_equal(s[1], 60, 1e-12);
}

static void test_zscore(void **state)
{
    tf_indicator_def hi = def(TF_DIR_HIGHER_BETTER, TF_NORM_ZSCORE);
    double x[3] = {1, 2, 3}, s[3], out[5] = {0, 0, 0, 0, 100}, s5[5], eq[2] = {4, 4};
    double sd = sqrt(2.0 / 3.0);
    (void)state;
    tf_normalise(&hi, x, 3, s);
    assert_double_equal(s[1], 50, 1e-12);
    assert_double_equal(s[2], 50 + 50 * (1 / sd) / 2.5, 1e-12);
    assert_double_equal(s[0] + s[2], 100, 1e-12);
    /* an outlier is clamped at 100 with clamp 1 */
    hi.clamp = 1;
    tf_normalise(&hi, out, 5, s5);
    assert_double_equal(s5[4], 100, 0);
    tf_normalise(&hi, eq, 2, s);
    assert_double_equal(s[0], 50, 0);
}

static void test_rank(void **state)
{
    double x[5] = {3, 1, 2, 1, NAN}, r[5];
    (void)state;
    assert_int_equal(tf_rank(x, 5, r), 0);
    assert_double_equal(r[0], 4, 0);
    assert_double_equal(r[1], 1, 0);
    assert_double_equal(r[2], 3, 0);
    assert_double_equal(r[3], 1, 0); /* ties share the rank */
    assert_true(isnan(r[4]));
}

/* ---- whole scoring on a small project -------------------------------- */

typedef struct fixture {
    char *dir;
    taafi_ctx *ctx;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char line[128];
    tf_buf areas = {0}, tab = {0};
    int i;
    f->dir = tt_tmpdir();
    /* eight 100 m squares in a row, and Z: a polygon of no area */
    tf_buf_printf(&areas, "{\"type\":\"FeatureCollection\",\"crs\":{\"type\":\"name\",\"properties\":{\"name\":"
                          "\"urn:ogc:def:crs:EPSG::32637\"}},\"features\":[");
    for (i = 0; i < 8; i++)
        tf_buf_printf(&areas,
                      "{\"type\":\"Feature\",\"properties\":{\"code\":\"A%d\"},\"geometry\":{\"type\":\"Polygon\","
                      "\"coordinates\":[[[%d,3840000],[%d,3840000],[%d,3840100],[%d,3840100],[%d,3840000]]]}},",
                      i, 500000 + 100 * i, 500100 + 100 * i, 500100 + 100 * i, 500000 + 100 * i,
                      500000 + 100 * i);
    tf_buf_printf(&areas, "{\"type\":\"Feature\",\"properties\":{\"code\":\"Z\"},\"geometry\":{\"type\":\"Polygon\","
                          "\"coordinates\":[[[501000,3840000],[501100,3840000],[501050,3840000],[501000,3840000]]]}}"
                          "]}");
    free(tt_write(f->dir, "areas.geojson", areas.s));
    /* a, b, c: values; m: missing for A3 */
    tf_buf_printf(&tab, "code,a,b,c,m\n");
    for (i = 0; i < 8; i++) {
        snprintf(line, sizeof line, "A%d,%d,%d,%d,%s\n", i, i, 10 - i, (i * 3) % 8, i == 3 ? "" : "5");
        tf_buf_printf(&tab, "%s", line);
    }
    tf_buf_printf(&tab, "Z,1,1,1,1\n");
    free(tt_write(f->dir, "t.csv", tab.s));
    tf_buf_free(&areas);
    tf_buf_free(&tab);
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

static taafi_project *project(fixture *f, const char *pillars)
{
    char text[4096], *path;
    taafi_project *p = NULL;
    snprintf(text, sizeof text,
             "areas: {source: areas.geojson, id: code}\n"
             "indicators:\n"
             "  - {id: area_km2, type: area}\n"
             "  - {id: a, type: table, source: t.csv, key: code, field: a, pillar: basic_services, "
             "direction: higher_is_better}\n"
             "  - {id: b, type: table, source: t.csv, key: code, field: b, pillar: basic_services, "
             "direction: higher_is_better, weight: 3}\n"
             "  - {id: z, type: table, source: t.csv, key: code, field: c, pillar: basic_services, "
             "direction: higher_is_better, weight: 0}\n"
             "  - {id: c, type: table, source: t.csv, key: code, field: c, pillar: economic_vitality, "
             "direction: lower_is_better}\n"
             "  - {id: m, type: table, source: t.csv, key: code, field: m, pillar: economic_vitality, "
             "direction: higher_is_better, method: target, target: 5}\n"
             "  - {id: dens, type: expression, expression: a / area_km2}\n"
             "scoring:\n%s",
             pillars);
    path = tt_write(f->dir, "p.yml", text);
    if (taafi_project_load(f->ctx, path, &p))
        fail_msg("%s", taafi_ctx_message(f->ctx));
    free(path);
    return p;
}


static taafi_result *run(fixture *f, taafi_project *p)
{
    taafi_result *r = NULL;
    if (taafi_run(f->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(f->ctx));
    return r;
}

static void test_pillars_and_index(void **state)
{
    fixture *f = *state;
    taafi_project *p = project(f, "  missing: skip\n  priority: {method: quantiles, classes: 4}\n");
    taafi_result *r = run(f, p);
    size_t i;
    for (i = 0; i < 8; i++) {
        /* min and max run over A0..A7 and Z (a = b = c = 1):
         * a = i in 0..7; b = 10 - i in 3..10 and Z's 1; m = 5 = its target */
        double sa = 100.0 * (double)i / 7, sb = 100.0 * ((10 - (double)i) - 1) / 9;
        double basic, econ, sc, sm = i == 3 ? NAN : 100;
        assert_double_equal(tt_value(r, "a_score", i), sa, 1e-9);
        assert_double_equal(tt_value(r, "b_score", i), sb, 1e-9);
        /* the weight-0 indicator is scored but counts for nothing */
        basic = (1 * sa + 3 * sb) / 4;
        assert_double_equal(tt_value(r, "basic_services_score", i), basic, 1e-9);
        sc = 100.0 * (7 - (double)((i * 3) % 8)) / 7;
        /* A3 has no m: its economic score is c's alone (re-weighted) */
        econ = isnan(sm) ? sc : (sc + sm) / 2;
        assert_double_equal(tt_value(r, "economic_vitality_score", i), econ, 1e-9);
        assert_double_equal(tt_value(r, "recovery_index", i), (basic + econ) / 2, 1e-9);
        assert_double_equal(tt_value(r, "missing_count", i), i == 3 ? 1 : 0, 0);
    }
    /* Z, of no area: its km2 is 0 and a value per km2 is no value */
    assert_double_equal(tt_value(r, "area_km2", 8), 0, 0);
    assert_true(isnan(tt_value(r, "dens", 8)));
    /* ranks 1..9, classes by quantile: 9 areas in 4 classes */
    {
        int seen[10] = {0}, per_class[5] = {0};
        for (i = 0; i < 9; i++) {
            seen[(int)tt_value(r, "rank", i)]++;
            per_class[(int)tt_value(r, "priority_class", i)]++;
        }
        for (i = 1; i <= 9; i++)
            assert_int_equal(seen[i], 1);
        assert_int_equal(per_class[1], 3); /* ranks 1-3: 1 + floor((rank-1)*4/9) */
        assert_int_equal(per_class[2], 2);
        assert_int_equal(per_class[3], 2);
        assert_int_equal(per_class[4], 2);
    }
    taafi_result_free(r);
    taafi_project_free(p);
}

/* Tripling the weight of basic services moves each index from
 * (B + E) / 2 to (3B + E) / 4, to the last digit. */
static void test_weight_change(void **state)
{
    fixture *f = *state;
    taafi_project *p1 = project(f, "  missing: skip\n");
    taafi_result *r1 = run(f, p1);
    taafi_project *p2 = project(f, "  pillars: {basic_services: {weight: 3}}\n");
    taafi_result *r2 = run(f, p2);
    size_t i;
    for (i = 0; i < 9; i++) {
        double b = tt_value(r1, "basic_services_score", i), e = tt_value(r1, "economic_vitality_score", i);
        assert_double_equal(tt_value(r2, "basic_services_score", i), b, 0);
        assert_double_equal(tt_value(r1, "recovery_index", i), (b + e) / 2, 1e-12);
        assert_double_equal(tt_value(r2, "recovery_index", i) - tt_value(r1, "recovery_index", i),
                            (3 * b + e) / 4 - (b + e) / 2, 1e-12);
    }
    taafi_result_free(r1);
    taafi_result_free(r2);
    taafi_project_free(p1);
    taafi_project_free(p2);
}

static void test_geometric_and_breaks(void **state)
{
    fixture *f = *state;
    taafi_project *p = project(f, "  pillars: {basic_services: {mean: geometric}}\n"
                                  "  priority: {method: breaks, breaks: [40, 60], labels: [urgent, soon, later]}\n");
    taafi_result *r = run(f, p);
    size_t i, col;
    assert_int_equal(taafi_result_find_column(r, "priority", &col), TAAFI_OK);
    for (i = 0; i < 9; i++) {
        double sa = tt_value(r, "a_score", i), sb = tt_value(r, "b_score", i), idx = tt_value(r, "recovery_index", i);
        double g = sa <= 0 || sb <= 0 ? 0 : exp((log(sa) + 3 * log(sb)) / 4);
        int want = idx < 40 ? 1 : idx < 60 ? 2 : 3;
        assert_double_equal(tt_value(r, "basic_services_score", i), g, 1e-9);
        assert_double_equal(tt_value(r, "priority_class", i), want, 0);
        assert_string_equal(r->cols[col].text[i], want == 1 ? "urgent" : want == 2 ? "soon" : "later");
    }
    taafi_result_free(r);
    taafi_project_free(p);
}

/* A scenario scores the same values: tripling basic services and
 * dropping indicator a moves the index exactly as computed by hand, and
 * the result it was made from keeps the project's own numbers. */
static void test_scenario(void **state)
{
    fixture *f = *state;
    taafi_project *p = project(f, "  missing: skip\nscenarios:\n  heavy:\n    pillars: {basic_services: {weight: 3}}\n"
                                  "    indicators: {a: {weight: 0}}\n");
    taafi_result *r = run(f, p);
    double base[9], e[9], b[9];
    size_t i;
    assert_int_equal(taafi_project_scenario_count(p), 1);
    assert_string_equal(taafi_project_scenario_name(p, 0), "heavy");
    for (i = 0; i < 9; i++) {
        base[i] = tt_value(r, "recovery_index", i);
        e[i] = tt_value(r, "economic_vitality_score", i);
        b[i] = tt_value(r, "b_score", i);
    }
    taafi_result *h = NULL;
    assert_int_equal(taafi_result_scenario(f->ctx, r, "heavy", &h), TAAFI_OK);
    for (i = 0; i < 9; i++) {
        /* basic services is now b's score alone (a weighs 0), weighted 3 */
        assert_double_equal(tt_value(h, "basic_services_score", i), b[i], 1e-12);
        assert_double_equal(tt_value(h, "recovery_index", i), (3 * b[i] + e[i]) / 4, 1e-12);
        assert_double_equal(tt_value(h, "a", i), i < 8 ? (double)i : 1, 0); /* values untouched */
    }
    /* the base keeps the project's own numbers */
    for (i = 0; i < 9; i++)
        assert_double_equal(tt_value(r, "recovery_index", i), base[i], 0);
    taafi_result *bad = (taafi_result *)1;
    assert_int_equal(taafi_result_scenario(f->ctx, r, "nope", &bad), TAAFI_ERR_USAGE);
    assert_null(bad);
    /* a scenario of a scenario's result is refused */
    assert_int_equal(taafi_result_scenario(f->ctx, h, "heavy", &bad), TAAFI_ERR_USAGE);
    taafi_result_free(h);
    taafi_result_free(r);
    taafi_project_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_minmax),
        cmocka_unit_test(test_target),
        cmocka_unit_test(test_zscore),
        cmocka_unit_test(test_rank),
        cmocka_unit_test_setup_teardown(test_pillars_and_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_weight_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_geometric_and_breaks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scenario, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
