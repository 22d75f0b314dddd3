/*
 * support.h: helpers shared by the tests: temporary folders, fixture files,
 * running the CLI, and an independent SpatiaLite connection for oracles.
 * Every helper fails the running cmocka test on error.
 */
#ifndef TAAFI_TEST_SUPPORT_H
#define TAAFI_TEST_SUPPORT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "taafi.h"

/* Fails unless |a - b| <= tol, printing both values in full. */
#define assert_double_equal(a, b, tol) tt_assert_near((a), (b), (tol), #a, __FILE__, __LINE__)
void tt_assert_near(double a, double b, double tol, const char *expr, const char *file, int line);

/* A new empty folder under $TMPDIR (or /tmp).  Free with tt_rmrf(). */
char *tt_tmpdir(void);
/* Removes a folder and everything in it, then frees the string. */
void tt_rmrf(char *dir);
/* "dir/name", malloc'd. */
char *tt_path(const char *dir, const char *name);
/* Writes `text` to dir/name (made), returns the path (malloc'd). */
char *tt_write(const char *dir, const char *name, const char *text);
/* Whole file into a NUL-terminated malloc'd buffer; *len if not NULL. */
char *tt_read(const char *path, size_t *len);
/* Whether a path exists. */
int tt_exists(const char *path);

/* Runs a shell command, capturing stdout into *out and stderr into *err
 * (either may be NULL), and returns its exit status. */
int tt_run(const char *cmd, char **out, char **err);

/* The repository's top folder (set by CMake as TAAFI_SOURCE_DIR). */
const char *tt_source_dir(void);

/* An in-memory SQLite with SpatiaLite loaded and its metadata initialised:
 * an oracle that shares no code with taafi (SpatiaLite reads shapefiles
 * itself through VirtualShape, and transforms through its own PROJ calls). */
sqlite3 *tt_spatialite(void);
/* Runs SQL that returns nothing. */
void tt_exec(sqlite3 *db, const char *sql);
/* The first column of the first row as a double (NaN if NULL). */
double tt_sql_double(sqlite3 *db, const char *sql);
/* ... as text (malloc'd, NULL if NULL). */
char *tt_sql_text(sqlite3 *db, const char *sql);
/* An in-memory SQLite holding `json` (len bytes; -1: up to its NUL) as
 * column j of the one row of `table`, for SQLite's JSON functions to
 * check a document with.  The caller closes it. */
sqlite3 *tt_json_db(const char *table, const char *json, int len);


/* The small fixture of unit tests, in EPSG:32637 (metres), made in `dir`:
 * areas.geojson: A1 = square [500000,500100] x [3840000,3840100] and
 *                B2 = the square east of it (they share the edge x=500100);
 * points.geojson: ten damage features (see support.c for each one);
 * project.yml:   area + count of points by class, with density and percent.
 * Returns the project file's path (malloc'd). */
char *tt_fixture(const char *dir);

/* The value of column `name` for area `row` of a result; NaN when NULL.
 * Fails the test if there is no such column. */
double tt_value(const taafi_result *r, const char *name, size_t row);

/* The commonest fixture: a fresh folder and a context.  Use as cmocka
 * setup/teardown; *state is a tt_env *. */
typedef struct tt_env {
    char *dir;
    taafi_ctx *ctx;
} tt_env;
int tt_env_setup(void **state);
int tt_env_teardown(void **state);

#endif
