/*
 * project.c: reads the YAML project file into the project model.
 *
 * Strict on purpose: an unknown key is an error naming its line and the key
 * it was probably meant to be, because a misspelled optional key silently
 * ignored gives a wrong analysis that looks right.
 */
#include "project.h"

#include <ctype.h>
#include <math.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

typedef struct parser {
    taafi_ctx *ctx;
    yaml_document_t *doc;
    taafi_project *p;
} parser;


static int line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }

static taafi_status perr(parser *ps, const yaml_node_t *n, const char *fmt, ...) TF_PRINTF(3, 4);
static taafi_status perr(parser *ps, const yaml_node_t *n, const char *fmt, ...)
{
    char what[TF_MSG_MAX - 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (n)
        return tf_error(ps->ctx, TAAFI_ERR_PROJECT, "%s:%d: %s", ps->p->path, line_of(n), what);
    return tf_error(ps->ctx, TAAFI_ERR_PROJECT, "%s: %s", ps->p->path, what);
}

static yaml_node_t *node(parser *ps, int id) { return yaml_document_get_node(ps->doc, id); }

/* The text of a scalar node, or NULL (with the error set) if it is not one. */
static taafi_status scalar(parser *ps, const yaml_node_t *n, const char *key, const char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return perr(ps, n, "'%s' must be a single value, not a list or mapping", key);
    *out = (const char *)n->data.scalar.value;
    return TAAFI_OK;
}

static taafi_status dup_scalar(parser *ps, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = NULL;
    taafi_status st = scalar(ps, n, key, &s);
    if (st)
        return st;
    if (!*s)
        return perr(ps, n, "'%s' is empty", key);
    free(*out);
    *out = tf_strdup(s);
    return *out ? TAAFI_OK : tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
}

static taafi_status boolean(parser *ps, const yaml_node_t *n, const char *key, int *out)
{
    const char *s = NULL;
    taafi_status st = scalar(ps, n, key, &s);
    if (st)
        return st;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        *out = 0;
    else
        return perr(ps, n, "'%s' must be true or false, not '%s'", key, s);
    return TAAFI_OK;
}

/* Fails on the first key of mapping `m` that is not in `allowed`. */
static taafi_status check_keys(parser *ps, const yaml_node_t *m, const char *where, const char *const *allowed)
{
    yaml_node_pair_t *pr;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(ps, pr->key);
        const char *const *a;
        const char *key, *hint;
        if (k->type != YAML_SCALAR_NODE)
            return perr(ps, k, "keys in %s must be plain words", where);
        key = (const char *)k->data.scalar.value;
        for (a = allowed; *a; a++)
            if (!strcmp(*a, key))
                break;
        if (*a)
            continue;
        hint = tf_suggest(key, allowed);
        if (hint)
            return perr(ps, k, "unknown key '%s' in %s; did you mean '%s'?", key, where, hint);
        return perr(ps, k, "unknown key '%s' in %s; see docs/project-file.md for the keys", key, where);
    }
    return TAAFI_OK;
}

static yaml_node_t *get(parser *ps, const yaml_node_t *m, const char *key)
{
    yaml_node_pair_t *pr;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(ps, pr->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return node(ps, pr->value);
    }
    return NULL;
}

static taafi_status expect_mapping(parser *ps, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_MAPPING_NODE)
        return perr(ps, n, "%s must be a mapping of keys to values", what);
    return TAAFI_OK;
}

/* Removes "." and "name/.." components lexically, so that messages and the
 * `run` table show "data/x.shp", not "examples/../data/x.shp".  Symbolic
 * links are not resolved (that would need the file to exist). */
static void normalise_path(char *path)
{
    char *parts[256];
    size_t n = 0, i;
    int absolute = path[0] == '/';
    char *save = NULL, *tok, *copy = tf_strdup(path), *w;
    if (!copy)
        return;
    for (tok = strtok_r(copy, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
        if (!strcmp(tok, "."))
            continue;
        if (!strcmp(tok, "..") && n > 0 && strcmp(parts[n - 1], ".."))
            n--;
        else if (!strcmp(tok, "..") && absolute)
            continue; /* "/.." is "/" */
        else if (n < sizeof parts / sizeof *parts)
            parts[n++] = tok;
        else {
            free(copy);
            return; /* absurdly deep: leave it as it is */
        }
    }
    w = path;
    if (absolute)
        *w++ = '/';
    for (i = 0; i < n; i++) {
        size_t len = strlen(parts[i]);
        if (i)
            *w++ = '/';
        memmove(w, parts[i], len);
        w += len;
    }
    if (w == path)
        *w++ = '.';
    *w = '\0';
    free(copy);
}

/* Joins a relative path to the project folder; absolute paths stay. */
static char *resolve(const taafi_project *p, const char *path)
{
    char *r = path[0] == '/' ? tf_strdup(path) : tf_sprintf("%s/%s", p->dir, path);
    if (r)
        normalise_path(r);
    return r;
}

/* Output column names must be safe in every format we write (shapefile
 * aside): a letter or underscore, then letters, digits, underscores. */
static int valid_column(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static taafi_status choice(parser *ps, const yaml_node_t *n, const char *key, const char *const *names, int *out);

static taafi_status parse_source(parser *ps, const yaml_node_t *m, const char *role, const char *where,
                                 const char *const *allowed, tf_source *src)
{
    const yaml_node_t *v;
    taafi_status st;
    if ((st = expect_mapping(ps, m, where)) || (st = check_keys(ps, m, where, allowed)))
        return st;
    src->line = line_of(m);
    src->role = tf_strdup(role);
    if (!src->role)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (!(v = get(ps, m, "source")))
        return perr(ps, m, "%s has no 'source': give the path of its file", where);
    {
        char *raw = NULL;
        if ((st = dup_scalar(ps, v, "source", &raw)))
            return st;
        src->path = resolve(ps->p, raw);
        free(raw);
        if (!src->path)
            return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if ((v = get(ps, m, "layer")) && (st = dup_scalar(ps, v, "layer", &src->layer)))
        return st;
    if ((v = get(ps, m, "where")) && (st = dup_scalar(ps, v, "where", &src->where)))
        return st;
    if ((v = get(ps, m, "encoding")) && (st = dup_scalar(ps, v, "encoding", &src->encoding)))
        return st;
    if ((v = get(ps, m, "x")) && (st = dup_scalar(ps, v, "x", &src->x_field)))
        return st;
    if ((v = get(ps, m, "y")) && (st = dup_scalar(ps, v, "y", &src->y_field)))
        return st;
    if (!src->x_field != !src->y_field)
        return perr(ps, m, "%s: 'x' and 'y' go together: name both columns holding the coordinates", where);
    if ((v = get(ps, m, "assume_crs"))) {
        const char *s = NULL;
        char *end;
        long code;
        if ((st = scalar(ps, v, "assume_crs", &s)))
            return st;
        if (!strncasecmp(s, "EPSG:", 5))
            s += 5;
        errno = 0;
        code = strtol(s, &end, 10);
        if (errno || *end || end == s || code <= 0 || code > 999999)
            return perr(ps, v, "assume_crs must be an EPSG code such as EPSG:4326");
        src->assume_epsg = (int)code;
    }
    return TAAFI_OK;
}

static taafi_status parse_areas(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"source", "layer",  "where",    "id",      "name",
                                       "name_ar", "assume_crs", "encoding", "overlaps", NULL};
    static const char *const rules[] = {"first", "error", NULL};
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    taafi_status st = parse_source(ps, m, "areas", "areas", keys, &p->areas);
    if (st)
        return st;
    if (!(v = get(ps, m, "id")))
        return perr(ps, m, "areas has no 'id': name the field that identifies each area");
    if ((st = dup_scalar(ps, v, "id", &p->area_id)))
        return st;
    if ((v = get(ps, m, "name")) && (st = dup_scalar(ps, v, "name", &p->area_name)))
        return st;
    if ((v = get(ps, m, "name_ar")) && (st = dup_scalar(ps, v, "name_ar", &p->area_name_ar)))
        return st;
    if ((v = get(ps, m, "overlaps"))) {
        int rule;
        if ((st = choice(ps, v, "overlaps rule", rules, &rule)))
            return st;
        p->overlap_error = rule == 1;
    }
    return TAAFI_OK;
}

static taafi_status parse_layers(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"source", "layer", "where", "assume_crs", "encoding", "x", "y", NULL};
    taafi_project *p = ps->p;
    yaml_node_pair_t *pr;
    taafi_status st;
    size_t n;
    if ((st = expect_mapping(ps, m, "layers")))
        return st;
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    p->layers = calloc(n ? n : 1, sizeof *p->layers);
    if (!p->layers)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(ps, pr->key);
        const char *name = NULL;
        char where[128];
        size_t i;
        if ((st = scalar(ps, k, "layers", &name)))
            return st;
        if (!valid_column(name) || !strcmp(name, "areas"))
            return perr(ps, k, "layer name '%s' must be a plain word (letters, digits, _) other than 'areas'",
                        name);
        for (i = 0; i < p->n_layers; i++)
            if (!strcmp(p->layers[i].role, name))
                return perr(ps, k, "layer '%s' is defined twice", name);
        snprintf(where, sizeof where, "layers.%s", name);
        st = parse_source(ps, node(ps, pr->value), name, where, keys, &p->layers[p->n_layers]);
        p->n_layers++; /* counted even on failure so that free sees it */
        if (st)
            return st;
    }
    return TAAFI_OK;
}

