/*
 * Field data that is wrong in the usual ways (fixtures in tests/data/robust,
 * made by tests/data/make-fixtures.sh): each case is handled and said, or
 * stopped with an error that says what to fix.  And no failure — a full
 * disk, Ctrl-C, an output folder that cannot be written — damages inputs
 * or earlier results.
 */
#define _DEFAULT_SOURCE /* M_PI */
#include "support.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <fcntl.h>
#include <time.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs a project whose text is `yml` (paths inside may use %1$s for the
 * fixtures folder); returns the status and *r. */
/* Whether text is valid UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing past U+10FFFF). */
static int tt_utf8(const char *text)
{
    const unsigned char *s = (const unsigned char *)text;
    while (*s) {
        int n = *s < 0x80 ? 0 : (*s & 0xE0) == 0xC0 ? 1 : (*s & 0xF0) == 0xE0 ? 2 : (*s & 0xF8) == 0xF0 ? 3 : -1;
        unsigned cp = n == 0 ? *s : n == 1 ? (*s & 0x1Fu) : n == 2 ? (*s & 0x0Fu) : (*s & 0x07u);
        if (n < 0)
            return 0;
        for (int k = 1; k <= n; k++) {
            if ((s[k] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (s[k] & 0x3Fu);
        }
        if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        s += n + 1;
    }
    return 1;
}

/* Writes a file into dir, forgetting its path. */
static void tt_write_free(const char *dir, const char *name, const char *text)
{
    free(tt_write(dir, name, text));
}

static taafi_status run(tt_env *e, const char *yml, taafi_result **r, taafi_project **p)
{
    char text[4096], dir[2048], *path;
    taafi_status st;
    snprintf(dir, sizeof dir, "%s/tests/data/robust", tt_source_dir());
    snprintf(text, sizeof text, yml, dir);
    path = tt_write(e->dir, "p.yml", text);
    *r = NULL;
    *p = NULL;
    st = taafi_project_load(e->ctx, path, p);
    if (!st)
        st = taafi_run(e->ctx, *p, r);
    free(path);
    return st;
}

static void done(taafi_result *r, taafi_project *p)
{
    taafi_result_free(r);
    taafi_project_free(p);
}

static int count_notes(const taafi_result *r, const char *frag)
{
    size_t i;
    int n = 0;
    for (i = 0; i < taafi_result_issue_count(r); i++) {
        const char *problem;
        taafi_result_issue(r, i, NULL, NULL, &problem, NULL);
        n += strstr(problem, frag) != NULL;
    }
    return n;
}

static void expect_error(tt_env *e, const char *yml, taafi_status want, const char *frag1, const char *frag2)
{
    taafi_result *r;
    taafi_project *p;
    taafi_status st = run(e, yml, &r, &p);
    const char *msg = taafi_ctx_message(e->ctx);
    if (st != want || !strstr(msg, frag1) || (frag2 && !strstr(msg, frag2)))
        fail_msg("status %d (want %d), message: %s", (int)st, (int)want, msg);
    assert_null(r);
    done(r, p);
}

static void test_missing_and_unreadable(void **state)
{
    tt_env *e = *state;
    char *junk = tt_write(e->dir, "junk.shp", "this is not a shapefile");
    char yml[1024];
    expect_error(e, "areas: {source: '%1$s/nothing_here.shp', id: code}\nindicators: []\n", TAAFI_ERR_IO,
                 "nothing_here.shp: cannot open areas", NULL);
    snprintf(yml, sizeof yml, "areas: {source: '%s', id: code}\nindicators: []\n", junk);
    expect_error(e, yml, TAAFI_ERR_IO, "junk.shp", "cannot open");
    expect_error(e, "areas: {source: '%1$s/shapes.gpkg', layer: shape, id: code}\nindicators: []\n", TAAFI_ERR_DATA,
                 "no layer 'shape'", "'shapes'");
    free(junk);
}

static void test_missing_crs(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    expect_error(e, "areas: {source: '%1$s/no_prj.shp', id: code}\nindicators: []\n", TAAFI_ERR_CRS,
                 "no coordinate reference system", "assume_crs");
    if (run(e, "areas: {source: '%1$s/no_prj.shp', id: code, assume_crs: 'EPSG:4326'}\n"
               "indicators: [{id: km2, type: area}]\n",
            &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    /* 0.01 x 0.01 degree at 34.7 N: about 0.915 x 1.109 km */
    assert_true(fabs(tt_value(r, "km2", 0) - 1.015) < 0.01);
    done(r, p);
}

/* Counts the points of layer `pts` (LAYER: its YAML mapping, '%1$s' for
 * the fixtures' folder) in the two squares A and B. */
static taafi_status count_in_squares(tt_env *e, const char *layer, taafi_result **r, taafi_project **p)
{
    char yml[1024];
    snprintf(yml, sizeof yml,
             "areas: {source: '%%1$s/cp1256.shp', id: code}\nlayers: {pts: %s}\n"
             "indicators: [{id: n, type: count, layer: pts}]\n",
             layer);
    return run(e, yml, r, p);
}

/* A line of zero length (two equal points) in a square: not counted, and
 * noted once as unusable, not counted by its point and noted "outside
 * every area" as well (issue 16, 8). */
static void test_zero_length(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    char layer[512], *path = tt_write(e->dir, "lines.geojson",
                                       "{\"type\":\"FeatureCollection\",\"features\":["
                                       "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                                       "\"LineString\",\"coordinates\":[[36.702,34.705],[36.708,34.705]]}},"
                                       "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":"
                                       "\"LineString\",\"coordinates\":[[36.705,34.705],[36.705,34.705]]}}]}");
    snprintf(layer, sizeof layer, "{source: '%s'}", path);
    if (count_in_squares(e, layer, &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "n", 0), 1, 0);
    assert_double_equal(tt_value(r, "n", 1), 0, 0);
    assert_int_equal(count_notes(r, "a line of zero length"), 1);
    assert_int_equal(count_notes(r, "outside every area"), 0);
    done(r, p);
    free(path);
}

/* Areas in EPSG:4326, points in UTM 37N: the points are transformed. */
static void test_mixed_crs(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    if (count_in_squares(e, "{source: '%1$s/utm_points.geojson'}", &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "n", 0), 3, 0);
    assert_double_equal(tt_value(r, "n", 1), 2, 0);
    done(r, p);
}

/* A CSV of survey points with the coordinates in two columns: without
 * x/y it is refused (not counted as 7 features without geometry and every
 * count 0); with them it counts as the same points in UTM do, the rows
 * without a usable coordinate noted; x/y on a file other than a CSV is
 * refused. */
static void test_csv_points(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    assert_int_equal(count_in_squares(e, "{source: '%1$s/survey.csv', assume_crs: EPSG:4326}", &r, &p),
                     TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "survey.csv: layer survey has no geometries, only fields"));
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "with x: and y:"));
    done(r, p);
    if (count_in_squares(e, "{source: '%1$s/survey.csv', x: lon, y: lat, assume_crs: EPSG:4326}", &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "n", 0), 3, 0);
    assert_double_equal(tt_value(r, "n", 1), 2, 0);
    assert_int_equal(count_notes(r, "no geometry"), 2);
    done(r, p);
    /* a misspelt column is named, with the columns there */
    assert_int_equal(count_in_squares(e, "{source: '%1$s/survey.csv', x: lng, y: lat, assume_crs: EPSG:4326}", &r, &p),
                     TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "no field 'lng' (named by 'x' for pts)"));
    done(r, p);
    assert_int_equal(count_in_squares(e, "{source: '%1$s/utm_points.geojson', x: lon, y: lat}", &r, &p),
                     TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "coordinate columns of a CSV file"));
    done(r, p);
}

