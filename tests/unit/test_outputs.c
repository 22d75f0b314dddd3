/* Outputs: contents of the GeoPackage tables, overwrite rules, and that a
 * failed write leaves earlier results untouched and no temporary files. */
#include "support.h"

#include "result/result.h"
#include "output/writers.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fixture {
    char *dir, *out, *project_path;
    taafi_ctx *ctx;
    taafi_project *p;
    taafi_result *r;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tt_tmpdir();
    f->project_path = tt_fixture(f->dir);
    f->out = tt_path(f->dir, "out/sub");
    assert_int_equal(taafi_ctx_new(&f->ctx), TAAFI_OK);
    if (taafi_project_load(f->ctx, f->project_path, &f->p) || taafi_run(f->ctx, f->p, &f->r) ||
        taafi_result_write(f->ctx, f->r, f->out, 0))
        fail_msg("%s", taafi_ctx_message(f->ctx));
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
    free(f->out);
    free(f->project_path);
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

static sqlite3 *open_gpkg(const fixture *f)
{
    char *path = tt_path(f->out, "recovery.gpkg");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    free(path);
    return db;
}

static void test_tables(void **state)
{
    fixture *f = *state;
    sqlite3 *db = open_gpkg(f);
    char sql[512], cmd[512], *out = NULL, *sha;
    /* areas: input attributes kept, indicator columns typed */
    assert_true(tt_sql_double(db, "SELECT count(*) FROM areas") == 2);
    assert_true(tt_sql_double(db, "SELECT damage_destroyed FROM areas WHERE code = 'A1'") == 2);
    assert_true(tt_sql_double(db, "SELECT damage_other FROM areas WHERE code = 'B2'") == 2);
    assert_true(tt_sql_double(db, "SELECT typeof(damage) = 'integer' FROM areas LIMIT 1") == 1);
    assert_double_equal(tt_sql_double(db, "SELECT area_km2 FROM areas WHERE code = 'B2'"), 0.01, 1e-12);
    sha = tt_sql_text(db, "SELECT name_ar FROM areas WHERE code = 'A1'");
    assert_string_equal(sha, "حي أ");
    free(sha);
    /* GeoPackage metadata: the layer is registered with the analysis CRS */
    assert_true(tt_sql_double(db, "SELECT srs_id FROM gpkg_geometry_columns WHERE table_name = 'areas'") == 32637);
    /* indicators: one row per column */
    assert_true(tt_sql_double(db, "SELECT count(*) FROM indicators") == 1 + 17 + 7);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM indicators WHERE column_name = 'damage_severe_pct' AND "
                                  "indicator = 'damage' AND type = 'count' AND layer = 'damage'") == 1);
    /* data_quality: every note of the result */
    snprintf(sql, sizeof sql, "SELECT count(*) = %zu FROM data_quality", taafi_result_issue_count(f->r));
    assert_true(tt_sql_double(db, sql) == 1);
    assert_true(tt_sql_double(db, "SELECT feature_id FROM data_quality WHERE problem = 'outside every area'") == 6);
    /* run: the project's SHA-256 agrees with sha256sum's */
    snprintf(cmd, sizeof cmd, "sha256sum '%s' | cut -c1-64", f->project_path);
    assert_int_equal(tt_run(cmd, &out, NULL), 0);
    out[64] = '\0';
    sha = tt_sql_text(db, "SELECT sha256 FROM run WHERE item = 'project'");
    assert_string_equal(sha, out);
    free(sha);
    free(out);
    snprintf(cmd, sizeof cmd, "sha256sum '%s/points.geojson' | cut -c1-64", f->dir);
    assert_int_equal(tt_run(cmd, &out, NULL), 0);
    out[64] = '\0';
    sha = tt_sql_text(db, "SELECT sha256 FROM run WHERE item = 'input' AND name = 'damage'");
    assert_string_equal(sha, out);
    free(sha);
    free(out);
    sha = tt_sql_text(db, "SELECT value FROM run WHERE item = 'crs'");
    assert_string_equal(sha, "EPSG:32637");
    free(sha);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'version' AND name IN "
                                  "('taafi', 'GDAL', 'GEOS', 'PROJ')") == 4);
    assert_true(tt_sql_double(db, "SELECT count(*) FROM run WHERE item = 'time'") == 2);
    sqlite3_close(db);
}

