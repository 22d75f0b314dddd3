/* read_rounds.c: the rounds an earlier run stored in its GeoPackage, read
 * back through the column names that wrote them (rounds/rounds.h:
 * tf_area_rounds_fixed, TF_RUN_ITEM_*). */
#include "writers.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static int fixed_column(const char *name)
{
    for (int i = 0; i < TF_AR_N_FIXED; i++)
        if (!strcmp(name, tf_area_rounds_fixed[i]))
            return 1;
    return 0;
}

static char *col_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? tf_strdup((const char *)t) : NULL;
}

/* The value columns of area_rounds, in their order. */
typedef struct value_cols {
    char **name;
    int *is_int;
    size_t n;
} value_cols;

static void value_cols_free(value_cols *c)
{
    for (size_t i = 0; i < c->n; i++)
        tf_free(c->name[i]);
    tf_free(c->name);
    tf_free(c->is_int);
}

/* All the columns of area_rounds but the fixed ones (and GDAL's fid). */
static taafi_status read_columns(taafi_ctx *ctx, sqlite3 *db, const char *gpkg, value_cols *c)
{
    sqlite3_stmt *st = NULL;
    taafi_status s = TAAFI_OK;
    if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info('" TF_AREA_ROUNDS "') ORDER BY cid", -1,
                           &st, NULL) != SQLITE_OK)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: %s", gpkg, sqlite3_errmsg(db));
    while (!s && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0), *type = (const char *)sqlite3_column_text(st, 1);
        char **names;
        int *ints;
        if (!name || !strcmp(name, "fid") || fixed_column(name))
            continue;
        names = tf_realloc(c->name, (c->n + 1) * sizeof *names);
        if (names)
            c->name = names;
        ints = tf_realloc(c->is_int, (c->n + 1) * sizeof *ints);
        if (ints)
            c->is_int = ints;
        if (!names || !ints || !(c->name[c->n] = tf_strdup(name)))
            s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        else
            c->is_int[c->n++] = type && (strstr(type, "INT") != NULL);
    }
    sqlite3_finalize(st);
    if (!s && !c->n)
        s = tf_error(ctx, TAAFI_ERR_DATA, "%s: holds no area_rounds table; run all rounds (without --round)", gpkg);
    return s;
}

/* The rows of round `name` in out, made at its first row (st). */
static tf_round_rows *round_of(tf_rounds_stored *out, sqlite3_stmt *st, const char *name, const value_cols *c)
{
    tf_round_rows *rr, *v;
    size_t k;
    for (k = 0; k < out->n; k++)
        if (!strcmp(out->rounds[k].name, name))
            return &out->rounds[k];
    if (!(v = tf_realloc(out->rounds, (out->n + 1) * sizeof *v)))
        return NULL;
    out->rounds = v;
    rr = &out->rounds[out->n++];
    memset(rr, 0, sizeof *rr);
    rr->name = col_text(st, TF_AR_ROUND);
    rr->date = col_text(st, TF_AR_DATE);
    rr->started = col_text(st, TF_AR_COMPUTED);
    rr->col = tf_calloc(c->n, sizeof *rr->col);
    rr->is_int = tf_calloc(c->n, sizeof *rr->is_int);
    if (!rr->name || !rr->col || !rr->is_int)
        return NULL;
    for (k = 0; k < c->n; k++) {
        if (!(rr->col[k] = tf_strdup(c->name[k])))
            return NULL;
        rr->is_int[k] = c->is_int[k];
        rr->n_cols = k + 1;
    }
    return rr;
}

/* One row of area_rounds (st) added to its round. */
static int add_row(tf_rounds_stored *out, sqlite3_stmt *st, const char *name, const value_cols *c)
{
    tf_round_rows *rr = round_of(out, st, name, c);
    char **id, **sha;
    double *v;
    if (!rr)
        return -1;
    id = tf_realloc(rr->id, (rr->n_areas + 1) * sizeof *id);
    if (id)
        rr->id = id;
    sha = tf_realloc(rr->geom_sha, (rr->n_areas + 1) * sizeof *sha);
    if (sha)
        rr->geom_sha = sha;
    v = tf_realloc(rr->v, (rr->n_areas + 1) * (c->n ? c->n : 1) * sizeof *v);
    if (v)
        rr->v = v;
    if (!id || !sha || !v)
        return -1;
    rr->id[rr->n_areas] = col_text(st, TF_AR_AREA_ID);
    rr->geom_sha[rr->n_areas] = col_text(st, TF_AR_GEOM_SHA);
    for (size_t i = 0; i < c->n; i++)
        rr->v[rr->n_areas * c->n + i] = sqlite3_column_type(st, TF_AR_N_FIXED + (int)i) == SQLITE_NULL
                                            ? NAN
                                            : sqlite3_column_double(st, TF_AR_N_FIXED + (int)i);
    rr->n_areas++;
    return 0;
}