static int find_layer(const taafi_project *p, const char *role)
{
    size_t i;
    for (i = 0; i < p->n_layers; i++)
        if (!strcmp(p->layers[i].role, role))
            return (int)i;
    return -1;
}

static taafi_status layer_ref(parser *ps, const yaml_node_t *v, int *out)
{
    const char *name = NULL;
    taafi_status st = scalar(ps, v, "layer", &name);
    const char **names;
    const char *hint;
    size_t i;
    if (st)
        return st;
    if ((*out = find_layer(ps->p, name)) >= 0)
        return TAAFI_OK;
    names = calloc(ps->p->n_layers + 1, sizeof *names);
    if (!names)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < ps->p->n_layers; i++)
        names[i] = ps->p->layers[i].role;
    hint = tf_suggest(name, names);
    free(names);
    if (hint)
        return perr(ps, v, "no layer '%s' under 'layers'; did you mean '%s'?", name, hint);
    return perr(ps, v, "no layer '%s' under 'layers'; define it there first", name);
}

static taafi_status parse_classes(parser *ps, const yaml_node_t *v, tf_indicator_def *d)
{
    yaml_node_item_t *it;
    size_t n;
    if (v->type != YAML_SEQUENCE_NODE)
        return perr(ps, v, "'classes' must be a list, e.g. [destroyed, severe, moderate, possible]");
    n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0)
        return perr(ps, v, "'classes' is empty: list the classes or leave the key out to take them from the data");
    d->classes = calloc(n, sizeof *d->classes);
    if (!d->classes)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = dup_scalar(ps, node(ps, *it), "classes", &d->classes[d->n_classes]);
        if (st)
            return st;
        d->n_classes++;
    }
    return TAAFI_OK;
}

static taafi_status number(parser *ps, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = NULL;
    char *end;
    taafi_status st = scalar(ps, n, key, &s);
    if (st)
        return st;
    errno = 0;
    *out = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(*out))
        return perr(ps, n, "'%s' must be a number, not '%s'", key, s);
    return TAAFI_OK;
}

/* Picks one of `names` (NULL-terminated); the index comes back in *out. */
static taafi_status choice(parser *ps, const yaml_node_t *n, const char *key, const char *const *names, int *out)
{
    const char *s = NULL, *hint;
    tf_buf all = {0};
    taafi_status st = scalar(ps, n, key, &s);
    int i;
    if (st)
        return st;
    for (i = 0; names[i]; i++)
        if (!strcmp(names[i], s))
            return *out = i, TAAFI_OK;
    hint = tf_suggest(s, names);
    for (i = 0; names[i]; i++)
        tf_buf_printf(&all, "%s%s", i ? ", " : "", names[i]);
    if (hint)
        st = perr(ps, n, "unknown %s '%s'; did you mean '%s'?", key, s, hint);
    else
        st = perr(ps, n, "unknown %s '%s' (one of: %s)", key, s, all.s ? all.s : "");
    tf_buf_free(&all);
    return st;
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
static const char *const KEYS_COVERAGE[] = {COMMON_KEYS, "layer",          "where",    "kind",          "kind_field",
                                            "distance",  "status_field",   "statuses", "standard",      "capacity_field",
                                            NULL};

static const tf_service_standard STANDARDS[] = {
    {"water_point", 500, 250, "Sphere Handbook, water supply standard 1"},
    {"clinic", 0, 10000, "Sphere Handbook, health systems: one basic health unit per 10,000 people"},
    {"school", 1000, 0, "common planning norm (primary school within about 1 km), not a global standard"},
    {"bakery", 1000, 0, "common planning norm (bakery within about 1 km), not a global standard"},
};

const tf_service_standard *tf_standard_of(const char *kind)
{
    size_t i;
    for (i = 0; kind && i < sizeof STANDARDS / sizeof *STANDARDS; i++)
        if (!strcmp(STANDARDS[i].kind, kind))
            return &STANDARDS[i];
    return NULL;
}

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
        yaml_node_t *k = node(ps, pr->key);
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
                return perr(ps, k, "'%s' does not apply to an indicator of type %s", key,
                            tf_ind_type_names[d->type]);
        }
        return check_keys(ps, m, "an indicator", allowed);
    }
    return TAAFI_OK;
}

static taafi_status opt_str(parser *ps, const yaml_node_t *m, const char *key, char **out)
{
    const yaml_node_t *v = get(ps, m, key);
    return v ? dup_scalar(ps, v, key, out) : TAAFI_OK;
}

static taafi_status opt_bool(parser *ps, const yaml_node_t *m, const char *key, int *out)
{
    const yaml_node_t *v = get(ps, m, key);
    return v ? boolean(ps, v, key, out) : TAAFI_OK;
}

