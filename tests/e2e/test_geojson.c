/* areas.geojson of the example is valid RFC 7946: checked with SQLite's
 * JSON functions and plain byte scanning, not with GDAL, which wrote it. */
#include "support.h"

#include "core/core.h"
#include "example.h"

#include <math.h>
#include <string.h>

typedef struct fixture {
    char *dir, *json;
    size_t len;
    sqlite3 *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *path;
    f->dir = tt_tmpdir();
    tt_run_example(f->dir);
    path = tt_path(f->dir, "areas.geojson");
    f->json = tt_read(path, &f->len);
    free(path);
    /* test_coverage_files, last, replaces the document */
    f->db = tt_json_db("doc", f->json, (int)f->len);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    if (!*state)
        return 0;
    fixture *f = *state;
    sqlite3_close(f->db);
    free(f->json);
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

static int valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = s[i];
        size_t k = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 99;
        if (k == 99 || i + k >= n)
            return 0;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return 0;
        i += k + 1;
    }
    return 1;
}

static void test_structure(void **state)
{
    fixture *f = *state;
    assert_true(valid_utf8((const unsigned char *)f->json, f->len));
    assert_false(f->len >= 3 && !memcmp(f->json, "\xEF\xBB\xBF", 3)); /* no BOM */
    assert_true(tt_sql_double(f->db, "SELECT json_valid(j) FROM doc") == 1);
    assert_true(tt_sql_double(f->db, "SELECT json_extract(j, '$.type') = 'FeatureCollection' FROM doc") == 1);
    /* RFC 7946 removed "crs": coordinates are WGS 84 lon/lat by definition */
    assert_true(tt_sql_double(f->db, "SELECT json_type(j, '$.crs') IS NULL FROM doc") == 1);
    assert_true(tt_sql_double(f->db, "SELECT json_array_length(j, '$.features') FROM doc") == 20);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM doc, json_each(j, '$.features') f WHERE "
                                     "json_extract(f.value, '$.geometry.type') IN ('Polygon', 'MultiPolygon') "
                                     "AND json_extract(f.value, '$.type') = 'Feature'") == 20);
}

/* Every position is [lon, lat] near Homs (36.7 E, 34.7 N): had the order
 * been swapped, the first number would be near 34.7. */
/* Rings of every feature, whether its geometry is a Polygon or a
 * MultiPolygon: (feature, polygon, ring index, ring as JSON). */
#define RINGS                                                                                                      \
    "WITH polys AS (SELECT f.key AS fk, CASE json_extract(f.value, '$.geometry.type') WHEN 'Polygon' THEN "       \
    " json_array(json_extract(f.value, '$.geometry.coordinates')) ELSE "                                           \
    " json_extract(f.value, '$.geometry.coordinates') END AS mp FROM doc, json_each(j, '$.features') f), "         \
    "rings AS (SELECT fk, p.key AS pk, r.key AS rk, r.value AS ring FROM polys, json_each(mp) p, "                \
    " json_each(p.value) r) "

static void test_lonlat(void **state)
{
    fixture *f = *state;
    static const char *const q =
        RINGS ", pos AS (SELECT json_extract(pt.value, '$[0]') AS x, json_extract(pt.value, '$[1]') AS y, "
        " json_array_length(pt.value) AS n FROM rings, json_each(ring) pt) "
        "SELECT count(*) FROM pos WHERE n = 2 AND x BETWEEN 36.70 AND 36.80 AND y BETWEEN 34.70 AND 34.77";
    double good = tt_sql_double(f->db, q);
    double all = tt_sql_double(f->db, RINGS "SELECT count(*) FROM rings, json_each(ring) pt");
    assert_true(all > 20 * 20);
    assert_true(good == all);
}

/* Exterior rings counter-clockwise, holes clockwise (right-hand rule),
 * by the shoelace formula. */
