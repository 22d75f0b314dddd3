/* result.c: the result table and its accessors. */
#include "result.h"



#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* A new column's name clashes with no field of the areas and no column
 * of `r`.  Case-insensitive: GeoPackage (SQLite) column names are. */
static taafi_status check_name(taafi_ctx *ctx, const taafi_result *r, const char *name, const tf_indicator_def *def)
{
    size_t i, n_fields = (size_t)OGR_FD_GetFieldCount(r->areas->defn);
    /* SQLite's limit is 2,000 columns; taafi adds a few of its own */
    if (n_fields + r->n_cols + 16 >= 2000)
        return tf_error(ctx, TAAFI_ERR_PROJECT,
                        "%s:%d: indicator '%s' makes column '%s', number %zu of the areas table with its %zu fields; "
                        "a GeoPackage holds at most 2,000: declare fewer classes or indicators",
                        r->project->path, def ? def->line : 0, def ? def->id : name, name, n_fields + r->n_cols + 1,
                        n_fields);
    if (OGR_FD_GetFieldIndex(r->areas->defn, name) >= 0)
        return tf_error(ctx, TAAFI_ERR_PROJECT,
                        "%s:%d: indicator '%s' makes a column '%s', but the areas already have a field of that name; "
                        "give the indicator another id",
                        r->project->path, def ? def->line : 0, def ? def->id : name, name);
    for (i = 0; i < r->n_cols; i++)
        if (!strcasecmp(r->cols[i].name, name))
            return tf_error(ctx, TAAFI_ERR_PROJECT,
                            "%s:%d: indicator '%s' makes a column '%s' that indicator '%s' makes too; rename one",
                            r->project->path, def ? def->line : 0, def ? def->id : name, name,
                            r->cols[i].def ? r->cols[i].def->id : "?");
    return TAAFI_OK;
}

static taafi_status grow_cols(taafi_ctx *ctx, taafi_result *r)
{
    if (r->n_cols == r->cap_cols) {
        size_t cap = r->cap_cols ? r->cap_cols * 2 : 16;
        tf_column *cols = tf_realloc(r->cols, cap * sizeof *cols);
        if (!cols)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        r->cols = cols;
        r->cap_cols = cap;
    }
    return TAAFI_OK;
}

taafi_status tf_result_add_column(taafi_ctx *ctx, taafi_result *r, const char *name, const tf_indicator_def *def,
                                  int is_count, const char *unit, double **values_out)
{
    tf_column *c;
    size_t i;
    taafi_status st;
    *values_out = NULL;
    if ((st = check_name(ctx, r, name, def)) || (st = grow_cols(ctx, r)))
        return st;
    c = &r->cols[r->n_cols];
    memset(c, 0, sizeof *c);
    c->name = tf_strdup(name);
    c->unit = tf_strdup(unit);
    c->v = tf_malloc((r->areas->n ? r->areas->n : 1) * sizeof *c->v);
    if (!c->name || !c->unit || !c->v) {
        tf_free(c->name);
        tf_free(c->unit);
        tf_free(c->v);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < r->areas->n; i++)
        c->v[i] = NAN;
    c->def = def;
    c->is_count = is_count;
    c->role = "value";
    c->pillar = -1;
    r->n_cols++;
    *values_out = c->v;
    return TAAFI_OK;
}

