/* indicators.c: the `indicators` list: each indicator's type, its keys
 * (checked per type), its scoring keys, and the checks that need every
 * indicator. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static taafi_status parse_classes(parser *ps, const yaml_node_t *v, tf_indicator_def *d)
{
    yaml_node_item_t *it;
    size_t n;
    if (v->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, v, "'classes' must be a list, e.g. [destroyed, severe, moderate, possible]");
    n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0)
        return pj_perr(ps, v, "'classes' is empty: list the classes or leave the key out to take them from the data");
    d->classes = calloc(n, sizeof *d->classes);
    if (!d->classes)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = pj_dup_scalar(ps, pj_node(ps, *it), "classes", &d->classes[d->n_classes]);
        if (st)
            return st;
        d->n_classes++;
    }
    return TAAFI_OK;
}

const char *const tf_ind_type_names[TF_IND_N_TYPES + 1] = {
    "area", "count", "sum", "mean", "min", "max", "area_share", "length_density", "nearest_distance",
    "table", "expression", "raster_sum", "coverage", NULL};

/* Keys every indicator may have, and the further keys of each type. */
#define COMMON_KEYS                                                                                                \
    "id", "type", "label", "label_ar", "pillar", "unit", "direction", "weight", "method", "target", "floor",      \
        "clamp", "score_column"
static const char *const KEYS_AREA[] = {COMMON_KEYS, NULL};
static const char *const KEYS_COUNT[] = {COMMON_KEYS, "layer", "where", "class_field", "classes", "density",
                                         "percent", "per_1000", NULL};
static const char *const KEYS_STAT[] = {COMMON_KEYS, "layer", "where", "field", NULL};
static const char *const KEYS_LAYER[] = {COMMON_KEYS, "layer", "where", NULL};
static const char *const KEYS_TABLE[] = {COMMON_KEYS, "source", "sheet", "key", "field", NULL};
static const char *const KEYS_EXPR[] = {COMMON_KEYS, "expression", NULL};
static const char *const KEYS_RASTER[] = {COMMON_KEYS, "source", "band", NULL};
static const char *const KEYS_COVERAGE[] = {COMMON_KEYS, "layer",        "where",    "kind",     "kind_field",
                                            "distance",  "status_field", "statuses", "standard", "capacity_field",
                                            NULL};

static const char *const *type_keys(tf_ind_type t)
{
    switch (t) {
    case TF_IND_AREA: return KEYS_AREA;
    case TF_IND_COUNT: return KEYS_COUNT;
    case TF_IND_SUM:
    case TF_IND_MEAN:
    case TF_IND_MIN:
    case TF_IND_MAX: return KEYS_STAT;
    case TF_IND_AREA_SHARE:
    case TF_IND_LENGTH_DENSITY:
    case TF_IND_NEAREST_DISTANCE: return KEYS_LAYER;
    case TF_IND_TABLE: return KEYS_TABLE;
    case TF_IND_EXPRESSION: return KEYS_EXPR;
    case TF_IND_RASTER_SUM: return KEYS_RASTER;
    case TF_IND_COVERAGE: return KEYS_COVERAGE;
    case TF_IND_N_TYPES: break;
    }
    return KEYS_AREA;
}

/* Like check_keys, but a key that belongs to another indicator type gets
 * "does not apply to" rather than "unknown". */
static taafi_status check_indicator_keys(parser *ps, const yaml_node_t *m, const tf_indicator_def *d)
{
    const char *const *allowed = type_keys(d->type);
    yaml_node_pair_t *pr;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = pj_node(ps, pr->key);
        const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        const char *const *a;
        int t;
        for (a = allowed; *a && strcmp(*a, key); a++)
            ;
        if (*a)
            continue;
        for (t = 0; t < TF_IND_N_TYPES; t++) {
            for (a = type_keys((tf_ind_type)t); *a && strcmp(*a, key); a++)
                ;
            if (*a)
                return pj_perr(ps, k, "'%s' does not apply to an indicator of type %s", key,
                            tf_ind_type_names[d->type]);
        }
        return pj_check_keys(ps, m, "an indicator", allowed);
    }
    return TAAFI_OK;
}

