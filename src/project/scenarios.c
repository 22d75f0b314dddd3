/* scenarios.c: the `scenarios` section: named variants of the scoring and,
 * through the families' scenario keys (keys.h), of what they measure. */
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* scenarios:
 *   NAME:
 *     indicators: {ID: {weight: W, target: T, floor: F, method: M}, ...}
 *     pillars: {PILLAR: {weight: W, mean: geometric}, ...} */
static const char *const METHODS[] = {"minmax", "target", "zscore", NULL};

/* A scenario's scoring settings of one indicator: weight, target, floor,
 * method. */
static taafi_status indicator_scoring(parser *ps, const yaml_node_t *iv, const tf_scenario *sc, const char *id,
                                      tf_indicator_def *d)
{
    const yaml_node_t *x;
    taafi_status st;
    int mi;
    if ((x = pj_get(ps, iv, "weight"))) {
        if ((st = pj_number(ps, x, "weight", &d->weight)))
            return st;
        if (d->weight < 0)
            return pj_perr(ps, x, "weight %g is negative; weights must be 0 or more", d->weight);
    }
    if ((x = pj_get(ps, iv, "target"))) {
        if ((st = pj_number(ps, x, "target", &d->target)))
            return st;
        d->has_target = 1;
    }
    if ((x = pj_get(ps, iv, "floor"))) {
        if ((st = pj_number(ps, x, "floor", &d->floor)))
            return st;
        d->has_floor = 1;
    }
    if ((x = pj_get(ps, iv, "method"))) {
        if ((st = pj_choice(ps, x, "method", METHODS, &mi)))
            return st;
        d->method = (tf_method)mi;
    }
    if (d->method == TF_NORM_TARGET && !d->has_target)
        return pj_perr(ps, iv, "scenario '%s': '%s' scored by method target needs a 'target'", sc->name, id);
    return TAAFI_OK;
}

/* The scenario's own labels (a distance in the title, say); the copy's
 * strings are the project's until replaced, and freed with the project
 * only when they differ. */
static taafi_status indicator_labels(parser *ps, const yaml_node_t *iv, tf_indicator_def *d)
{
    const yaml_node_t *x;
    taafi_status st;
    if ((x = pj_get(ps, iv, "label"))) {
        d->label = NULL;
        if ((st = pj_dup_scalar(ps, x, "label", &d->label)))
            return st;
    }
    if ((x = pj_get(ps, iv, "label_ar"))) {
        d->label_ar = NULL;
        if ((st = pj_dup_scalar(ps, x, "label_ar", &d->label_ar)))
            return st;
    }
    return TAAFI_OK;
}

/* The families' scenario keys (keys.h) of a scenario's entry for
 * indicator ix, each family's read by the family, which refuses them for
 * an indicator of another type. */
static taafi_status family_keys(parser *ps, const yaml_node_t *iv, const tf_scenario *sc, int ix)
{
    const tf_family_keys *const *f = ps->p->families;
    size_t i;
    taafi_status st;
    for (i = 0; f[i]; i++) {
        const char *const *k;
        for (k = f[i]->scenario_keys; k && *k && !pj_get(ps, iv, *k); k++)
            ;
        if (k && *k && (st = f[i]->scenario(ps, iv, sc->name, ix, &sc->inds[ix])))
            return st;
    }
    return TAAFI_OK;
}

