/* rounds_keys.c: the `rounds` section: assessment rounds and the inputs each
 * reads. */
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A round's source for an indicator that reads no file of its own: the
 * message names the types that do ("table or raster_sum"). */
static taafi_status not_own_source(parser *ps, const yaml_node_t *ik, const char *round, const char *id)
{
    const tf_family_keys *const *f = ps->p->families;
    tf_buf types = {0};
    size_t i, n = 0, k = 0;
    taafi_status st;
    for (i = 0; f[i]; i++)
        n += (f[i]->flags & TF_KEYS_ROUND_SOURCE) != 0;
    for (i = 0; f[i]; i++)
        if (f[i]->flags & TF_KEYS_ROUND_SOURCE)
            tf_buf_printf(&types, "%s%s", k++ ? (k == n ? " or " : ", ") : "", f[i]->type);
    st = types.failed ? tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory")
                      : pj_perr(ps, ik, "round '%s': '%s' is no %s indicator", round, id, types.s);
    tf_buf_free(&types);
    return st;
}

static taafi_status name_list(parser *ps, const yaml_node_t *v, const char *key, char ***out, size_t *n)
{
    yaml_node_item_t *it;
    if (v->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, v, "'%s' must be a list of names, or all", key);
    *out = tf_calloc((size_t)(v->data.sequence.items.top - v->data.sequence.items.start) + 1, sizeof **out);
    if (!*out)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = pj_dup_scalar(ps, pj_node(ps, *it), key, &(*out)[*n]);
        if (st)
            return st;
        (*n)++;
    }
    return TAAFI_OK;
}

/* rounds:
 *   - name: baseline
 *     date: 2025-03
 *     shared: all                 # or [landuse, streets, population]
 *   - name: round-2
 *     date: 2025-09
 *     layers: {damage: {source: ...}, services: {source: ...}}
 *     sources: {livelihood_score: ../data/rounds/round-2/workshop.csv}
 *     areas: {source: ...}        # boundaries of this round, if they changed
 *     shared: [landuse, streets] */
/* A round's `layers`: the project's layers it reads from other files. */
static taafi_status round_layers(parser *ps, tf_round *rd, const yaml_node_t *v)
{
    static const char *const lkeys[] = {"source", "layer", "where", "assume_crs", "encoding", "x", "y", NULL};
    yaml_node_pair_t *pr;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, v, "a round's layers")))
        return st;
    rd->layers = tf_calloc((size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start) + 1, sizeof *rd->layers);
    if (!rd->layers)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
        yaml_node_t *lk = pj_node(ps, pr->key);
        const char *role = NULL;
        if ((st = pj_scalar(ps, lk, "layer name", &role)))
            return st;
        if (pj_find_layer(ps->p, role) < 0)
            return pj_perr(ps, lk, "round '%s': no layer '%s' under the project's 'layers'", rd->name, role);
        st = pj_parse_source(ps, pj_node(ps, pr->value), role, "a round's layer", lkeys, &rd->layers[rd->n_layers]);
        rd->n_layers++;
        if (st)
            return st;
    }
    return TAAFI_OK;
}

/* A round's `sources`: other files for the indicators that read a file of
 * their own (TF_KEYS_ROUND_SOURCE). */
static taafi_status round_sources(parser *ps, tf_round *rd, const yaml_node_t *v)
{
    taafi_project *p = ps->p;
    yaml_node_pair_t *pr;
    size_t cap;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, v, "a round's sources")))
        return st;
    cap = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start) + 1;
    rd->source_ids = tf_calloc(cap, sizeof *rd->source_ids);
    rd->sources = tf_calloc(cap, sizeof *rd->sources);
    if (!rd->source_ids || !rd->sources)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
        yaml_node_t *ik = pj_node(ps, pr->key);
        char *raw = NULL;
        int ix;
        if ((st = pj_dup_scalar(ps, ik, "indicator id", &rd->source_ids[rd->n_sources])))
            return st;
        rd->n_sources++;
        ix = tf_project_find_indicator(p, rd->source_ids[rd->n_sources - 1]);
        if (ix < 0 || !(p->families[p->inds[ix].type]->flags & TF_KEYS_ROUND_SOURCE))
            return not_own_source(ps, ik, rd->name, rd->source_ids[rd->n_sources - 1]);
        if ((st = pj_dup_scalar(ps, pj_node(ps, pr->value), "source", &raw)))
            return st;
        rd->sources[rd->n_sources - 1] = pj_resolve(p, raw);
        tf_free(raw);
        if (!rd->sources[rd->n_sources - 1])
            return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    return TAAFI_OK;
}