static taafi_status parse_scoring_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    static const char *const directions[] = {"higher_is_better", "lower_is_better", NULL};
    static const char *const methods[] = {"minmax", "target", "zscore", NULL};
    const yaml_node_t *v;
    taafi_status st;
    int i;
    d->weight = 1;
    d->clamp = 2.5;
    if ((v = pj_get(ps, m, "pillar")) && (st = pj_choice(ps, v, "pillar", tf_pillar_keys, &i)))
        return st;
    if (v && (st = pj_dup_scalar(ps, v, "pillar", &d->pillar)))
        return st;
    if ((v = pj_get(ps, m, "direction"))) {
        if ((st = pj_choice(ps, v, "direction", directions, &i)))
            return st;
        d->direction = i == 0 ? TF_DIR_HIGHER_BETTER : TF_DIR_LOWER_BETTER;
    }
    if ((v = pj_get(ps, m, "method"))) {
        if ((st = pj_choice(ps, v, "method", methods, &i)))
            return st;
        d->method = (tf_method)i;
    }
    if ((v = pj_get(ps, m, "weight"))) {
        if ((st = pj_number(ps, v, "weight", &d->weight)))
            return st;
        if (d->weight < 0)
            return pj_perr(ps, v, "weight %g is negative; weights must be 0 or more", d->weight);
    }
    if ((v = pj_get(ps, m, "target")) && (st = pj_number(ps, v, "target", &d->target)))
        return st;
    d->has_target = v != NULL;
    if ((v = pj_get(ps, m, "floor")) && (st = pj_number(ps, v, "floor", &d->floor)))
        return st;
    d->has_floor = v != NULL;
    if ((v = pj_get(ps, m, "clamp"))) {
        if ((st = pj_number(ps, v, "clamp", &d->clamp)))
            return st;
        if (d->clamp <= 0)
            return pj_perr(ps, v, "clamp must be more than 0 (standard deviations)");
    }
    if ((st = pj_opt_str(ps, m, "score_column", &d->score_column)))
        return st;
    if (!d->pillar) {
        static const char *const only[] = {"direction", "weight", "method", "target", "floor", "clamp",
                                           "score_column", NULL};
        const char *const *q;
        for (q = only; *q; q++)
            if ((v = pj_get(ps, m, *q)))
                return pj_perr(ps, v, "'%s' scores an indicator, and '%s' has no 'pillar' to score it in", *q, d->id);
        return TAAFI_OK;
    }
    if (d->direction == TF_DIR_NONE)
        return pj_perr(ps, m, "indicator '%s' is in pillar %s but has no 'direction' (higher_is_better or "
                           "lower_is_better)",
                    d->id, d->pillar);
    if (d->method == TF_NORM_TARGET && !d->has_target)
        return pj_perr(ps, m, "indicator '%s' is scored by method target but has no 'target'", d->id);
    if (d->method != TF_NORM_TARGET && (v = pj_get(ps, m, d->has_target ? "target" : "floor")) &&
        (d->has_target || d->has_floor))
        return pj_perr(ps, v, "'target' and 'floor' apply to method target only");
    if (d->method == TF_NORM_TARGET && d->has_floor &&
        (d->direction == TF_DIR_HIGHER_BETTER ? d->floor >= d->target : d->floor <= d->target))
        return pj_perr(ps, pj_get(ps, m, "floor"), "floor %g must be %s the target %g for %s", d->floor,
                    d->direction == TF_DIR_HIGHER_BETTER ? "below" : "above", d->target,
                    d->direction == TF_DIR_HIGHER_BETTER ? "higher_is_better" : "lower_is_better");
    return TAAFI_OK;
}

/* `source`, resolved against the project's folder. */
static taafi_status own_source(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    char *raw = NULL;
    taafi_status st;
    if ((st = pj_opt_str(ps, m, "source", &raw)))
        return st;
    d->source = pj_resolve(ps->p, raw);
    free(raw);
    return d->source ? TAAFI_OK : tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
}

