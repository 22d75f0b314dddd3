/* network_keys.c: the `network:` section (the streets as a network and
 * what closes them) and the `reach` key of the indicators that measure
 * distances (coverage, nearest_distance).  See docs/network.md. */
#include "keys.h"
#include "parse.h"

#include <math.h>
#include <string.h>

/* A positive amount of `unit` (0 allowed when zero_ok), at most max,
 * under key. */
static taafi_status amount(parser *ps, const yaml_node_t *m, const char *key, int zero_ok, const char *unit,
                           double max, double *out)
{
    const yaml_node_t *v = pj_get(ps, m, key);
    taafi_status st;
    if (!v)
        return TAAFI_OK;
    if ((st = pj_number(ps, v, key, out)))
        return st;
    if (!(*out > 0 || (zero_ok && *out == 0)) || *out > max)
        return pj_perr(ps, v, "network: '%s' must be %s %s, at most %g", key, zero_ok ? "0 or more" : "more than 0",
                       unit, max);
    return TAAFI_OK;
}

static taafi_status metres(parser *ps, const yaml_node_t *m, const char *key, int zero_ok, double *out)
{
    return amount(ps, m, key, zero_ok, "metres", 1e6, out);
}

/* One entry of closed.by: {layer, where, within}. */
static taafi_status parse_closure(parser *ps, const yaml_node_t *m, tf_closure_def *c)
{
    static const char *const keys[] = {"layer", "where", "within", NULL};
    const yaml_node_t *v;
    taafi_status st;
    c->line = pj_line_of(m);
    if ((st = pj_expect_mapping(ps, m, "network.closed.by entry")) ||
        (st = pj_check_keys(ps, m, "network.closed.by entry", keys)))
        return st;
    if (!(v = pj_get(ps, m, "layer")))
        return pj_perr(ps, m, "network.closed.by: each entry names the 'layer' whose features close streets");
    if ((st = pj_layer_ref(ps, v, &c->layer)) || (st = pj_opt_str(ps, m, "where", &c->where)) ||
        (st = pj_check_filter(ps, pj_get(ps, m, "where"), c->where)))
        return st;
    return metres(ps, m, "within", 1, &c->within);
}

static taafi_status parse_closed(parser *ps, const yaml_node_t *m, tf_network_def *n)
{
    static const char *const keys[] = {"where", "by", NULL};
    const yaml_node_t *by;
    yaml_node_item_t *it;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "network.closed")) || (st = pj_check_keys(ps, m, "network.closed", keys)) ||
        (st = pj_opt_str(ps, m, "where", &n->closed_where)) ||
        (st = pj_check_filter(ps, pj_get(ps, m, "where"), n->closed_where)))
        return st;
    if (!(by = pj_get(ps, m, "by")))
        return TAAFI_OK;
    if (by->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, by, "network.closed.by must be a list of {layer: ..., where: ..., within: metres}");
    n->n_closed_by = (size_t)(by->data.sequence.items.top - by->data.sequence.items.start);
    if (n->n_closed_by > 64)
        return pj_perr(ps, by, "network.closed.by lists %zu layers; at most 64", n->n_closed_by);
    if (n->n_closed_by && !(n->closed_by = tf_calloc(n->n_closed_by, sizeof *n->closed_by)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = by->data.sequence.items.start; it < by->data.sequence.items.top; it++)
        if ((st = parse_closure(ps, pj_node(ps, *it), &n->closed_by[it - by->data.sequence.items.start])))
            return st;
    return TAAFI_OK;
}

/* speeds: {class: km/h, ...} */
static taafi_status parse_speeds(parser *ps, const yaml_node_t *m, tf_network_def *n)
{
    yaml_node_pair_t *pr;
    size_t k = 0, cap;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "network.speeds")))
        return st;
    cap = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (!(n->speed_class = tf_calloc(cap ? cap : 1, sizeof *n->speed_class)) ||
        !(n->speed_kmh = tf_calloc(cap ? cap : 1, sizeof *n->speed_kmh)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++, k++) {
        const yaml_node_t *kv = pj_node(ps, pr->key), *vv = pj_node(ps, pr->value);
        n->n_speeds = k + 1;
        if ((st = pj_dup_scalar(ps, kv, "speeds", &n->speed_class[k])) ||
            (st = pj_number(ps, vv, n->speed_class[k], &n->speed_kmh[k])))
            return st;
        if (!(n->speed_kmh[k] > 0) || n->speed_kmh[k] > 300)
            return pj_perr(ps, vv, "network.speeds: %s must be more than 0 km/h, at most 300", n->speed_class[k]);
        n->default_kmh = k ? fmin(n->default_kmh, n->speed_kmh[k]) : n->speed_kmh[k];
    }
    return TAAFI_OK;
}

/* mode: drive and its keys. */
static taafi_status parse_drive(parser *ps, const yaml_node_t *m, tf_network_def *n)
{
    static const char *const modes[] = {"walk", "drive", NULL};
    const yaml_node_t *v;
    taafi_status st;
    if ((v = pj_get(ps, m, "mode")) && (st = pj_choice(ps, v, "network.mode", modes, &n->drive)))
        return st;
    if (!n->drive) {
        static const char *const drive_only[] = {"speed_field", "speeds", "default_speed", "join_speed",
                                                 "oneway_field", NULL};
        for (int i = 0; drive_only[i]; i++)
            if ((v = pj_get(ps, m, drive_only[i])))
                return pj_perr(ps, v, "network.%s is for mode: drive (walking is in metres, both ways)",
                               drive_only[i]);
        return TAAFI_OK;
    }
    if ((st = pj_opt_str(ps, m, "speed_field", &n->speed_field)) ||
        (st = pj_opt_str(ps, m, "oneway_field", &n->oneway_field)) ||
        ((v = pj_get(ps, m, "speeds")) && (st = parse_speeds(ps, v, n))))
        return st;
    if (n->speed_field && !n->n_speeds)
        return pj_perr(ps, m, "network: speed_field without 'speeds: {class: km/h, ...}'");
    if ((st = amount(ps, m, "default_speed", 0, "km/h", 300, &n->default_kmh)))
        return st;
    if (!(n->default_kmh > 0))
        return pj_perr(ps, m, "network: mode: drive needs speeds (km/h): 'speeds' by 'speed_field', or "
                              "'default_speed'");
    return amount(ps, m, "join_speed", 0, "km/h", 300, &n->join_kmh);
}