static int count_tmp_files(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d)) != NULL)
        if (!strncmp(e->d_name, ".tmp-", 5))
            n++;
    closedir(d);
    return n;
}

static void test_no_overwrite(void **state)
{
    fixture *f = *state;
    char *gpkg = tt_path(f->out, "recovery.gpkg");
    size_t len0, len1;
    char *before = tt_read(gpkg, &len0), *after;
    assert_int_equal(taafi_project_check_outputs(f->ctx, f->p, f->out, 0), TAAFI_ERR_EXISTS);
    assert_int_equal(taafi_result_write(f->ctx, f->r, f->out, 0), TAAFI_ERR_EXISTS);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "--overwrite"));
    after = tt_read(gpkg, &len1);
    assert_true(len0 == len1 && !memcmp(before, after, len0));
    assert_int_equal(taafi_project_check_outputs(f->ctx, f->p, f->out, TAAFI_WRITE_OVERWRITE), TAAFI_OK);
    assert_int_equal(taafi_result_write(f->ctx, f->r, f->out, TAAFI_WRITE_OVERWRITE), TAAFI_OK);
    assert_int_equal(count_tmp_files(f->out), 0);
    free(before);
    free(after);
    free(gpkg);
}

/* The GeoJSON cannot be written (its temporary name is taken by a folder):
 * the write fails after the GeoPackage was complete, and yet the earlier
 * GeoPackage and GeoJSON stay byte for byte, and no temporary file stays. */
static void test_failed_write_keeps_old(void **state)
{
    fixture *f = *state;
    char *gpkg = tt_path(f->out, "recovery.gpkg"), *json = tt_path(f->out, "areas.geojson");
    char name[64], *blocker;
    size_t l0, l1, j0, j1;
    char *g0 = tt_read(gpkg, &l0), *js0 = tt_read(json, &j0), *g1, *js1;
    snprintf(name, sizeof name, ".tmp-%ld-areas.geojson", (long)getpid());
    blocker = tt_path(f->out, name);
    assert_int_equal(mkdir(blocker, 0777), 0);
    assert_int_equal(taafi_result_write(f->ctx, f->r, f->out, TAAFI_WRITE_OVERWRITE), TAAFI_ERR_IO);
    g1 = tt_read(gpkg, &l1);
    js1 = tt_read(json, &j1);
    assert_true(l0 == l1 && !memcmp(g0, g1, l0));
    assert_true(j0 == j1 && !memcmp(js0, js1, j0));
    assert_int_equal(rmdir(blocker), 0);
    assert_int_equal(count_tmp_files(f->out), 0);
    free(g0), free(g1), free(js0), free(js1), free(gpkg), free(json), free(blocker);
}

/* A killed writer's temporary files (.tmp-PID-NAME, its process gone) are
 * removed by the next write into the folder; a live process's are kept
 * (issue 16: they were never cleaned). */
static void test_dead_temps_swept(void **state)
{
    fixture *f = *state;
    char name[64], *dead, *live;
    pid_t pid = fork();
    int status;
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(0);
    assert_int_equal(waitpid(pid, &status, 0), pid); /* now gone: its pid names no process */
    snprintf(name, sizeof name, ".tmp-%ld-areas.geojson", (long)pid);
    dead = tt_write(f->out, name, "half");
    snprintf(name, sizeof name, ".tmp-%ld-notes.txt", (long)getppid());
    live = tt_write(f->out, name, "a live writer's");
    assert_int_equal(taafi_result_write(f->ctx, f->r, f->out, TAAFI_WRITE_OVERWRITE), TAAFI_OK);
    assert_false(tt_exists(dead));
    assert_true(tt_exists(live));
    unlink(live);
    free(dead);
    free(live);
}

