/* scenarios.c: the `scenarios` section: named variants of the scoring and of
 * coverage. */
#include "parse.h"

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
taafi_status pj_parse_scenarios(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"indicators", "pillars", NULL};
    static const char *const ind_keys[] = {"weight", "target", "floor",   "method", "distance",
                                           "label",  "label_ar", "statuses", "where", NULL};
    static const char *const pil_keys[] = {"weight", "mean", NULL};
    static const char *const methods[] = {"minmax", "target", "zscore", NULL};
    static const char *const means[] = {"arithmetic", "geometric", NULL};
    taafi_project *p = ps->p;
    yaml_node_pair_t *pr;
    taafi_status st;
    size_t n;
    if ((st = pj_expect_mapping(ps, m, "scenarios")))
        return st;
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (!(p->scenarios = calloc(n ? n : 1, sizeof *p->scenarios)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = pj_node(ps, pr->key), *v = pj_node(ps, pr->value);
        tf_scenario *sc = &p->scenarios[p->n_scenarios];
        const yaml_node_t *sec;
        const char *name = NULL;
        if ((st = pj_scalar(ps, k, "scenario name", &name)))
            return st;
        if (!pj_valid_column(name))
            return pj_perr(ps, k, "scenario name '%s' must be a plain word (letters, digits, _): it names a folder",
                           name);
        if (!strcmp(name, "maps"))
            return pj_perr(ps, k, "scenario name 'maps' is the folder of the run's own maps; choose another name");
        if (!(sc->name = tf_strdup(name)) || !(sc->inds = malloc((p->n_inds ? p->n_inds : 1) * sizeof *sc->inds)))
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
            for (ip = sec->data.mapping.pairs.start; ip < sec->data.mapping.pairs.top; ip++) {
                yaml_node_t *ik = pj_node(ps, ip->key), *iv = pj_node(ps, ip->value);
                const yaml_node_t *x;
                const char *id = NULL;
                int ix, mi;
                tf_indicator_def *d;
                if ((st = pj_scalar(ps, ik, "indicator id", &id)))
                    return st;
                if ((ix = tf_project_find_indicator(p, id)) < 0 || !p->inds[ix].pillar)
                    return pj_perr(ps, ik, "scenario '%s': '%s' is no scored indicator (one with a pillar)", sc->name,
                                id);
                d = &sc->inds[ix];
                if ((st = pj_expect_mapping(ps, iv, "an indicator's scenario settings")) ||
                    (st = pj_check_keys(ps, iv, "an indicator's scenario settings", ind_keys)))
                    return st;
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
                    if ((st = pj_choice(ps, x, "method", methods, &mi)))
                        return st;
                    d->method = (tf_method)mi;
                }
                if (d->method == TF_NORM_TARGET && !d->has_target)
                    return pj_perr(ps, iv, "scenario '%s': '%s' scored by method target needs a 'target'", sc->name,
                                   id);
                /* another distance standard: the coverage is computed again
                 * from the facilities already read (see taafi_run) */
                if ((x = pj_get(ps, iv, "distance"))) {
                    if (d->type != TF_IND_COVERAGE)
                        return pj_perr(ps, x,
                                       "scenario '%s': '%s' is no coverage indicator; only coverage takes a 'distance'",
                                       sc->name, id);
                    if ((st = pj_number(ps, x, "distance", &d->distance)))
                        return st;
                    if (!(d->distance > 0))
                        return pj_perr(ps, x, "'distance' must be more than 0 metres");
                }
                /* other facilities: other statuses or another where (the
                 * kind stays: another kind is another indicator); read in
                 * the same pass, see pass_where */
                {
                    const yaml_node_t *sv = pj_get(ps, iv, "statuses"), *wv = pj_get(ps, iv, "where");
                    if (sv || wv) {
                        const tf_indicator_def *own = &p->inds[ix];
                        const char *uw = own->user_where;
                        tf_buf w = {0};
                        if (d->type != TF_IND_COVERAGE)
                            return pj_perr(ps, sv ? sv : wv,
                                        "scenario '%s': '%s' is no coverage indicator; only coverage takes "
                                        "'statuses' or 'where'",
                                        sc->name, id);
                        if (wv && (st = pj_scalar(ps, wv, "where", &uw)))
                            return st;
                        if (!sv) /* the indicator's own statuses */
                            sv = pj_get(ps, pj_ind_node(ps, ix), "statuses");
                        if ((st = pj_coverage_where(ps, uw, own->kind, own->kind_field, sv, own->status_field, &w))) {
                            tf_buf_free(&w);
                            return st;
                        }
                        if (!w.s && !(w.s = tf_strdup("1 = 1"))) /* every facility */
                            return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
                        d->where = w.s;
                    }
                }
                /* the scenario's own labels (a distance in the title, say);
                 * the copy's strings are the project's until replaced, and
                 * freed with the project only when they differ */
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
            }
        }
        if ((sec = pj_get(ps, v, "pillars"))) {
            yaml_node_pair_t *pp;
            double total = 0;
            int q;
            if ((st = pj_expect_mapping(ps, sec, "a scenario's pillars")))
                return st;
            for (pp = sec->data.mapping.pairs.start; pp < sec->data.mapping.pairs.top; pp++) {
                yaml_node_t *pk = pj_node(ps, pp->key), *pv = pj_node(ps, pp->value);
                const yaml_node_t *x;
                int mi;
                if ((st = pj_choice(ps, pk, "pillar", tf_pillar_keys, &q)) ||
                    (st = pj_expect_mapping(ps, pv, "a pillar's settings")) ||
                    (st = pj_check_keys(ps, pv, "a pillar's settings", pil_keys)))
                    return st;
                if ((x = pj_get(ps, pv, "weight"))) {
                    if ((st = pj_number(ps, x, "weight", &sc->scoring.pillars[q].weight)))
                        return st;
                    if (sc->scoring.pillars[q].weight < 0)
                        return pj_perr(ps, x, "weight %g is negative; weights must be 0 or more",
                                    sc->scoring.pillars[q].weight);
                }
                if ((x = pj_get(ps, pv, "mean"))) {
                    if ((st = pj_choice(ps, x, "mean", means, &mi)))
                        return st;
                    sc->scoring.pillars[q].mean = (tf_mean)mi;
                }
            }
            for (q = 0; q < TF_N_PILLARS; q++)
                total += sc->scoring.pillars[q].weight;
            if (total <= 0)
                return pj_perr(ps, sec, "scenario '%s': every pillar weight is 0", sc->name);
        }
    }
    return TAAFI_OK;
}