/* A multipolygon area and a curved one (a circle) are measured whole. */
static void test_multipart_and_curves(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    double kx = 0.002 * 111320 * cos(34.705 * M_PI / 180), ky = 0.002 * 110950;
    if (run(e, "areas: {source: '%1$s/shapes.gpkg', id: code}\nindicators: [{id: km2, type: area}]\n", &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    /* M: two 0.005-degree squares */
    assert_true(fabs(tt_value(r, "km2", 0) / (2 * (2.5 * kx) * (2.5 * ky) / 1e6) - 1) < 0.01);
    /* R: an ellipse in metres of semi-axes kx and ky */
    assert_true(fabs(tt_value(r, "km2", 1) / (M_PI * kx * ky / 1e6) - 1) < 0.01);
    done(r, p);
}

static void test_overlaps(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    const char *problem;
    size_t i;
    double strip = 0.002 * 111320 * cos(34.705 * M_PI / 180) * 0.01 * 110950, m2 = 0;
    int threads;
    /* one thread: checked as the areas load; two: beside the run, with
     * the same note in the same place */
    for (threads = 1; threads <= 2; threads++) {
        size_t at = (size_t)-1;
        taafi_ctx_set_threads(e->ctx, threads);
        if (run(e, "areas: {source: '%1$s/overlap.geojson', id: code}\nindicators: [{id: km2, type: area}]\n", &r,
                &p))
            fail_msg("%s", taafi_ctx_message(e->ctx));
        for (i = 0; i < taafi_result_issue_count(r); i++) {
            taafi_result_issue(r, i, NULL, NULL, &problem, NULL);
            if (sscanf(problem, "overlaps area C by %lf m2", &m2) == 1) {
                at = i;
                break;
            }
        }
        assert_int_equal(at, 0);
        assert_true(fabs(m2 / strip - 1) < 0.01);
        done(r, p);
    }
    taafi_ctx_set_threads(e->ctx, 1);
    expect_error(e, "areas: {source: '%1$s/overlap.geojson', id: code, overlaps: error}\nindicators: []\n",
                 TAAFI_ERR_DATA, "areas A and C overlap by", "overlaps: first");
}

static void keep_warnings(taafi_log_level level, const char *message, void *user)
{
    char *buf = user;
    if (level == TAAFI_LOG_WARNING && strlen(buf) + strlen(message) + 2 < 8192) {
        strcat(buf, message);
        strcat(buf, "\n");
    }
}

/* A chain of six squares, each overlapping the next: with 1, 2 and 3
 * threads the overlaps are found by different threads (each takes a run
 * of areas), and the notes and warnings come out the same, in the same
 * order. */
static void test_overlaps_threads(void **state)
{
    tt_env *e = *state;
    char geojson[4096], *path, yml[4096], notes[3][4096], warnings[3][8192];
    size_t n = 0, i;
    int t;
    n += (size_t)snprintf(geojson + n, sizeof geojson - n, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (i = 0; i < 6; i++) {
        double x0 = 36.70 + 0.009 * (double)i, x1 = x0 + 0.01; /* 0.001 degree over the next */
        n += (size_t)snprintf(geojson + n, sizeof geojson - n,
                              "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"S%zu\"},\"geometry\":"
                              "{\"type\":\"Polygon\",\"coordinates\":[[[%.3f,34.70],[%.3f,34.70],[%.3f,34.71],"
                              "[%.3f,34.71],[%.3f,34.70]]]}}",
                              i ? "," : "", i, x0, x1, x1, x0, x0);
    }
    snprintf(geojson + n, sizeof geojson - n, "]}\n");
    path = tt_write(e->dir, "chain.geojson", geojson);
    snprintf(yml, sizeof yml, "areas: {source: '%s', id: code}\nindicators: [{id: km2, type: area}]\n", path);
    for (t = 0; t < 3; t++) {
        taafi_result *r;
        taafi_project *p;
        warnings[t][0] = notes[t][0] = '\0';
        taafi_ctx_set_threads(e->ctx, t + 1);
        taafi_ctx_set_log(e->ctx, TAAFI_LOG_WARNING, keep_warnings, warnings[t]);
        if (run(e, yml, &r, &p))
            fail_msg("%s", taafi_ctx_message(e->ctx));
        for (i = 0; i < taafi_result_issue_count(r); i++) {
            const char *problem;
            taafi_result_issue(r, i, NULL, NULL, &problem, NULL);
            strncat(notes[t], problem, sizeof notes[t] - strlen(notes[t]) - 2);
            strcat(notes[t], "\n");
        }
        done(r, p);
    }
    taafi_ctx_set_threads(e->ctx, 1);
    taafi_ctx_set_log(e->ctx, TAAFI_LOG_WARNING, NULL, NULL);
    /* S0-S1 ... S4-S5, each once, in order */
    assert_true(strstr(notes[0], "overlaps area S1 by") == notes[0]);
    assert_non_null(strstr(notes[0], "overlaps area S5 by"));
    assert_int_equal(strstr(warnings[0], "areas S4 and S5 overlap") > strstr(warnings[0], "areas S0 and S1 overlap"), 1);
    for (t = 1; t < 3; t++) {
        assert_string_equal(notes[t], notes[0]);
        assert_string_equal(warnings[t], warnings[0]);
    }
    free(path);
}

/* Points written latitude first are reported, not silently lost. */
static void test_swapped(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    if (run(e, "areas: {source: '%1$s/cp1256.shp', id: code}\n"
               "layers: {pts: {source: '%1$s/swapped.geojson'}}\n"
               "indicators: [{id: n, type: count, layer: pts}]\n",
            &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "n", 0), 1, 0);
    assert_int_equal(count_notes(r, "latitude and longitude exchanged"), 3);
    assert_int_equal(count_notes(r, "outside every area"), 3); /* only those three */
    done(r, p);
}

/* Windows-1256 attributes: read through the .cpg, or through encoding:. */
/* Runs `yml` and writes its outputs into `out`; area `code`'s name_ar in
 * the GeoPackage, checked to be `want`. */
static void expect_name_ar(tt_env *e, const char *yml, const char *out, const char *code, const char *want)
{
    taafi_result *r;
    taafi_project *p;
    char *gpkg = tt_path(out, "recovery.gpkg"), *name, sql[128];
    sqlite3 *db;
    if (run(e, yml, &r, &p) || taafi_result_write(e->ctx, r, out, TAAFI_WRITE_OVERWRITE))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    done(r, p);
    assert_int_equal(sqlite3_open(gpkg, &db), SQLITE_OK);
    snprintf(sql, sizeof sql, "SELECT name_ar FROM areas WHERE code = '%s'", code);
    name = tt_sql_text(db, sql);
    assert_string_equal(name, want);
    free(name);
    sqlite3_close(db);
    free(gpkg);
}

static void test_encodings(void **state)
{
    tt_env *e = *state;
    char *out = tt_path(e->dir, "enc");
    expect_name_ar(e, "areas: {source: '%1$s/cp1256.shp', id: code}\nindicators: [{id: km2, type: area}]\n", out, "B",
                   "حي البياضة");
    expect_name_ar(e,
                   "areas: {source: '%1$s/cp1256_nocpg.shp', id: code, encoding: CP1256}\n"
                   "indicators: [{id: km2, type: area}]\n",
                   out, "A", "الحي الأول");
    /* without a .cpg and without encoding: (issue 16) the raw Windows-1256
     * bytes went into every output, invalid UTF-8; now read as CP1256,
     * which they decode as, with the warning */
    expect_name_ar(e, "areas: {source: '%1$s/cp1256_nocpg.shp', id: code}\nindicators: [{id: km2, type: area}]\n",
                   out, "A", "الحي الأول");
    free(out);
}

/* A survey CSV saved by Excel in the Windows code page (its status column
 * in Arabic, Windows-1256 bytes): the class column made of its values is
 * Arabic in UTF-8, whether the encoding is declared or guessed, and every
 * output is valid UTF-8 (issue 16, requirement 4: the raw bytes went into
 * areas.csv, the GeoJSON and the GeoPackage's column names).  A GeoJSON
 * with bytes that are not UTF-8 is refused. */
static void test_csv_encodings(void **state)
{
    tt_env *e = *state;
    static const char *const decl[] = {"", ", encoding: CP1256"};
    char *csv = tt_path(e->dir, "ar.csv"), *out = tt_path(e->dir, "arout"), yml[1024];
    FILE *f = fopen(csv, "wb");
    size_t i;
    assert_non_null(f);
    /* "الحالة" in Windows-1256 */
    fputs("id,lon,lat,status\n1,36.705,34.705,\xc7\xe1\xcd\xc7\xe1\xc9\n2,36.715,34.705,ok\n", f);
    fclose(f);
    for (i = 0; i < 2; i++) {
        taafi_result *r;
        taafi_project *p;
        const char *files[] = {"areas.csv", "areas.geojson", "indicators.csv"};
        snprintf(yml, sizeof yml,
                 "areas: {source: '%%1$s/cp1256.shp', id: code}\n"
                 "layers: {pts: {source: ar.csv, x: lon, y: lat, assume_crs: EPSG:4326%s}}\n"
                 "indicators: [{id: n, type: count, layer: pts, class_field: status}]\n",
                 decl[i]);
        if (run(e, yml, &r, &p) || taafi_result_write(e->ctx, r, out, TAAFI_WRITE_OVERWRITE))
            fail_msg("%s", taafi_ctx_message(e->ctx));
        assert_double_equal(tt_value(r, "n_الحالة", 0), 1, 0);
        done(r, p);
        for (size_t k = 0; k < 3; k++) {
            char *path = tt_path(out, files[k]), *text = tt_read(path, NULL);
            assert_non_null(text);
            if (!tt_utf8(text))
                fail_msg("%s is not UTF-8", files[k]);
            free(text);
            free(path);
        }
    }
    tt_write_free(e->dir, "bad.geojson",
                  "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                  "{\"status\":\"\xc7\xe1\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[36.705,34.705]}}]}");
    expect_error(e,
                 "areas: {source: '%1$s/cp1256.shp', id: code}\nlayers: {pts: {source: bad.geojson}}\n"
                 "indicators: [{id: n, type: count, layer: pts}]\n",
                 TAAFI_ERR_DATA, "bad.geojson: feature 0: field 'status' is not UTF-8 text, which GeoJSON files hold",
                 NULL);
    free(csv);
    free(out);
}

static void test_unwritable_output(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    if (run(e, "areas: {source: '%1$s/cp1256.shp', id: code}\nindicators: [{id: km2, type: area}]\n", &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_int_equal(taafi_result_write(e->ctx, r, "/proc/taafi/out", 0), TAAFI_ERR_IO);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "/proc/taafi"));
    done(r, p);
}

/* ---- the CLI: a full disk and Ctrl-C -------------------------------- */

static char *project_file(void)
{
    char text[2048];
    snprintf(text, sizeof text, "%s/examples/homs.yml", tt_source_dir());
    return strdup(text);
}

static int tmp_files(const char *dir)
{
    char cmd[2048], *out = NULL;
    int n;
    snprintf(cmd, sizeof cmd, "find '%s' -name '.tmp-*' | wc -l", dir);
    assert_int_equal(tt_run(cmd, &out, NULL), 0);
    n = atoi(out);
    free(out);
    return n;
}

static void test_disk_full(void **state)
{
    tt_env *e = *state;
    char *proj = project_file(), cmd[8192], *err = NULL, *gpkg, *before, *after;
    size_t l0, l1;
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s/out' -q", TAAFI_BIN, proj, e->dir);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    gpkg = malloc(strlen(e->dir) + 32);
    sprintf(gpkg, "%s/out/recovery.gpkg", e->dir);
    before = tt_read(gpkg, &l0);
    /* the same run again, on a disk that fills after 60 kB */
    snprintf(cmd, sizeof cmd,
             "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 LD_PRELOAD='%s' TAAFI_TEST_ENOSPC_AFTER=60000 "
             "'%s' run '%s' -o '%s/out' --overwrite -q",
             TAAFI_ENOSPC_LIB, TAAFI_BIN, proj, e->dir);
    assert_int_equal(tt_run(cmd, NULL, &err), 1);
    assert_non_null(strstr(err, "taafi: error: "));
    after = tt_read(gpkg, &l1);
    assert_true(l0 == l1 && !memcmp(before, after, l0)); /* the earlier result is intact */
    assert_int_equal(tmp_files(e->dir), 0);
    free(before);
    free(after);
    free(gpkg);
    free(err);
    free(proj);
}

/* Inputs are only read: every file of the example is byte for byte the
 * same after a run that writes next to nothing else. */
static void test_inputs_untouched(void **state)
{
    tt_env *e = *state;
    char cmd[4096], *before = NULL, *after = NULL, *proj = project_file();
    snprintf(cmd, sizeof cmd, "cd '%s/data' && find . -type f | sort | xargs sha256sum", tt_source_dir());
    assert_int_equal(tt_run(cmd, &before, NULL), 0);
    {
        char run_cmd[4096];
        snprintf(run_cmd, sizeof run_cmd, "'%s' run '%s' -o '%s/o' --maps -q", TAAFI_BIN, proj, e->dir);
        assert_int_equal(tt_run(run_cmd, NULL, NULL), 0);
    }
    assert_int_equal(tt_run(cmd, &after, NULL), 0);
    assert_true(strlen(before) > 500);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(proj);
}

/* Runs `args` (after the taafi binary, in folder `dir`); its exit code,
 * and stderr in *err. */
static int taafi_in(const char *dir, const char *args, char **err)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' %s", dir, TAAFI_BIN, args);
    return tt_run(cmd, NULL, err);
}

/* No output of any command is written over a file the run reads, whatever
 * --overwrite says (issue 16: the areas' GeoJSON in the output folder, the
 * project file as --summary, `init -o` onto the areas' file were all
 * replaced); --summary follows --overwrite like every other output. */
static void test_outputs_never_replace_inputs(void **state)
{
    tt_env *e = *state;
    char *w = tt_path(e->dir, "w"), *err = NULL, *areas, *yml, *a0, *y0, *now;
    static const struct {
        const char *args, *frag;
    } cases[] = {
        {"run p.yml -o . --overwrite -q", "areas.geojson: is the areas' source"},
        {"run p.yml -o ../w --overwrite -q", "areas.geojson: is the areas' source"},
        {"run p.yml -o out --summary p.yml -q", "p.yml: exists; pass --overwrite"},
        {"run p.yml -o out --summary p.yml --overwrite -q", "p.yml: is the project file"},
        {"run p.yml -o out --summary areas.geojson --overwrite -q", "areas.geojson: is the areas' source"},
        {"render p.yml -o out --summary p.yml --overwrite -q", "p.yml: is the project file"},
        {"init areas.geojson -o areas.geojson --overwrite", "areas.geojson: is the areas' source"},
    };
    size_t i;
    mkdir(w, 0777);
    areas = tt_write(w, "areas.geojson",
                     "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                     "{\"c\":\"A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[36.70,34.72],"
                     "[36.71,34.72],[36.71,34.73],[36.70,34.73],[36.70,34.72]]]}}]}\n");
    yml = tt_write(w, "p.yml", "areas: {source: areas.geojson, id: c}\nindicators:\n  - {id: km2x, type: area}\n");
    a0 = tt_read(areas, NULL);
    y0 = tt_read(yml, NULL);
    for (i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (taafi_in(w, cases[i].args, &err) == 0 || !strstr(err, cases[i].frag))
            fail_msg("taafi %s: %s (want an error with '%s')", cases[i].args, err, cases[i].frag);
        free(err);
        now = tt_read(areas, NULL);
        assert_string_equal(now, a0);
        free(now);
        now = tt_read(yml, NULL);
        assert_string_equal(now, y0);
        free(now);
    }
    /* an existing summary is kept without --overwrite, replaced with it */
    {
        char *s = tt_write(w, "s.csv", "mine\n");
        assert_int_not_equal(taafi_in(w, "run p.yml -o out -q --summary s.csv", &err), 0);
        assert_non_null(strstr(err, "s.csv: exists; pass --overwrite"));
        free(err);
        now = tt_read(s, NULL);
        assert_string_equal(now, "mine\n");
        free(now);
        free(s);
    }
    assert_int_equal(taafi_in(w, "run p.yml -o out -q --summary s.csv --overwrite", NULL), 0);
    free(a0);
    free(y0);
    free(areas);
    free(yml);
    free(w);
}

static void test_ctrl_c(void **state)
{
    tt_env *e = *state;
    char *proj = project_file(), out[2048];
    pid_t pid;
    int status;
    snprintf(out, sizeof out, "%s/int", e->dir);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(TAAFI_BIN, TAAFI_BIN, "render", proj, "-o", out, "-q", (char *)NULL);
        _exit(127);
    }
    {
        struct timespec ts = {0, 700 * 1000 * 1000}; /* into the drawing of the maps */
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGINT);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    /* nothing half-written, and no map at all: they are renamed into place
     * only once all are drawn */
    assert_int_equal(tmp_files(e->dir), 0);
    snprintf(out, sizeof out, "%s/int/report.html", e->dir);
    assert_false(tt_exists(out));
    snprintf(out, sizeof out, "%s/int/maps/recovery_index.png", e->dir);
    assert_false(tt_exists(out));
    free(proj);
}

/* `taafi run path -o out -q` started, its stderr dropped. */
static pid_t spawn_run(const char *path, const char *out)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(TAAFI_BIN, TAAFI_BIN, "run", path, "-o", out, "-q", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Monotonic seconds. */
static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* SQL that would run without end (issue 16: a recursive CTE ran forever
 * and ignored SIGINT and SIGTERM): in an expression it stops at
 * limits.sql_steps with the line, and SIGINT or SIGTERM stop it at once;
 * in a `where` it is refused when the project is read. */
static void test_endless_sql(void **state)
{
    tt_env *e = *state;
    static const char cte[] = "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c)";
    char text[2048], *path, out[2048];
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    int sig;
    snprintf(text, sizeof text,
             "areas: {source: %s/tests/data/robust/overlap.geojson, id: code}\nlimits: {sql_steps: %s}\n"
             "indicators:\n  - {id: km2x, type: area}\n  - {id: inf, type: expression, expression: \"%s\"}\n",
             tt_source_dir(), "%s", cte);
    {
        char t1[2048];
        snprintf(t1, sizeof t1, text, "1e6");
        path = tt_write(e->dir, "cte.yml", t1);
    }
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(e->ctx, p, &r), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "cte.yml:5: the expression of 'inf' ran past 1000000 SQL steps"));
    assert_null(r);
    taafi_project_free(p);
    free(path);
    for (sig = 0; sig < 2; sig++) {
        char t2[2048];
        pid_t pid;
        int status;
        double t0;
        struct timespec ts = {0, 400 * 1000 * 1000};
        snprintf(t2, sizeof t2, text, "1e15");
        path = tt_write(e->dir, "cte_big.yml", t2);
        snprintf(out, sizeof out, "%s/cte_out", e->dir);
        pid = spawn_run(path, out);
        nanosleep(&ts, NULL);
        t0 = now_s();
        kill(pid, sig ? SIGTERM : SIGINT);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 130);
        assert_true(now_s() - t0 < 5); /* at once, not at the limit */
        free(path);
    }
    /* in a filter: refused on reading */
    snprintf(text, sizeof text,
             "areas: {source: %s/tests/data/robust/overlap.geojson, id: code, where: \"code IN %s\"}\n"
             "indicators:\n  - {id: km2x, type: area}\n",
             tt_source_dir(), "(WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c)");
    path = tt_write(e->dir, "where.yml", text);
    p = (taafi_project *)1;
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "where.yml:1: 'where' holds a subquery (WITH)"));
    assert_null(p);
    free(path);
}