static void test_winding(void **state)
{
    fixture *f = *state;
    sqlite3_stmt *st;
    int rings = 0;
    assert_int_equal(sqlite3_prepare_v2(f->db, RINGS "SELECT rk, ring FROM rings", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        int hole = sqlite3_column_int(st, 0) > 0;
        sqlite3_stmt *pts;
        double sum = 0, x0 = 0, y0 = 0, px = 0, py = 0;
        int n = 0;
        assert_int_equal(sqlite3_prepare_v2(f->db,
                                            "SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') "
                                            "FROM json_each(?) ORDER BY key",
                                            -1, &pts, NULL),
                         SQLITE_OK);
        sqlite3_bind_value(pts, 1, sqlite3_column_value(st, 1));
        while (sqlite3_step(pts) == SQLITE_ROW) {
            double x = sqlite3_column_double(pts, 0), y = sqlite3_column_double(pts, 1);
            if (n++ == 0)
                x0 = x, y0 = y;
            else
                sum += px * y - x * py;
            px = x, py = y;
        }
        sqlite3_finalize(pts);
        assert_true(n >= 4);
        assert_true(px == x0 && py == y0); /* closed */
        if (hole ? sum >= 0 : sum <= 0)
            fail_msg("ring %d has the wrong winding (signed area %g)", rings, sum / 2);
        rings++;
    }
    sqlite3_finalize(st);
    assert_true(rings >= 20);
}

/* At most 7 decimals in every coordinate (about 1 cm). */
static void test_precision(void **state)
{
    fixture *f = *state;
    const char *s = f->json;
    int numbers = 0;
    while ((s = strstr(s, "\"coordinates\""))) {
        const char *end = strchr(s, '}');
        assert_non_null(end);
        for (; s < end; s++) {
            if (*s == '.') {
                int digits = 0;
                for (s++; *s >= '0' && *s <= '9'; s++)
                    digits++;
                if (digits > 7)
                    fail_msg("a coordinate with %d decimals near: %.40s", digits, s - digits - 4);
                numbers++;
            }
        }
    }
    assert_true(numbers > 800);
}

/* Arabic names byte for byte as in the shapefile, read by SpatiaLite's own
 * shapefile reader (VirtualShape), not GDAL. */
static void test_arabic_names(void **state)
{
    fixture *f = *state;
    sqlite3 *sl = tt_spatialite();
    sqlite3_stmt *st;
    char sql[1024];
    int n = 0;
    snprintf(sql, sizeof sql,
             "CREATE VIRTUAL TABLE nb USING VirtualShape('%s/data/shapefiles/neighbourhoods', 'UTF-8', 4326)",
             tt_source_dir());
    tt_exec(sl, sql);
    assert_int_equal(sqlite3_prepare_v2(sl, "SELECT nbhd_id, name_ar FROM nb", -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *id = (const char *)sqlite3_column_text(st, 0);
        const void *want = sqlite3_column_blob(st, 1);
        int want_len = sqlite3_column_bytes(st, 1);
        sqlite3_stmt *q;
        assert_int_equal(sqlite3_prepare_v2(f->db,
                                            "SELECT json_extract(f.value, '$.properties.name_ar') FROM doc, "
                                            "json_each(j, '$.features') f WHERE "
                                            "json_extract(f.value, '$.properties.nbhd_id') = ?",
                                            -1, &q, NULL),
                         SQLITE_OK);
        sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
        assert_int_equal(sqlite3_step(q), SQLITE_ROW);
        assert_int_equal(sqlite3_column_bytes(q, 0), want_len);
        assert_memory_equal(sqlite3_column_blob(q, 0), want, (size_t)want_len);
        assert_true((unsigned char)((const char *)want)[0] >= 0xD8); /* really Arabic script */
        sqlite3_finalize(q);
        n++;
    }
    sqlite3_finalize(st);
    assert_int_equal(n, 20);
    sqlite3_close(sl);
}

/* service_gaps.geojson and facilities.geojson: RFC 7946 too, one gap per
 * area and coverage indicator, positions in lon/lat near Homs. */
static void test_coverage_files(void **state)
{
    fixture *f = *state;
    static const char *const names[] = {"service_gaps.geojson", "facilities.geojson"};
    size_t i;
    for (i = 0; i < 2; i++) {
        char *path = tt_path(f->dir, names[i]), *text = tt_read(path, NULL);
        sqlite3_stmt *st;
        double n, bad;
        tt_exec(f->db, "DELETE FROM doc");
        assert_int_equal(sqlite3_prepare_v2(f->db, "INSERT INTO doc VALUES (?)", -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_finalize(st);
        assert_true(tt_sql_double(f->db, "SELECT json_valid(j) AND json_type(j, '$.crs') IS NULL FROM doc") == 1);
        n = tt_sql_double(f->db, "SELECT json_array_length(j, '$.features') FROM doc");
        if (i == 0)
            assert_true(n == 120); /* 20 areas x 6 coverage indicators (4 straight, 2 along streets) */
        else
            assert_true(n > 40);
        /* every number of every position within Homs's lon/lat box */
        bad = tt_sql_double(f->db, "SELECT count(*) FROM doc, json_tree(j, '$.features') t WHERE "
                                   "t.path LIKE '%coordinates%' AND t.type IN ('real', 'integer') AND NOT "
                                   "(t.atom BETWEEN 34.70 AND 34.77 OR t.atom BETWEEN 36.70 AND 36.80)");
        assert_true(bad == 0);
        assert_true(tt_sql_double(f->db, "SELECT count(*) FROM doc, json_tree(j, '$.features') t WHERE "
                                         "t.path LIKE '%coordinates%' AND t.type = 'real'") > 0);
        free(text);
        free(path);
    }
}

/* Areas more than 180 degrees of longitude apart, which GDAL's own
 * RFC7946=YES mode writes (it cuts geometries at the antimeridian): the
 * file keeps the same promises: no "crs", counter-clockwise exteriors, 7
 * decimals at most. */
static void test_far_apart(void **state)
{
    char *dir = tt_tmpdir(), *yml, *out, *path, *text;
    taafi_ctx *ctx;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    sqlite3 *db;
    const char *c;
    (void)state;
    free(tt_write(dir, "areas.geojson",
                  "{\"type\":\"FeatureCollection\",\"features\":["
                  "{\"type\":\"Feature\",\"properties\":{\"code\":\"W\"},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[-170,10],[-170,10.1],[-169.9,10.1],[-169.9,10],[-170,10]]]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"code\":\"E\"},\"geometry\":{\"type\":\"Polygon\","
                  "\"coordinates\":[[[170,10],[170,10.1],[170.1,10.1],[170.1,10],[170,10]]]}}]}\n"));
    yml = tt_write(dir, "p.yml",
                   "areas: {source: areas.geojson, id: code}\ncrs: EPSG:3857\n"
                   "indicators:\n  - {id: area_km2, type: area}\n");
    out = tt_path(dir, "out");
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    if (taafi_project_load(ctx, yml, &p) || taafi_run(ctx, p, &r) || taafi_result_write(ctx, r, out, 0))
        fail_msg("%s", taafi_ctx_message(ctx));
    path = tt_path(out, "areas.geojson");
    text = tt_read(path, NULL);
    db = tt_json_db("doc", text, -1);
    assert_true(tt_sql_double(db, "SELECT json_valid(j) AND json_type(j, '$.crs') IS NULL FROM doc") == 1);
    assert_true(tt_sql_double(db, "SELECT json_array_length(j, '$.features') FROM doc") == 2);
    /* each exterior ring counter-clockwise: twice its signed area > 0 */
    assert_true(tt_sql_double(db,
                              "WITH pts AS (SELECT f.key AS fk, CAST(p.key AS INTEGER) AS i, "
                              "json_extract(p.value, '$[0]') AS x, json_extract(p.value, '$[1]') AS y "
                              "FROM doc, json_each(j, '$.features') f, "
                              "json_each(json_extract(f.value, '$.geometry.coordinates[0]')) p) "
                              "SELECT count(*) FROM (SELECT a.fk, sum(a.x * b.y - b.x * a.y) AS s FROM pts a "
                              "JOIN pts b ON a.fk = b.fk AND b.i = a.i + 1 GROUP BY a.fk) WHERE s > 0") == 2);
    /* at most 7 decimals in the coordinates: each "coordinates" array up
     * to the end of its geometry object, scanned byte by byte */
    for (c = strstr(text, "\"coordinates\""); c; c = strstr(c, "\"coordinates\"")) {
        for (; *c && *c != '}'; c++)
            if (*c == '.') {
                int digits = 0;
                while (c[1] >= '0' && c[1] <= '9')
                    digits++, c++;
                assert_true(digits <= 7);
            }
    }
    sqlite3_close(db);
    free(text);
    free(path);
    free(out);
    free(yml);
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    tt_rmrf(dir);
}

/* The areas' GeoJSON written in pieces side by side (--jobs 3) is the
 * same bytes as written whole (1 thread), in GDAL's RFC7946=YES mode too
 * (areas more than 180 degrees apart), whatever that mode puts around the
 * features: twenty areas, ten near each side of the antimeridian. */
static void test_pieces_far_apart(void **state)
{
    char *dir = tt_tmpdir(), *yml, *docs[2];
    tf_buf areas = {0};
    size_t len[2];
    int t;
    (void)state;
    tf_buf_printf(&areas, "{\"type\":\"FeatureCollection\",\"features\":[");
    for (int k = 0; k < 20; k++) {
        double x0 = (k < 10 ? -170 : 169) + 0.1 * (k % 10), y0 = 10;
        tf_buf_printf(&areas,
                      "%s{\"type\":\"Feature\",\"properties\":{\"code\":\"A%02d\"},\"geometry\":"
                      "{\"type\":\"Polygon\",\"coordinates\":[[[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],[%.1f,%.1f],"
                      "[%.1f,%.1f]]]}}",
                      k ? "," : "", k, x0, y0, x0 + 0.1, y0, x0 + 0.1, y0 + 0.1, x0, y0 + 0.1, x0, y0);
    }
    tf_buf_printf(&areas, "]}\n");
    free(tt_write(dir, "areas.geojson", areas.s));
    yml = tt_write(dir, "p.yml",
                   "areas: {source: areas.geojson, id: code}\ncrs: EPSG:3857\n"
                   "indicators:\n  - {id: area_km2, type: area}\n");
    for (t = 0; t < 2; t++) {
        taafi_ctx *ctx;
        taafi_project *p = NULL;
        taafi_result *r = NULL;
        char *out = tt_path(dir, t ? "three" : "one"), *path;
        assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
        taafi_ctx_set_threads(ctx, t ? 3 : 1);
        if (taafi_project_load(ctx, yml, &p) || taafi_run(ctx, p, &r) || taafi_result_write(ctx, r, out, 0))
            fail_msg("%s", taafi_ctx_message(ctx));
        path = tt_path(out, "areas.geojson");
        docs[t] = tt_read(path, &len[t]);
        free(path);
        free(out);
        taafi_result_free(r);
        taafi_project_free(p);
        taafi_ctx_free(ctx);
    }
    assert_non_null(strstr(docs[0], "\"A19\""));
    assert_int_equal(len[0], len[1]);
    assert_memory_equal(docs[0], docs[1], len[0]);
    free(docs[0]);
    free(docs[1]);
    free(yml);
    tf_buf_free(&areas);
    tt_rmrf(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure), cmocka_unit_test(test_lonlat), cmocka_unit_test(test_winding),
        cmocka_unit_test(test_precision), cmocka_unit_test(test_arabic_names),
        cmocka_unit_test(test_coverage_files), cmocka_unit_test(test_far_apart),
        cmocka_unit_test(test_pieces_far_apart),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