static void test_bad_folder(void **state)
{
    fixture *f = *state;
    char *file = tt_write(f->dir, "plainfile", "x");
    assert_int_equal(taafi_project_check_outputs(f->ctx, f->p, file, 0), TAAFI_ERR_IO);
    assert_int_equal(taafi_result_write(f->ctx, f->r, file, 0), TAAFI_ERR_IO);
    assert_non_null(strstr(taafi_ctx_message(f->ctx), "not a folder"));
    free(file);
}

/* Twice the signed area of ring `i` of polygon `g` (positive:
 * counter-clockwise). */
static double ring_area2(OGRGeometryH poly, int i)
{
    OGRGeometryH ring = OGR_G_GetGeometryRef(poly, i);
    double a = 0;
    int k, n = OGR_G_GetPointCount(ring);
    for (k = 0; k + 1 < n; k++)
        a += OGR_G_GetX(ring, k) * OGR_G_GetY(ring, k + 1) - OGR_G_GetX(ring, k + 1) * OGR_G_GetY(ring, k);
    return a;
}

/* tf_rfc7946_fix: what GDAL's RFC7946=YES did to taafi's GeoJSON, done by
 * taafi: 7 decimals, exterior rings counter-clockwise, holes clockwise,
 * in every part; points rounded too. */
static void test_rfc7946_fix(void **state)
{
    /* part 1: exterior clockwise and hole counter-clockwise (both wrong);
     * part 2: already right */
    char *wkt = "MULTIPOLYGON (((36.000000004 34.0, 36.0 34.100000006, 36.100000049 34.1, 36.1 34.0, "
                "36.000000004 34.0), (36.02 34.02, 36.08 34.02, 36.08 34.08, 36.02 34.08, 36.02 34.02)), "
                "((37 34, 37.1 34, 37.1 34.1, 37 34.1, 37 34)))";
    OGRGeometryH g = NULL, pt = NULL;
    char *pt_wkt = "POINT (36.123456789 34.98765432149)";
    int p, i, n;
    (void)state;
    assert_int_equal(OGR_G_CreateFromWkt(&wkt, NULL, &g), OGRERR_NONE);
    tf_rfc7946_fix(g);
    for (p = 0; p < OGR_G_GetGeometryCount(g); p++) {
        OGRGeometryH poly = OGR_G_GetGeometryRef(g, p);
        assert_true(ring_area2(poly, 0) > 0);
        for (i = 1; i < OGR_G_GetGeometryCount(poly); i++)
            assert_true(ring_area2(poly, i) < 0);
        for (i = 0; i < OGR_G_GetGeometryCount(poly); i++) {
            OGRGeometryH ring = OGR_G_GetGeometryRef(poly, i);
            n = OGR_G_GetPointCount(ring);
            for (int k = 0; k < n; k++) {
                double x = OGR_G_GetX(ring, k), y = OGR_G_GetY(ring, k);
                assert_true(x == round(x * 1e7) / 1e7 && y == round(y * 1e7) / 1e7);
            }
            /* still closed */
            assert_true(OGR_G_GetX(ring, 0) == OGR_G_GetX(ring, n - 1) &&
                        OGR_G_GetY(ring, 0) == OGR_G_GetY(ring, n - 1));
        }
    }
    /* the rounding is to the nearest 7th decimal */
    assert_true(OGR_G_GetX(OGR_G_GetGeometryRef(OGR_G_GetGeometryRef(g, 0), 0), 0) == 36.0);
    assert_int_equal(OGR_G_CreateFromWkt(&pt_wkt, NULL, &pt), OGRERR_NONE);
    tf_rfc7946_fix(pt);
    assert_true(OGR_G_GetX(pt, 0) == 36.1234568);
    assert_true(OGR_G_GetY(pt, 0) == 34.9876543);
    OGR_G_DestroyGeometry(g);
    OGR_G_DestroyGeometry(pt);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc7946_fix),
        cmocka_unit_test_setup_teardown(test_tables, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_write_keeps_old, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_folder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dead_temps_swept, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