taafi_status tf_result_add_text_column(taafi_ctx *ctx, taafi_result *r, const char *name,
                                       const tf_indicator_def *def, char ***text_out)
{
    double *v;
    tf_column *c;
    taafi_status st = tf_result_add_column(ctx, r, name, def, 0, "", &v);
    *text_out = NULL;
    if (st)
        return st;
    c = &r->cols[r->n_cols - 1];
    c->text = tf_calloc(r->areas->n ? r->areas->n : 1, sizeof *c->text);
    if (!c->text) {
        r->n_cols--;
        tf_free(c->name);
        tf_free(c->unit);
        tf_free(c->v);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    c->is_text = 1;
    *text_out = c->text;
    return TAAFI_OK;
}

taafi_status tf_result_part_new(taafi_ctx *ctx, const taafi_result *r, taafi_result **out)
{
    taafi_result *t = tf_calloc(1, sizeof *t);
    *out = NULL;
    if (!t)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    t->ctx = r->ctx;
    t->project = r->project;
    t->areas = r->areas;
    t->network = r->network;
    t->borrows_areas = 1;
    *out = t;
    return TAAFI_OK;
}

/* The shell of tf_result_share: everything but the gaps and facilities. */
static taafi_status share_shell(taafi_ctx *ctx, const taafi_result *base, taafi_result *t)
{
    size_t i;
    taafi_status st;
    t->ctx = base->ctx;
    t->project = base->project;
    t->areas = base->areas;
    t->network = base->network;
    t->borrows_areas = 1;
    t->base = base;
    memcpy(t->started, base->started, sizeof t->started);
    memcpy(t->finished, base->finished, sizeof t->finished);
    memcpy(t->run_id, base->run_id, sizeof t->run_id);
    for (i = 0; i < base->dq.n; i++) {
        const tf_dq_item *q = &base->dq.items[i];
        if ((st = tf_dq_add(ctx, &t->dq, q->layer, q->fid, q->problem, q->action)))
            return st;
    }
    for (i = 0; i < base->n_inputs; i++) {
        const tf_input_file *in = &base->inputs[i];
        if ((st = tf_result_add_input(ctx, in->role, in->path, in->sha256, t)))
            return st;
    }
    return TAAFI_OK;
}

taafi_status tf_result_share(taafi_ctx *ctx, const taafi_result *base, taafi_result **out)
{
    taafi_result *t = tf_calloc(1, sizeof *t);
    taafi_status st;
    *out = NULL;
    if (!t)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (!(st = share_shell(ctx, base, t))) {
        t->gaps = tf_malloc((base->n_gaps ? base->n_gaps : 1) * sizeof *t->gaps);
        t->facilities = tf_malloc((base->n_facilities ? base->n_facilities : 1) * sizeof *t->facilities);
        if (!t->gaps || !t->facilities)
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if (st) {
        taafi_result_free(t);
        return st;
    }
    if (base->n_gaps)
        memcpy(t->gaps, base->gaps, base->n_gaps * sizeof *t->gaps);
    if (base->n_facilities)
        memcpy(t->facilities, base->facilities, base->n_facilities * sizeof *t->facilities);
    t->n_gaps = t->cap_gaps = base->n_gaps;
    t->n_facilities = t->cap_facilities = base->n_facilities;
    *out = t;
    return TAAFI_OK;
}

taafi_status tf_result_copy_column(taafi_ctx *ctx, taafi_result *r, const tf_column *c)
{
    size_t a, n = r->areas->n;
    double *v;
    char **text = NULL;
    tf_column *d;
    taafi_status st = c->is_text ? tf_result_add_text_column(ctx, r, c->name, c->def, &text)
                                 : tf_result_add_column(ctx, r, c->name, c->def, c->is_count, c->unit, &v);
    if (st)
        return st;
    d = &r->cols[r->n_cols - 1];
    if (c->is_text) { /* a text column is made with an empty unit */
        char *unit = tf_strdup(c->unit);
        if (!unit)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        tf_free(d->unit);
        d->unit = unit;
    }
    memcpy(d->v, c->v, (n ? n : 1) * sizeof *d->v);
    for (a = 0; text && a < n; a++)
        if (c->text[a] && !(text[a] = tf_strdup(c->text[a])))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    d->is_count = c->is_count;
    d->per_capita = c->per_capita;
    d->derived = c->derived;
    d->role = c->role;
    d->pillar = c->pillar;
    return TAAFI_OK;
}

void tf_column_free(tf_column *c, size_t n_areas)
{
    tf_free(c->name);
    tf_free(c->unit);
    tf_free(c->v);
    if (c->text)
        for (size_t k = 0; k < n_areas; k++)
            tf_free(c->text[k]);
    tf_free(c->text);
}

const tf_indicator_def *tf_result_def(const taafi_result *r, const tf_indicator_def *d)
{
    const taafi_project *p = r->project;
    if (d && r->inds && d >= p->inds && d < p->inds + p->n_inds)
        return &r->inds[d - p->inds];
    return d;
}

/* Appends `n` elements of `size` bytes to *v (with count *nv and capacity
 * *cap), or fails leaving everything as it was. */
static taafi_status append(taafi_ctx *ctx, void **v, size_t *nv, size_t *cap, const void *src, size_t n, size_t size)
{
    if (*nv + n > *cap) {
        size_t c = *cap ? *cap : 8;
        void *grown;
        while (c < *nv + n)
            c *= 2;
        if (!(grown = tf_realloc(*v, c * size)))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        *v = grown;
        *cap = c;
    }
    if (n)
        memcpy((char *)*v + *nv * size, src, n * size);
    *nv += n;
    return TAAFI_OK;
}

static taafi_status take_column(taafi_ctx *ctx, taafi_result *r, tf_column *c)
{
    taafi_status st;
    if ((st = check_name(ctx, r, c->name, c->def)) || (st = grow_cols(ctx, r)))
        return st;
    r->cols[r->n_cols++] = *c;
    memset(c, 0, sizeof *c); /* moved */
    return TAAFI_OK;
}

taafi_status tf_result_merge(taafi_ctx *ctx, taafi_result *r, taafi_result **parts, size_t n_parts)
{
    const taafi_project *p = r->project;
    taafi_status st = TAAFI_OK;
    size_t k, q, i;
    /* columns: the project's order first, then any not made by one of its
     * indicators (none today), so that nothing is lost */
    for (k = 0; k <= p->n_inds && !st; k++)
        for (q = 0; q < n_parts && !st; q++)
            for (i = 0; parts[q] && i < parts[q]->n_cols && !st; i++) {
                tf_column *c = &parts[q]->cols[i];
                if (c->name && (k == p->n_inds || c->def == &p->inds[k]))
                    st = take_column(ctx, r, c);
            }
    for (q = 0; q < n_parts && !st; q++) {
        taafi_result *t = parts[q];
        if (!t)
            continue;
        if (!(st = append(ctx, (void **)&r->gaps, &r->n_gaps, &r->cap_gaps, t->gaps, t->n_gaps, sizeof *t->gaps)))
            t->n_gaps = 0;
        if (!st && !(st = append(ctx, (void **)&r->facilities, &r->n_facilities, &r->cap_facilities,
                                 t->facilities, t->n_facilities, sizeof *t->facilities)))
            t->n_facilities = 0;
        if (!st && !(st = append(ctx, (void **)&r->inputs, &r->n_inputs, &r->cap_inputs, t->inputs, t->n_inputs,
                                 sizeof *t->inputs)))
            t->n_inputs = 0;
        for (i = 0; i < t->dq.n && !st; i++)
            st = tf_dq_add(ctx, &r->dq, t->dq.items[i].layer, t->dq.items[i].fid, t->dq.items[i].problem,
                           t->dq.items[i].action);
    }
    for (q = 0; q < n_parts; q++) { /* moved columns are zeroed: free what is left */
        taafi_result_free(parts[q]);
        parts[q] = NULL;
    }
    return st;
}

long tf_result_column_index(const taafi_result *r, const char *name)
{
    size_t i;
    for (i = 0; i < r->n_cols; i++)
        if (!strcasecmp(r->cols[i].name, name))
            return (long)i;
    return -1;
}

struct tf_hash_job {
    pthread_t thread;
    char *path;
    char hex[65];
    taafi_status st;
    char err[512];
    const taafi_allocator *alloc; /* of the thread that started it */
};

static void *hash_main(void *arg)
{
    tf_hash_job *j = arg;
    tf_alloc_use(j->alloc);
    j->st = tf_sha256_path(j->path, j->hex, j->err, sizeof j->err);
    return NULL;
}

taafi_status tf_result_wait_inputs(taafi_ctx *ctx, taafi_result *r)
{
    taafi_status st = TAAFI_OK;
    size_t i;
    for (i = 0; i < r->n_inputs; i++) {
        tf_hash_job *j = r->inputs[i].job;
        if (!j)
            continue;
        pthread_join(j->thread, NULL);
        if (!j->st)
            memcpy(r->inputs[i].sha256, j->hex, sizeof j->hex);
        else if (!st)
            st = tf_error(ctx, j->st, "%s", j->err);
        tf_free(j->path);
        tf_free(j);
        r->inputs[i].job = NULL;
    }
    return st;
}

taafi_status tf_result_add_input(taafi_ctx *ctx, const char *role, const char *path, const char *sha256, void *user)
{
    taafi_result *r = user;
    tf_input_file *in;
    size_t i;
    for (i = 0; i < r->n_inputs; i++) /* a layer read twice (the streets: a pass and the network) */
        if (!strcmp(r->inputs[i].role, role) && !strcmp(r->inputs[i].path, path))
            return TAAFI_OK;
    if (r->n_inputs == r->cap_inputs) {
        size_t cap = r->cap_inputs ? r->cap_inputs * 2 : 8;
        tf_input_file *v = tf_realloc(r->inputs, cap * sizeof *v);
        if (!v)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        r->inputs = v;
        r->cap_inputs = cap;
    }
    in = &r->inputs[r->n_inputs];
    memset(in, 0, sizeof *in);
    in->role = tf_strdup(role);
    in->path = tf_strdup(path);
    snprintf(in->sha256, sizeof in->sha256, "%s", sha256 ? sha256 : "");
    if (!in->role || !in->path) {
        tf_free(in->role);
        tf_free(in->path);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if (!sha256) {
        tf_hash_job *j = tf_calloc(1, sizeof *j);
        if (j)
            j->alloc = tf_alloc_current();
        if (!j || !(j->path = tf_strdup(path))) {
            tf_free(j);
            tf_free(in->role);
            tf_free(in->path);
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
        if (pthread_create(&j->thread, NULL, hash_main, j) != 0) {
            /* no thread to be had: hash here and now */
            j->st = tf_sha256_path(j->path, j->hex, j->err, sizeof j->err);
            if (j->st) {
                taafi_status st = tf_error(ctx, j->st, "%s", j->err);
                tf_free(j->path);
                tf_free(j);
                tf_free(in->role);
                tf_free(in->path);
                return st;
            }
            memcpy(in->sha256, j->hex, sizeof j->hex);
            tf_free(j->path);
            tf_free(j);
        } else {
            in->job = j;
        }
    }
    r->n_inputs++;
    return TAAFI_OK;
}

void taafi_result_free(taafi_result *r)
{
    size_t i;
    if (!r)
        return;
    for (i = 0; i < r->n_cols; i++)
        tf_column_free(&r->cols[i], r->areas->n);
    tf_free(r->cols);
    for (i = 0; i < r->n_variants; i++)
        taafi_result_free(r->variants[i].part); /* before the areas it borrows */
    tf_free(r->variants);
    /* a scenario's gaps and facilities point into its base's */
    for (i = 0; i < r->n_gaps && !r->base; i++)
        if (r->gaps[i].geom)
            GEOSGeom_destroy_r(r->ctx->geos, r->gaps[i].geom);
    tf_free(r->gaps);
    for (i = 0; i < r->n_facilities && !r->base; i++) {
        if (r->facilities[i].pt)
            GEOSGeom_destroy_r(r->ctx->geos, r->facilities[i].pt);
        if (r->facilities[i].f)
            OGR_F_Destroy(r->facilities[i].f);
    }
    tf_free(r->facilities);
    if (!r->borrows_areas) {
        tf_areas_free(r->ctx, r->areas); /* after the columns: they need areas->n */
        tf_network_free(r->ctx, r->network);
    }
    for (i = 0; i < r->n_inputs; i++) {
        if (r->inputs[i].job) { /* a run that failed: let the hash finish */
            pthread_join(r->inputs[i].job->thread, NULL);
            tf_free(r->inputs[i].job->path);
            tf_free(r->inputs[i].job);
        }
        tf_free(r->inputs[i].role);
        tf_free(r->inputs[i].path);
    }
    tf_free(r->inputs);
    tf_dq_free(&r->dq);
    tf_round_view_free(r->view); /* last: r->project may point into it */
    tf_free(r);
}

size_t taafi_result_area_count(const taafi_result *r) { return r ? r->areas->n : 0; }
size_t taafi_result_column_count(const taafi_result *r) { return r ? r->n_cols : 0; }

const char *taafi_result_column_name(const taafi_result *r, size_t col)
{
    return r && col < r->n_cols ? r->cols[col].name : NULL;
}

taafi_status taafi_result_find_column(const taafi_result *r, const char *name, size_t *col_out)
{
    size_t i;
    if (!r || !name || !col_out)
        return TAAFI_ERR_USAGE;
    for (i = 0; i < r->n_cols; i++)
        if (!strcmp(r->cols[i].name, name)) {
            *col_out = i;
            return TAAFI_OK;
        }
    return TAAFI_ERR_USAGE;
}

const char *taafi_result_area_id(const taafi_result *r, size_t row)
{
    return r && row < r->areas->n ? r->areas->id[row] : NULL;
}

taafi_status taafi_result_value(const taafi_result *r, size_t row, size_t col, double *value_out, int *is_null_out)
{
    double v;
    if (!r || row >= r->areas->n || col >= r->n_cols || !value_out || !is_null_out)
        return TAAFI_ERR_USAGE;
    v = r->cols[col].v[row];
    *value_out = v;
    *is_null_out = isnan(v) ? 1 : 0;
    return TAAFI_OK;
}

size_t taafi_result_issue_count(const taafi_result *r) { return r ? r->dq.n : 0; }

taafi_status taafi_result_issue(const taafi_result *r, size_t i, const char **layer_out, int64_t *fid_out,
                                const char **problem_out, const char **action_out)
{
    if (!r || i >= r->dq.n)
        return TAAFI_ERR_USAGE;
    if (layer_out)
        *layer_out = r->dq.items[i].layer;
    if (fid_out)
        *fid_out = r->dq.items[i].fid;
    if (problem_out)
        *problem_out = r->dq.items[i].problem;
    if (action_out)
        *action_out = r->dq.items[i].action;
    return TAAFI_OK;
}
