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
    if (!(t = malloc(n + 1)))
        return NULL;
    memcpy(t, s, n);
    t[n] = '\0';
    return t;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *state, taafi_result *r)
{
    const tf_areas *a = r->areas;
    tf_source src_def = {0};
    tf_vsource src = {0};
    id_index *index = NULL;
    unsigned char *seen = NULL;
    OGRFeatureH f = NULL;
    int key_idx, val_idx;
    size_t i, n_bad = 0, n_unknown = 0, n_null = 0, n_msgs = 0;
    tf_buf bad = {0}, unknown = {0};
    double *v;
    char problem[512];
    taafi_status st;
    (void)state;
    src_def.role = def->id;
    src_def.path = def->source;
    src_def.layer = def->sheet;
    src_def.line = def->line;
    if ((st = tf_source_open(ctx, &src_def, &src)) || (st = tf_source_hash(ctx, &src, tf_result_add_input, r)) ||
        (st = tf_source_field(ctx, &src, def->key, "key", &key_idx)) ||
        (st = tf_source_field(ctx, &src, def->field, "field", &val_idx)) ||
        (st = tf_result_add_column(ctx, r, def->id, def, 0, def->unit ? def->unit : "", &v)))
        goto done;
    index = malloc((a->n ? a->n : 1) * sizeof *index);
    seen = calloc(a->n ? a->n : 1, 1);
    if (!index || !seen) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < a->n; i++) {
        index[i].id = a->id[i];
        index[i].area = i;
    }
    qsort(index, a->n, sizeof *index, cmp_id);
    OGR_L_ResetReading(src.layer);
    for (;;) {
        id_index probe, *hit;
        char *key;
        double x;
        int ok;
        if (!(f = tf_source_next(ctx, &src, &n_msgs, &st))) {
            if (st)
                goto done;
            break;
        }
        if (!OGR_F_IsFieldSetAndNotNull(f, key_idx)) {
            OGR_F_Destroy(f);
            continue; /* a blank row (spreadsheets end with some) */
        }
        if (!(key = trimmed(OGR_F_GetFieldAsString(f, key_idx)))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        probe.id = key;
        hit = *key ? bsearch(&probe, index, a->n, sizeof *index, cmp_id) : NULL;
        if (!hit) {
            if (*key && n_unknown++ < MAX_LISTED)
                tf_buf_printf(&unknown, "%s'%s'", n_unknown > 1 ? ", " : "", key);
            free(key);
            OGR_F_Destroy(f);
            continue;
        }
        if (seen[hit->area]) {
            st = tf_error(ctx, TAAFI_ERR_DATA, "%s: field '%s': the key '%s' is given twice; keep one row per area",
                          def->source, def->key, key);
            free(key);
            goto done;
        }
        seen[hit->area] = 1;
        ok = tf_field_number(f, val_idx, &x);
        if (ok > 0)
            v[hit->area] = x;
        else if (ok == 0)
            n_null++;
        else if (n_bad++ < MAX_LISTED)
            tf_buf_printf(&bad, "%s%s ('%s')", n_bad > 1 ? ", " : "", key, OGR_F_GetFieldAsString(f, val_idx));
        free(key);
        OGR_F_Destroy(f);
    }
    f = NULL;
    if (n_bad) {
        st = tf_error(ctx, TAAFI_ERR_DATA,
                      "%s: field '%s' is not a number for %zu area(s): %s%s; indicator '%s' needs numbers",
                      def->source, def->field, n_bad, bad.s ? bad.s : "", n_bad > MAX_LISTED ? ", ..." : "",
                      def->id);
        goto done;
    }
    for (i = 0; i < a->n && !st; i++)
        if (!seen[i]) {
            snprintf(problem, sizeof problem, "no row for area %s in %s", a->id[i], def->source);
            st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "value left NULL");
        }
    if (!st && n_null) {
        snprintf(problem, sizeof problem, "%zu row(s) with no value in %s", n_null, def->field);
        st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "value left NULL");
    }
    if (!st && n_unknown) {
        snprintf(problem, sizeof problem, "%zu row(s) whose key is no area id: %s%s", n_unknown,
                 unknown.s ? unknown.s : "", n_unknown > MAX_LISTED ? ", ..." : "");
        st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "rows ignored");
    }
done:
    if (f)
        OGR_F_Destroy(f);
    tf_buf_free(&bad);
    tf_buf_free(&unknown);
    free(index);
    free(seen);
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
