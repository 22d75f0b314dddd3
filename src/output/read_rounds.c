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

taafi_status tf_rounds_load(taafi_ctx *ctx, const char *gpkg, tf_rounds_stored *out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    taafi_status s = TAAFI_OK;
    char **cols = NULL;
    int *is_int = NULL;
    size_t n_cols = 0, i;
    memset(out, 0, sizeof *out);
    if (sqlite3_open_v2(gpkg, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        s = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open the earlier result: %s; run all rounds (without --round)",
                     gpkg, db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    /* the value columns of area_rounds, in order: all but the fixed ones
     * (and GDAL's fid) */
    if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info('" TF_AREA_ROUNDS "') ORDER BY cid", -1,
                           &st, NULL) != SQLITE_OK) {
        s = tf_error(ctx, TAAFI_ERR_IO, "%s: %s", gpkg, sqlite3_errmsg(db));
        goto done;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0), *type = (const char *)sqlite3_column_text(st, 1);
        if (!strcmp(name, "fid") || fixed_column(name))
            continue;
        cols = realloc(cols, (n_cols + 1) * sizeof *cols);
        is_int = realloc(is_int, (n_cols + 1) * sizeof *is_int);
        if (!cols || !is_int || !(cols[n_cols] = tf_strdup(name))) {
            s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        is_int[n_cols++] = type && (strstr(type, "INT") != NULL);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (!n_cols) {
        s = tf_error(ctx, TAAFI_ERR_DATA, "%s: holds no area_rounds table; run all rounds (without --round)", gpkg);
        goto done;
    }
    /* rows, round by round in the order written */
    {
        tf_buf q = {0};
        tf_buf_printf(&q, "SELECT");
        for (i = 0; i < TF_AR_N_FIXED; i++)
            tf_buf_printf(&q, "%s \"%s\"", i ? "," : "", tf_area_rounds_fixed[i]);
        for (i = 0; i < n_cols; i++)
            tf_buf_printf(&q, ", \"%s\"", cols[i]);
        tf_buf_printf(&q, " FROM " TF_AREA_ROUNDS " ORDER BY fid");
        if (sqlite3_prepare_v2(db, q.s, -1, &st, NULL) != SQLITE_OK) {
            tf_buf_free(&q);
            s = tf_error(ctx, TAAFI_ERR_IO, "%s: %s", gpkg, sqlite3_errmsg(db));
            goto done;
        }
        tf_buf_free(&q);
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *rname = (const char *)sqlite3_column_text(st, TF_AR_ROUND);
        tf_round_rows *rr = NULL;
        size_t k;
        for (k = 0; k < out->n; k++)
            if (!strcmp(out->rounds[k].name, rname))
                rr = &out->rounds[k];
        if (!rr) {
            tf_round_rows *v = realloc(out->rounds, (out->n + 1) * sizeof *v);
            if (!v) {
                s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                goto done;
            }
            out->rounds = v;
            rr = &out->rounds[out->n++];
            memset(rr, 0, sizeof *rr);
            rr->name = col_text(st, TF_AR_ROUND);
            rr->date = col_text(st, TF_AR_DATE);
            rr->started = col_text(st, TF_AR_COMPUTED);
            rr->n_cols = n_cols;
            rr->col = calloc(n_cols, sizeof *rr->col);
            rr->is_int = calloc(n_cols, sizeof *rr->is_int);
            if (!rr->col || !rr->is_int) {
                s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                goto done;
            }
            for (i = 0; i < n_cols; i++) {
                rr->col[i] = tf_strdup(cols[i]);
                rr->is_int[i] = is_int[i];
            }
        }
        rr->id = realloc(rr->id, (rr->n_areas + 1) * sizeof *rr->id);
        rr->geom_sha = realloc(rr->geom_sha, (rr->n_areas + 1) * sizeof *rr->geom_sha);
        rr->v = realloc(rr->v, (rr->n_areas + 1) * n_cols * sizeof *rr->v);
        if (!rr->id || !rr->geom_sha || !rr->v) {
            s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        rr->id[rr->n_areas] = col_text(st, TF_AR_AREA_ID);
        rr->geom_sha[rr->n_areas] = col_text(st, TF_AR_GEOM_SHA);
        for (i = 0; i < n_cols; i++)
            rr->v[rr->n_areas * n_cols + i] =
                sqlite3_column_type(st, TF_AR_N_FIXED + (int)i) == SQLITE_NULL
                    ? NAN
                    : sqlite3_column_double(st, TF_AR_N_FIXED + (int)i);
        rr->n_areas++;
    }
    sqlite3_finalize(st);
    st = NULL;
    /* provenance and signatures of the rounds */
    if (sqlite3_prepare_v2(db,
                           "SELECT item, name, value, sha256 FROM run WHERE item IN ('" TF_RUN_ITEM_ROUND
                           "', '" TF_RUN_ITEM_INPUT "', '" TF_RUN_ITEM_ROUND_TIME "') ORDER BY fid",
                           -1, &st, NULL) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            char **v = realloc(out->run_rows, 4 * (out->n_run_rows + 1) * sizeof *v);
            if (!v) {
                s = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                goto done;
            }
            out->run_rows = v;
            for (i = 0; i < 4; i++)
                v[4 * out->n_run_rows + i] = col_text(st, (int)i);
            out->n_run_rows++;
            if (!strcmp((const char *)sqlite3_column_text(st, 0), TF_RUN_ITEM_ROUND)) {
                size_t k;
                for (k = 0; k < out->n; k++)
                    if (!strcmp(out->rounds[k].name, (const char *)sqlite3_column_text(st, 1)) && !out->rounds[k].sig)
                        out->rounds[k].sig = col_text(st, 3);
            }
        }
    }
done:
    if (st)
        sqlite3_finalize(st);
    if (db)
        sqlite3_close(db);
    for (i = 0; i < n_cols; i++)
        free(cols[i]);
    free(cols);
    free(is_int);
    if (s)
        tf_rounds_stored_free(out);
    return s;
}