/* A GeoPackage of n points at (x, y), lon/lat, layer pts. */
static void make_points_gpkg(const char *path, int n, double x, double y)
{
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    OGRLayerH l;
    int i;
    assert_non_null(ds);
    OSRImportFromEPSG(srs, 4326);
    l = GDALDatasetCreateLayer(ds, "pts", srs, wkbPoint, NULL);
    assert_non_null(l);
    assert_int_equal(OGR_L_StartTransaction(l), OGRERR_NONE);
    for (i = 0; i < n; i++) {
        OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRGeometryH g = OGR_G_CreateGeometry(wkbPoint);
        OGR_G_SetPoint_2D(g, 0, x, y);
        OGR_F_SetGeometryDirectly(f, g);
        assert_int_equal(OGR_L_CreateFeature(l, f), OGRERR_NONE);
        OGR_F_Destroy(f);
    }
    assert_int_equal(OGR_L_CommitTransaction(l), OGRERR_NONE);
    OSRDestroySpatialReference(srs);
    GDALClose(ds);
}

/* A `where` that GDAL pushes down to its own SQLite connection (a
 * GeoPackage's) and that takes long on every row, without a subquery
 * (printf of 20 MB, then LIKE): Ctrl-C stops it at the next row, not after
 * all 400 of them (issue 16, requirement 2: "SQLite included"). */
