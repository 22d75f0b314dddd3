/*
 * ind_stats.c: sum, mean, min and max of a numeric field of the features in
 * each area.  A point belongs to the area that holds it.  A line or polygon
 * is weighted by the share of it inside the area (length or surface): a
 * street half inside an area adds half its value to the area's sum and
 * counts half in its mean.  min and max take every feature with a part
 * inside the area, unweighted.
 *
 * NULL and empty values are skipped (and noted).  A value that is not a
 * number is an error listing the feature ids: a silently dropped value
 * would bias every statistic.
 */
#include "indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_LISTED_BAD 20

struct tf_ind_state {
    tf_ind_type type;
    size_t n_areas;
    int field;
    double *sum, *weight, *min, *max;
    size_t n_null, n_bad;
    int64_t bad[MAX_LISTED_BAD], null[MAX_LISTED_BAD];
    const char *path; /* owned by the project */
    char *layer_name; /* a copy: the layer is closed before finish */
};

static void free_state(taafi_ctx *ctx, tf_ind_state *s)
{
    (void)ctx;
    if (!s)
        return;
    tf_free(s->sum);
    tf_free(s->weight);
    tf_free(s->min);
    tf_free(s->max);
    tf_free(s->layer_name);
    tf_free(s);
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    tf_ind_state *s = tf_calloc(1, sizeof *s);
    size_t n = areas->n ? areas->n : 1, i;
    taafi_status st;
    *out = NULL;
    if (!s)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->type = def->type;
    s->n_areas = areas->n;
    s->path = src->def->path;
    if (!(s->layer_name = tf_strdup(OGR_L_GetName(src->layer)))) {
        free_state(ctx, s);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if ((st = tf_source_field(ctx, src, def->field, "field", &s->field))) {
        free_state(ctx, s);
        return st;
    }
    s->sum = tf_calloc(n, sizeof *s->sum);
    s->weight = tf_calloc(n, sizeof *s->weight);
    s->min = tf_malloc(n * sizeof *s->min);
    s->max = tf_malloc(n * sizeof *s->max);
    if (!s->sum || !s->weight || !s->min || !s->max) {
        free_state(ctx, s);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < areas->n; i++) {
        s->min[i] = INFINITY;
        s->max[i] = -INFINITY;
    }
    *out = s;
    return TAAFI_OK;
}

static void add(tf_ind_state *s, size_t a, double v, double w)
{
    s->sum[a] += v * w;
    s->weight[a] += w;
    if (v < s->min[a])
        s->min[a] = v;
    if (v > s->max[a])
        s->max[a] = v;
}

static taafi_status consume(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *f)
{
    double v;
    size_t k;
    int ok = tf_feature_number(f, s->field, &v);
    (void)ctx;
    if (ok == 0) {
        if (s->n_null < MAX_LISTED_BAD)
            s->null[s->n_null] = f->fid;
        s->n_null++;
        return TAAFI_OK;
    }
    if (ok < 0) {
        if (s->n_bad < MAX_LISTED_BAD)
            s->bad[s->n_bad] = f->fid;
        s->n_bad++;
        return TAAFI_OK;
    }
    if (f->dim == 0 || f->measure <= 0) {
        if (f->area >= 0)
            add(s, (size_t)f->area, v, 1.0);
        return TAAFI_OK;
    }
    for (k = 0; k < f->n_parts; k++)
        if (f->parts[k].measure > 0)
            add(s, f->parts[k].area, v, f->parts[k].measure / f->measure);
    return TAAFI_OK;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    double *v;
    size_t a, k;
    taafi_status st;
    if (s->n_bad) {
        tf_buf ids = {0};
        for (k = 0; k < s->n_bad && k < MAX_LISTED_BAD; k++)
            tf_buf_printf(&ids, "%s%lld", k ? ", " : "", (long long)s->bad[k]);
        st = tf_error(ctx, TAAFI_ERR_DATA,
                      "%s: layer %s: field '%s' holds text that is not a number in %zu feature(s) (ids %s%s); "
                      "indicator '%s' needs numbers: fix the values or leave them out with 'where'",
                      s->path, s->layer_name, def->field, s->n_bad, ids.s ? ids.s : "",
                      s->n_bad > MAX_LISTED_BAD ? ", ..." : "", def->id);
        tf_buf_free(&ids);
        return st;
    }
    if ((st = tf_result_add_column(ctx, r, def->id, def, 0, def->unit ? def->unit : "", &v)))
        return st;
    for (a = 0; a < s->n_areas; a++) {
        int any = s->weight[a] > 0;
        switch (s->type) {
        case TF_IND_SUM: v[a] = s->sum[a]; break; /* a sum over no feature is 0 */
        case TF_IND_MEAN: v[a] = any ? s->sum[a] / s->weight[a] : NAN; break;
        case TF_IND_MIN: v[a] = any ? s->min[a] : NAN; break;
        default: v[a] = any ? s->max[a] : NAN; break;
        }
    }
    if (s->n_null) {
        tf_buf ids = {0};
        char problem[512];
        for (k = 0; k < s->n_null && k < MAX_LISTED_BAD; k++)
            tf_buf_printf(&ids, "%s%lld", k ? ", " : "", (long long)s->null[k]);
        snprintf(problem, sizeof problem, "%zu feature(s) with no value in %s (ids %s%s)", s->n_null, def->field,
                 ids.s ? ids.s : "", s->n_null > MAX_LISTED_BAD ? ", ..." : "");
        tf_buf_free(&ids);
        return tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1, problem, "left out of the statistics");
    }
    return TAAFI_OK;
}

