/* Counts per class on the hand-worked fixture (see tt_fixture). */
#include "support.h"

#include "result/result.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct fixture {
    char *dir;
    taafi_ctx *ctx;
    taafi_project *p;
    taafi_result *r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *path;
    f->dir = tt_tmpdir();
    path = tt_fixture(f->dir);
    assert_int_equal(taafi_ctx_new(&f->ctx), TAAFI_OK);
    if (taafi_project_load(f->ctx, path, &f->p) || taafi_run(f->ctx, f->p, &f->r))
        fail_msg("%s", taafi_ctx_message(f->ctx));
    free(path);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    if (!*state)
        return 0;
    fixture *f = *state;
    taafi_result_free(f->r);
    taafi_project_free(f->p);
    taafi_ctx_free(f->ctx);
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

/* Value of column `name` for area row `row`; NaN if NULL. */

static void test_declared_classes(void **state)
{
    fixture *f = *state;
    const taafi_result *r = f->r;
    /* row 0 is A1, row 1 is B2: input order */
    assert_string_equal(taafi_result_area_id(r, 0), "A1");
    assert_string_equal(taafi_result_area_id(r, 1), "B2");
    assert_null(taafi_result_area_id(r, 2));
    assert_double_equal(tt_value(r, "area_km2", 0), 0.01, 1e-12);
    assert_double_equal(tt_value(r, "area_km2", 1), 0.01, 1e-12);
    /* A1: fids 0, 1, 2 and the edge point 3 */
    assert_true(tt_value(r, "damage", 0) == 4);
    assert_true(tt_value(r, "damage_destroyed", 0) == 2);
    assert_true(tt_value(r, "damage_severe", 0) == 1);
    assert_true(tt_value(r, "damage_moderate", 0) == 0);
    assert_true(tt_value(r, "damage_possible", 0) == 1);
    assert_true(tt_value(r, "damage_other", 0) == 0);
    /* B2: fids 4, 5 (rubble), 8 (no class), 9 (a polygon) */
    assert_true(tt_value(r, "damage", 1) == 4);
    assert_true(tt_value(r, "damage_destroyed", 1) == 1);
    assert_true(tt_value(r, "damage_moderate", 1) == 1);
    assert_true(tt_value(r, "damage_other", 1) == 2);
    /* densities per km2 and shares in % */
    assert_double_equal(tt_value(r, "damage_per_km2", 0), 400.0, 1e-9);
    assert_double_equal(tt_value(r, "damage_destroyed_per_km2", 0), 200.0, 1e-9);
    assert_double_equal(tt_value(r, "damage_destroyed_pct", 0), 50.0, 1e-12);
    assert_double_equal(tt_value(r, "damage_other_pct", 1), 50.0, 1e-12);
    assert_double_equal(tt_value(r, "damage_severe_pct", 1), 0.0, 1e-12);
}

static void test_found_classes(void **state)
{
    fixture *f = *state;
    const taafi_result *r = f->r;
    static const char *const order[] = {"found",          "found_destroyed", "found_moderate", "found_possible",
                                        "found_rubble",   "found_severe",    "found_other"};
    size_t first, i;
    /* Classes found in the data come sorted, `other` (blank) last. */
    assert_int_equal(taafi_result_find_column(r, "found", &first), TAAFI_OK);
    assert_int_equal(taafi_result_column_count(r), first + 7);
    for (i = 0; i < 7; i++)
        assert_string_equal(taafi_result_column_name(r, first + i), order[i]);
    assert_true(tt_value(r, "found_destroyed", 0) == 2);
    assert_true(tt_value(r, "found_rubble", 1) == 1);
    assert_true(tt_value(r, "found_other", 1) == 1);
    assert_null(taafi_result_column_name(r, first + 7));
}

/* Every skipped or doubted feature is in the data-quality log. */
static void test_data_quality(void **state)
{
    fixture *f = *state;
    const taafi_result *r = f->r;
    size_t i, n = taafi_result_issue_count(r);
    int outside = 0, nogeom = 0, rubble = 0, blank = 0;
    for (i = 0; i < n; i++) {
        const char *layer, *problem, *action;
        int64_t fid;
        assert_int_equal(taafi_result_issue(r, i, &layer, &fid, &problem, &action), TAAFI_OK);
        assert_string_equal(layer, "damage");
        if (!strcmp(problem, "outside every area") && fid == 6)
            outside++;
        else if (!strcmp(problem, "no geometry") && fid == 7)
            nogeom++;
        else if (strstr(problem, "'rubble'") && strstr(problem, "1 feature"))
            rubble++;
        else if (strstr(problem, "no value in cls"))
            blank++;
    }
    assert_int_equal(outside, 1);
    assert_int_equal(nogeom, 1);
    assert_int_equal(rubble, 1);
    assert_int_equal(blank, 2); /* once per indicator reading cls */
    assert_int_equal(taafi_result_issue(r, n, NULL, NULL, NULL, NULL), TAAFI_ERR_USAGE);
}

/* A `where` filter on the layer keeps only matching features. */
static void test_where(void **state)
{
    fixture *f = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    char *path = tt_write(f->dir, "where.yml",
                          "areas: {source: areas.geojson, id: code}\n"
                          "layers:\n  d: {source: points.geojson, where: \"cls = 'destroyed'\"}\n"
                          "indicators:\n  - {id: n, type: count, layer: d}\n");
    if (taafi_project_load(f->ctx, path, &p) || taafi_run(f->ctx, p, &r))
        fail_msg("%s", taafi_ctx_message(f->ctx));
    assert_true(tt_value(r, "n", 0) == 1); /* " Destroyed " does not match in SQL */
    assert_true(tt_value(r, "n", 1) == 1);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
}

/* Errors that only the data can reveal name the file, layer and field. */
static void test_missing_class_field(void **state)
{
    fixture *f = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    char *path = tt_write(f->dir, "bad.yml",
                          "areas: {source: areas.geojson, id: code}\n"
                          "layers:\n  d: {source: points.geojson}\n"
                          "indicators:\n  - {id: n, type: count, layer: d, class_field: clss}\n");
    assert_int_equal(taafi_project_load(f->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(f->ctx, p, &r), TAAFI_ERR_DATA);
    assert_null(r);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "points.geojson"));
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "did you mean 'cls'?"));
    taafi_project_free(p);
    free(path);
}

/* An indicator column that an area field already has is refused. */
static void test_column_clash(void **state)
{
    fixture *f = *state;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    char *path = tt_write(f->dir, "clash.yml",
                          "areas: {source: areas.geojson, id: code}\n"
                          "indicators:\n  - {id: name_ar, type: area}\n");
    assert_int_equal(taafi_project_load(f->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(f->ctx, p, &r), TAAFI_ERR_PROJECT);
    assert_non_null(
        strstr(taafi_ctx_message(f->ctx), "clash.yml:3: indicator 'name_ar' has the name of a field of the areas"));
    taafi_project_free(p);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_declared_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_found_classes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_data_quality, setup, teardown),
        cmocka_unit_test_setup_teardown(test_where, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_class_field, setup, teardown),
        cmocka_unit_test_setup_teardown(test_column_clash, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