static void test_slow_filter(void **state)
{
    tt_env *e = *state;
    char text[2048], *gpkg = tt_path(e->dir, "many.gpkg"), *path, out[2048];
    pid_t pid;
    int status;
    double t0;
    struct timespec ts = {0, 800 * 1000 * 1000};
    GDALAllRegister();
    make_points_gpkg(gpkg, 400, 36.705, 34.705);
    snprintf(text, sizeof text,
             "areas: {source: %s/tests/data/robust/cp1256.shp, id: code}\n"
             "layers: {pts: {source: many.gpkg, where: \"printf('%%.*c', 20000000 + fid, 'x') LIKE '%%y%%'\"}}\n"
             "indicators: [{id: n, type: count, layer: pts}]\n",
             tt_source_dir());
    path = tt_write(e->dir, "slow.yml", text);
    snprintf(out, sizeof out, "%s/slow_out", e->dir);
    pid = spawn_run(path, out);
    nanosleep(&ts, NULL);
    t0 = now_s();
    kill(pid, SIGINT);
    {
        /* without the stop it reads on for a minute or more */
        int waited = 0;
        while (waitpid(pid, &status, WNOHANG) == 0 && waited++ < 300) {
            struct timespec tick = {0, 50 * 1000 * 1000};
            nanosleep(&tick, NULL);
        }
        if (waited > 300) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            fail_msg("still reading 15 s after Ctrl-C");
        }
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    print_message("stopped %.2f s after SIGINT\n", now_s() - t0);
    assert_false(tt_exists(out));
    free(path);
    free(gpkg);
}