/* The field summed (or averaged, or its extremes), read as a number. */
static const char *stat_field(const tf_indicator_def *d, int *as_text)
{
    *as_text = 0;
    return d->field;
}

const tf_family tf_family_sum = {.type = TF_IND_SUM,
                                 .needs_parts = 1,
                                 .begin = begin,
                                 .consume = consume,
                                 .finish = finish,
                                 .free = free_state,
                                 .lean = 1,
                                 .field = stat_field};
const tf_family tf_family_mean = {.type = TF_IND_MEAN,
                                  .needs_parts = 1,
                                  .begin = begin,
                                  .consume = consume,
                                  .finish = finish,
                                  .free = free_state,
                                  .lean = 1,
                                  .field = stat_field};
const tf_family tf_family_min = {.type = TF_IND_MIN,
                                 .needs_parts = 1,
                                 .begin = begin,
                                 .consume = consume,
                                 .finish = finish,
                                 .free = free_state,
                                 .lean = 1,
                                 .field = stat_field};
const tf_family tf_family_max = {.type = TF_IND_MAX,
                                 .needs_parts = 1,
                                 .begin = begin,
                                 .consume = consume,
                                 .finish = finish,
                                 .free = free_state,
                                 .lean = 1,
                                 .field = stat_field};

/* The project-file keys of sum, mean, min and max: layer, where, field. */
static taafi_status stat_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    taafi_status st;
    if ((st = pj_layer_where(ps, m, d, "name one of the layers under 'layers'")) ||
        (st = pj_need(ps, m, d, "field", "name the numeric field to aggregate")))
        return st;
    return pj_opt_str(ps, m, "field", &d->field);
}

static const char *const KEYS[] = {"layer", "where", "field", NULL};
const tf_family_keys tf_keys_sum = {.type = "sum", .keys = KEYS, .parse = stat_keys};
const tf_family_keys tf_keys_mean = {.type = "mean", .keys = KEYS, .parse = stat_keys};
const tf_family_keys tf_keys_min = {.type = "min", .keys = KEYS, .parse = stat_keys};
const tf_family_keys tf_keys_max = {.type = "max", .keys = KEYS, .parse = stat_keys};
