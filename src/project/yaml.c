/* yaml.c: the YAML helpers of the project parser: scalars, numbers, choices,
 * booleans, keys checked with a suggestion, errors with their line. */
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

taafi_status pj_perr(parser *ps, const yaml_node_t *n, const char *fmt, ...)
{
    char what[TF_MSG_MAX - 256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (n)
        return tf_error(ps->ctx, TAAFI_ERR_PROJECT, "%s:%d: %s", ps->p->path, pj_line_of(n), what);
    return tf_error(ps->ctx, TAAFI_ERR_PROJECT, "%s: %s", ps->p->path, what);
}


/* The text of a scalar node, or NULL (with the error set) if it is not one. */
taafi_status pj_scalar(parser *ps, const yaml_node_t *n, const char *key, const char **out)
{
    if (n->type != YAML_SCALAR_NODE)
        return pj_perr(ps, n, "'%s' must be a single value, not a list or mapping", key);
    *out = (const char *)n->data.scalar.value;
    return TAAFI_OK;
}

taafi_status pj_dup_scalar(parser *ps, const yaml_node_t *n, const char *key, char **out)
{
    const char *s = NULL;
    taafi_status st = pj_scalar(ps, n, key, &s);
    if (st)
        return st;
    if (!*s)
        return pj_perr(ps, n, "'%s' is empty", key);
    tf_free(*out);
    *out = tf_strdup(s);
    return *out ? TAAFI_OK : tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
}

taafi_status pj_boolean(parser *ps, const yaml_node_t *n, const char *key, int *out)
{
    const char *s = NULL;
    taafi_status st = pj_scalar(ps, n, key, &s);
    if (st)
        return st;
    if (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))
        *out = 1;
    else if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        *out = 0;
    else
        return pj_perr(ps, n, "'%s' must be true or false, not '%s'", key, s);
    return TAAFI_OK;
}

/* Fails on the first key of mapping `m` that is not in `allowed`. */
taafi_status pj_check_keys(parser *ps, const yaml_node_t *m, const char *where, const char *const *allowed)
{
    yaml_node_pair_t *pr;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = pj_node(ps, pr->key);
        const char *const *a;
        const char *key, *hint;
        if (k->type != YAML_SCALAR_NODE)
            return pj_perr(ps, k, "keys in %s must be plain words", where);
        key = (const char *)k->data.scalar.value;
        for (a = allowed; *a; a++)
            if (!strcmp(*a, key))
                break;
        if (*a)
            continue;
        hint = tf_suggest(key, allowed);
        if (hint)
            return pj_perr(ps, k, "unknown key '%s' in %s; did you mean '%s'?", key, where, hint);
        return pj_perr(ps, k, "unknown key '%s' in %s; see docs/project-file.md for the keys", key, where);
    }
    return TAAFI_OK;
}

yaml_node_t *pj_get(parser *ps, const yaml_node_t *m, const char *key)
{
    yaml_node_pair_t *pr;
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = pj_node(ps, pr->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return pj_node(ps, pr->value);
    }
    return NULL;
}

taafi_status pj_expect_mapping(parser *ps, const yaml_node_t *n, const char *what)
{
    if (n->type != YAML_MAPPING_NODE)
        return pj_perr(ps, n, "%s must be a mapping of keys to values", what);
    return TAAFI_OK;
}

/* Output column names must be safe in every format we write (shapefile
 * aside): a letter or underscore, then letters, digits, underscores. */
int pj_valid_column(const char *s)
{
    if (!*s || !(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

taafi_status pj_number(parser *ps, const yaml_node_t *n, const char *key, double *out)
{
    const char *s = NULL;
    char *end;
    taafi_status st = pj_scalar(ps, n, key, &s);
    if (st)
        return st;
    errno = 0;
    *out = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(*out))
        return pj_perr(ps, n, "'%s' must be a number, not '%s'", key, s);
    return TAAFI_OK;
}

/* Picks one of `names` (NULL-terminated); the index comes back in *out. */
taafi_status pj_choice(parser *ps, const yaml_node_t *n, const char *key, const char *const *names, int *out)
{
    const char *s = NULL, *hint;
    tf_buf all = {0};
    taafi_status st = pj_scalar(ps, n, key, &s);
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
        st = pj_perr(ps, n, "unknown %s '%s'; did you mean '%s'?", key, s, hint);
    else
        st = pj_perr(ps, n, "unknown %s '%s' (one of: %s)", key, s, all.s ? all.s : "");
    tf_buf_free(&all);
    return st;
}

taafi_status pj_opt_str(parser *ps, const yaml_node_t *m, const char *key, char **out)
{
    const yaml_node_t *v = pj_get(ps, m, key);
    return v ? pj_dup_scalar(ps, v, key, out) : TAAFI_OK;
}

taafi_status pj_opt_bool(parser *ps, const yaml_node_t *m, const char *key, int *out)
{
    const yaml_node_t *v = pj_get(ps, m, key);
    return v ? pj_boolean(ps, v, key, out) : TAAFI_OK;
}

taafi_status pj_need(parser *ps, const yaml_node_t *m, const tf_indicator_def *d, const char *key,
                         const char *what)
{
    if (pj_get(ps, m, key))
        return TAAFI_OK;
    return pj_perr(ps, m, "indicator '%s' (%s) has no '%s': %s", d->id, tf_type_name(ps->p, d), key, what);
}
