/* scoring.c: the `scoring` section: pillars, weights, the missing-value
 * rule, priority classes; and the pillars' keys and labels. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const tf_pillar_keys[TF_N_PILLARS + 1] = {"economic_vitality", "institutional_organisation",
                                                      "community_organisation", "basic_services",
                                                      "ideal_neighbourhood", NULL};
const char *const tf_pillar_labels[TF_N_PILLARS] = {"Economic vitality", "Institutional organisation",
                                                    "Community organisation", "Basic services",
                                                    "The ideal neighbourhood"};
const char *const tf_pillar_labels_ar[TF_N_PILLARS] = {"الحيوية الاقتصادية", "التنظيم المؤسساتي",
                                                       "التنظيم المجتمعي", "الخدمات الأساسية", "الحي المثالي"};

static taafi_status parse_number_list(parser *ps, const yaml_node_t *v, const char *key, double **out, size_t *n)
{
    yaml_node_item_t *it;
    if (v->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, v, "'%s' must be a list of numbers", key);
    *n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    *out = tf_calloc(*n ? *n : 1, sizeof **out);
    if (!*out)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = pj_number(ps, pj_node(ps, *it), key, &(*out)[it - v->data.sequence.items.start]);
        if (st)
            return st;
    }
    return TAAFI_OK;
}

/* scoring:
 *   missing: skip | fail
 *   pillars: {basic_services: {weight: 2, mean: geometric}, ...}
 *   priority: {method: quantiles, classes: 4, labels: [...]}
 *          or {method: breaks, breaks: [25, 50, 75], labels: [...]} */
taafi_status pj_parse_pillars(parser *ps, const yaml_node_t *v, const char *what, tf_scoring *sc, double *total_out)
{
    static const char *const pkeys[] = {"weight", "mean", NULL};
    static const char *const means[] = {"arithmetic", "geometric", NULL};
    yaml_node_pair_t *pp;
    double total = 0;
    taafi_status st;
    int i;
    if ((st = pj_expect_mapping(ps, v, what)))
        return st;
    for (pp = v->data.mapping.pairs.start; pp < v->data.mapping.pairs.top; pp++) {
        yaml_node_t *k = pj_node(ps, pp->key), *val = pj_node(ps, pp->value);
        const yaml_node_t *w;
        if ((st = pj_choice(ps, k, "pillar", tf_pillar_keys, &i)) ||
            (st = pj_expect_mapping(ps, val, "a pillar's settings")) ||
            (st = pj_check_keys(ps, val, "a pillar's settings", pkeys)))
            return st;
        sc->pillars[i].line = pj_line_of(k);
        if ((w = pj_get(ps, val, "weight"))) {
            if ((st = pj_number(ps, w, "weight", &sc->pillars[i].weight)))
                return st;
            if (sc->pillars[i].weight < 0)
                return pj_perr(ps, w, "weight %g is negative; weights must be 0 or more", sc->pillars[i].weight);
        }
        if ((w = pj_get(ps, val, "mean"))) {
            int mi;
            if ((st = pj_choice(ps, w, "mean", means, &mi)))
                return st;
            sc->pillars[i].mean = (tf_mean)mi;
        }
    }
    for (i = 0; i < TF_N_PILLARS; i++)
        total += sc->pillars[i].weight;
    *total_out = total;
    return TAAFI_OK;
}

/* scoring.pillars: each pillar's weight and mean. */
static taafi_status pillars(parser *ps, tf_scoring *sc, const yaml_node_t *v)
{
    double total;
    taafi_status st = pj_parse_pillars(ps, v, "scoring.pillars", sc, &total);
    if (st)
        return st;
    return total <= 0 ? pj_perr(ps, v, "every pillar weight is 0: the index would be undefined") : TAAFI_OK;
}

