/* coverage_keys.c: the project-file keys of coverage indicators: the
 * Sphere and planning standards by kind, the SQL filter of kind and
 * status, a scenario's other distance or facilities, and the union of
 * filters a pass reads. */
#include "indicator.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Published or common planning standards by facility kind, the defaults of
 * coverage indicators (see docs/project-file.md for their sources). */
typedef struct tf_service_standard {
    const char *kind;
    double distance_m;          /* 0: none published; the project must say */
    double residents_per_unit;  /* 0: none                                 */
    const char *source;
} tf_service_standard;

static const tf_service_standard STANDARDS[] = {
    {"water_point", 500, 250, "Sphere Handbook, water supply standard 1"},
    {"clinic", 0, 10000, "Sphere Handbook, health systems: one basic health unit per 10,000 people"},
    {"school", 1000, 0, "common planning norm (primary school within about 1 km), not a global standard"},
    {"bakery", 1000, 0, "common planning norm (bakery within about 1 km), not a global standard"},
};

static const tf_service_standard *standard_of(const char *kind)
{
    size_t i;
    for (i = 0; kind && i < sizeof STANDARDS / sizeof *STANDARDS; i++)
        if (!strcmp(STANDARDS[i].kind, kind))
            return &STANDARDS[i];
    return NULL;
}

/* SQL string literal of `s` ('' doubles quotes) appended to b. */
static void sql_literal(tf_buf *b, const char *s)
{
    tf_buf_printf(b, "'");
    for (; *s; s++)
        tf_buf_printf(b, *s == '\'' ? "''" : "%c", *s);
    tf_buf_printf(b, "'");
}

/* After the scenarios: a coverage that a scenario filters otherwise reads
 * its facilities once, with the union of the filters (pass_where). */