/* A round's `shared`: all, or the layers and indicators it shares. */
static taafi_status round_shared(parser *ps, tf_round *rd, const yaml_node_t *v)
{
    size_t k;
    taafi_status st;
    if (v->type == YAML_SCALAR_NODE && !strcmp((const char *)v->data.scalar.value, "all"))
        rd->shared_all = 1;
    else if ((st = name_list(ps, v, "shared", &rd->shared, &rd->n_shared)))
        return st;
    for (k = 0; k < rd->n_shared; k++)
        if (pj_find_layer(ps->p, rd->shared[k]) < 0 && tf_project_find_indicator(ps->p, rd->shared[k]) < 0)
            return pj_perr(ps, v, "round '%s': shared names '%s', which is no layer or indicator", rd->name,
                           rd->shared[k]);
    return TAAFI_OK;
}

/* One round: its name (a plain word, not used before), date and keys. */
static taafi_status round_entry(parser *ps, const yaml_node_t *m, tf_round *rd)
{
    static const char *const keys[] = {"name", "date", "layers", "sources", "areas", "shared", NULL};
    static const char *const akeys[] = {"source", "layer", "where", "assume_crs", "encoding", NULL};
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    size_t k;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "a round")) || (st = pj_check_keys(ps, m, "a round", keys)))
        return st;
    rd->line = pj_line_of(m);
    if (!(v = pj_get(ps, m, "name")))
        return pj_perr(ps, m, "a round has no 'name'");
    if ((st = pj_dup_scalar(ps, v, "name", &rd->name)) || (st = pj_opt_str(ps, m, "date", &rd->date)))
        return st;
    for (k = 0; rd->name[k]; k++)
        if (!isalnum((unsigned char)rd->name[k]) && rd->name[k] != '_' && rd->name[k] != '-')
            return pj_perr(ps, v, "round name '%s' may hold only letters, digits, '-' and '_'", rd->name);
    for (k = 0; &p->rounds[k] != rd; k++)
        if (!strcmp(p->rounds[k].name, rd->name))
            return pj_perr(ps, v, "round '%s' is declared twice", rd->name);
    if (((v = pj_get(ps, m, "layers")) && (st = round_layers(ps, rd, v))) ||
        ((v = pj_get(ps, m, "sources")) && (st = round_sources(ps, rd, v))) ||
        ((v = pj_get(ps, m, "areas")) && (st = pj_parse_source(ps, v, "areas", "a round's areas", akeys, &rd->areas))))
        return st;
    return (v = pj_get(ps, m, "shared")) ? round_shared(ps, rd, v) : TAAFI_OK;
}

taafi_status pj_parse_rounds(parser *ps, const yaml_node_t *s)
{
    taafi_project *p = ps->p;
    yaml_node_item_t *it;
    taafi_status st;
    size_t n;
    if (s->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, s, "'rounds' must be a list, oldest first: '- name: baseline'");
    n = (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
    if (n < 1)
        return pj_perr(ps, s, "'rounds' is empty");
    if (!(p->rounds = tf_calloc(n, sizeof *p->rounds)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++) {
        tf_round *rd = &p->rounds[p->n_rounds++]; /* counted now so that free sees it */
        if ((st = round_entry(ps, pj_node(ps, *it), rd)))
            return st;
    }
    return TAAFI_OK;
}