taafi_status pj_parse_network(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"streets", "tolerance", "max_join", "level_field", "closed", "mode",
                                       "speed_field", "speeds", "default_speed", "join_speed", "oneway_field", NULL};
    tf_network_def *n = &ps->p->network;
    const yaml_node_t *v;
    taafi_status st;
    n->line = pj_line_of(m);
    if ((st = pj_expect_mapping(ps, m, "network")) || (st = pj_check_keys(ps, m, "network", keys)))
        return st;
    if (!(v = pj_get(ps, m, "streets")))
        return pj_perr(ps, m, "network: name the layer of streets (lines) under 'streets'");
    if ((st = pj_layer_ref(ps, v, &n->layer)) || (st = metres(ps, m, "tolerance", 1, &n->tolerance)) ||
        (st = metres(ps, m, "max_join", 0, &n->max_join)) || (st = pj_opt_str(ps, m, "level_field", &n->level_field)) ||
        (st = parse_drive(ps, m, n)))
        return st;
    return (v = pj_get(ps, m, "closed")) ? parse_closed(ps, v, n) : TAAFI_OK;
}

void pj_network_defaults(tf_network_def *n)
{
    n->layer = -1;
    n->tolerance = TF_NETWORK_TOLERANCE_M;
    n->max_join = TF_NETWORK_MAX_JOIN_M;
    n->join_kmh = TF_NETWORK_JOIN_KMH;
}

void tf_network_def_free(tf_network_def *n)
{
    size_t i;
    tf_free(n->level_field);
    tf_free(n->closed_where);
    for (i = 0; i < n->n_closed_by; i++)
        tf_free(n->closed_by[i].where);
    tf_free(n->closed_by);
    for (i = 0; i < n->n_speeds; i++)
        tf_free(n->speed_class[i]);
    tf_free(n->speed_class);
    tf_free(n->speed_kmh);
    tf_free(n->speed_field);
    tf_free(n->oneway_field);
}

taafi_status pj_parse_reach(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    static const char *const names[] = {"straight", "network", NULL};
    const yaml_node_t *v = pj_get(ps, m, "reach");
    taafi_status st;
    if (!v)
        return TAAFI_OK;
    if ((st = pj_choice(ps, v, "reach", names, &d->reach)))
        return st;
    if (d->reach == 1 && ps->p->network.layer < 0)
        return pj_perr(ps, v, "'%s' has reach: network but the project has no 'network:' section naming its "
                              "streets; add one (docs/network.md) or use reach: straight", d->id);
    return TAAFI_OK;
}

taafi_status pj_parse_scenario_network(parser *ps, const yaml_node_t *m, tf_scenario *sc)
{
    static const char *const keys[] = {"closed", NULL};
    const yaml_node_t *v;
    size_t k;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "a scenario's network")) ||
        (st = pj_check_keys(ps, m, "a scenario's network", keys)))
        return st;
    if (ps->p->network.layer < 0)
        return pj_perr(ps, m, "scenario '%s' changes the network's closures but the project has no 'network:' "
                              "section", sc->name);
    if (!(v = pj_get(ps, m, "closed")))
        return pj_perr(ps, m, "scenario '%s': network: give 'closed:' (where, by), the closures of the scenario; "
                              "closed: {} opens every street", sc->name);
    if (!(sc->network = tf_calloc(1, sizeof *sc->network)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    *sc->network = ps->p->network;
    sc->network->level_field = NULL, sc->network->closed_where = NULL; /* the project's own */
    sc->network->closed_by = NULL, sc->network->n_closed_by = 0;
    sc->network->speed_field = sc->network->oneway_field = NULL;
    sc->network->speed_class = NULL, sc->network->speed_kmh = NULL, sc->network->n_speeds = 0;
    sc->network->line = pj_line_of(m);
    if ((st = parse_closed(ps, v, sc->network)))
        return st;
    for (k = 0; k < ps->p->n_inds; k++)
        if (sc->inds[k].reach == 1)
            sc->inds[k].closures = sc->network;
    return TAAFI_OK;
}

taafi_status pj_check_reach(parser *ps)
{
    const taafi_project *p = ps->p;
    int raster = p->population >= 0 && !strcmp(tf_type_name(p, &p->inds[p->population]), "raster_sum");
    size_t k;
    for (k = 0; k < p->n_inds && !raster; k++)
        if (p->inds[k].reach == 1 && !strcmp(tf_type_name(p, &p->inds[k]), "coverage"))
            return tf_error(ps->ctx, TAAFI_ERR_PROJECT, "%s:%d: coverage '%s' has reach: network, which counts "
                            "residents at the cells of the population raster; name a raster_sum indicator under "
                            "'population:', or use reach: straight", p->path, p->inds[k].line, p->inds[k].id);
    return TAAFI_OK;
}