/* A raster far finer than its areas (issue 16: 100,000 x 50,000 cells
 * over 2 km^2 took 73 s and ignored Ctrl-C) is refused before it is read,
 * with the numbers: here with limits.raster_cells lowered to 1,000. */
static void test_raster_budget(void **state)
{
    tt_env *e = *state;
    char text[2048], *path;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    snprintf(text, sizeof text,
             "areas: {source: %1$s/data/shapefiles/neighbourhoods.shp, id: nbhd_id}\nlimits: {raster_cells: %2$s}\n"
             "indicators:\n  - {id: pop, type: raster_sum, source: %1$s/data/rasters/population.tif}\n",
             tt_source_dir(), "1000");
    path = tt_write(e->dir, "budget.yml", text);
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(e->ctx, p, &r), TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "population.tif: the areas span "));
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "more than limits.raster_cells (1000)"));
    assert_null(r);
    taafi_project_free(p);
    free(path);
    /* within the default, the same run succeeds */
    snprintf(text, sizeof text,
             "areas: {source: %1$s/data/shapefiles/neighbourhoods.shp, id: nbhd_id}\n"
             "indicators:\n  - {id: pop, type: raster_sum, source: %1$s/data/rasters/population.tif}\n",
             tt_source_dir());
    path = tt_write(e->dir, "budget2.yml", text);
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(e->ctx, p, &r), TAAFI_OK);
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
}

/* A shapefile cut short (issue 16: a .shp cut at a third exited 0 with
 * 1,900 of 3,325 features "without usable geometry") stops the run,
 * naming the file and its sizes. */