/* The keys of count: class_field, classes, density, percent, per_1000. */
static taafi_status count_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    taafi_status st;
    if ((st = pj_opt_str(ps, m, "class_field", &d->class_field)) ||
        (st = pj_opt_bool(ps, m, "density", &d->density)) || (st = pj_opt_bool(ps, m, "percent", &d->percent)) ||
        (st = pj_opt_bool(ps, m, "per_1000", &d->per_1000)))
        return st;
    if ((v = pj_get(ps, m, "classes"))) {
        if (!d->class_field)
            return pj_perr(ps, v, "'classes' needs 'class_field', the field that holds the class");
        if ((st = parse_classes(ps, v, d)))
            return st;
    }
    if (d->percent && !d->class_field)
        return pj_perr(ps, pj_get(ps, m, "percent"),
                       "'percent' gives each class's share of the total and needs 'class_field'");
    return TAAFI_OK;
}

/* The families that read a layer: `layer`, `where`, and their own. */
static taafi_status layer_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    taafi_status st;
    if ((st = pj_need(ps, m, d, "layer", "name one of the layers under 'layers'")) ||
        (st = pj_layer_ref(ps, pj_get(ps, m, "layer"), &d->layer)) || (st = pj_opt_str(ps, m, "where", &d->where)))
        return st;
    if (d->type == TF_IND_COUNT)
        return count_keys(ps, m, d);
    if (d->type >= TF_IND_SUM && d->type <= TF_IND_MAX)
        return (st = pj_need(ps, m, d, "field", "name the numeric field to aggregate"))
                   ? st
                   : pj_opt_str(ps, m, "field", &d->field);
    return TAAFI_OK;
}

/* table: source, sheet, key, field. */
static taafi_status table_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    taafi_status st;
    if ((st = pj_need(ps, m, d, "source", "give the path of the table (CSV, XLSX, ODS, GeoPackage ...)")) ||
        (st = pj_need(ps, m, d, "key", "name the table's field that holds the area ids")) ||
        (st = pj_need(ps, m, d, "field", "name the table's field that holds the value")) ||
        (st = pj_opt_str(ps, m, "sheet", &d->sheet)) || (st = pj_opt_str(ps, m, "key", &d->key)) ||
        (st = pj_opt_str(ps, m, "field", &d->field)))
        return st;
    return own_source(ps, m, d);
}

/* raster_sum: source, band. */
static taafi_status raster_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    double band = 1;
    taafi_status st;
    if ((st = pj_need(ps, m, d, "source", "give the path of the raster (a GeoTIFF of persons per cell, say)")) ||
        (st = own_source(ps, m, d)))
        return st;
    if ((v = pj_get(ps, m, "band")) && (st = pj_number(ps, v, "band", &band)))
        return st;
    if (band < 1 || band != (double)(int)band)
        return pj_perr(ps, v, "'band' must be a band number, 1 or more");
    d->band = (int)band;
    return TAAFI_OK;
}

