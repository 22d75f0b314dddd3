/*
 * ind_count.c: the number of features of a layer in each area, optionally
 * broken down by the values of a class field, with densities per km² and
 * each class's share of the total.
 *
 * A feature is counted in the area that holds its representative point (the
 * point itself, or GEOSPointOnSurface of a line or polygon), once.
 *
 * Class values match the declared classes ignoring case and surrounding
 * spaces.  With declared classes, any other value (and NULL) is counted in
 * <id>_other and listed in the data-quality log; without, the classes are
 * the values found in the data, sorted, and NULL or blank values go to
 * <id>_other.
 */
#include "indicator.h"

#include <cpl_string.h>
#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Distinct unexpected values listed one by one before they are summed. */
#define MAX_LISTED_UNKNOWN 50

typedef struct cls {
    char *label; /* as declared, or as first seen in the data */
    char *key;   /* normalised: trimmed, ASCII lower case      */
    double *n;   /* per area                                   */
} cls;

typedef struct unknown {
    char *value;
    size_t n;
} unknown;

struct tf_ind_state {
    size_t n_areas;
    int field;    /* class field index, -1: no breakdown  */
    int declared; /* classes come from the project file   */
    double *total;
    double *other; /* NULL until needed when not declared */
    cls *c;
    size_t n_c, cap_c;
    size_t last; /* the class matched last: values come in runs */
    unknown *unk;
    size_t n_unk, unk_more, n_blank;
    const char *path, *id, *class_field; /* for messages */
};

static char *normalise(const char *s)
{
    size_t n;
    char *k;
    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    k = tf_malloc(n + 1);
    if (!k)
        return NULL;
    for (size_t i = 0; i < n; i++)
        k[i] = (char)tolower((unsigned char)s[i]);
    k[n] = '\0';
    return k;
}

static void free_state(taafi_ctx *ctx, tf_ind_state *s)
{
    (void)ctx;
    size_t i;
    if (!s)
        return;
    for (i = 0; i < s->n_c; i++) {
        tf_free(s->c[i].label);
        tf_free(s->c[i].key);
        tf_free(s->c[i].n);
    }
    for (i = 0; i < s->n_unk; i++)
        tf_free(s->unk[i].value);
    tf_free(s->unk);
    tf_free(s->c);
    tf_free(s->total);
    tf_free(s->other);
    tf_free(s);
}