static void test_cut_short(void **state)
{
    tt_env *e = *state;
    static const char *const ext[] = {"shp", "shx", "dbf", "prj", "cpg"};
    char from[2048], *to, text[2048], *path;
    size_t i, len;
    taafi_result *r = NULL;
    taafi_project *p = NULL;
    for (i = 0; i < 5; i++) {
        char *data, name[32];
        snprintf(from, sizeof from, "%s/data/shapefiles/damage.%s", tt_source_dir(), ext[i]);
        data = tt_read(from, &len);
        assert_non_null(data);
        snprintf(name, sizeof name, "cut.%s", ext[i]);
        to = tt_path(e->dir, name);
        {
            FILE *f = fopen(to, "wb");
            assert_non_null(f);
            assert_int_equal(fwrite(data, 1, i == 0 ? len / 3 : len, f), i == 0 ? len / 3 : len);
            fclose(f);
        }
        free(to);
        free(data);
    }
    snprintf(text, sizeof text,
             "areas: {source: %s/data/shapefiles/neighbourhoods.shp, id: nbhd_id}\nlayers:\n  d: {source: cut.shp}\n"
             "indicators:\n  - {id: n, type: count, layer: d}\n",
             tt_source_dir());
    path = tt_write(e->dir, "cut.yml", text);
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(e->ctx, p, &r), TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "cut.shp: is cut short: its header gives"));
    assert_null(r);
    taafi_project_free(p);
    free(path);
}

/* The .shp's SHA-256 as the run table of out/recovery.gpkg records it, and
 * the path recorded with it. */
static char *shp_hash(const char *out, char **path)
{
    char *gpkg = tt_path(out, "recovery.gpkg"), *hex;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(gpkg, &db), SQLITE_OK);
    hex = tt_sql_text(db, "SELECT sha256 FROM run WHERE item = 'input' AND value LIKE '%.shp'");
    *path = tt_sql_text(db, "SELECT value FROM run WHERE item = 'input' AND value LIKE '%.shp'");
    sqlite3_close(db);
    free(gpkg);
    assert_non_null(hex);
    assert_non_null(*path);
    return hex;
}

/* Areas read from a zip archive, in both of GDAL's forms, absolute and
 * relative to the project: read, recoded by the .cpg inside, hashed as the
 * same bytes as the file outside, and "/vsizip//abs" kept with both slashes
 * (issue 16, 13: collapsed to a relative path, the {...} form not hashed). */
static void test_vsizip(void **state)
{
    tt_env *e = *state;
    static const char *const forms[] = {"/vsizip/%1$s/squares.zip/squares/cp1256.shp",
                                        "/vsizip/{%1$s/squares.zip}/squares/cp1256.shp",
                                        "/vsizip/squares.zip/squares/cp1256.shp",
                                        "/vsizip/{squares.zip}/squares/cp1256.shp"};
    char from[2048], yml[512], *out = tt_path(e->dir, "zip"), *plain, *path, *to;
    size_t len, i;
    char *zip;
    snprintf(from, sizeof from, "%s/tests/data/robust/squares.zip", tt_source_dir());
    zip = tt_read(from, &len);
    assert_non_null(zip);
    to = tt_path(e->dir, "squares.zip");
    {
        FILE *f = fopen(to, "wb");
        assert_non_null(f);
        assert_int_equal(fwrite(zip, 1, len, f), len);
        fclose(f);
    }
    expect_name_ar(e, "areas: {source: '%1$s/cp1256.shp', id: code}\nindicators: [{id: km2, type: area}]\n", out,
                   "B", "حي البياضة");
    plain = shp_hash(out, &path);
    free(path);
    for (i = 0; i < sizeof forms / sizeof *forms; i++) {
        char *hex;
        snprintf(yml, sizeof yml, "areas: {source: '%s', id: code}\nindicators: [{id: km2, type: area}]\n", forms[i]);
        expect_name_ar(e, yml, out, "B", "حي البياضة");
        hex = shp_hash(out, &path);
        assert_string_equal(hex, plain);
        if (i == 0 && strncmp(path, "/vsizip//", 9))
            fail_msg("recorded as %s", path);
        free(hex);
        free(path);
    }
    free(plain);
    free(zip);
    free(to);
    free(out);
}

/* Loads the project `yml` (as run() does) and checks that validate stops
 * with a message holding frag, as the run does. */
static void expect_validate_error(tt_env *e, const char *yml, const char *frag)
{
    taafi_result *r;
    taafi_project *p;
    char *report = NULL;
    assert_int_not_equal(run(e, yml, &r, &p), TAAFI_OK);
    if (!strstr(taafi_ctx_message(e->ctx), frag))
        fail_msg("run: %s", taafi_ctx_message(e->ctx));
    assert_null(r);
    assert_non_null(p);
    assert_int_not_equal(taafi_project_validate(e->ctx, p, &report), TAAFI_OK);
    if (!strstr(taafi_ctx_message(e->ctx), frag) || !report || !strstr(report, frag))
        fail_msg("validate: %s", taafi_ctx_message(e->ctx));
    taafi_string_free(report);
    done(r, p);
}

/* Column names that would clash in the GeoPackage are found when the
 * project loads or the areas open (declared classes, an indicator named
 * like an areas' field, fields that differ only in case), or, for classes
 * taken from the data, by validate and by the run as soon as the field
 * has too many values: never when the outputs are written (issue 16, 12). */
static void test_column_clashes(void **state)
{
    tt_env *e = *state;
    taafi_project *p = NULL;
    char *path, *json = malloc(1 << 16);
    size_t n = 0;
    int i;
    path = tt_write(e->dir, "c.yml",
                    "areas: {source: a.shp, id: c}\nlayers: {d: {source: d.shp}}\nindicators:\n"
                    "  - {id: n, type: count, layer: d, class_field: k,\n     classes: [a-b, x, 'a b']}\n");
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "c.yml:5:"));
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "classes 'a-b' and 'a b' would both make column n_a_b"));
    free(path);
    path = tt_write(e->dir, "c.yml",
                    "areas: {source: a.shp, id: c}\nlayers: {d: {source: d.shp}}\nindicators:\n"
                    "  - {id: n, type: count, layer: d, class_field: k, classes: [x, Other]}\n");
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "class 'Other' would make column n_other"));
    free(path);
    expect_validate_error(e, "areas: {source: '%1$s/cp1256.shp', id: code}\nindicators: [{id: NAME_AR, type: area}]\n",
                          "p.yml:2: indicator 'NAME_AR' has the name of a field of the areas");
    tt_write_free(e->dir, "nn.geojson",
                  "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"A\","
                  "\"Name\":\"x\",\"NAME\":\"y\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[36.70,34.70],"
                  "[36.71,34.70],[36.71,34.71],[36.70,34.71],[36.70,34.70]]]}}]}");
    expect_validate_error(e, "areas: {source: nn.geojson, id: code}\nindicators: [{id: km2, type: area}]\n",
                          "layer nn: fields 'Name' and 'NAME' differ only in case");
    /* 250 points in square A, each of its own class */
    n += (size_t)snprintf(json + n, 64, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (i = 0; i < 250; i++)
        n += (size_t)snprintf(json + n, 200,
                              "%s{\"type\":\"Feature\",\"properties\":{\"k\":\"c%d\"},\"geometry\":{\"type\":\"Point\","
                              "\"coordinates\":[36.705,34.705]}}",
                              i ? "," : "", i);
    snprintf(json + n, 8, "]}");
    tt_write_free(e->dir, "many.geojson", json);
    expect_validate_error(e,
                          "areas: {source: '%1$s/cp1256.shp', id: code}\nlayers: {d: {source: many.geojson}}\n"
                          "indicators: [{id: n, type: count, layer: d, class_field: k}]\n",
                          "indicator 'n': class_field 'k' has more than 200 distinct values (this one: 'c200')");
    free(json);
}

