/*
 * ind_table.c: a value joined to the areas by key from a table in any
 * format GDAL reads (CSV, XLSX, ODS, a GeoPackage table ...): how workshop
 * scores and survey results enter the analysis.
 *
 * The table's `key` field is matched to the areas' id as text, trimmed.
 * Areas without a row get NULL (noted); rows naming no area are noted; a
 * key given twice, or a value that is not a number, is an error.
 */
#include "indicator.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LISTED 20

typedef struct id_index {
    const char *id;
    size_t area;
} id_index;

static int cmp_id(const void *a, const void *b) { return strcmp(((const id_index *)a)->id, ((const id_index *)b)->id); }

static char *trimmed(const char *s)
{
    size_t n;
    char *t;
    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (!(t = tf_malloc(n + 1)))
        return NULL;
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

/* The join of one table: the areas' ids sorted for lookups, which areas
 * got a row, and what did not fit (counted, and the first listed). */
typedef struct join {
    const tf_indicator_def *def;
    const tf_areas *a;
    id_index *index;
    unsigned char *seen;
    int key_idx, val_idx;
    double *v;
    size_t n_bad, n_unknown, n_null;
    tf_buf bad, unknown;
} join;

/* One row: its value into its area's slot. */
static taafi_status join_row(taafi_ctx *ctx, join *j, OGRFeatureH f)
{
    id_index probe, *hit;
    char *key;
    double x;
    int ok;
    if (!OGR_F_IsFieldSetAndNotNull(f, j->key_idx))
        return TAAFI_OK; /* a blank row (spreadsheets end with some) */
    if (!(key = trimmed(OGR_F_GetFieldAsString(f, j->key_idx))))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    probe.id = key;
    hit = *key ? bsearch(&probe, j->index, j->a->n, sizeof *j->index, cmp_id) : NULL;
    if (!hit) {
        if (*key && j->n_unknown++ < MAX_LISTED)
            tf_buf_printf(&j->unknown, "%s'%s'", j->n_unknown > 1 ? ", " : "", key);
        tf_free(key);
        return TAAFI_OK;
    }
    if (j->seen[hit->area]) {
        taafi_status st = tf_error(ctx, TAAFI_ERR_DATA,
                                   "%s: field '%s': the key '%s' is given twice; keep one row per area",
                                   j->def->source, j->def->key, key);
        tf_free(key);
        return st;
    }
    j->seen[hit->area] = 1;
    ok = tf_field_number(f, j->val_idx, &x);
    if (ok > 0)
        j->v[hit->area] = x;
    else if (ok == 0)
        j->n_null++;
    else if (j->n_bad++ < MAX_LISTED)
        tf_buf_printf(&j->bad, "%s%s ('%s')", j->n_bad > 1 ? ", " : "", key, OGR_F_GetFieldAsString(f, j->val_idx));
    tf_free(key);
    return TAAFI_OK;
}

/* What the join found: an error for values that are not numbers, notes
 * for areas without a row, rows without a value and unknown keys. */
static taafi_status join_report(taafi_ctx *ctx, const join *j, taafi_result *r)
{
    const tf_indicator_def *def = j->def;
    char problem[512];
    size_t i;
    taafi_status st = TAAFI_OK;
    if (j->n_bad)
        return tf_error(ctx, TAAFI_ERR_DATA,
                        "%s: field '%s' is not a number for %zu area(s): %s%s; indicator '%s' needs numbers",
                        def->source, def->field, j->n_bad, j->bad.s ? j->bad.s : "",
                        j->n_bad > MAX_LISTED ? ", ..." : "", def->id);
    for (i = 0; i < j->a->n && !st; i++)
        if (!j->seen[i]) {
            snprintf(problem, sizeof problem, "no row for area %s in %s", j->a->id[i], def->source);
            st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "value left NULL");
        }
    if (!st && j->n_null) {
        snprintf(problem, sizeof problem, "%zu row(s) with no value in %s", j->n_null, def->field);
        st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "value left NULL");
    }
    if (!st && j->n_unknown) {
        snprintf(problem, sizeof problem, "%zu row(s) whose key is no area id: %s%s", j->n_unknown,
                 j->unknown.s ? j->unknown.s : "", j->n_unknown > MAX_LISTED ? ", ..." : "");
        st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "rows ignored");
    }
    return st;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *state, taafi_result *r)
{
    const tf_areas *a = r->areas;
    tf_source src_def = {0};
    tf_vsource src = {0};
    join j = {.def = def, .a = a};
    OGRFeatureH f = NULL;
    size_t i, n_msgs = 0;
    taafi_status st;
    (void)state;
    src_def.role = def->id;
    src_def.path = def->source;
    src_def.layer = def->sheet;
    src_def.line = def->line;
    if ((st = tf_source_open(ctx, &src_def, &src)) || (st = tf_source_hash(ctx, &src, tf_result_add_input, r)) ||
        (st = tf_source_field(ctx, &src, def->key, "key", &j.key_idx)) ||
        (st = tf_source_field(ctx, &src, def->field, "field", &j.val_idx)) ||
        (st = tf_result_add_column(ctx, r, def->id, def, 0, def->unit ? def->unit : "", &j.v)))
        goto done;
    j.index = tf_malloc((a->n ? a->n : 1) * sizeof *j.index);
    j.seen = tf_calloc(a->n ? a->n : 1, 1);
    if (!j.index || !j.seen) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < a->n; i++) {
        j.index[i].id = a->id[i];
        j.index[i].area = i;
    }
    qsort(j.index, a->n, sizeof *j.index, cmp_id);
    OGR_L_ResetReading(src.layer);
    while (!st && (f = tf_source_next(ctx, &src, &n_msgs, &st))) {
        st = join_row(ctx, &j, f);
        OGR_F_Destroy(f);
    }
    if (!st)
        st = join_report(ctx, &j, r);