static taafi_status add_class(taafi_ctx *ctx, tf_ind_state *s, const char *label, const char *key)
{
    cls *c;
    if (s->n_c == s->cap_c) {
        size_t cap = s->cap_c ? s->cap_c * 2 : 8;
        cls *v = tf_realloc(s->c, cap * sizeof *v);
        if (!v)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        s->c = v;
        s->cap_c = cap;
    }
    c = &s->c[s->n_c];
    c->label = tf_strdup(label);
    c->key = tf_strdup(key);
    c->n = tf_calloc(s->n_areas ? s->n_areas : 1, sizeof *c->n);
    if (!c->label || !c->key || !c->n) {
        tf_free(c->label);
        tf_free(c->key);
        tf_free(c->n);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    s->n_c++;
    return TAAFI_OK;
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    tf_ind_state *s = tf_calloc(1, sizeof *s);
    taafi_status st = TAAFI_OK;
    size_t i, j;
    *out = NULL;
    if (!s)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->n_areas = areas->n;
    s->field = -1;
    s->path = src->def->path;
    s->id = def->id;
    s->class_field = def->class_field;
    s->total = tf_calloc(areas->n ? areas->n : 1, sizeof *s->total);
    if (!s->total) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (def->class_field && (st = tf_source_field(ctx, src, def->class_field, "class_field", &s->field)))
        goto fail;
    if (def->n_classes) {
        s->declared = 1;
        s->other = tf_calloc(areas->n ? areas->n : 1, sizeof *s->other);
        if (!s->other) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        for (i = 0; i < def->n_classes; i++) {
            char *key = normalise(def->classes[i]);
            if (!key) {
                st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                goto fail;
            }
            for (j = 0; j < s->n_c; j++)
                if (!strcmp(s->c[j].key, key)) {
                    tf_free(key);
                    st = tf_error(ctx, TAAFI_ERR_PROJECT, "indicator '%s': class '%s' is listed twice", def->id,
                                  def->classes[i]);
                    goto fail;
                }
            st = add_class(ctx, s, def->classes[i], key);
            tf_free(key);
            if (st)
                goto fail;
        }
    }
    *out = s;
    return TAAFI_OK;
fail:
    free_state(ctx, s);
    return st;
}

static taafi_status note_unknown(taafi_ctx *ctx, tf_ind_state *s, const char *value)
{
    size_t i;
    for (i = 0; i < s->n_unk; i++)
        if (!strcmp(s->unk[i].value, value)) {
            s->unk[i].n++;
            return TAAFI_OK;
        }
    if (s->n_unk == MAX_LISTED_UNKNOWN) {
        s->unk_more++;
        return TAAFI_OK;
    }
    if (!s->unk && !(s->unk = tf_calloc(MAX_LISTED_UNKNOWN, sizeof *s->unk)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (!(s->unk[s->n_unk].value = tf_strdup(value)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->unk[s->n_unk++].n = 1;
    return TAAFI_OK;
}

static taafi_status count_other(taafi_ctx *ctx, tf_ind_state *s, long area)
{
    if (!s->other && !(s->other = tf_calloc(s->n_areas ? s->n_areas : 1, sizeof *s->other)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (area >= 0)
        s->other[area] += 1;
    return TAAFI_OK;
}

/* Counts every feature of the layer, inside an area or not, by class, so
 * that the data-quality log describes the whole layer. */
static taafi_status consume(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *feat)
{
    long area = feat->area;
    const char *raw;
    char *key;
    size_t i;
    taafi_status st = TAAFI_OK;
    if (area >= 0)
        s->total[area] += 1;
    if (s->field < 0)
        return TAAFI_OK;
    if (!(raw = tf_feature_text(feat, s->field)) || !*raw) {
        s->n_blank++;
        return count_other(ctx, s, area);
    }
    /* Fast path: a spelling seen before (a class's label is the first
     * spelling met, or the declared one), tried last-first; only new
     * spellings are normalised. */
    if (s->last < s->n_c && !strcmp(raw, s->c[s->last].label)) {
        if (area >= 0)
            s->c[s->last].n[area] += 1;
        return TAAFI_OK;
    }
    for (i = 0; i < s->n_c; i++)
        if (!strcmp(raw, s->c[i].label)) {
            s->last = i;
            if (area >= 0)
                s->c[i].n[area] += 1;
            return TAAFI_OK;
        }
    if (!(key = normalise(raw)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < s->n_c; i++)
        if (!strcmp(s->c[i].key, key))
            break;
    if (i == s->n_c && !*key) {
        s->n_blank++;
        st = count_other(ctx, s, area);
        goto done;
    }
    if (i == s->n_c) {
        if (!CPLIsUTF8(raw, -1)) { /* past the features checked on opening (io/encoding.c) */
            st = tf_error(ctx, TAAFI_ERR_DATA,
                          "%s: feature %" PRId64 ": field '%s' is not UTF-8 text; declare the file's encoding with "
                          "'encoding:' under its layer (CP1256 for Arabic Windows files, for example)",
                          s->path, feat->fid, s->class_field);
            goto done;
        }
        if (s->declared) {
            if (!(st = note_unknown(ctx, s, raw)))
                st = count_other(ctx, s, area);
            goto done;
        }
        if (s->n_c == TF_MAX_COUNT_CLASSES) {
            st = tf_error(ctx, TAAFI_ERR_DATA,
                          "%s: feature %" PRId64 ": indicator '%s': class_field '%s' has more than %d distinct values "
                          "(this one: '%.60s'), each of which would make its own columns; list the classes to count "
                          "under 'classes:' (any other value is counted as other) or choose another field",
                          s->path, feat->fid, s->id, s->class_field, TF_MAX_COUNT_CLASSES, raw);
            goto done;
        }
        if ((st = add_class(ctx, s, raw, key)))
            goto done;
    }
    if (!strcmp(raw, s->c[i].label))
        s->last = i;
    if (area >= 0)
        s->c[i].n[area] += 1;
done:
    tf_free(key);
    return st;
}

static int cmp_cls(const void *a, const void *b) { return strcmp(((const cls *)a)->key, ((const cls *)b)->key); }

/* The column suffix for a class: ASCII letters and digits lowered, bytes of
 * UTF-8 letters (Arabic class names) kept, anything else made '_'. */
static void suffix(const char *key, char *out, size_t size)
{
    size_t n = 0;
    int under = 0;
    for (; *key && n + 1 < size; key++) {
        unsigned char ch = (unsigned char)*key;
        if (isalnum(ch) || ch >= 0x80) {
            out[n++] = (char)ch;
            under = 0;
        } else if (!under && n > 0) {
            out[n++] = '_';
            under = 1;
        }
    }
    while (n > 0 && out[n - 1] == '_')
        n--;
    out[n] = '\0';
}

static taafi_status add_col(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, const char *cls_suffix,
                            const char *what, int is_count, const char *unit, double **v)
{
    char name[256];
    taafi_status st;
    snprintf(name, sizeof name, "%s%s%s%s", def->id, cls_suffix ? "_" : "", cls_suffix ? cls_suffix : "", what);
    st = tf_result_add_column(ctx, r, name, def, is_count, unit, v);
    /* Counts are what gets a per-1,000-residents twin (analysis/derive.c). */
    if (!st && is_count && def->per_1000)
        r->cols[r->n_cols - 1].per_capita = 1;
    return st;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    /* One entry per breakdown column: every class, then `other`. */
    size_t nb = s->n_c + (s->other ? 1 : 0), i, a;
    char (*sfx)[128] = NULL;
    double **counts = NULL;
    double *v;
    taafi_status st = TAAFI_OK;
    char problem[512];
    if (!s->declared && s->n_c > 1)
        qsort(s->c, s->n_c, sizeof *s->c, cmp_cls);
    sfx = tf_calloc(nb ? nb : 1, sizeof *sfx);
    counts = tf_calloc(nb ? nb : 1, sizeof *counts);
    if (!sfx || !counts) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < s->n_c; i++) {
        suffix(s->c[i].key, sfx[i], sizeof sfx[i]);
        if (!sfx[i][0])
            snprintf(sfx[i], sizeof sfx[i], "class%zu", i + 1);
        counts[i] = s->c[i].n;
    }
    if (s->other) {
        snprintf(sfx[s->n_c], sizeof sfx[s->n_c], "other");
        counts[s->n_c] = s->other;
    }
    if ((st = add_col(ctx, r, def, NULL, "", 1, "features", &v)))
        goto done;
    memcpy(v, s->total, s->n_areas * sizeof *v);
    for (i = 0; i < nb; i++) {
        if ((st = add_col(ctx, r, def, sfx[i], "", 1, "features", &v)))
            goto done;
        memcpy(v, counts[i], s->n_areas * sizeof *v);
    }
    if (def->density) {
        /* A density over no area is undefined: NULL, not 0 or infinity. */
        if ((st = add_col(ctx, r, def, NULL, "_per_km2", 0, "features per km2", &v)))
            goto done;
        for (a = 0; a < s->n_areas; a++)
            v[a] = r->areas->area_km2[a] > 0 ? s->total[a] / r->areas->area_km2[a] : NAN;
        for (i = 0; i < nb; i++) {
            if ((st = add_col(ctx, r, def, sfx[i], "_per_km2", 0, "features per km2", &v)))
                goto done;
            for (a = 0; a < s->n_areas; a++)
                v[a] = r->areas->area_km2[a] > 0 ? counts[i][a] / r->areas->area_km2[a] : NAN;
        }
    }
    if (def->percent) {
        for (i = 0; i < nb; i++) {
            if ((st = add_col(ctx, r, def, sfx[i], "_pct", 0, "% of features", &v)))
                goto done;
            for (a = 0; a < s->n_areas; a++)
                v[a] = s->total[a] > 0 ? 100.0 * counts[i][a] / s->total[a] : NAN;
        }
    }
    for (i = 0; i < s->n_unk && !st; i++) {
        snprintf(problem, sizeof problem, "%zu feature(s) with %s = '%s', not one of the declared classes",
                 s->unk[i].n, def->class_field, s->unk[i].value);
        st = tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1, problem, "counted under _other");
    }
    if (!st && s->unk_more) {
        snprintf(problem, sizeof problem, "%zu more feature(s) with other undeclared values of %s", s->unk_more,
                 def->class_field);
        st = tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1, problem, "counted under _other");
    }
    if (!st && s->n_blank) {
        snprintf(problem, sizeof problem, "%zu feature(s) with no value in %s", s->n_blank, def->class_field);
        st = tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1, problem, "counted under _other");
    }
done:
    tf_free(sfx);
    tf_free(counts);
    return st;
}

/* The class field, read as text. */
static const char *class_field(const tf_indicator_def *d, int *as_text)
{
    *as_text = 1;
    return d->class_field;
}

const tf_family tf_family_count = {.type = TF_IND_COUNT,
                                   .begin = begin,
                                   .consume = consume,
                                   .finish = finish,
                                   .free = free_state,
                                   .lean = 1,
                                   .field = class_field,
                                   .pass_verb = "counting"};

/* The project-file keys of count: layer, where, class_field, classes,
 * density, percent, per_1000. */
static taafi_status parse_classes(parser *ps, const yaml_node_t *v, tf_indicator_def *d)
{
    yaml_node_item_t *it;
    size_t n;
    if (v->type != YAML_SEQUENCE_NODE)
        return pj_perr(ps, v, "'classes' must be a list, e.g. [destroyed, severe, moderate, possible]");
    n = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    if (n == 0)
        return pj_perr(ps, v, "'classes' is empty: list the classes or leave the key out to take them from the data");
    d->classes = tf_calloc(n, sizeof *d->classes);
    if (!d->classes)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        taafi_status st = pj_dup_scalar(ps, pj_node(ps, *it), "classes", &d->classes[d->n_classes]);
        if (st)
            return st;
        d->n_classes++;
    }
    return TAAFI_OK;
}

/* Declared classes that would make one column twice (the same class
 * spelt twice, or "a-b" and "a b", both _a_b), or the column of values
 * outside them (_other), or too many columns: found when the project is
 * loaded, not when the run writes. */
static taafi_status check_classes(parser *ps, const yaml_node_t *v, const tf_indicator_def *d)
{
    char (*sfx)[128];
    taafi_status st = TAAFI_OK;
    size_t i, j;
    if (d->n_classes > TF_MAX_COUNT_CLASSES)
        return pj_perr(ps, v, "%zu classes: at most %d, as each makes its own columns; merge some, or count the rest "
                       "as other by leaving them out", d->n_classes, TF_MAX_COUNT_CLASSES);
    if (!(sfx = tf_calloc(d->n_classes, sizeof *sfx)))
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < d->n_classes && !st; i++) {
        char *key = normalise(d->classes[i]);
        if (!key) {
            st = tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
            break;
        }
        suffix(key, sfx[i], sizeof sfx[i]);
        tf_free(key);
        if (!strcmp(sfx[i], "other"))
            st = pj_perr(ps, v, "class '%s' would make column %s_other, which counts the values outside the classes; "
                         "leave it out of 'classes' (it is then counted there)", d->classes[i], d->id);
        for (j = 0; j < i && !st; j++)
            if (sfx[i][0] && !strcmp(sfx[i], sfx[j]))
                st = pj_perr(ps, v, "classes '%s' and '%s' would both make column %s_%s; list each class once, "
                             "spelt as in the data", d->classes[j], d->classes[i], d->id, sfx[i]);
    }
    tf_free(sfx);
    return st;
}

static taafi_status count_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    taafi_status st;
    if ((st = pj_layer_where(ps, m, d, "name one of the layers under 'layers'")) ||
        (st = pj_opt_str(ps, m, "class_field", &d->class_field)) ||
        (st = pj_opt_bool(ps, m, "density", &d->density)) || (st = pj_opt_bool(ps, m, "percent", &d->percent)) ||
        (st = pj_opt_bool(ps, m, "per_1000", &d->per_1000)))
        return st;
    if ((v = pj_get(ps, m, "classes"))) {
        if (!d->class_field)
            return pj_perr(ps, v, "'classes' needs 'class_field', the field that holds the class");
        if ((st = parse_classes(ps, v, d)) || (st = check_classes(ps, v, d)))
            return st;
    }
    if (d->percent && !d->class_field)
        return pj_perr(ps, pj_get(ps, m, "percent"),
                       "'percent' gives each class's share of the total and needs 'class_field'");
    return TAAFI_OK;
}

static const char *const KEYS[] = {"layer", "where", "class_field", "classes", "density", "percent", "per_1000", NULL};
const tf_family_keys tf_keys_count = {.type = "count", .keys = KEYS, .parse = count_keys};