static taafi_status need(parser *ps, const yaml_node_t *m, const tf_indicator_def *d, const char *key,
                         const char *what)
{
    if (get(ps, m, key))
        return TAAFI_OK;
    return perr(ps, m, "indicator '%s' (%s) has no '%s': %s", d->id, tf_ind_type_names[d->type], key, what);
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
    if ((v = get(ps, m, "pillar")) && (st = choice(ps, v, "pillar", tf_pillar_keys, &i)))
        return st;
    if (v && (st = dup_scalar(ps, v, "pillar", &d->pillar)))
        return st;
    if ((v = get(ps, m, "direction"))) {
        if ((st = choice(ps, v, "direction", directions, &i)))
            return st;
        d->direction = i == 0 ? TF_DIR_HIGHER_BETTER : TF_DIR_LOWER_BETTER;
    }
    if ((v = get(ps, m, "method"))) {
        if ((st = choice(ps, v, "method", methods, &i)))
            return st;
        d->method = (tf_method)i;
    }
    if ((v = get(ps, m, "weight"))) {
        if ((st = number(ps, v, "weight", &d->weight)))
            return st;
        if (d->weight < 0)
            return perr(ps, v, "weight %g is negative; weights must be 0 or more", d->weight);
    }
    if ((v = get(ps, m, "target")) && (st = number(ps, v, "target", &d->target)))
        return st;
    d->has_target = v != NULL;
    if ((v = get(ps, m, "floor")) && (st = number(ps, v, "floor", &d->floor)))
        return st;
    d->has_floor = v != NULL;
    if ((v = get(ps, m, "clamp"))) {
        if ((st = number(ps, v, "clamp", &d->clamp)))
            return st;
        if (d->clamp <= 0)
            return perr(ps, v, "clamp must be more than 0 (standard deviations)");
    }
    if ((st = opt_str(ps, m, "score_column", &d->score_column)))
        return st;
    if (!d->pillar) {
        static const char *const only[] = {"direction", "weight", "method", "target", "floor", "clamp",
                                           "score_column", NULL};
        const char *const *q;
        for (q = only; *q; q++)
            if ((v = get(ps, m, *q)))
                return perr(ps, v, "'%s' scores an indicator, and '%s' has no 'pillar' to score it in", *q, d->id);
        return TAAFI_OK;
    }
    if (d->direction == TF_DIR_NONE)
        return perr(ps, m, "indicator '%s' is in pillar %s but has no 'direction' (higher_is_better or "
                           "lower_is_better)",
                    d->id, d->pillar);
    if (d->method == TF_NORM_TARGET && !d->has_target)
        return perr(ps, m, "indicator '%s' is scored by method target but has no 'target'", d->id);
    if (d->method != TF_NORM_TARGET && (v = get(ps, m, d->has_target ? "target" : "floor")) &&
        (d->has_target || d->has_floor))
        return perr(ps, v, "'target' and 'floor' apply to method target only");
    if (d->method == TF_NORM_TARGET && d->has_floor &&
        (d->direction == TF_DIR_HIGHER_BETTER ? d->floor >= d->target : d->floor <= d->target))
        return perr(ps, get(ps, m, "floor"), "floor %g must be %s the target %g for %s", d->floor,
                    d->direction == TF_DIR_HIGHER_BETTER ? "below" : "above", d->target,
                    d->direction == TF_DIR_HIGHER_BETTER ? "higher_is_better" : "lower_is_better");
    return TAAFI_OK;
}

/* SQL string literal of `s` ('' doubles quotes) appended to b. */
static void sql_literal(tf_buf *b, const char *s)
{
    tf_buf_printf(b, "'");
    for (; *s; s++)
        tf_buf_printf(b, *s == '\'' ? "''" : "%c", *s);
    tf_buf_printf(b, "'");
}

/* The YAML node of the project's indicator ix. */
static const yaml_node_t *ind_node(parser *ps, int ix)
{
    const yaml_node_t *seq = get(ps, yaml_document_get_root_node(ps->doc), "indicators");
    return seq ? node(ps, seq->data.sequence.items.start[ix]) : NULL;
}

/* After the scenarios: a coverage that a scenario filters otherwise reads
 * its facilities once, with the union of the filters (pass_where). */