/* Copies the first `keep` bytes of src (all when keep is 0) to dir/name. */
static void copy_cut(const char *src, const char *dir, const char *name, size_t keep)
{
    size_t len;
    char *data = tt_read(src, &len), *to = tt_path(dir, name);
    FILE *f = fopen(to, "wb");
    assert_non_null(data);
    assert_non_null(f);
    if (keep && keep < len)
        len = keep;
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
    free(data);
    free(to);
}

/* SQL in an expression that reaches for the machine: SQLite's own
 * extension loading is not authorised, the file functions of the sqlite3
 * shell do not exist, and a second statement is a syntax error; none of
 * them leaves a file behind. */
static void test_hostile_sql(void **state)
{
    tt_env *e = *state;
    static const char *const exprs[][2] = {
        {"load_extension('%s/x')", "not authorized"},
        {"writefile('%s/pwn', 'x')", "no such function: writefile"},
        {"readfile('/etc/passwd')", "no such function: readfile"},
        {"km2; ATTACH DATABASE '%s/a.db' AS a", "syntax error"},
    };
    for (size_t i = 0; i < sizeof exprs / sizeof *exprs; i++) {
        char expr[1024], yml[2048], *pwn = tt_path(e->dir, "pwn"), *db = tt_path(e->dir, "a.db");
        snprintf(expr, sizeof expr, exprs[i][0], e->dir);
        snprintf(yml, sizeof yml,
                 "areas: {source: '%%1$s/cp1256.shp', id: code}\nindicators:\n  - {id: km2, type: area}\n"
                 "  - {id: e, type: expression, expression: \"%s\"}\n",
                 expr);
        expect_error(e, yml, i == 0 ? TAAFI_ERR_DATA : TAAFI_ERR_PROJECT, exprs[i][1], "p.yml:4:");
        assert_false(tt_exists(pwn));
        assert_false(tt_exists(db));
        free(pwn);
        free(db);
    }
}

/* Points with Z (and a fourth ordinate) count in 2D; an empty layer counts
 * 0 everywhere; a feature without geometry is noted; a GeoJSON cut short
 * and a GeoTIFF cut short stop the run naming the file. */
static void test_odd_layers(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    char layer[512], *path, src[2048];
    path = tt_write(e->dir, "z.geojson",
                    "{\"type\":\"FeatureCollection\",\"features\":["
                    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                    "[36.705,34.705,120.5]}},"
                    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":"
                    "[36.715,34.705,99,7]}},"
                    "{\"type\":\"Feature\",\"properties\":{},\"geometry\":null}]}");
    snprintf(layer, sizeof layer, "{source: '%s'}", path);
    if (count_in_squares(e, layer, &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "n", 0), 1, 0);
    assert_double_equal(tt_value(r, "n", 1), 1, 0);
    assert_int_equal(count_notes(r, "no geometry"), 1);
    done(r, p);
    free(path);
    path = tt_write(e->dir, "none.geojson", "{\"type\":\"FeatureCollection\",\"features\":[]}");
    snprintf(layer, sizeof layer, "{source: '%s'}", path);
    if (count_in_squares(e, layer, &r, &p))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_double_equal(tt_value(r, "n", 0), 0, 0);
    assert_double_equal(tt_value(r, "n", 1), 0, 0);
    done(r, p);
    free(path);
    snprintf(src, sizeof src, "%s/tests/data/robust/swapped.geojson", tt_source_dir());
    copy_cut(src, e->dir, "cut.geojson", 150);
    path = tt_path(e->dir, "cut.geojson");
    snprintf(layer, sizeof layer, "{source: '%s'}", path);
    assert_int_not_equal(count_in_squares(e, layer, &r, &p), TAAFI_OK);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "cut.geojson"));
    assert_null(r);
    done(r, p);
    free(path);
    snprintf(src, sizeof src, "%s/data/rasters/population.tif", tt_source_dir());
    copy_cut(src, e->dir, "cut.tif", 4000);
    expect_error(e, "areas: {source: '%1$s/../../../data/shapefiles/neighbourhoods.shp', id: nbhd_id}\n"
                    "indicators:\n  - {id: pop, type: raster_sum, source: cut.tif}\n",
                 TAAFI_ERR_IO, "cut.tif: cannot read rows", NULL);
}

/* Output folders that are not what they seem: a symbolic link to nowhere
 * is refused and kept as it was (not replaced by a folder), and two runs
 * with --overwrite into one folder at once leave it holding one complete
 * result: every file its taafi-run.json lists, areas.csv as a lone run
 * writes it. */