done:
    tf_buf_free(&j.bad);
    tf_buf_free(&j.unknown);
    tf_free(j.index);
    tf_free(j.seen);
    tf_source_close(&src);
    return st;
}

static taafi_status check_source(taafi_ctx *ctx, const tf_indicator_def *d, int epsg, tf_buf *b)
{
    tf_source def = {0};
    tf_vsource src = {0};
    int idx;
    taafi_status st;
    (void)epsg;
    def.role = d->id;
    def.path = d->source;
    def.layer = d->sheet;
    tf_buf_printf(b, "table for indicator %s:\n", d->id);
    if ((st = tf_source_open(ctx, &def, &src)))
        return st;
    tf_source_describe(b, &src);
    if (!(st = tf_source_field(ctx, &src, d->key, "key", &idx)) &&
        !(st = tf_source_field(ctx, &src, d->field, "field", &idx)))
        tf_buf_printf(b, "  key %s, value %s\n", d->key, d->field);
    tf_source_close(&src);
    return st;
}

const tf_family tf_family_table = {
    .type = TF_IND_TABLE, .finish = finish, .own_source = TF_OWN_TABLE, .check_source = check_source};

/* The project-file keys of table: source, sheet, key, field. */
static taafi_status table_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    taafi_status st;
    if ((st = pj_need(ps, m, d, "source", "give the path of the table (CSV, XLSX, ODS, GeoPackage ...)")) ||
        (st = pj_need(ps, m, d, "key", "name the table's field that holds the area ids")) ||
        (st = pj_need(ps, m, d, "field", "name the table's field that holds the value")) ||
        (st = pj_opt_str(ps, m, "sheet", &d->sheet)) || (st = pj_opt_str(ps, m, "key", &d->key)) ||
        (st = pj_opt_str(ps, m, "field", &d->field)))
        return st;
    return pj_own_source(ps, m, d);
}

static const char *const KEYS[] = {"source", "sheet", "key", "field", NULL};
const tf_family_keys tf_keys_table = {.type = "table", .keys = KEYS, .parse = table_keys,
                                      .flags = TF_KEYS_ROUND_SOURCE};