/* The rows, round by round in the order written. */
static taafi_status read_rows(taafi_ctx *ctx, sqlite3 *db, const char *gpkg, const value_cols *c,
                              tf_rounds_stored *out)
{
    sqlite3_stmt *st = NULL;
    tf_buf q = {0};
    size_t i;
    taafi_status s = TAAFI_OK;
    tf_buf_printf(&q, "SELECT");
    for (i = 0; i < TF_AR_N_FIXED; i++)
        tf_buf_printf(&q, "%s \"%s\"", i ? "," : "", tf_area_rounds_fixed[i]);
    for (i = 0; i < c->n; i++)
        tf_buf_printf(&q, ", \"%s\"", c->name[i]);
    tf_buf_printf(&q, " FROM " TF_AREA_ROUNDS " ORDER BY fid");
    if (q.failed || sqlite3_prepare_v2(db, q.s, -1, &st, NULL) != SQLITE_OK)
        s = q.failed ? tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory")
                     : tf_error(ctx, TAAFI_ERR_IO, "%s: %s", gpkg, sqlite3_errmsg(db));
    tf_buf_free(&q);
    while (!s && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, TF_AR_ROUND);
        if (!name)
            s = tf_error(ctx, TAAFI_ERR_DATA, "%s: a row of area_rounds names no round; run all rounds (without "
                                              "--round)", gpkg);
        else if (add_row(out, st, name, c))
            s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if (st)
        sqlite3_finalize(st);
    return s;
}

/* The rounds' rows of the run table (provenance), and each round's
 * definitions signature from its "round" row. */
static taafi_status read_run_rows(taafi_ctx *ctx, sqlite3 *db, tf_rounds_stored *out)
{
    sqlite3_stmt *st = NULL;
    taafi_status s = TAAFI_OK;
    if (sqlite3_prepare_v2(db,
                           "SELECT item, name, value, sha256 FROM run WHERE item IN ('" TF_RUN_ITEM_ROUND
                           "', '" TF_RUN_ITEM_INPUT "', '" TF_RUN_ITEM_ROUND_TIME "') ORDER BY fid",
                           -1, &st, NULL) != SQLITE_OK)
        return TAAFI_OK; /* no run table: no provenance to keep */
    while (!s && sqlite3_step(st) == SQLITE_ROW) {
        const char *item = (const char *)sqlite3_column_text(st, 0), *name = (const char *)sqlite3_column_text(st, 1);
        char **v = tf_realloc(out->run_rows, 4 * (out->n_run_rows + 1) * sizeof *v);
        size_t i, k;
        if (!v) {
            s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            break;
        }
        out->run_rows = v;
        for (i = 0; i < 4; i++)
            v[4 * out->n_run_rows + i] = col_text(st, (int)i);
        out->n_run_rows++;
        if (item && name && !strcmp(item, TF_RUN_ITEM_ROUND))
            for (k = 0; k < out->n; k++)
                if (!strcmp(out->rounds[k].name, name) && !out->rounds[k].sig)
                    out->rounds[k].sig = col_text(st, 3);
    }
    sqlite3_finalize(st);
    return s;
}

taafi_status tf_rounds_load(taafi_ctx *ctx, const char *gpkg, tf_rounds_stored *out)
{
    sqlite3 *db = NULL;
    value_cols cols = {0};
    taafi_status s;
    memset(out, 0, sizeof *out);
    if (sqlite3_open_v2(gpkg, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        s = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open the earlier result: %s; run all rounds (without --round)",
                     gpkg, db ? sqlite3_errmsg(db) : "out of memory");
    else if (!(s = read_columns(ctx, db, gpkg, &cols)) && !(s = read_rows(ctx, db, gpkg, &cols, out)))
        s = read_run_rows(ctx, db, out);
    if (db)
        sqlite3_close(db);
    value_cols_free(&cols);
    if (s)
        tf_rounds_stored_free(out);
    return s;
}
