/* sources.c: the project's inputs: paths resolved against the project
 * folder, `areas`, `layers` and their sources, `crs`. */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
            tf_free(copy);
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
    tf_free(copy);
}

/* Joins a relative path to the project folder; absolute paths stay.  A
 * GDAL virtual path keeps its form; a relative archive in it is joined. */
char *pj_resolve(const taafi_project *p, const char *path)
{
    char *r;
    if (tf_path_is_vsi(path))
        return tf_vsi_resolve(p->dir, path);
    r = path[0] == '/' ? tf_strdup(path) : tf_sprintf("%s/%s", p->dir, path);
    if (r)
        normalise_path(r);
    return r;
}

taafi_status pj_parse_source(parser *ps, const yaml_node_t *m, const char *role, const char *where,
                                 const char *const *allowed, tf_source *src)
{
    const yaml_node_t *v;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, where)) || (st = pj_check_keys(ps, m, where, allowed)))
        return st;
    src->line = pj_line_of(m);
    src->role = tf_strdup(role);
    if (!src->role)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (!(v = pj_get(ps, m, "source")))
        return pj_perr(ps, m, "%s has no 'source': give the path of its file", where);
    {
        char *raw = NULL;
        if ((st = pj_dup_scalar(ps, v, "source", &raw)))
            return st;
        src->path = pj_resolve(ps->p, raw);
        tf_free(raw);
        if (!src->path)
            return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if ((v = pj_get(ps, m, "layer")) && (st = pj_dup_scalar(ps, v, "layer", &src->layer)))
        return st;
    if ((v = pj_get(ps, m, "where")) &&
        ((st = pj_dup_scalar(ps, v, "where", &src->where)) || (st = pj_check_filter(ps, v, src->where))))
        return st;
    if ((v = pj_get(ps, m, "encoding")) && (st = pj_dup_scalar(ps, v, "encoding", &src->encoding)))
        return st;
    if ((v = pj_get(ps, m, "x")) && (st = pj_dup_scalar(ps, v, "x", &src->x_field)))
        return st;
    if ((v = pj_get(ps, m, "y")) && (st = pj_dup_scalar(ps, v, "y", &src->y_field)))
        return st;
    if (!src->x_field != !src->y_field)
        return pj_perr(ps, m, "%s: 'x' and 'y' go together: name both columns holding the coordinates", where);
    if ((v = pj_get(ps, m, "assume_crs"))) {
        const char *s = NULL;
        char *end;
        long code;
        if ((st = pj_scalar(ps, v, "assume_crs", &s)))
            return st;
        if (!strncasecmp(s, "EPSG:", 5))
            s += 5;
        errno = 0;
        code = strtol(s, &end, 10);
        if (errno || *end || end == s || code <= 0 || code > 999999)
            return pj_perr(ps, v, "assume_crs must be an EPSG code such as EPSG:4326");
        src->assume_epsg = (int)code;
    }
    return TAAFI_OK;
}

taafi_status pj_parse_areas(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"source", "layer",  "where",    "id",      "name",
                                       "name_ar", "assume_crs", "encoding", "overlaps", NULL};
    static const char *const rules[] = {"first", "error", NULL};
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    taafi_status st = pj_parse_source(ps, m, "areas", "areas", keys, &p->areas);
    if (st)
        return st;
    if (!(v = pj_get(ps, m, "id")))
        return pj_perr(ps, m, "areas has no 'id': name the field that identifies each area");
    if ((st = pj_dup_scalar(ps, v, "id", &p->area_id)))
        return st;
    if ((v = pj_get(ps, m, "name")) && (st = pj_dup_scalar(ps, v, "name", &p->area_name)))
        return st;
    if ((v = pj_get(ps, m, "name_ar")) && (st = pj_dup_scalar(ps, v, "name_ar", &p->area_name_ar)))
        return st;
    if ((v = pj_get(ps, m, "overlaps"))) {
        int rule;
        if ((st = pj_choice(ps, v, "overlaps rule", rules, &rule)))
            return st;
        p->overlap_error = rule == 1;
    }
    return TAAFI_OK;
}

taafi_status pj_parse_layers(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"source", "layer", "where", "assume_crs", "encoding", "x", "y", NULL};
    taafi_project *p = ps->p;
    yaml_node_pair_t *pr;
    taafi_status st;
    size_t n;
    if ((st = pj_expect_mapping(ps, m, "layers")))
        return st;
    n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start);
    p->layers = tf_calloc(n ? n : 1, sizeof *p->layers);
    if (!p->layers)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = pj_node(ps, pr->key);
        const char *name = NULL;
        char where[128];
        size_t i;
        if ((st = pj_scalar(ps, k, "layers", &name)))
            return st;
        if (!pj_valid_column(name) || !strcmp(name, "areas"))
            return pj_perr(ps, k, "layer name '%s' must be a plain word (letters, digits, _) other than 'areas'",
                        name);
        for (i = 0; i < p->n_layers; i++)
            if (!strcmp(p->layers[i].role, name))
                return pj_perr(ps, k, "layer '%s' is defined twice", name);
        snprintf(where, sizeof where, "layers.%s", name);
        st = pj_parse_source(ps, pj_node(ps, pr->value), name, where, keys, &p->layers[p->n_layers]);
        p->n_layers++; /* counted even on failure so that free sees it */
        if (st)
            return st;
    }
    return TAAFI_OK;
}

int pj_find_layer(const taafi_project *p, const char *role)
{
    size_t i;
    for (i = 0; i < p->n_layers; i++)
        if (!strcmp(p->layers[i].role, role))
            return (int)i;
    return -1;
}

taafi_status pj_layer_ref(parser *ps, const yaml_node_t *v, int *out)
{
    const char *name = NULL;
    taafi_status st = pj_scalar(ps, v, "layer", &name);
    const char **names;
    const char *hint;
    size_t i;
    if (st)
        return st;
    if ((*out = pj_find_layer(ps->p, name)) >= 0)
        return TAAFI_OK;
    names = tf_calloc(ps->p->n_layers + 1, sizeof *names);
    if (!names)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < ps->p->n_layers; i++)
        names[i] = ps->p->layers[i].role;
    hint = tf_suggest(name, names);
    tf_free(names);
    if (hint)
        return pj_perr(ps, v, "no layer '%s' under 'layers'; did you mean '%s'?", name, hint);
    return pj_perr(ps, v, "no layer '%s' under 'layers'; define it there first", name);
}

taafi_status pj_parse_crs(parser *ps, const yaml_node_t *v)
{
    const char *s = NULL;
    char *end;
    long code;
    taafi_status st = pj_scalar(ps, v, "crs", &s);
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
        return pj_perr(ps, v, "crs must be 'auto' or an EPSG code such as EPSG:32637, not '%s'",
                    (const char *)v->data.scalar.value);
    ps->p->crs_epsg = (int)code;
    return TAAFI_OK;
}
