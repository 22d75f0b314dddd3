/*
 * derive.c: per-1,000-residents twins of counts, then expressions.
 *
 * Expressions are SQL, evaluated by SQLite over a private in-memory table
 * holding one row per area and one column per numeric result column, so
 * that ratios and combinations need no new C code.  Expressions may use
 * one another; they are evaluated in dependency order, and a name that is
 * neither a column nor another expression, or a cycle, is an error naming
 * the project-file line.
 */
#include "derive.h"
#include "families/indicator.h"

#include <ctype.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

static taafi_status per_1000(taafi_ctx *ctx, taafi_result *r)
{
    const taafi_project *p = r->project;
    const tf_indicator_def *pd;
    long pc;
    size_t c, n = r->n_cols, a;
    taafi_status st;
    if (p->population < 0)
        return TAAFI_OK;
    pd = &p->inds[p->population];
    if ((pc = tf_result_column_index(r, pd->id)) < 0)
        return tf_error(ctx, TAAFI_ERR_PROJECT, "%s:%d: population indicator '%s' gives no column '%s'", p->path,
                        pd->line, pd->id, pd->id);
    for (c = 0; c < n; c++) {
        char name[300];
        double *v;
        if (!r->cols[c].per_capita)
            continue;
        snprintf(name, sizeof name, "%s_per_1000", r->cols[c].name);
        if ((st = tf_result_add_column(ctx, r, name, r->cols[c].def, 0, "per 1,000 residents", &v)))
            return st;
        r->cols[r->n_cols - 1].derived = 1;
        /* The columns may have moved: realloc in add_column. */
        for (a = 0; a < r->areas->n; a++) {
            double pop = r->cols[pc].v[a], x = r->cols[c].v[a];
            v[a] = pop > 0 && !isnan(x) ? 1000.0 * x / pop : NAN;
        }
    }
    return TAAFI_OK;
}

typedef struct sql {
    sqlite3 *db;
    taafi_ctx *ctx;
    double steps, limit; /* VM steps of the statement running; its bound */
    int over;            /* it ran past the bound */
    int armed;           /* a user's expression runs: the handler may stop it */
} sql;

/* SQLite calls this every PROGRESS_STEPS steps: a non-zero return stops
 * the statement (SQLITE_INTERRUPT).  Ctrl-C and the step limit stop what
 * the user's SQL would otherwise run without end. */
#define PROGRESS_STEPS 1000
static int progress(void *user)
{
    sql *q = user;
    if (!q->armed) /* taafi's own statements run to their end */
        return 0;
    q->steps += PROGRESS_STEPS;
    if (q->steps > q->limit)
        q->over = 1;
    return q->over || q->ctx->interrupted;
}

static taafi_status exec(sql *q, const char *text)
{
    char *msg = NULL;
    if (sqlite3_exec(q->db, text, NULL, NULL, &msg) != SQLITE_OK) {
        taafi_status st = tf_error(q->ctx, TAAFI_ERR_INTERNAL, "SQLite: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return st;
    }
    return TAAFI_OK;
}

/* Appends a column to the private table, filled from result column c. */
static taafi_status add_sql_column(sql *q, const taafi_result *r, size_t c)
{
    char *alter = sqlite3_mprintf("ALTER TABLE a ADD COLUMN \"%w\" REAL", r->cols[c].name);
    char *update = sqlite3_mprintf("UPDATE a SET \"%w\" = ?1 WHERE rowid = ?2", r->cols[c].name);
    sqlite3_stmt *st = NULL;
    taafi_status s = TAAFI_OK;
    size_t i;
    if (!alter || !update) {
        s = tf_error(q->ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((s = exec(q, alter)))
        goto done;
    if (sqlite3_prepare_v2(q->db, update, -1, &st, NULL) != SQLITE_OK) {
        s = tf_error(q->ctx, TAAFI_ERR_INTERNAL, "SQLite: %s", sqlite3_errmsg(q->db));
        goto done;
    }
    for (i = 0; i < r->areas->n; i++) {
        if (isnan(r->cols[c].v[i]))
            sqlite3_bind_null(st, 1);
        else
            sqlite3_bind_double(st, 1, r->cols[c].v[i]);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)i + 1);
        if (sqlite3_step(st) != SQLITE_DONE) {
            s = tf_error(q->ctx, TAAFI_ERR_INTERNAL, "SQLite: %s", sqlite3_errmsg(q->db));
            goto done;
        }
        sqlite3_reset(st);
    }
done:
    sqlite3_finalize(st);
    sqlite3_free(alter);
    sqlite3_free(update);
    return s;
}

/* The name in SQLite's "no such column: X" message, or NULL. */
static const char *missing_column(const char *msg)
{
    const char *m = strstr(msg, "no such column: ");
    return m ? m + 16 : NULL;
}

/* Evaluates expression indicator `d`.  *deferred_on is set (and TAAFI_OK
 * returned with nothing added) when it names an expression not yet
 * evaluated. */
/* The values of expression d, row by row (area by area) into v; *rows:
 * how many it gave.  The user's SQL runs armed: the step limit and Ctrl-C
 * stop it. */
static taafi_status step_values(sql *q, const taafi_result *r, const tf_indicator_def *d, sqlite3_stmt *st, double *v,
                                size_t *rows)
{
    const taafi_project *p = r->project;
    taafi_status s = TAAFI_OK;
    size_t row = 0;
    for (;;) {
        int rc;
        q->armed = 1;
        rc = sqlite3_step(st);
        q->armed = 0;
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            if (rc == SQLITE_INTERRUPT && q->over)
                s = tf_error(q->ctx, TAAFI_ERR_PROJECT,
                             "%s:%d: the expression of '%s' ran past %.0f SQL steps (limits.sql_steps) and was "
                             "stopped; an expression combines an area's columns, it needs no subquery",
                             p->path, d->line, d->id, q->limit);
            else if (rc == SQLITE_INTERRUPT && (s = tf_check_interrupt(q->ctx)))
                ;
            else
                s = tf_error(q->ctx, TAAFI_ERR_DATA, "%s:%d: the expression of '%s' failed: %s", p->path, d->line,
                             d->id, sqlite3_errmsg(q->db));
            goto out;
        }
        if (row >= r->areas->n)
            break;
        switch (sqlite3_column_type(st, 0)) {
        case SQLITE_NULL: v[row] = NAN; break;
        case SQLITE_INTEGER:
        case SQLITE_FLOAT: v[row] = sqlite3_column_double(st, 0); break;
        default:
            s = tf_error(q->ctx, TAAFI_ERR_PROJECT, "%s:%d: the expression of '%s' gives text, not a number, for area %s",
                         p->path, d->line, d->id, r->areas->id[row]);
            goto out;
        }
        if (!isfinite(v[row]))
            v[row] = NAN; /* SQLite has no NaN; an overflow is no value */
        row++;
    }
out:
    *rows = row;
    return s;
}

