/* support.c: see support.h. */
#define _GNU_SOURCE
#include "support.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

void tt_assert_near(double a, double b, double tol, const char *expr, const char *file, int line)
{
    if (!(fabs(a - b) <= tol)) { /* also fails on NaN */
        print_error("%s = %.17g, expected %.17g (tolerance %g)\n", expr, a, b, tol);
        _fail(file, line);
    }
}

char *tt_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char *tmpl;
    if (!base || !*base)
        base = "/tmp";
    tmpl = malloc(strlen(base) + 32);
    assert_non_null(tmpl);
    sprintf(tmpl, "%s/taafi-test-XXXXXX", base);
    assert_non_null(mkdtemp(tmpl));
    return tmpl;
}

void tt_rmrf(char *dir)
{
    char *cmd;
    if (!dir)
        return;
    cmd = malloc(strlen(dir) + 16);
    assert_non_null(cmd);
    sprintf(cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(dir);
}

char *tt_path(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(p);
    sprintf(p, "%s/%s", dir, name);
    return p;
}

char *tt_write(const char *dir, const char *name, const char *text)
{
    char *p = tt_path(dir, name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return p;
}

char *tt_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f)
        fail_msg("cannot open %s: %s", path, strerror(errno));
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    assert_true(n >= 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

int tt_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

int tt_run(const char *cmd, char **out, char **err)
{
    char *dir = tt_tmpdir();
    char *o = tt_path(dir, "stdout"), *e = tt_path(dir, "stderr");
    char *full = malloc(strlen(cmd) + strlen(o) + strlen(e) + 32);
    int status;
    assert_non_null(full);
    sprintf(full, "(%s) >'%s' 2>'%s' </dev/null", cmd, o, e);
    status = system(full);
    assert_true(status != -1);
    if (out)
        *out = tt_read(o, NULL);
    if (err)
        *err = tt_read(e, NULL);
    free(full);
    free(o);
    free(e);
    tt_rmrf(dir);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

const char *tt_source_dir(void) { return TAAFI_SOURCE_DIR; }

sqlite3 *tt_spatialite(void)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    sqlite3_enable_load_extension(db, 1);
    if (sqlite3_load_extension(db, "mod_spatialite", NULL, &msg) != SQLITE_OK)
        fail_msg("cannot load mod_spatialite (package libsqlite3-mod-spatialite): %s", msg ? msg : "?");
    /* Only WGS 84 and its UTM zones are needed: fast to initialise. */
    tt_exec(db, "SELECT InitSpatialMetaData(1, 'WGS84')");
    return db;
}

void tt_exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("SQL failed: %s\n  %s", msg ? msg : "?", sql);
}

static sqlite3_stmt *first_row(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("SQL failed: %s\n  %s", sqlite3_errmsg(db), sql);
    if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("SQL returned no row: %s\n  %s", sqlite3_errmsg(db), sql);
    return st;
}

double tt_sql_double(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = first_row(db, sql);
    double v = sqlite3_column_type(st, 0) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

char *tt_sql_text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = first_row(db, sql);
    const unsigned char *t = sqlite3_column_text(st, 0);
    char *r = t ? strdup((const char *)t) : NULL;
    sqlite3_finalize(st);
    return r;
}

sqlite3 *tt_json_db(const char *table, const char *json, int len)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char sql[128];
    snprintf(sql, sizeof sql, "CREATE TABLE %s AS SELECT ? AS j", table);
    assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, json, len, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    return db;
}

#define CRS32637 "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32637\"}},"

char *tt_fixture(const char *dir)
{
    free(tt_write(dir, "areas.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS32637 "\"features\":["
                  "{\"type\":\"Feature\",\"properties\":{\"code\":\"A1\",\"name_ar\":\"حي أ\"},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,3840000],[500100,3840000],"
                  "[500100,3840100],[500000,3840100],[500000,3840000]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"code\":\"B2\",\"name_ar\":\"حي ب\"},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500100,3840000],[500200,3840000],"
                  "[500200,3840100],[500100,3840100],[500100,3840000]]]}}]}\n"));
    /* fid: where, class -> expected
     * 0: A, destroyed   1: A, " Destroyed " (same class)   2: A, severe
     * 3: on the shared edge, possible -> A (lowest-numbered area)
     * 4: B, moderate    5: B, "rubble" (undeclared -> other)
     * 6: outside every area, destroyed   7: no geometry, severe
     * 8: B, no class (-> other)          9: a polygon in B, destroyed */
    free(tt_write(dir, "points.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS32637 "\"features\":["
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"destroyed\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500010,3840010]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\" Destroyed \"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500020,3840020]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"severe\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500030,3840030]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"possible\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500100,3840050]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"moderate\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500150,3840050]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"rubble\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500160,3840060]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"destroyed\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500500,3840500]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"severe\"},\"geometry\":null},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":null},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500170,3840070]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"cls\":\"destroyed\"},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[500180,3840080],[500190,3840080],[500190,3840090],[500180,3840090],"
                  "[500180,3840080]]]}}]}\n"));
    return tt_write(dir, "project.yml",
                    "name: fixture\n"
                    "areas:\n"
                    "  source: areas.geojson\n"
                    "  id: code\n"
                    "  name_ar: name_ar\n"
                    "layers:\n"
                    "  damage:\n"
                    "    source: points.geojson\n"
                    "indicators:\n"
                    "  - id: area_km2\n"
                    "    type: area\n"
                    "  - id: damage\n"
                    "    type: count\n"
                    "    layer: damage\n"
                    "    class_field: cls\n"
                    "    classes: [destroyed, severe, moderate, possible]\n"
                    "    density: true\n"
                    "    percent: true\n"
                    "  - id: found\n"
                    "    type: count\n"
                    "    layer: damage\n"
                    "    class_field: cls\n");
}

double tt_value(const taafi_result *r, const char *name, size_t row)
{
    size_t col;
    double v;
    int is_null;
    if (taafi_result_find_column(r, name, &col) != TAAFI_OK)
        fail_msg("no column %s", name);
    assert_int_equal(taafi_result_value(r, row, col, &v, &is_null), TAAFI_OK);
    return is_null ? NAN : v;
}

int tt_env_setup(void **state)
{
    tt_env *e = calloc(1, sizeof *e);
    assert_non_null(e);
    e->dir = tt_tmpdir();
    assert_int_equal(taafi_ctx_new(&e->ctx), TAAFI_OK);
    *state = e;
    return 0;
}

int tt_env_teardown(void **state)
{
    tt_env *e = *state;
    if (!e)
        return 0;
    taafi_ctx_free(e->ctx);
    tt_rmrf(e->dir);
    free(e);
    return 0;
}
