/* indicators.c: the `indicators` list: each indicator's type, the keys
 * every indicator has (its scoring keys among them), its family's keys
 * read by the family (keys.h), and the checks that need every indicator. */
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Keys every indicator may have, beside its family's own. */
static const char *const COMMON_KEYS[] = {"id",        "type",   "label",  "label_ar", "pillar", "unit",
                                          "direction", "weight", "method", "target",   "floor",  "clamp",
                                          "score_column", NULL};

const char *tf_type_name(const taafi_project *p, const tf_indicator_def *d) { return p->families[d->type]->type; }

/* Whether `key` is in the NULL-terminated `list` (NULL: empty). */
static int listed(const char *const *list, const char *key)
{
    for (; list && *list; list++)
        if (!strcmp(*list, key))
            return 1;
    return 0;
}

/* The keys of indicator d's mapping `m` are the common ones and its
 * family's; a key that belongs to another family gets "does not apply
 * to" rather than "unknown". */
static taafi_status check_indicator_keys(parser *ps, const yaml_node_t *m, const tf_indicator_def *d)
{
    const tf_family_keys *const *fams = ps->p->families;
    const char *const *own = fams[d->type]->keys;
    const char *allowed[64];
    size_t n = 0, i;
    yaml_node_pair_t *pr;
    for (i = 0; COMMON_KEYS[i] && n + 1 < 64; i++)
        allowed[n++] = COMMON_KEYS[i];
    for (i = 0; own && own[i] && n + 1 < 64; i++)
        allowed[n++] = own[i];
    allowed[n] = NULL;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = pj_node(ps, pr->key);
        const char *key = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "";
        if (listed(allowed, key))
            continue;
        for (i = 0; fams[i]; i++)
            if (listed(fams[i]->keys, key))
                return pj_perr(ps, k, "'%s' does not apply to an indicator of type %s", key, fams[d->type]->type);
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

taafi_status pj_own_source(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    char *raw = NULL;
    taafi_status st;
    if ((st = pj_opt_str(ps, m, "source", &raw)))
        return st;
    d->source = pj_resolve(ps->p, raw);
    tf_free(raw);
    return d->source ? TAAFI_OK : tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
}

taafi_status pj_layer_where(parser *ps, const yaml_node_t *m, tf_indicator_def *d, const char *what)
{
    taafi_status st;
    if ((st = pj_need(ps, m, d, "layer", what)) || (st = pj_layer_ref(ps, pj_get(ps, m, "layer"), &d->layer)))
        return st;
    if ((st = pj_opt_str(ps, m, "where", &d->where)))
        return st;
    return pj_check_filter(ps, pj_get(ps, m, "where"), d->where);
}

/* The `type` names of every family, for the message and the choice. */
static taafi_status type_of(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const tf_family_keys *const *fams = ps->p->families;
    const char *names[64];
    const yaml_node_t *v = pj_get(ps, m, "type");
    tf_buf list = {0};
    size_t n;
    int t;
    taafi_status st;
    for (n = 0; fams[n] && n + 1 < 64; n++) {
        names[n] = fams[n]->type;
        tf_buf_printf(&list, "%s%s", n ? (fams[n + 1] ? ", " : " or ") : "", fams[n]->type);
    }
    names[n] = NULL;
    if (list.failed)
        st = tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    else if (!v)
        st = pj_perr(ps, m, "indicator '%s' has no 'type' (%s)", d->id, list.s);
    else if (!(st = pj_choice(ps, v, "indicator type", names, &t)))
        d->type = t;
    tf_buf_free(&list);
    return st;
}

static taafi_status parse_indicator(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    taafi_status st;
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
    if ((st = type_of(ps, m, d)))
        return st;
    if ((st = check_indicator_keys(ps, m, d)) || (st = pj_opt_str(ps, m, "label", &d->label)) ||
        (st = pj_opt_str(ps, m, "label_ar", &d->label_ar)) || (st = pj_opt_str(ps, m, "unit", &d->unit)) ||
        (st = parse_scoring_keys(ps, m, d)))
        return st;
    return ps->p->families[d->type]->parse ? ps->p->families[d->type]->parse(ps, m, d) : TAAFI_OK;
}

/* An indicator id that an output column of taafi's, or GDAL's own
 * feature id and geometry, has already: found now, not when the run
 * writes its GeoPackage. */
static taafi_status reserved_id(parser *ps, const yaml_node_t *m, const char *id)
{
    static const char *const RESERVED[] = {"fid",  "geom",     "geometry",       "ogc_fid",       "rank",
                                           "priority", "priority_class", "recovery_index", "missing_count", NULL};
    char pillar[64];
    int q;
    for (q = 0; RESERVED[q]; q++)
        if (!strcasecmp(id, RESERVED[q]))
            return pj_perr(ps, m, "indicator id '%s' is the name of a column taafi writes itself; choose another", id);
    for (q = 0; q < TF_N_PILLARS; q++) {
        snprintf(pillar, sizeof pillar, "%s_score", tf_pillar_keys[q]);
        if (!strcasecmp(id, pillar) || !strcasecmp(id, tf_pillar_keys[q]))
            return pj_perr(ps, m, "indicator id '%s' is the name of pillar %s's columns; choose another", id,
                           tf_pillar_keys[q]);
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
    p->inds = tf_calloc(n ? n : 1, sizeof *p->inds);
    if (!p->inds)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++) {
        yaml_node_t *m = pj_node(ps, *it);
        taafi_status st = parse_indicator(ps, m, &p->inds[p->n_inds]);
        p->n_inds++; /* counted even on failure so that free sees it */
        if (st)
            return st;
        /* case-insensitive: GeoPackage (SQLite) column names are */
        for (i = 0; i + 1 < p->n_inds; i++)
            if (!strcasecmp(p->inds[i].id, p->inds[p->n_inds - 1].id))
                return pj_perr(ps, m, "indicator id '%s' is used twice (first on line %d)", p->inds[p->n_inds - 1].id,
                               p->inds[i].line);
        if ((st = reserved_id(ps, m, p->inds[p->n_inds - 1].id)))
            return st;
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
    return pj_check_reach(ps);
}

taafi_status pj_after_scenarios(parser *ps)
{
    size_t k;
    taafi_status st;
    for (k = 0; k < ps->p->n_inds; k++) {
        const tf_family_keys *f = ps->p->families[ps->p->inds[k].type];
        if (f->after_scenarios && (st = f->after_scenarios(ps, (int)k)))
            return st;
    }
    return TAAFI_OK;
}

const char *tf_pass_where(const tf_indicator_def *d) { return d->pass_where ? d->pass_where : d->where; }

const yaml_node_t *pj_ind_node(parser *ps, int ix)
{
    const yaml_node_t *seq = pj_get(ps, yaml_document_get_root_node(ps->doc), "indicators");
    return seq ? pj_node(ps, seq->data.sequence.items.start[ix]) : NULL;
}