static taafi_status eval(sql *q, taafi_result *r, const tf_indicator_def *d, const unsigned char *done,
                         const char **deferred_on)
{
    const taafi_project *p = r->project;
    char *text = sqlite3_mprintf("SELECT (%s) FROM a ORDER BY rowid", d->expression);
    sqlite3_stmt *st = NULL;
    const char *tail = NULL;
    taafi_status s = TAAFI_OK;
    double *v;
    size_t row = 0;
    char missing[256];
    *deferred_on = NULL;
    q->steps = 0; /* the limit is per expression */
    if (!text)
        return tf_error(q->ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (sqlite3_prepare_v2(q->db, text, -1, &st, &tail) != SQLITE_OK) {
        const char *name = missing_column(sqlite3_errmsg(q->db));
        if (name) {
            int k;
            snprintf(missing, sizeof missing, "%s", name);
            k = tf_project_find_indicator(p, missing);
            if (k >= 0 && p->inds[k].type == TF_IND_EXPRESSION && !done[k]) {
                *deferred_on = p->inds[k].id;
                goto out;
            }
            s = tf_error(q->ctx, TAAFI_ERR_PROJECT,
                         "%s:%d: the expression of '%s' names '%s', which is no indicator column%s", p->path,
                         d->line, d->id, missing,
                         k >= 0 ? " (an indicator with that id exists, but it makes no column of that name)" : "");
        } else {
            s = tf_error(q->ctx, TAAFI_ERR_PROJECT, "%s:%d: the expression of '%s' is not valid SQL: %s", p->path,
                         d->line, d->id, sqlite3_errmsg(q->db));
        }
        goto out;
    }
    while (tail && isspace((unsigned char)*tail))
        tail++;
    if (tail && *tail) {
        s = tf_error(q->ctx, TAAFI_ERR_PROJECT, "%s:%d: the expression of '%s' must be one SQL expression", p->path,
                     d->line, d->id);
        goto out;
    }
    if ((s = tf_result_add_column(q->ctx, r, d->id, d, 0, d->unit ? d->unit : "", &v)))
        goto out;
    r->cols[r->n_cols - 1].derived = 1;
    if ((s = step_values(q, r, d, st, v, &row)))
        goto out;
    if (row != r->areas->n) {
        s = tf_error(q->ctx, TAAFI_ERR_PROJECT,
                     "%s:%d: the expression of '%s' gives %zu values for %zu areas; aggregates such as sum() or "
                     "avg() are not allowed",
                     p->path, d->line, d->id, row, r->areas->n);
        goto out;
    }
    s = add_sql_column(q, r, r->n_cols - 1);
out:
    sqlite3_finalize(st);
    sqlite3_free(text);
    return s;
}

/* The table `a` the expressions read: a row per area, a column per
 * numeric column of r, and area_km2 whether declared or not. */
static taafi_status fill_table(sql *q, const taafi_result *r)
{
    sqlite3_stmt *ins = NULL, *up = NULL;
    size_t k, c;
    taafi_status st;
    if ((st = exec(q, "CREATE TABLE a (rowid INTEGER PRIMARY KEY)")) || (st = exec(q, "BEGIN")))
        return st;
    if (sqlite3_prepare_v2(q->db, "INSERT INTO a (rowid) VALUES (?)", -1, &ins, NULL) != SQLITE_OK)
        return tf_error(q->ctx, TAAFI_ERR_INTERNAL, "SQLite: %s", sqlite3_errmsg(q->db));
    for (k = 0; k < r->areas->n; k++) {
        sqlite3_bind_int64(ins, 1, (sqlite3_int64)k + 1);
        sqlite3_step(ins);
        sqlite3_reset(ins);
    }
    sqlite3_finalize(ins);
    for (c = 0; c < r->n_cols; c++)
        if (!r->cols[c].is_text && (st = add_sql_column(q, r, c)))
            return st;
    if (tf_result_column_index(r, "area_km2") >= 0)
        return TAAFI_OK;
    if ((st = exec(q, "ALTER TABLE a ADD COLUMN area_km2 REAL")))
        return st;
    if (sqlite3_prepare_v2(q->db, "UPDATE a SET area_km2 = ?1 WHERE rowid = ?2", -1, &up, NULL) != SQLITE_OK)
        return tf_error(q->ctx, TAAFI_ERR_INTERNAL, "SQLite: %s", sqlite3_errmsg(q->db));
    for (k = 0; k < r->areas->n; k++) {
        sqlite3_bind_double(up, 1, r->areas->area_km2[k]);
        sqlite3_bind_int64(up, 2, (sqlite3_int64)k + 1);
        sqlite3_step(up);
        sqlite3_reset(up);
    }
    sqlite3_finalize(up);
    return TAAFI_OK;
}

/* Every pending expression waits for another: a cycle.  The error shows
 * it, following the waits from one of them. */
static taafi_status cycle(taafi_ctx *ctx, const taafi_project *p, const unsigned char *done, const char **waits)
{
    tf_buf cyc = {0};
    const tf_indicator_def *d;
    int hop, at = -1;
    size_t k;
    taafi_status st;
    for (k = 0; k < p->n_inds && at < 0; k++)
        if (p->inds[k].type == TF_IND_EXPRESSION && !done[k])
            at = (int)k;
    d = &p->inds[at];
    for (hop = 0; hop <= (int)p->n_inds && at >= 0; hop++) {
        tf_buf_printf(&cyc, "%s%s", hop ? " -> " : "", p->inds[at].id);
        if (hop && at == (int)(d - p->inds))
            break;
        at = waits[at] ? tf_project_find_indicator(p, waits[at]) : -1;
    }
    st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s:%d: expressions refer to each other in a cycle: %s", p->path, d->line,
                  cyc.s ? cyc.s : "");
    tf_buf_free(&cyc);
    return st;
}