/* One entry of a scenario's `indicators`: ID: {settings}. */
static taafi_status scenario_indicator(parser *ps, tf_scenario *sc, const yaml_node_t *ik, const yaml_node_t *iv)
{
    static const char *const own_keys[] = {"weight", "target", "floor", "method", "label", "label_ar", NULL};
    const tf_family_keys *const *f = ps->p->families;
    taafi_project *p = ps->p;
    const char *id = NULL, *keys[64];
    size_t n = 0, i;
    int ix;
    taafi_status st;
    for (i = 0; own_keys[i]; i++)
        keys[n++] = own_keys[i];
    for (i = 0; f[i]; i++)
        for (const char *const *k = f[i]->scenario_keys; k && *k && n + 1 < 64; k++)
            keys[n++] = *k;
    keys[n] = NULL;
    if ((st = pj_scalar(ps, ik, "indicator id", &id)))
        return st;
    if ((ix = tf_project_find_indicator(p, id)) < 0 || !p->inds[ix].pillar)
        return pj_perr(ps, ik, "scenario '%s': '%s' is no scored indicator (one with a pillar)", sc->name, id);
    if ((st = pj_expect_mapping(ps, iv, "an indicator's scenario settings")) ||
        (st = pj_check_keys(ps, iv, "an indicator's scenario settings", keys)) ||
        (st = indicator_scoring(ps, iv, sc, id, &sc->inds[ix])) || (st = family_keys(ps, iv, sc, ix)))
        return st;
    return indicator_labels(ps, iv, &sc->inds[ix]);
}

/* A scenario's `pillars`: their weights and means (as scoring.pillars). */
static taafi_status scenario_pillars(parser *ps, tf_scenario *sc, const yaml_node_t *sec)
{
    double total;
    taafi_status st = pj_parse_pillars(ps, sec, "a scenario's pillars", &sc->scoring, &total);
    if (st)
        return st;
    return total <= 0 ? pj_perr(ps, sec, "scenario '%s': every pillar weight is 0", sc->name) : TAAFI_OK;
}

/* One scenario: NAME: {indicators: ..., pillars: ...}, over a copy of the
 * project's indicators and scoring. */
static taafi_status scenario(parser *ps, const yaml_node_t *k, const yaml_node_t *v)
{
    static const char *const keys[] = {"indicators", "pillars", "network", NULL};
    taafi_project *p = ps->p;
    tf_scenario *sc = &p->scenarios[p->n_scenarios];
    const yaml_node_t *sec;
    const char *name = NULL;
    taafi_status st;
    if ((st = pj_scalar(ps, k, "scenario name", &name)))
        return st;
    if (!pj_valid_column(name))
        return pj_perr(ps, k, "scenario name '%s' must be a plain word (letters, digits, _): it names a folder", name);
    if (!strcmp(name, "maps"))
        return pj_perr(ps, k, "scenario name 'maps' is the folder of the run's own maps; choose another name");
    if (!(sc->name = tf_strdup(name)) || !(sc->inds = tf_malloc((p->n_inds ? p->n_inds : 1) * sizeof *sc->inds)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    p->n_scenarios++; /* counted now so that free sees it */
    sc->line = pj_line_of(k);
    memcpy(sc->inds, p->inds, p->n_inds * sizeof *sc->inds);
    sc->scoring = p->scoring;
    if ((st = pj_expect_mapping(ps, v, "a scenario")) || (st = pj_check_keys(ps, v, "a scenario", keys)))
        return st;
    if ((sec = pj_get(ps, v, "indicators"))) {
        yaml_node_pair_t *ip;
        if ((st = pj_expect_mapping(ps, sec, "a scenario's indicators")))
            return st;
        for (ip = sec->data.mapping.pairs.start; ip < sec->data.mapping.pairs.top; ip++)
            if ((st = scenario_indicator(ps, sc, pj_node(ps, ip->key), pj_node(ps, ip->value))))
                return st;
    }
    if ((sec = pj_get(ps, v, "network")) && (st = pj_parse_scenario_network(ps, sec, sc)))
        return st;
    return (sec = pj_get(ps, v, "pillars")) ? scenario_pillars(ps, sc, sec) : TAAFI_OK;
}

taafi_status pj_parse_scenarios(parser *ps, const yaml_node_t *m)
{
    taafi_project *p = ps->p;
    yaml_node_pair_t *pr;
    taafi_status st;
    size_t n;
    if ((st = pj_expect_mapping(ps, m, "scenarios")))
        return st;
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (!(p->scenarios = tf_calloc(n ? n : 1, sizeof *p->scenarios)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++)
        if ((st = scenario(ps, pj_node(ps, pr->key), pj_node(ps, pr->value))))
            return st;
    return TAAFI_OK;
}