static taafi_status union_filters(parser *ps)
{
    taafi_project *p = ps->p;
    size_t k, i, j;
    for (k = 0; k < p->n_inds; k++) {
        tf_indicator_def *d = &p->inds[k];
        tf_buf u = {0};
        int any_all = !d->where, n = 0;
        if (d->type != TF_IND_COVERAGE)
            continue;
        for (i = 0; i < p->n_scenarios; i++) {
            const char *w = p->scenarios[i].inds[k].where;
            int seen = w == d->where;
            for (j = 0; j < i && !seen; j++)
                seen = p->scenarios[j].inds[k].where && w && !strcmp(p->scenarios[j].inds[k].where, w);
            if (seen || (w && d->where && !strcmp(w, d->where)))
                continue;
            if (!n++)
                tf_buf_printf(&u, "(%s)", d->where ? d->where : "1 = 1");
            tf_buf_printf(&u, " OR (%s)", w);
        }
        if (!n)
            continue;
        if (u.failed) {
            tf_buf_free(&u);
            return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
        if (any_all) { /* one of them takes every facility */
            tf_buf_free(&u);
            if (!(d->pass_where = tf_strdup("1 = 1")))
                return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
        } else
            d->pass_where = u.s;
    }
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
        return perr(ps, statuses, "'statuses' must be a list, e.g. [functioning, partial], or [] for no status filter");
    if (!statuses || statuses->data.sequence.items.top > statuses->data.sequence.items.start) {
        tf_buf_printf(where, "%s\"%s\" IN (", parts++ ? " AND " : "", status_field ? status_field : "status");
        if (!statuses) {
            tf_buf_printf(where, "'functioning', 'partial'");
        } else {
            yaml_node_item_t *it;
            for (it = statuses->data.sequence.items.start; it < statuses->data.sequence.items.top; it++) {
                const char *s = NULL;
                if ((st = scalar(ps, node(ps, *it), "statuses", &s)))
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
    if ((st = need(ps, m, d, "layer", "name the layer of facilities under 'layers'")) ||
        (st = layer_ref(ps, get(ps, m, "layer"), &d->layer)) || (st = opt_str(ps, m, "where", &user_where)) ||
        (st = opt_str(ps, m, "kind", &d->kind)) || (st = opt_str(ps, m, "kind_field", &kind_field)) ||
        (st = opt_str(ps, m, "status_field", &status_field)) ||
        (st = opt_str(ps, m, "capacity_field", &d->capacity_field)))
        goto done;
    std = tf_standard_of(d->kind);
    if ((v = get(ps, m, "distance"))) {
        if ((st = number(ps, v, "distance", &d->distance)))
            goto done;
        if (d->distance <= 0) {
            st = perr(ps, v, "'distance' must be more than 0 metres");
            goto done;
        }
    } else if (std && std->distance_m > 0) {
        d->distance = std->distance_m;
    } else {
        st = perr(ps, m, "coverage '%s' has no 'distance' and no published standard distance is known for %s%s%s; "
                         "give one in metres",
                  d->id, d->kind ? "kind '" : "its facilities", d->kind ? d->kind : "", d->kind ? "'" : "");
        goto done;
    }
    if ((v = get(ps, m, "standard"))) {
        if ((st = number(ps, v, "standard", &d->standard)))
            goto done;
        if (d->standard <= 0) {
            st = perr(ps, v, "'standard' (residents per facility) must be more than 0");
            goto done;
        }
    } else if (std) {
        d->standard = std->residents_per_unit;
    }
    v = get(ps, m, "statuses");
    if ((st = coverage_where(ps, user_where, d->kind, kind_field, v, status_field, &where)))
        goto done;
    if (status_field && v && v->type == YAML_SEQUENCE_NODE && v->data.sequence.items.top == v->data.sequence.items.start) {
        st = perr(ps, get(ps, m, "status_field"), "'status_field' with 'statuses: []' filters nothing");
        goto done;
    }
    d->where = where.s;
    where.s = NULL;
    d->user_where = user_where, d->kind_field = kind_field, d->status_field = status_field;
    user_where = kind_field = status_field = NULL;
done:
    tf_buf_free(&where);
    free(kind_field);
    free(status_field);
    free(user_where);
    return st;
}

const char *tf_pass_where(const tf_indicator_def *d) { return d->pass_where ? d->pass_where : d->where; }

static taafi_status parse_indicator(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    taafi_status st;
    int t;
    if ((st = expect_mapping(ps, m, "each indicator")))
        return st;
    d->line = line_of(m);
    d->layer = -1;
    if (!(v = get(ps, m, "id")))
        return perr(ps, m, "indicator has no 'id': give the name of its output column");
    if ((st = dup_scalar(ps, v, "id", &d->id)))
        return st;
    if (!valid_column(d->id))
        return perr(ps, v, "indicator id '%s' must start with a letter and hold only letters, digits and _", d->id);
    if (!(v = get(ps, m, "type")))
        return perr(ps, m, "indicator '%s' has no 'type' (area, count, sum, mean, min, max, area_share, "
                           "length_density, nearest_distance, table, expression, raster_sum or coverage)",
                    d->id);
    if ((st = choice(ps, v, "indicator type", tf_ind_type_names, &t)))
        return st;
    d->type = (tf_ind_type)t;
    if ((st = check_indicator_keys(ps, m, d)) || (st = opt_str(ps, m, "label", &d->label)) ||
        (st = opt_str(ps, m, "label_ar", &d->label_ar)) || (st = opt_str(ps, m, "unit", &d->unit)) ||
        (st = parse_scoring_keys(ps, m, d)))
        return st;
    switch (d->type) {
    case TF_IND_AREA:
        break;
    case TF_IND_COUNT:
    case TF_IND_SUM:
    case TF_IND_MEAN:
    case TF_IND_MIN:
    case TF_IND_MAX:
    case TF_IND_AREA_SHARE:
    case TF_IND_LENGTH_DENSITY:
    case TF_IND_NEAREST_DISTANCE:
        if ((st = need(ps, m, d, "layer", "name one of the layers under 'layers'")) ||
            (st = layer_ref(ps, get(ps, m, "layer"), &d->layer)) || (st = opt_str(ps, m, "where", &d->where)))
            return st;
        if (d->type == TF_IND_COUNT) {
            if ((st = opt_str(ps, m, "class_field", &d->class_field)) ||
                (st = opt_bool(ps, m, "density", &d->density)) || (st = opt_bool(ps, m, "percent", &d->percent)) ||
                (st = opt_bool(ps, m, "per_1000", &d->per_1000)))
                return st;
            if ((v = get(ps, m, "classes"))) {
                if (!d->class_field)
                    return perr(ps, v, "'classes' needs 'class_field', the field that holds the class");
                if ((st = parse_classes(ps, v, d)))
                    return st;
            }
            if (d->percent && !d->class_field)
                return perr(ps, get(ps, m, "percent"),
                            "'percent' gives each class's share of the total and needs 'class_field'");
        } else if (d->type >= TF_IND_SUM && d->type <= TF_IND_MAX) {
            if ((st = need(ps, m, d, "field", "name the numeric field to aggregate")) ||
                (st = opt_str(ps, m, "field", &d->field)))
                return st;
        }
        break;
    case TF_IND_TABLE:
        if ((st = need(ps, m, d, "source", "give the path of the table (CSV, XLSX, ODS, GeoPackage ...)")) ||
            (st = need(ps, m, d, "key", "name the table's field that holds the area ids")) ||
            (st = need(ps, m, d, "field", "name the table's field that holds the value")) ||
            (st = opt_str(ps, m, "sheet", &d->sheet)) || (st = opt_str(ps, m, "key", &d->key)) ||
            (st = opt_str(ps, m, "field", &d->field)))
            return st;
        {
            char *raw = NULL;
            if ((st = opt_str(ps, m, "source", &raw)))
                return st;
            d->source = resolve(ps->p, raw);
            free(raw);
            if (!d->source)
                return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
        break;
    case TF_IND_EXPRESSION:
        if ((st = need(ps, m, d, "expression", "give an SQL expression over other indicators' columns")) ||
            (st = opt_str(ps, m, "expression", &d->expression)))
            return st;
        break;
    case TF_IND_RASTER_SUM:
        if ((st = need(ps, m, d, "source", "give the path of the raster (a GeoTIFF of persons per cell, say)")))
            return st;
        {
            char *raw = NULL;
            double band = 1;
            if ((st = opt_str(ps, m, "source", &raw)))
                return st;
            d->source = resolve(ps->p, raw);
            free(raw);
            if (!d->source)
                return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
            if ((v = get(ps, m, "band")) && (st = number(ps, v, "band", &band)))
                return st;
            if (band < 1 || band != (double)(int)band)
                return perr(ps, v, "'band' must be a band number, 1 or more");
            d->band = (int)band;
        }
        break;
    case TF_IND_COVERAGE:
        return parse_coverage(ps, m, d);
    case TF_IND_N_TYPES:
        break;
    }
    return TAAFI_OK;
}

static taafi_status parse_indicators(parser *ps, const yaml_node_t *s)
{
    taafi_project *p = ps->p;
    yaml_node_item_t *it;
    size_t n, i;
    if (s->type != YAML_SEQUENCE_NODE)
        return perr(ps, s, "'indicators' must be a list; start each indicator with '- id: ...'");
    n = (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
    p->inds = calloc(n ? n : 1, sizeof *p->inds);
    if (!p->inds)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++) {
        yaml_node_t *m = node(ps, *it);
        taafi_status st = parse_indicator(ps, m, &p->inds[p->n_inds]);
        p->n_inds++; /* counted even on failure so that free sees it */
        if (st)
            return st;
        for (i = 0; i + 1 < p->n_inds; i++)
            if (!strcmp(p->inds[i].id, p->inds[p->n_inds - 1].id))
                return perr(ps, m, "indicator id '%s' is used twice (first on line %d)", p->inds[i].id,
                            p->inds[i].line);
    }
    return TAAFI_OK;
}

int tf_project_has_type(const taafi_project *p, tf_ind_type t)
{
    size_t i;
    for (i = 0; i < p->n_inds; i++)
        if (p->inds[i].type == t)
            return 1;
    return 0;
}

int tf_project_find_indicator(const taafi_project *p, const char *id)
{
    size_t i;
    for (i = 0; i < p->n_inds; i++)
        if (!strcmp(p->inds[i].id, id))
            return (int)i;
    return -1;
}

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
        return perr(ps, v, "'%s' must be a list of numbers", key);
    *n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    *out = calloc(*n ? *n : 1, sizeof **out);
    if (!*out)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = number(ps, node(ps, *it), key, &(*out)[it - v->data.sequence.items.start]);
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
static taafi_status parse_scoring(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"missing", "pillars", "priority", NULL};
    static const char *const pkeys[] = {"weight", "mean", NULL};
    static const char *const prkeys[] = {"method", "classes", "breaks", "labels", NULL};
    static const char *const missing[] = {"skip", "fail", NULL};
    static const char *const means[] = {"arithmetic", "geometric", NULL};
    static const char *const prmethods[] = {"quantiles", "breaks", NULL};
    tf_scoring *sc = &ps->p->scoring;
    const yaml_node_t *v, *pr;
    taafi_status st;
    int i;
    if ((st = expect_mapping(ps, m, "scoring")) || (st = check_keys(ps, m, "scoring", keys)))
        return st;
    sc->line = line_of(m);
    if ((v = get(ps, m, "missing"))) {
        if ((st = choice(ps, v, "missing", missing, &i)))
            return st;
        sc->missing = (tf_missing)i;
    }
    if ((v = get(ps, m, "pillars"))) {
        yaml_node_pair_t *pp;
        double total = 0;
        if ((st = expect_mapping(ps, v, "scoring.pillars")))
            return st;
        for (pp = v->data.mapping.pairs.start; pp < v->data.mapping.pairs.top; pp++) {
            yaml_node_t *k = node(ps, pp->key), *val = node(ps, pp->value);
            const yaml_node_t *w;
            if ((st = choice(ps, k, "pillar", tf_pillar_keys, &i)) ||
                (st = expect_mapping(ps, val, "a pillar's settings")) ||
                (st = check_keys(ps, val, "a pillar's settings", pkeys)))
                return st;
            sc->pillars[i].line = line_of(k);
            if ((w = get(ps, val, "weight"))) {
                if ((st = number(ps, w, "weight", &sc->pillars[i].weight)))
                    return st;
                if (sc->pillars[i].weight < 0)
                    return perr(ps, w, "weight %g is negative; weights must be 0 or more", sc->pillars[i].weight);
            }
            if ((w = get(ps, val, "mean"))) {
                int mi;
                if ((st = choice(ps, w, "mean", means, &mi)))
                    return st;
                sc->pillars[i].mean = (tf_mean)mi;
            }
        }
        for (i = 0; i < TF_N_PILLARS; i++)
            total += sc->pillars[i].weight;
        if (total <= 0)
            return perr(ps, v, "every pillar weight is 0: the index would be undefined");
    }
    if ((pr = get(ps, m, "priority"))) {
        if ((st = expect_mapping(ps, pr, "scoring.priority")) ||
            (st = check_keys(ps, pr, "scoring.priority", prkeys)))
            return st;
        if ((v = get(ps, pr, "method"))) {
            if ((st = choice(ps, v, "priority method", prmethods, &i)))
                return st;
            sc->priority_method = (tf_priority_method)i;
        }
        if (sc->priority_method == TF_PRIORITY_BREAKS) {
            size_t nb = 0, k;
            if (!(v = get(ps, pr, "breaks")))
                return perr(ps, pr, "priority method breaks needs 'breaks', e.g. [25, 50, 75]");
            if (get(ps, pr, "classes"))
                return perr(ps, get(ps, pr, "classes"), "'classes' is for quantiles; breaks give the classes");
            if ((st = parse_number_list(ps, v, "breaks", &sc->breaks, &nb)))
                return st;
            if (nb == 0)
                return perr(ps, v, "'breaks' is empty");
            for (k = 1; k < nb; k++)
                if (sc->breaks[k] <= sc->breaks[k - 1])
                    return perr(ps, v, "'breaks' must increase");
            sc->n_classes = nb + 1;
        } else {
            double c = 4;
            if (get(ps, pr, "breaks"))
                return perr(ps, get(ps, pr, "breaks"), "'breaks' needs method: breaks");
            if ((v = get(ps, pr, "classes")) && (st = number(ps, v, "classes", &c)))
                return st;
            if (c < 2 || c > 10 || c != (double)(int)c)
                return perr(ps, v, "'classes' must be a whole number from 2 to 10");
            sc->n_classes = (size_t)c;
        }
        if ((v = get(ps, pr, "labels"))) {
            yaml_node_item_t *it;
            size_t n = 0;
            if (v->type != YAML_SEQUENCE_NODE ||
                (size_t)(v->data.sequence.items.top - v->data.sequence.items.start) != sc->n_classes)
                return perr(ps, v, "'labels' must be a list of %zu labels, most in need first", sc->n_classes);
            sc->labels = calloc(sc->n_classes, sizeof *sc->labels);
            if (!sc->labels)
                return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
            for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
                if ((st = dup_scalar(ps, node(ps, *it), "labels", &sc->labels[n++])))
                    return st;
        }
    }
    return TAAFI_OK;
}

/* Checks that need every indicator: the population reference, weights
 * that leave each used pillar something to average, score columns. */
static taafi_status check_indicators(parser *ps, const yaml_node_t *root)
{
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    size_t i;
    int k;
    p->population = -1;
    if ((v = get(ps, root, "population"))) {
        const char *id = NULL;
        taafi_status st = scalar(ps, v, "population", &id);
        if (st)
            return st;
        if ((p->population = tf_project_find_indicator(p, id)) < 0)
            return perr(ps, v, "population names '%s', which is not an indicator id", id);
    }
    for (i = 0; i < p->n_inds; i++)
        if (p->inds[i].per_1000 && p->population < 0)
            return perr(ps, root, "indicator '%s' asks for per_1000 but the project has no 'population: <indicator "
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

static taafi_status parse_output_name(parser *ps, const yaml_node_t *v, const char *key, char **out)
{
    const char *s = NULL;
    taafi_status st = scalar(ps, v, key, &s);
    if (st)
        return st;
    free(*out);
    *out = NULL;
    if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        return TAAFI_OK; /* that output is not wanted */
    if (!*s || strchr(s, '/') || s[0] == '.')
        return perr(ps, v, "outputs.%s must be a plain file name inside the output folder, not '%s'", key, s);
    *out = tf_strdup(s);
    return *out ? TAAFI_OK : tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
}

static taafi_status parse_outputs(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"gpkg", "geojson", "csv", "csv_bom", NULL};
    const yaml_node_t *v;
    taafi_status st;
    if ((st = expect_mapping(ps, m, "outputs")) || (st = check_keys(ps, m, "outputs", keys)) ||
        (st = opt_bool(ps, m, "csv", &ps->p->out_csv)) || (st = opt_bool(ps, m, "csv_bom", &ps->p->out_csv_bom)))
        return st;
    if ((v = get(ps, m, "gpkg")) && (st = parse_output_name(ps, v, "gpkg", &ps->p->out_gpkg)))
        return st;
    if ((v = get(ps, m, "geojson")) && (st = parse_output_name(ps, v, "geojson", &ps->p->out_geojson)))
        return st;
    return TAAFI_OK;
}

static taafi_status parse_maps(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"enabled", "formats", "dpi", "atlas", "report", "title",
                                       "source_note", "disclaimer", "gaps", NULL};
    static const char *const formats[] = {"png", "svg", "pdf", NULL};
    tf_maps *mp = &ps->p->maps;
    const yaml_node_t *v;
    taafi_status st;
    if ((st = expect_mapping(ps, m, "maps")) || (st = check_keys(ps, m, "maps", keys)) ||
        (st = opt_bool(ps, m, "enabled", &mp->enabled)) || (st = opt_bool(ps, m, "atlas", &mp->atlas)) ||
        (st = opt_bool(ps, m, "report", &mp->report)) || (st = opt_str(ps, m, "title", &mp->title)) ||
        (st = opt_str(ps, m, "source_note", &mp->source_note)) ||
        (st = opt_str(ps, m, "disclaimer", &mp->disclaimer)) || (st = opt_str(ps, m, "gaps", &mp->gaps)))
        return st;
    if (!get(ps, m, "enabled"))
        mp->enabled = 1; /* a maps: section asks for maps */
    if ((v = get(ps, m, "dpi"))) {
        if ((st = number(ps, v, "dpi", &mp->dpi)))
            return st;
        if (mp->dpi < 36 || mp->dpi > 1200)
            return perr(ps, v, "dpi must be between 36 and 1200");
    }
    if ((v = get(ps, m, "formats"))) {
        yaml_node_item_t *it;
        if (v->type != YAML_SEQUENCE_NODE)
            return perr(ps, v, "'formats' must be a list, e.g. [png, svg, pdf]");
        mp->png = mp->svg = mp->pdf = 0;
        for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            int f;
            if ((st = choice(ps, node(ps, *it), "format", formats, &f)))
                return st;
            *(f == 0 ? &mp->png : f == 1 ? &mp->svg : &mp->pdf) = 1;
        }
    }
    if (mp->gaps) {
        int k = tf_project_find_indicator(ps->p, mp->gaps);
        if (k < 0 || ps->p->inds[k].type != TF_IND_COVERAGE)
            return perr(ps, get(ps, m, "gaps"), "maps.gaps names '%s', which is no coverage indicator", mp->gaps);
    }
    return TAAFI_OK;
}

/* scenarios:
 *   NAME:
 *     indicators: {ID: {weight: W, target: T, floor: F, method: M}, ...}
 *     pillars: {PILLAR: {weight: W, mean: geometric}, ...} */
static taafi_status parse_scenarios(parser *ps, const yaml_node_t *m)
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
    if ((st = expect_mapping(ps, m, "scenarios")))
        return st;
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    if (!(p->scenarios = calloc(n ? n : 1, sizeof *p->scenarios)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = node(ps, pr->key), *v = node(ps, pr->value);
        tf_scenario *sc = &p->scenarios[p->n_scenarios];
        const yaml_node_t *sec;
        const char *name = NULL;
        if ((st = scalar(ps, k, "scenario name", &name)))
            return st;
        if (!valid_column(name))
            return perr(ps, k, "scenario name '%s' must be a plain word (letters, digits, _): it names a folder", name);
        if (!strcmp(name, "maps"))
            return perr(ps, k, "scenario name 'maps' is the folder of the run's own maps; choose another name");
        if (!(sc->name = tf_strdup(name)) || !(sc->inds = malloc((p->n_inds ? p->n_inds : 1) * sizeof *sc->inds)))
            return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
        p->n_scenarios++; /* counted now so that free sees it */
        sc->line = line_of(k);
        memcpy(sc->inds, p->inds, p->n_inds * sizeof *sc->inds);
        sc->scoring = p->scoring;
        if ((st = expect_mapping(ps, v, "a scenario")) || (st = check_keys(ps, v, "a scenario", keys)))
            return st;
        if ((sec = get(ps, v, "indicators"))) {
            yaml_node_pair_t *ip;
            if ((st = expect_mapping(ps, sec, "a scenario's indicators")))
                return st;
            for (ip = sec->data.mapping.pairs.start; ip < sec->data.mapping.pairs.top; ip++) {
                yaml_node_t *ik = node(ps, ip->key), *iv = node(ps, ip->value);
                const yaml_node_t *x;
                const char *id = NULL;
                int ix, mi;
                tf_indicator_def *d;
                if ((st = scalar(ps, ik, "indicator id", &id)))
                    return st;
                if ((ix = tf_project_find_indicator(p, id)) < 0 || !p->inds[ix].pillar)
                    return perr(ps, ik, "scenario '%s': '%s' is no scored indicator (one with a pillar)", sc->name,
                                id);
                d = &sc->inds[ix];
                if ((st = expect_mapping(ps, iv, "an indicator's scenario settings")) ||
                    (st = check_keys(ps, iv, "an indicator's scenario settings", ind_keys)))
                    return st;
                if ((x = get(ps, iv, "weight"))) {
                    if ((st = number(ps, x, "weight", &d->weight)))
                        return st;
                    if (d->weight < 0)
                        return perr(ps, x, "weight %g is negative; weights must be 0 or more", d->weight);
                }
                if ((x = get(ps, iv, "target"))) {
                    if ((st = number(ps, x, "target", &d->target)))
                        return st;
                    d->has_target = 1;
                }
                if ((x = get(ps, iv, "floor"))) {
                    if ((st = number(ps, x, "floor", &d->floor)))
                        return st;
                    d->has_floor = 1;
                }
                if ((x = get(ps, iv, "method"))) {
                    if ((st = choice(ps, x, "method", methods, &mi)))
                        return st;
                    d->method = (tf_method)mi;
                }
                if (d->method == TF_NORM_TARGET && !d->has_target)
                    return perr(ps, iv, "scenario '%s': '%s' scored by method target needs a 'target'", sc->name, id);
                /* another distance standard: the coverage is computed again
                 * from the facilities already read (see taafi_run) */
                if ((x = get(ps, iv, "distance"))) {
                    if (d->type != TF_IND_COVERAGE)
                        return perr(ps, x, "scenario '%s': '%s' is no coverage indicator; only coverage takes a 'distance'",
                                    sc->name, id);
                    if ((st = number(ps, x, "distance", &d->distance)))
                        return st;
                    if (!(d->distance > 0))
                        return perr(ps, x, "'distance' must be more than 0 metres");
                }
                /* other facilities: other statuses or another where (the
                 * kind stays: another kind is another indicator); read in
                 * the same pass, see pass_where */
                {
                    const yaml_node_t *sv = get(ps, iv, "statuses"), *wv = get(ps, iv, "where");
                    if (sv || wv) {
                        const tf_indicator_def *own = &p->inds[ix];
                        const char *uw = own->user_where;
                        tf_buf w = {0};
                        if (d->type != TF_IND_COVERAGE)
                            return perr(ps, sv ? sv : wv,
                                        "scenario '%s': '%s' is no coverage indicator; only coverage takes "
                                        "'statuses' or 'where'",
                                        sc->name, id);
                        if (wv && (st = scalar(ps, wv, "where", &uw)))
                            return st;
                        if (!sv) /* the indicator's own statuses */
                            sv = get(ps, ind_node(ps, ix), "statuses");
                        if ((st = coverage_where(ps, uw, own->kind, own->kind_field, sv, own->status_field, &w))) {
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
                if ((x = get(ps, iv, "label"))) {
                    d->label = NULL;
                    if ((st = dup_scalar(ps, x, "label", &d->label)))
                        return st;
                }
                if ((x = get(ps, iv, "label_ar"))) {
                    d->label_ar = NULL;
                    if ((st = dup_scalar(ps, x, "label_ar", &d->label_ar)))
                        return st;
                }
            }
        }
        if ((sec = get(ps, v, "pillars"))) {
            yaml_node_pair_t *pp;
            double total = 0;
            int q;
            if ((st = expect_mapping(ps, sec, "a scenario's pillars")))
                return st;
            for (pp = sec->data.mapping.pairs.start; pp < sec->data.mapping.pairs.top; pp++) {
                yaml_node_t *pk = node(ps, pp->key), *pv = node(ps, pp->value);
                const yaml_node_t *x;
                int mi;
                if ((st = choice(ps, pk, "pillar", tf_pillar_keys, &q)) ||
                    (st = expect_mapping(ps, pv, "a pillar's settings")) ||
                    (st = check_keys(ps, pv, "a pillar's settings", pil_keys)))
                    return st;
                if ((x = get(ps, pv, "weight"))) {
                    if ((st = number(ps, x, "weight", &sc->scoring.pillars[q].weight)))
                        return st;
                    if (sc->scoring.pillars[q].weight < 0)
                        return perr(ps, x, "weight %g is negative; weights must be 0 or more",
                                    sc->scoring.pillars[q].weight);
                }
                if ((x = get(ps, pv, "mean"))) {
                    if ((st = choice(ps, x, "mean", means, &mi)))
                        return st;
                    sc->scoring.pillars[q].mean = (tf_mean)mi;
                }
            }
            for (q = 0; q < TF_N_PILLARS; q++)
                total += sc->scoring.pillars[q].weight;
            if (total <= 0)
                return perr(ps, sec, "scenario '%s': every pillar weight is 0", sc->name);
        }
    }
    return TAAFI_OK;
}

static taafi_status name_list(parser *ps, const yaml_node_t *v, const char *key, char ***out, size_t *n)
{
    yaml_node_item_t *it;
    if (v->type != YAML_SEQUENCE_NODE)
        return perr(ps, v, "'%s' must be a list of names, or all", key);
    *out = calloc((size_t)(v->data.sequence.items.top - v->data.sequence.items.start) + 1, sizeof **out);
    if (!*out)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = dup_scalar(ps, node(ps, *it), key, &(*out)[*n]);
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
static taafi_status parse_rounds(parser *ps, const yaml_node_t *s)
{
    static const char *const keys[] = {"name", "date", "layers", "sources", "areas", "shared", NULL};
    static const char *const lkeys[] = {"source", "layer", "where", "assume_crs", "encoding", "x", "y", NULL};
    taafi_project *p = ps->p;
    yaml_node_item_t *it;
    taafi_status st;
    size_t n;
    if (s->type != YAML_SEQUENCE_NODE)
        return perr(ps, s, "'rounds' must be a list, oldest first: '- name: baseline'");
    n = (size_t)(s->data.sequence.items.top - s->data.sequence.items.start);
    if (n < 1)
        return perr(ps, s, "'rounds' is empty");
    if (!(p->rounds = calloc(n, sizeof *p->rounds)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = s->data.sequence.items.start; it < s->data.sequence.items.top; it++) {
        yaml_node_t *m = node(ps, *it);
        tf_round *rd = &p->rounds[p->n_rounds++];
        const yaml_node_t *v;
        size_t k;
        if ((st = expect_mapping(ps, m, "a round")) || (st = check_keys(ps, m, "a round", keys)))
            return st;
        rd->line = line_of(m);
        if (!(v = get(ps, m, "name")))
            return perr(ps, m, "a round has no 'name'");
        if ((st = dup_scalar(ps, v, "name", &rd->name)) || (st = opt_str(ps, m, "date", &rd->date)))
            return st;
        for (k = 0; rd->name[k]; k++)
            if (!isalnum((unsigned char)rd->name[k]) && rd->name[k] != '_' && rd->name[k] != '-')
                return perr(ps, v, "round name '%s' may hold only letters, digits, '-' and '_'", rd->name);
        for (k = 0; k + 1 < p->n_rounds; k++)
            if (!strcmp(p->rounds[k].name, rd->name))
                return perr(ps, v, "round '%s' is declared twice", rd->name);
        if ((v = get(ps, m, "layers"))) {
            yaml_node_pair_t *pr;
            if ((st = expect_mapping(ps, v, "a round's layers")))
                return st;
            rd->layers = calloc((size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start) + 1,
                                sizeof *rd->layers);
            if (!rd->layers)
                return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
            for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
                yaml_node_t *lk = node(ps, pr->key);
                const char *role = NULL;
                if ((st = scalar(ps, lk, "layer name", &role)))
                    return st;
                if (find_layer(p, role) < 0)
                    return perr(ps, lk, "round '%s': no layer '%s' under the project's 'layers'", rd->name, role);
                st = parse_source(ps, node(ps, pr->value), role, "a round's layer", lkeys, &rd->layers[rd->n_layers]);
                rd->n_layers++;
                if (st)
                    return st;
            }
        }
        if ((v = get(ps, m, "sources"))) {
            yaml_node_pair_t *pr;
            size_t cap;
            if ((st = expect_mapping(ps, v, "a round's sources")))
                return st;
            cap = (size_t)(v->data.mapping.pairs.top - v->data.mapping.pairs.start) + 1;
            rd->source_ids = calloc(cap, sizeof *rd->source_ids);
            rd->sources = calloc(cap, sizeof *rd->sources);
            if (!rd->source_ids || !rd->sources)
                return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
            for (pr = v->data.mapping.pairs.start; pr < v->data.mapping.pairs.top; pr++) {
                yaml_node_t *ik = node(ps, pr->key);
                char *raw = NULL;
                int ix;
                if ((st = dup_scalar(ps, ik, "indicator id", &rd->source_ids[rd->n_sources])))
                    return st;
                rd->n_sources++;
                ix = tf_project_find_indicator(p, rd->source_ids[rd->n_sources - 1]);
                if (ix < 0 || (p->inds[ix].type != TF_IND_TABLE && p->inds[ix].type != TF_IND_RASTER_SUM))
                    return perr(ps, ik, "round '%s': '%s' is no table or raster_sum indicator", rd->name,
                                rd->source_ids[rd->n_sources - 1]);
                if ((st = dup_scalar(ps, node(ps, pr->value), "source", &raw)))
                    return st;
                rd->sources[rd->n_sources - 1] = resolve(p, raw);
                free(raw);
                if (!rd->sources[rd->n_sources - 1])
                    return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
            }
        }
        if ((v = get(ps, m, "areas"))) {
            static const char *const akeys[] = {"source", "layer", "where", "assume_crs", "encoding", NULL};
            if ((st = parse_source(ps, v, "areas", "a round's areas", akeys, &rd->areas)))
                return st;
        }
        if ((v = get(ps, m, "shared"))) {
            if (v->type == YAML_SCALAR_NODE && !strcmp((const char *)v->data.scalar.value, "all"))
                rd->shared_all = 1;
            else if ((st = name_list(ps, v, "shared", &rd->shared, &rd->n_shared)))
                return st;
            for (k = 0; k < rd->n_shared; k++)
                if (find_layer(p, rd->shared[k]) < 0 && tf_project_find_indicator(p, rd->shared[k]) < 0)
                    return perr(ps, v, "round '%s': shared names '%s', which is no layer or indicator", rd->name,
                                rd->shared[k]);
        }
    }
    return TAAFI_OK;
}

static taafi_status parse_crs(parser *ps, const yaml_node_t *v)
{
    const char *s = NULL;
    char *end;
    long code;
    taafi_status st = scalar(ps, v, "crs", &s);
    if (st)
        return st;
    if (!strcmp(s, "auto")) {
        ps->p->crs_epsg = 0;
        return TAAFI_OK;
    }
    if (!strncmp(s, "EPSG:", 5) || !strncmp(s, "epsg:", 5))
        s += 5;
    errno = 0;
    code = strtol(s, &end, 10);
    if (errno || *end || end == s || code <= 0 || code > 999999)
        return perr(ps, v, "crs must be 'auto' or an EPSG code such as EPSG:32637, not '%s'",
                    (const char *)v->data.scalar.value);
    ps->p->crs_epsg = (int)code;
    return TAAFI_OK;
}

static taafi_status parse_root(parser *ps, const yaml_node_t *root)
{
    static const char *const keys[] = {"name",    "crs",     "areas", "layers",    "population", "indicators",
                                       "scoring", "outputs", "maps",  "scenarios", "rounds",     "change",
                                       "rounds_recompute", NULL};
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    taafi_status st;
    if (!root)
        return perr(ps, NULL, "the project file is empty; see examples/homs.yml for a start");
    if ((st = expect_mapping(ps, root, "the project file")) ||
        (st = check_keys(ps, root, "the project file", keys)))
        return st;
    if ((v = get(ps, root, "name")) && (st = dup_scalar(ps, v, "name", &p->name)))
        return st;
    if ((v = get(ps, root, "crs")) && (st = parse_crs(ps, v)))
        return st;
    if (!(v = get(ps, root, "areas")))
        return perr(ps, root, "no 'areas': the project needs the polygons to analyse");
    if ((st = parse_areas(ps, v)))
        return st;
    if ((v = get(ps, root, "layers")) && (st = parse_layers(ps, v)))
        return st;
    if (!(v = get(ps, root, "indicators")))
        return perr(ps, root, "no 'indicators': list what to compute per area");
    if ((st = parse_indicators(ps, v)) || (st = check_indicators(ps, root)))
        return st;
    for (int k = 0; k < TF_N_PILLARS; k++)
        p->scoring.pillars[k].weight = 1;
    p->scoring.n_classes = 4;
    if ((v = get(ps, root, "scoring")) && (st = parse_scoring(ps, v)))
        return st;
    /* after scoring: a scenario starts from the project's settings */
    if ((v = get(ps, root, "scenarios")) && ((st = parse_scenarios(ps, v)) || (st = union_filters(ps))))
        return st;
    if ((v = get(ps, root, "rounds")) && (st = parse_rounds(ps, v)))
        return st;
    p->change_tolerance = 1.0;
    if ((v = get(ps, root, "change"))) {
        static const char *const ckeys[] = {"tolerance", NULL};
        const yaml_node_t *t;
        if ((st = expect_mapping(ps, v, "change")) || (st = check_keys(ps, v, "change", ckeys)))
            return st;
        if ((t = get(ps, v, "tolerance")) && (st = number(ps, t, "tolerance", &p->change_tolerance)))
            return st;
        if (p->change_tolerance < 0)
            return perr(ps, t, "tolerance must be 0 or more (score points)");
    }
    if ((v = get(ps, root, "rounds_recompute")) && (st = boolean(ps, v, "rounds_recompute", &p->rounds_recompute)))
        return st;
    p->maps.png = p->maps.svg = p->maps.pdf = 1;
    p->maps.dpi = 300;
    p->maps.atlas = p->maps.report = 1;
    if ((v = get(ps, root, "maps")) && (st = parse_maps(ps, v)))
        return st;
    p->out_csv = 1;
    p->out_gpkg = tf_strdup("recovery.gpkg");
    p->out_geojson = tf_strdup("areas.geojson");
    if (!p->out_gpkg || !p->out_geojson)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    if ((v = get(ps, root, "outputs")) && (st = parse_outputs(ps, v)))
        return st;
    return TAAFI_OK;
}

static taafi_status read_file(taafi_ctx *ctx, const char *path, char **text_out, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    if (!f)
        return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: cannot open the project file: %s", path, strerror(errno));
    for (;;) {
        if (cap - len < 4096) {
            char *t;
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20)) {
                fclose(f);
                free(text);
                return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: larger than 64 MB: not a project file", path);
            }
            t = realloc(text, cap);
            if (!t) {
                fclose(f);
                free(text);
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory reading %s", path);
            }
            text = t;
        }
        n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    if (strlen(text) != len) {
        free(text);
        return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: holds NUL bytes: not a YAML project file", path);
    }
    *text_out = text;
    *len_out = len;
    return TAAFI_OK;
}

taafi_status taafi_project_load(taafi_ctx *ctx, const char *path, taafi_project **out)
{
    return tf_project_parse(ctx, path, NULL, 0, out);
}

taafi_status tf_project_parse(taafi_ctx *ctx, const char *path, const char *text, size_t text_len,
                              taafi_project **out)
{
    yaml_parser_t yp;
    yaml_document_t doc;
    int have_parser = 0, have_doc = 0;
    parser ps;
    taafi_project *p = NULL;
    taafi_status st;
    size_t len = 0;
    const char *slash;
    if (!ctx || !path || !out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_load: NULL argument") : TAAFI_ERR_USAGE;
    *out = NULL;
    p = calloc(1, sizeof *p);
    if (!p || !(p->path = tf_strdup(path))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    slash = strrchr(path, '/');
    p->dir = slash ? tf_sprintf("%.*s", (int)(slash == path ? 1 : slash - path), path) : tf_strdup(".");
    if (!p->dir) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (text) {
        if (memchr(text, '\0', text_len)) {
            st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s: holds NUL bytes: not a YAML project file", path);
            goto fail;
        }
        if (!(p->text = malloc(text_len + 1))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        memcpy(p->text, text, text_len);
        p->text[text_len] = '\0';
        len = text_len;
    } else if ((st = read_file(ctx, path, &p->text, &len))) {
        goto fail;
    }
    if (!yaml_parser_initialize(&yp)) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory starting the YAML parser");
        goto fail;
    }
    have_parser = 1;
    yaml_parser_set_input_string(&yp, (const unsigned char *)p->text, len);
    if (!yaml_parser_load(&yp, &doc)) {
        st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s:%d: not valid YAML: %s%s%s", path,
                      (int)(yp.problem_mark.line + 1), yp.problem ? yp.problem : "syntax error",
                      yp.context ? " " : "", yp.context ? yp.context : "");
        goto fail;
    }
    have_doc = 1;
    ps.ctx = ctx;
    ps.doc = &doc;
    ps.p = p;
    if ((st = parse_root(&ps, yaml_document_get_root_node(&doc))))
        goto fail;
    yaml_document_delete(&doc);
    yaml_parser_delete(&yp);
    *out = p;
    return TAAFI_OK;
fail:
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&yp);
    taafi_project_free(p);
    return st;
}

static void free_source(tf_source *s)
{
    free(s->x_field);
    free(s->y_field);
    free(s->encoding);
    free(s->role);
    free(s->path);
    free(s->layer);
    free(s->where);
}

void taafi_project_free(taafi_project *p)
{
    size_t i, j;
    if (!p)
        return;
    free(p->path);
    free(p->dir);
    free(p->text);
    free(p->name);
    free_source(&p->areas);
    free(p->area_id);
    free(p->area_name);
    free(p->area_name_ar);
    for (i = 0; i < p->n_layers; i++)
        free_source(&p->layers[i]);
    free(p->layers);
    /* before the indicators: a scenario's labels are its own only where
     * they differ from the project's */
    for (i = 0; i < p->n_scenarios; i++) {
        free(p->scenarios[i].name);
        for (size_t k = 0; p->scenarios[i].inds && k < p->n_inds; k++) {
            if (p->scenarios[i].inds[k].label != p->inds[k].label)
                free(p->scenarios[i].inds[k].label);
            if (p->scenarios[i].inds[k].label_ar != p->inds[k].label_ar)
                free(p->scenarios[i].inds[k].label_ar);
            if (p->scenarios[i].inds[k].where != p->inds[k].where)
                free(p->scenarios[i].inds[k].where);
        }
        free(p->scenarios[i].inds);
    }
    free(p->scenarios);
    for (i = 0; i < p->n_inds; i++) {
        tf_indicator_def *d = &p->inds[i];
        free(d->id);
        free(d->label);
        free(d->label_ar);
        free(d->pillar);
        free(d->unit);
        free(d->class_field);
        free(d->score_column);
        free(d->where);
        free(d->field);
        free(d->source);
        free(d->sheet);
        free(d->key);
        free(d->expression);
        free(d->kind);
        free(d->capacity_field);
        free(d->user_where);
        free(d->kind_field);
        free(d->status_field);
        free(d->pass_where);
        for (j = 0; j < d->n_classes; j++)
            free(d->classes[j]);
        free(d->classes);
    }
    free(p->inds);
    free(p->scoring.breaks);
    if (p->scoring.labels)
        for (i = 0; i < p->scoring.n_classes; i++)
            free(p->scoring.labels[i]);
    free(p->scoring.labels);
    for (i = 0; i < p->n_rounds; i++) {
        tf_round *rd = &p->rounds[i];
        free(rd->name);
        free(rd->date);
        for (j = 0; j < rd->n_layers; j++)
            free_source(&rd->layers[j]);
        free(rd->layers);
        for (j = 0; j < rd->n_sources; j++) {
            free(rd->source_ids[j]);
            free(rd->sources[j]);
        }
        free(rd->source_ids);
        free(rd->sources);
        free_source(&rd->areas);
        for (j = 0; j < rd->n_shared; j++)
            free(rd->shared[j]);
        free(rd->shared);
    }
    free(p->rounds);
    free(p->maps.title);
    free(p->maps.source_note);
    free(p->maps.disclaimer);
    free(p->maps.gaps);
    free(p->out_gpkg);
    free(p->out_geojson);
    free(p);
}

const char *taafi_project_path(const taafi_project *p) { return p ? p->path : NULL; }

int taafi_project_wants_maps(const taafi_project *p) { return p && p->maps.enabled; }

size_t taafi_project_scenario_count(const taafi_project *p) { return p ? p->n_scenarios : 0; }

const char *taafi_project_scenario_name(const taafi_project *p, size_t i)
{
    return p && i < p->n_scenarios ? p->scenarios[i].name : NULL;
}