/* The expressions evaluated in dependency order: each round evaluates
 * those whose columns are all there. */
static taafi_status evaluate_all(sql *q, taafi_result *r, size_t pending, unsigned char *done, const char **waits)
{
    const taafi_project *p = r->project;
    size_t k;
    taafi_status st;
    while (pending) {
        size_t progress = 0;
        for (k = 0; k < p->n_inds; k++) {
            if (p->inds[k].type != TF_IND_EXPRESSION || done[k])
                continue;
            if ((st = eval(q, r, &p->inds[k], done, &waits[k])))
                return st;
            if (!waits[k]) {
                done[k] = 1;
                pending--;
                progress++;
            }
        }
        if (!progress)
            return cycle(q->ctx, p, done, waits);
    }
    return TAAFI_OK;
}

static taafi_status expressions(taafi_ctx *ctx, taafi_result *r)
{
    const taafi_project *p = r->project;
    sql q = {NULL, ctx, 0, p->limit_sql_steps, 0, 0};
    unsigned char *done = NULL;
    const char **waits = NULL;
    size_t k, pending = 0;
    taafi_status st;
    for (k = 0; k < p->n_inds; k++)
        pending += p->inds[k].type == TF_IND_EXPRESSION;
    if (!pending)
        return TAAFI_OK;
    done = tf_calloc(p->n_inds, 1);
    waits = tf_calloc(p->n_inds, sizeof *waits);
    if (!done || !waits ||
        sqlite3_open_v2(":memory:", &q.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL) != SQLITE_OK)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory (opening SQLite in memory for the expressions)");
    else {
        sqlite3_progress_handler(q.db, PROGRESS_STEPS, progress, &q);
        if (!(st = fill_table(&q, r)) && !(st = evaluate_all(&q, r, pending, done, waits)))
            st = exec(&q, "COMMIT");
    }
    if (q.db)
        sqlite3_close(q.db);
    tf_free(done);
    tf_free(waits);
    return st;
}

taafi_status tf_derive(taafi_ctx *ctx, taafi_result *r)
{
    taafi_status st = expressions(ctx, r);
    return st ? st : per_1000(ctx, r);
}