static taafi_status union_filters(parser *ps, int ix)
{
    taafi_project *p = ps->p;
    tf_indicator_def *d = &p->inds[ix];
    tf_buf u = {0};
    int any_all = !d->where, n = 0;
    size_t i, j;
    for (i = 0; i < p->n_scenarios; i++) {
        const char *w = p->scenarios[i].inds[ix].where;
        int seen = w == d->where;
        for (j = 0; j < i && !seen; j++)
            seen = p->scenarios[j].inds[ix].where && w && !strcmp(p->scenarios[j].inds[ix].where, w);
        if (seen || (w && d->where && !strcmp(w, d->where)))
            continue;
        if (!n++)
            tf_buf_printf(&u, "(%s)", d->where ? d->where : "1 = 1");
        tf_buf_printf(&u, " OR (%s)", w);
    }
    if (!n)
        return TAAFI_OK;
    if (u.failed) {
        tf_buf_free(&u);
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if (!any_all) {
        d->pass_where = u.s;
        return TAAFI_OK;
    }
    tf_buf_free(&u); /* one of them takes every facility */
    if (!(d->pass_where = tf_strdup("1 = 1")))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    return TAAFI_OK;
}

/* A coverage's filter into *where (empty: none): its own `where`, the kind
 * (kind_field = kind) and the statuses (status_field IN statuses; the
 * node NULL: functioning and partial; an empty list: no status filter). */
static taafi_status coverage_where(parser *ps, const char *user_where, const char *kind, const char *kind_field,
                                   const yaml_node_t *statuses, const char *status_field, tf_buf *where)
{
    taafi_status st;
    int parts = 0;
    if (user_where) {
        tf_buf_printf(where, "(%s)", user_where);
        parts++;
    }
    if (kind) {
        tf_buf_printf(where, "%s\"%s\" = ", parts++ ? " AND " : "", kind_field ? kind_field : "kind");
        sql_literal(where, kind);
    }
    if (statuses && statuses->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, statuses,
                       "'statuses' must be a list, e.g. [functioning, partial], or [] for no status filter");
    if (!statuses || statuses->data.sequence.items.top > statuses->data.sequence.items.start) {
        tf_buf_printf(where, "%s\"%s\" IN (", parts++ ? " AND " : "", status_field ? status_field : "status");
        if (!statuses) {
            tf_buf_printf(where, "'functioning', 'partial'");
        } else {
            yaml_node_item_t *it;
            for (it = statuses->data.sequence.items.start; it < statuses->data.sequence.items.top; it++) {
                const char *s = NULL;
                if ((st = pj_scalar(ps, pj_node(ps, *it), "statuses", &s)))
                    return st;
                if (it > statuses->data.sequence.items.start)
                    tf_buf_printf(where, ", ");
                sql_literal(where, s);
            }
        }
        tf_buf_printf(where, ")");
    }
    if (where->failed)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    return TAAFI_OK;
}

/* minutes: the standard time along a network in drive mode, which such
 * a coverage needs (and no other has). */
static taafi_status coverage_minutes(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v = pj_get(ps, m, "minutes");
    int drive = d->reach == 1 && ps->p->network.drive;
    taafi_status st;
    if (!v)
        return drive ? pj_perr(ps, m, "coverage '%s' is measured along a network in mode: drive; give its standard "
                                      "time in 'minutes'", d->id)
                     : TAAFI_OK;
    if (!drive)
        return pj_perr(ps, v, "'minutes' is the standard of a coverage with reach: network in a network of mode: "
                              "drive; give 'distance' in metres otherwise");
    if ((st = pj_number(ps, v, "minutes", &d->minutes)))
        return st;
    return d->minutes > 0 && d->minutes <= 1440 ? TAAFI_OK
                                                : pj_perr(ps, v, "'minutes' must be more than 0, at most 1440");
}

/* coverage: the facilities of `layer` matching its `where`, its `kind`
 * (kind_field = kind) and its statuses (status_field IN statuses; by
 * default status IN ('functioning', 'partial')); `distance` in metres
 * (default: the published standard for the kind). */
static taafi_status parse_coverage(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    const tf_service_standard *std;
    char *kind_field = NULL, *status_field = NULL, *user_where = NULL;
    tf_buf where = {0};
    taafi_status st;
    if ((st = pj_need(ps, m, d, "layer", "name the layer of facilities under 'layers'")) ||
        (st = pj_layer_ref(ps, pj_get(ps, m, "layer"), &d->layer)) || (st = pj_opt_str(ps, m, "where", &user_where)) ||
        (st = pj_check_filter(ps, pj_get(ps, m, "where"), user_where)) ||
        (st = pj_opt_str(ps, m, "kind", &d->kind)) || (st = pj_opt_str(ps, m, "kind_field", &kind_field)) ||
        (st = pj_opt_str(ps, m, "status_field", &status_field)) ||
        (st = pj_opt_str(ps, m, "capacity_field", &d->capacity_field)) || (st = pj_parse_reach(ps, m, d)))
        goto done;
    std = standard_of(d->kind);
    if ((st = coverage_minutes(ps, m, d)))
        goto done;
    if ((v = pj_get(ps, m, "distance"))) {
        if ((st = pj_number(ps, v, "distance", &d->distance)))
            goto done;
        if (d->distance <= 0) {
            st = pj_perr(ps, v, "'distance' must be more than 0 metres");
            goto done;
        }
    } else if (std && std->distance_m > 0) {
        d->distance = std->distance_m;
    } else if (d->minutes > 0) {
        d->distance = 0; /* along the network by time only: no straight comparison */
    } else {
        st = pj_perr(ps, m, "coverage '%s' has no 'distance' and no published standard distance is known for %s%s%s; "
                         "give one in metres",
                  d->id, d->kind ? "kind '" : "its facilities", d->kind ? d->kind : "", d->kind ? "'" : "");
        goto done;
    }
    if ((v = pj_get(ps, m, "standard"))) {
        if ((st = pj_number(ps, v, "standard", &d->standard)))
            goto done;
        if (d->standard <= 0) {
            st = pj_perr(ps, v, "'standard' (residents per facility) must be more than 0");
            goto done;
        }
    } else if (std) {
        d->standard = std->residents_per_unit;
    }
    v = pj_get(ps, m, "statuses");
    if ((st = coverage_where(ps, user_where, d->kind, kind_field, v, status_field, &where)))
        goto done;
    if (status_field && v && v->type == YAML_SEQUENCE_NODE &&
        v->data.sequence.items.top == v->data.sequence.items.start) {
        st = pj_perr(ps, pj_get(ps, m, "status_field"), "'status_field' with 'statuses: []' filters nothing");
        goto done;
    }
    d->where = where.s;
    where.s = NULL;
    d->user_where = user_where, d->kind_field = kind_field, d->status_field = status_field;
    user_where = kind_field = status_field = NULL;
done:
    tf_buf_free(&where);
    tf_free(kind_field);
    tf_free(status_field);
    tf_free(user_where);
    return st;
}

/* A scenario's coverage keys for indicator `ix` (d: the scenario's copy):
 * another distance standard (computed again from the facilities already
 * read, see taafi_run), or other facilities, by other statuses or another
 * where (the kind stays: another kind is another indicator; read in the
 * same pass, see pass_where).  Refused for indicators of other types. */
static taafi_status scenario_coverage(parser *ps, const yaml_node_t *iv, const char *scenario, int ix,
                                  tf_indicator_def *d)
{
    const tf_indicator_def *own = &ps->p->inds[ix];
    const yaml_node_t *x = pj_get(ps, iv, "distance"), *sv = pj_get(ps, iv, "statuses"), *wv = pj_get(ps, iv, "where");
    const char *uw = own->user_where;
    tf_buf w = {0};
    taafi_status st;
    if (x) {
        if (d->type != TF_IND_COVERAGE)
            return pj_perr(ps, x, "scenario '%s': '%s' is no coverage indicator; only coverage takes a 'distance'",
                           scenario, own->id);
        if ((st = pj_number(ps, x, "distance", &d->distance)))
            return st;
        if (!(d->distance > 0))
            return pj_perr(ps, x, "'distance' must be more than 0 metres");
    }
    if (!sv && !wv)
        return TAAFI_OK;
    if (d->type != TF_IND_COVERAGE)
        return pj_perr(ps, sv ? sv : wv,
                       "scenario '%s': '%s' is no coverage indicator; only coverage takes 'statuses' or 'where'",
                       scenario, own->id);
    if (wv && ((st = pj_scalar(ps, wv, "where", &uw)) || (st = pj_check_filter(ps, wv, uw))))
        return st;
    if (!sv) /* the indicator's own statuses */
        sv = pj_get(ps, pj_ind_node(ps, ix), "statuses");
    if ((st = coverage_where(ps, uw, own->kind, own->kind_field, sv, own->status_field, &w))) {
        tf_buf_free(&w);
        return st;
    }
    if (!w.s && !(w.s = tf_strdup("1 = 1"))) /* every facility */
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    d->where = w.s;
    return TAAFI_OK;
}

static const char *const KEYS[] = {"layer",  "where",        "kind",     "kind_field", "distance", "status_field",
                                   "statuses", "standard", "capacity_field", "reach", "minutes", NULL};
static const char *const SCENARIO_KEYS[] = {"distance", "statuses", "where", NULL};
const tf_family_keys tf_keys_coverage = {.type = "coverage",
                                         .keys = KEYS,
                                         .parse = parse_coverage,
                                         .scenario_keys = SCENARIO_KEYS,
                                         .scenario = scenario_coverage,
                                         .after_scenarios = union_filters,
                                         .flags = TF_KEYS_GAPS};