static void test_output_folders(void **state)
{
    tt_env *e = *state;
    char *proj = project_file(), link[2048], target[2048], cmd[8192], *err = NULL, *one, *got, path[2048];
    pid_t pid[2];
    int status, k;
    ssize_t n;
    snprintf(link, sizeof link, "%s/dangling", e->dir);
    assert_int_equal(symlink("/nonexistent/taafi-out", link), 0);
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' -q", TAAFI_BIN, proj, link);
    assert_int_equal(tt_run(cmd, NULL, &err), 1);
    assert_non_null(strstr(err, "is a symbolic link to /nonexistent/taafi-out, which does not exist"));
    free(err);
    n = readlink(link, target, sizeof target - 1);
    assert_true(n > 0);
    target[n] = '\0';
    assert_string_equal(target, "/nonexistent/taafi-out");
    /* the reference: one run alone */
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s/alone' -q", TAAFI_BIN, proj, e->dir);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/alone/areas.csv", e->dir);
    one = tt_read(path, NULL);
    assert_non_null(one);
    snprintf(path, sizeof path, "%s/both", e->dir);
    for (k = 0; k < 2; k++) {
        pid[k] = fork();
        assert_true(pid[k] >= 0);
        if (pid[k] == 0) {
            int devnull = open("/dev/null", O_WRONLY);
            dup2(devnull, 2);
            execl(TAAFI_BIN, TAAFI_BIN, "run", proj, "-o", path, "--overwrite", "-q", (char *)NULL);
            _exit(127);
        }
    }
    for (k = 0; k < 2; k++) {
        assert_int_equal(waitpid(pid[k], &status, 0), pid[k]);
        assert_true(WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 1));
    }
    snprintf(path, sizeof path, "%s/both/areas.csv", e->dir);
    got = tt_read(path, NULL);
    assert_non_null(got);
    assert_string_equal(got, one);
    free(got);
    {
        /* every file the manifest lists is there, with its size */
        char *m, *at, file[2048];
        int files = 0;
        snprintf(path, sizeof path, "%s/both/taafi-run.json", e->dir);
        m = tt_read(path, NULL);
        assert_non_null(m);
        for (at = strstr(m, "\"path\""); at; at = strstr(at + 1, "\"path\"")) {
            char name[1024];
            long long bytes;
            struct stat sb;
            assert_int_equal(sscanf(at, "\"path\": \"%1023[^\"]\", \"bytes\": %lld", name, &bytes), 2);
            snprintf(file, sizeof file, "%s/both/%s", e->dir, name);
            assert_int_equal(stat(file, &sb), 0);
            assert_int_equal((long long)sb.st_size, bytes);
            files++;
        }
        assert_true(files >= 5);
        free(m);
    }
    assert_int_equal(tmp_files(e->dir), 0);
    free(one);
    free(proj);
}

/* An area whose ring is one point repeated (issue 16, 10: UBSan saw a NULL
 * handed to qsort, and the plain build said "repaired" of an area of
 * 0 km²): kept with 0 km², said to have no area, a density NULL. */
static void test_degenerate_area(void **state)
{
    tt_env *e = *state;
    taafi_result *r;
    taafi_project *p;
    taafi_status st;
    char *path = tt_write(e->dir, "rep.geojson",
                          "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
                          "{\"code\":\"A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[36.70,34.70],"
                          "[36.71,34.70],[36.71,34.71],[36.70,34.71],[36.70,34.70]]]}},{\"type\":\"Feature\","
                          "\"properties\":{\"code\":\"Z\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":"
                          "[[[36.75,34.75],[36.75,34.75],[36.75,34.75],[36.75,34.75]]]}}]}");
    free(path);
    st = run(e,
             "areas: {source: rep.geojson, id: code}\nlayers: {pts: {source: '%1$s/swapped.geojson'}}\n"
             "indicators: [{id: km2, type: area}, {id: n, type: count, layer: pts, density: true}]\n",
             &r, &p);
    if (st)
        fail_msg("%s", taafi_ctx_message(e->ctx));
    assert_true(tt_value(r, "km2", 0) > 1);
    assert_double_equal(tt_value(r, "km2", 1), 0, 0);
    assert_true(isnan(tt_value(r, "n_per_km2", 1)));
    assert_int_equal(count_notes(r, "invalid polygon"), 1);
    {
        size_t i;
        int said = 0;
        for (i = 0; i < taafi_result_issue_count(r); i++) {
            const char *action;
            taafi_result_issue(r, i, NULL, NULL, NULL, &action);
            said += action && strstr(action, "no area is left once repaired") != NULL;
        }
        assert_int_equal(said, 1);
    }
    done(r, p);
}

/* Ctrl-C in a batch stops the batch: the project running stops cleanly,
 * those after it do not start, and the summary says so. */
static void test_ctrl_c_batch(void **state)
{
    tt_env *e = *state;
    char path[2048], *proj = project_file(), *text, *err;
    const char *names[] = {"a.yml", "b.yml", "c.yml"};
    int fds[2], status;
    size_t n = 0, cap = 1 << 16;
    pid_t pid;
    /* three copies of the example; its paths (../data/...) resolve
     * through a link to the source tree's data */
    snprintf(path, sizeof path, "%s/data", tt_source_dir());
    {
        char link[2048];
        snprintf(link, sizeof link, "%s/data", e->dir);
        assert_int_equal(symlink(path, link), 0);
    }
    snprintf(path, sizeof path, "%s/batch", e->dir);
    assert_int_equal(mkdir(path, 0777), 0);
    text = tt_read(proj, NULL);
    for (size_t i = 0; i < 3; i++)
        free(tt_write(path, names[i], text));
    free(text);
    assert_int_equal(pipe(fds), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char out[2048];
        snprintf(out, sizeof out, "%s/out", e->dir);
        dup2(fds[1], 2);
        close(fds[0]);
        execl(TAAFI_BIN, TAAFI_BIN, "run", path, "-o", out, "--jobs", "1", (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    err = malloc(cap);
    for (;;) { /* the first project's first line: it has started */
        ssize_t got = read(fds[0], err + n, cap - n - 1);
        assert_true(got > 0);
        n += (size_t)got;
        err[n] = '\0';
        if (strchr(err, '\n'))
            break;
    }
    kill(pid, SIGINT);
    for (;;) {
        ssize_t got;
        if (n + 4096 > cap)
            err = realloc(err, cap *= 2);
        if ((got = read(fds[0], err + n, cap - n - 1)) <= 0)
            break;
        n += (size_t)got;
    }
    err[n] = '\0';
    close(fds[0]);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    if (WEXITSTATUS(status) != 130 || !strstr(err, "c.yml") ||
        !strstr(strstr(err, "c.yml"), "not run: interrupted before it started"))
        fail_msg("exit %d; stderr:\n%s", WEXITSTATUS(status), err);
    snprintf(path, sizeof path, "%s/out/c", e->dir);
    assert_false(tt_exists(path));
    assert_int_equal(tmp_files(e->dir), 0);
    free(err);
    free(proj);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_missing_and_unreadable, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_missing_crs, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_mixed_crs, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_csv_points, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_multipart_and_curves, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_overlaps, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_overlaps_threads, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_swapped, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_encodings, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_csv_encodings, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_output, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_disk_full, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_ctrl_c_batch, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_inputs_untouched, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_outputs_never_replace_inputs, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_endless_sql, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_slow_filter, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_raster_budget, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_cut_short, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_zero_length, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_vsizip, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_column_clashes, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_hostile_sql, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_odd_layers, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_output_folders, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_degenerate_area, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
