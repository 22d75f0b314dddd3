/*
 * Oracle for distances along the streets: for each area of the bundled
 * example, the distance from its point on surface to the nearest working
 * water point and clinic along the open streets, which taafi writes as
 * <id>_point_dist, is computed again by SpatiaLite: its VirtualShape reads
 * the shapefiles, ST_Transform takes them to UTM 37N, CreateRoutingNodes
 * numbers the street ends, and VirtualRouting (its own Dijkstra) gives the
 * costs between street ends; the joins (nearest open street, the straight
 * leg, the position along it) come from ST_Distance and
 * ST_Line_Locate_Point.  It shares no code with taafi's noding, grid of
 * buckets or router.
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
             "CREATE VIRTUAL TABLE shp_svc USING VirtualShape('%1$s/data/shapefiles/services', 'UTF-8', 4326);"
             "CREATE VIRTUAL TABLE shp_st USING VirtualShape('%1$s/data/shapefiles/streets', 'UTF-8', 4326);"
             "ATTACH '%2$s/recovery.gpkg' AS out;",
             tt_source_dir(), f->dir);
    tt_exec(f->db, sql);
    /* the open streets (the example closes passable = 'no'), numbered */
    tt_exec(f->db, "CREATE TABLE roads (id INTEGER PRIMARY KEY);"
                   "SELECT AddGeometryColumn('roads', 'g', 32637, 'LINESTRING', 'XY');"
                   "INSERT INTO roads (g) SELECT CastToLinestring(ST_Transform(Geometry, 32637)) FROM shp_st "
                   " WHERE passable <> 'no';"
                   "SELECT CreateRoutingNodes(NULL, 'roads', 'g', 'nf', 'nt');"
                   "SELECT CreateRouting('r_data', 'r_net', 'roads', 'nf', 'nt', 'g', NULL, NULL, 0, 1, NULL, NULL, 1);"
                   "CREATE TABLE pts (what TEXT, id TEXT, x DOUBLE, y DOUBLE);"
                   "INSERT INTO pts SELECT 'area', nbhd_id, ST_X(p), ST_Y(p) FROM (SELECT nbhd_id, "
                   " ST_PointOnSurface(ST_Transform(Geometry, 32637)) AS p FROM shp_nb);"
                   "INSERT INTO pts SELECT kind, rowid, ST_X(p), ST_Y(p) FROM (SELECT rowid, kind, "
                   " ST_Transform(Geometry, 32637) AS p FROM shp_svc WHERE status IN ('functioning', 'partial'));");
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM roads WHERE nf IS NULL OR nt IS NULL") == 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (!f)
        return 0;
    sqlite3_close(f->db);
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

/* Where a place joins the open streets: its nearest street. */
typedef struct join {
    long nf, nt;
    double t, len, leg;
    long road;
} join;

static join join_of(sqlite3 *db, double x, double y)
{
    sqlite3_stmt *st;
    join j = {0};
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT id, nf, nt, ST_Line_Locate_Point(g, MakePoint(%.6f, %.6f, 32637)), ST_Length(g), "
             "ST_Distance(g, MakePoint(%.6f, %.6f, 32637)) AS d FROM roads ORDER BY d, id LIMIT 1",
             x, y, x, y);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    j.road = sqlite3_column_int64(st, 0);
    j.nf = sqlite3_column_int64(st, 1), j.nt = sqlite3_column_int64(st, 2);
    j.t = sqlite3_column_double(st, 3), j.len = sqlite3_column_double(st, 4), j.leg = sqlite3_column_double(st, 5);
    sqlite3_finalize(st);
    return j;
}

/* The cost from node a to node b along the open streets (VirtualRouting). */
static double cost(sqlite3 *db, long a, long b)
{
    char sql[160];
    double c;
    if (a == b)
        return 0;
    snprintf(sql, sizeof sql, "SELECT Cost FROM r_net WHERE NodeFrom = %ld AND NodeTo = %ld", a, b);
    c = tt_sql_double(db, sql);
    return isnan(c) ? INFINITY : c;
}

/* The distance along the open streets between two joined places. */
static double between(sqlite3 *db, const join *f, const join *p)
{
    long fn[2] = {f->nf, f->nt}, pn[2] = {p->nf, p->nt};
    double fpart[2] = {f->t * f->len, (1 - f->t) * f->len}, ppart[2] = {p->t * p->len, (1 - p->t) * p->len};
    double best = INFINITY;
    int a, b;
    for (a = 0; a < 2; a++)
        for (b = 0; b < 2; b++)
            best = fmin(best, fpart[a] + cost(db, fn[a], pn[b]) + ppart[b]);
    if (f->road == p->road)
        best = fmin(best, fabs(f->t - p->t) * f->len);
    return best + f->leg + p->leg;
}

/* Every area's distance to the nearest facility of `kind` along the open
 * streets against taafi's column `column`. */
static void compare_kind(fixture *f, const char *kind, const char *column)
{
    sqlite3_stmt *st;
    join fac[64], area;
    size_t n = 0, k, areas = 0;
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT x, y FROM pts WHERE what = '%s' ORDER BY CAST(id AS INTEGER)", kind);
    assert_int_equal(sqlite3_prepare_v2(f->db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW && n < 64)
        fac[n++] = join_of(f->db, sqlite3_column_double(st, 0), sqlite3_column_double(st, 1));
    sqlite3_finalize(st);
    assert_true(n > 3);
    snprintf(sql, sizeof sql, "SELECT p.id, p.x, p.y, a.%s FROM pts p JOIN out.areas a ON a.nbhd_id = p.id "
                              "WHERE p.what = 'area' ORDER BY p.id", column);
    assert_int_equal(sqlite3_prepare_v2(f->db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        double want = INFINITY, got = sqlite3_column_double(st, 3);
        area = join_of(f->db, sqlite3_column_double(st, 1), sqlite3_column_double(st, 2));
        for (k = 0; k < n; k++)
            want = fmin(want, between(f->db, &fac[k], &area));
        if (!isfinite(want))
            assert_int_equal(sqlite3_column_type(st, 3), SQLITE_NULL);
        else if (sqlite3_column_type(st, 3) == SQLITE_NULL || fabs(got - want) > 1e-3)
            fail_msg("%s %s: taafi %.6f m, SpatiaLite %.6f m", sqlite3_column_text(st, 0), column, got, want);
        areas++;
    }
    sqlite3_finalize(st);
    assert_int_equal(areas, 20);
}

static void test_water_along_streets(void **state) { compare_kind(*state, "water_point", "water_street_point_dist"); }

static void test_clinics_along_streets(void **state) { compare_kind(*state, "clinic", "clinic_street_point_dist"); }

/* No distance along the streets is shorter than the straight one (the
 * straight coverage's nearest_distance is to the same water points). */
static void test_never_shorter_than_straight(void **state)
{
    fixture *f = *state;
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.areas WHERE water_street_point_dist IS NOT NULL") ==
                20);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.areas WHERE water_street_point_dist < "
                                     "water_distance - 1e-9") == 0);
    assert_true(tt_sql_double(f->db, "SELECT count(*) FROM out.areas WHERE water_street_pop_pct > water_pop_pct "
                                     "+ 1e-9 OR water_street_mean_dist < water_mean_dist - 1e-9") == 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_water_along_streets),
        cmocka_unit_test(test_clinics_along_streets),
        cmocka_unit_test(test_never_shorter_than_straight),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