static taafi_status parse_indicator(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    taafi_status st;
    int t;
    if ((st = pj_expect_mapping(ps, m, "each indicator")))
        return st;
    d->line = pj_line_of(m);
    d->layer = -1;
    if (!(v = pj_get(ps, m, "id")))
        return pj_perr(ps, m, "indicator has no 'id': give the name of its output column");
    if ((st = pj_dup_scalar(ps, v, "id", &d->id)))
        return st;
    if (!pj_valid_column(d->id))
        return pj_perr(ps, v, "indicator id '%s' must start with a letter and hold only letters, digits and _", d->id);
    if (!(v = pj_get(ps, m, "type")))
        return pj_perr(ps, m, "indicator '%s' has no 'type' (area, count, sum, mean, min, max, area_share, "
                           "length_density, nearest_distance, table, expression, raster_sum or coverage)",
                    d->id);
    if ((st = pj_choice(ps, v, "indicator type", tf_ind_type_names, &t)))
        return st;
    d->type = (tf_ind_type)t;
    if ((st = check_indicator_keys(ps, m, d)) || (st = pj_opt_str(ps, m, "label", &d->label)) ||
        (st = pj_opt_str(ps, m, "label_ar", &d->label_ar)) || (st = pj_opt_str(ps, m, "unit", &d->unit)) ||
        (st = parse_scoring_keys(ps, m, d)))
        return st;
    switch (d->type) {
    case TF_IND_COUNT:
    case TF_IND_SUM:
    case TF_IND_MEAN:
    case TF_IND_MIN:
    case TF_IND_MAX:
    case TF_IND_AREA_SHARE:
    case TF_IND_LENGTH_DENSITY:
    case TF_IND_NEAREST_DISTANCE:
        return layer_keys(ps, m, d);
    case TF_IND_TABLE:
        return table_keys(ps, m, d);
    case TF_IND_EXPRESSION:
        return (st = pj_need(ps, m, d, "expression", "give an SQL expression over other indicators' columns"))
                   ? st
                   : pj_opt_str(ps, m, "expression", &d->expression);
    case TF_IND_RASTER_SUM:
        return raster_keys(ps, m, d);
    case TF_IND_COVERAGE:
        return pj_parse_coverage(ps, m, d);
    case TF_IND_AREA:
    case TF_IND_N_TYPES:
        break;
    }
    return TAAFI_OK;
}

taafi_status pj_parse_indicators(parser *ps, const yaml_node_t *s)
{
    taafi_project *p = ps->p;
    yaml_node_item_t *it;
    size_t n, i;
    if (s->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, s, "'indicators' must be a list; start each indicator with '- id: ...'");
    n = (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
    p->inds = calloc(n ? n : 1, sizeof *p->inds);
    if (!p->inds)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++) {
        yaml_node_t *m = pj_node(ps, *it);
        taafi_status st = parse_indicator(ps, m, &p->inds[p->n_inds]);
        p->n_inds++; /* counted even on failure so that free sees it */
        if (st)
            return st;
        for (i = 0; i + 1 < p->n_inds; i++)
            if (!strcmp(p->inds[i].id, p->inds[p->n_inds - 1].id))
                return pj_perr(ps, m, "indicator id '%s' is used twice (first on line %d)", p->inds[i].id,
                            p->inds[i].line);
    }
    return TAAFI_OK;
}

int tf_project_find_indicator(const taafi_project *p, const char *id)
{
    size_t i;
    for (i = 0; i < p->n_inds; i++)
        if (!strcmp(p->inds[i].id, id))
            return (int)i;
    return -1;
}

/* Checks that need every indicator: the population reference, weights
 * that leave each used pillar something to average, score columns. */
taafi_status pj_check_indicators(parser *ps, const yaml_node_t *root)
{
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    size_t i;
    int k;
    p->population = -1;
    if ((v = pj_get(ps, root, "population"))) {
        const char *id = NULL;
        taafi_status st = pj_scalar(ps, v, "population", &id);
        if (st)
            return st;
        if ((p->population = tf_project_find_indicator(p, id)) < 0)
            return pj_perr(ps, v, "population names '%s', which is not an indicator id", id);
    }
    for (i = 0; i < p->n_inds; i++)
        if (p->inds[i].per_1000 && p->population < 0)
            return pj_perr(ps, root, "indicator '%s' asks for per_1000 but the project has no 'population: <indicator "
                                  "id>' giving residents per area",
                        p->inds[i].id);
    for (k = 0; k < TF_N_PILLARS; k++) {
        double total = 0;
        int used = 0, line = 0;
        for (i = 0; i < p->n_inds; i++)
            if (p->inds[i].pillar && !strcmp(p->inds[i].pillar, tf_pillar_keys[k])) {
                used = 1;
                total += p->inds[i].weight;
                line = p->inds[i].line;
            }
        if (used && total <= 0)
            return tf_error(ps->ctx, TAAFI_ERR_PROJECT,
                            "%s:%d: every indicator of pillar %s has weight 0: its score would be undefined",
                            p->path, line, tf_pillar_keys[k]);
    }
    return TAAFI_OK;
}
