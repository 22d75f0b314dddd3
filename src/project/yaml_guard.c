/*
 * yaml_guard.c: what the project file must be before it is read as a
 * project, checked while libyaml parses it (events, not a built document)
 * and on the document it builds: nested no deeper than TF_YAML_MAX_DEPTH
 * (libyaml's scanner slows with the square of the depth: 150,000 brackets
 * took it over 90 s), one document only, no key twice in a mapping (the
 * first would win unseen).
 */
#include "parse.h"

#include <stdlib.h>
#include <string.h>

/* Deeper than any project file needs (the deepest key is four levels). */
#define TF_YAML_MAX_DEPTH 64

taafi_status pj_check_events(taafi_ctx *ctx, const char *path, const char *text, size_t len)
{
    yaml_parser_t yp;
    yaml_event_t ev;
    int depth = 0, docs = 0, done = 0;
    taafi_status st = TAAFI_OK;
    if (!yaml_parser_initialize(&yp))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory starting the YAML parser");
    yaml_parser_set_input_string(&yp, (const unsigned char *)text, len);
    while (!done && !st) {
        if (!yaml_parser_parse(&yp, &ev))
            break; /* the loader reports the syntax error with its line */
        switch (ev.type) {
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
            if (++depth > TF_YAML_MAX_DEPTH)
                st = tf_error(ctx, TAAFI_ERR_PROJECT,
                              "%s:%d: nested deeper than %d levels; a project file needs four or five (see "
                              "docs/project-file.md)",
                              path, (int)ev.start_mark.line + 1, TF_YAML_MAX_DEPTH);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT: depth--; break;
        case YAML_DOCUMENT_START_EVENT:
            if (++docs > 1)
                st = tf_error(ctx, TAAFI_ERR_PROJECT,
                              "%s:%d: a second YAML document ('---'); a project file holds one: remove it, or "
                              "split it into two project files",
                              path, (int)ev.start_mark.line + 1);
            break;
        case YAML_STREAM_END_EVENT: done = 1; break;
        default: break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&yp);
    return st;
}

typedef struct key_at {
    const char *key;
    int line;
} key_at;

static int cmp_key(const void *a, const void *b)
{
    const key_at *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* A key given twice in mapping m: the error names both lines. */
static taafi_status mapping_keys(taafi_ctx *ctx, const char *path, yaml_document_t *doc, const yaml_node_t *m)
{
    size_t n = (size_t)(m->data.mapping.pairs.top - m->data.mapping.pairs.start), k = 0, i;
    key_at *keys;
    yaml_node_pair_t *pr;
    taafi_status st = TAAFI_OK;
    if (n < 2)
        return TAAFI_OK;
    if (!(keys = tf_malloc(n * sizeof *keys)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
        const yaml_node_t *kn = yaml_document_get_node(doc, pr->key);
        if (kn && kn->type == YAML_SCALAR_NODE) {
            keys[k].key = (const char *)kn->data.scalar.value;
            keys[k++].line = (int)kn->start_mark.line + 1;
        }
    }
    qsort(keys, k, sizeof *keys, cmp_key);
    for (i = 1; i < k && !st; i++)
        if (!strcmp(keys[i].key, keys[i - 1].key))
            st = tf_error(ctx, TAAFI_ERR_PROJECT,
                          "%s:%d: key '%s' is given twice in the same mapping (first on line %d); keep one",
                          path, keys[i].line, keys[i].key, keys[i - 1].line);
    tf_free(keys);
    return st;
}

taafi_status pj_check_duplicates(taafi_ctx *ctx, const char *path, yaml_document_t *doc)
{
    yaml_node_t *n;
    taafi_status st;
    for (n = doc->nodes.start; n < doc->nodes.top; n++)
        if (n->type == YAML_MAPPING_NODE && (st = mapping_keys(ctx, path, doc, n)))
            return st;
    return TAAFI_OK;
}