/* The priority classes: by breaks of the index, or by rank (quantiles). */
static taafi_status classes(parser *ps, tf_scoring *sc, const yaml_node_t *pr)
{
    const yaml_node_t *v;
    taafi_status st;
    if (sc->priority_method == TF_PRIORITY_BREAKS) {
        size_t nb = 0, k;
        if (!(v = pj_get(ps, pr, "breaks")))
            return pj_perr(ps, pr, "priority method breaks needs 'breaks', e.g. [25, 50, 75]");
        if (pj_get(ps, pr, "classes"))
            return pj_perr(ps, pj_get(ps, pr, "classes"), "'classes' is for quantiles; breaks give the classes");
        if ((st = parse_number_list(ps, v, "breaks", &sc->breaks, &nb)))
            return st;
        if (nb == 0)
            return pj_perr(ps, v, "'breaks' is empty");
        for (k = 1; k < nb; k++)
            if (sc->breaks[k] <= sc->breaks[k - 1])
                return pj_perr(ps, v, "'breaks' must increase");
        sc->n_classes = nb + 1;
    } else {
        double c = 4;
        if (pj_get(ps, pr, "breaks"))
            return pj_perr(ps, pj_get(ps, pr, "breaks"), "'breaks' needs method: breaks");
        if ((v = pj_get(ps, pr, "classes")) && (st = pj_number(ps, v, "classes", &c)))
            return st;
        if (c < 2 || c > 10 || c != (double)(int)c)
            return pj_perr(ps, v, "'classes' must be a whole number from 2 to 10");
        sc->n_classes = (size_t)c;
    }
    return TAAFI_OK;
}

/* scoring.priority: the method, the classes, their labels. */
static taafi_status priority(parser *ps, tf_scoring *sc, const yaml_node_t *pr)
{
    static const char *const prkeys[] = {"method", "classes", "breaks", "labels", NULL};
    static const char *const prmethods[] = {"quantiles", "breaks", NULL};
    const yaml_node_t *v;
    yaml_node_item_t *it;
    size_t n = 0;
    taafi_status st;
    int i;
    if ((st = pj_expect_mapping(ps, pr, "scoring.priority")) ||
        (st = pj_check_keys(ps, pr, "scoring.priority", prkeys)))
        return st;
    if ((v = pj_get(ps, pr, "method"))) {
        if ((st = pj_choice(ps, v, "priority method", prmethods, &i)))
            return st;
        sc->priority_method = (tf_priority_method)i;
    }
    if ((st = classes(ps, sc, pr)) || !(v = pj_get(ps, pr, "labels")))
        return st;
    if (v->type != YAML_SEQUENCE_NODE ||
        (size_t)(v->data.sequence.items.top - v->data.sequence.items.start) != sc->n_classes)
        return pj_perr(ps, v, "'labels' must be a list of %zu labels, most in need first", sc->n_classes);
    sc->labels = tf_calloc(sc->n_classes, sizeof *sc->labels);
    if (!sc->labels)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
        if ((st = pj_dup_scalar(ps, pj_node(ps, *it), "labels", &sc->labels[n++])))
            return st;
    return TAAFI_OK;
}

taafi_status pj_parse_scoring(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"missing", "pillars", "priority", NULL};
    static const char *const missing[] = {"skip", "fail", NULL};
    tf_scoring *sc = &ps->p->scoring;
    const yaml_node_t *v;
    taafi_status st;
    int i;
    if ((st = pj_expect_mapping(ps, m, "scoring")) || (st = pj_check_keys(ps, m, "scoring", keys)))
        return st;
    sc->line = pj_line_of(m);
    if ((v = pj_get(ps, m, "missing"))) {
        if ((st = pj_choice(ps, v, "missing", missing, &i)))
            return st;
        sc->missing = (tf_missing)i;
    }
    if ((v = pj_get(ps, m, "pillars")) && (st = pillars(ps, sc, v)))
        return st;
    return (v = pj_get(ps, m, "priority")) ? priority(ps, sc, v) : TAAFI_OK;
}
