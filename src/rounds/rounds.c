/*
 * rounds.c: computing assessment rounds, reading earlier ones back,
 * deriving the change between them.
 *
 * A round sees the project through a "view": the same indicators, scoring
 * and areas settings, with the layers and table or raster sources the
 * round replaces.  A layer or source the round neither replaces nor
 * declares shared is an error: a round silently measured on another
 * round's data would show change that is not there.
 */
#include "rounds.h"
#include "change.h"
#include "families/indicator.h"

#include <gdal.h>
#include <ogr_api.h>

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tf_round_view {
    taafi_project p;        /* a shallow copy with the arrays below      */
    tf_source *layers;
    tf_indicator_def *inds;
};

void tf_round_view_free(tf_round_view *v)
{
    if (!v)
        return;
    tf_free(v->layers);
    tf_free(v->inds);
    tf_free(v);
}

static int is_shared(const tf_round *rd, const char *name)
{
    size_t i;
    if (rd->shared_all)
        return 1;
    for (i = 0; i < rd->n_shared; i++)
        if (!strcmp(rd->shared[i], name))
            return 1;
    return 0;
}

static taafi_status make_view(taafi_ctx *ctx, const taafi_project *p, const tf_round *rd, tf_round_view **out)
{
    tf_round_view *v = tf_calloc(1, sizeof *v);
    size_t li, k, j;
    *out = NULL;
    if (!v || !(v->layers = tf_calloc(p->n_layers ? p->n_layers : 1, sizeof *v->layers)) ||
        !(v->inds = tf_calloc(p->n_inds ? p->n_inds : 1, sizeof *v->inds))) {
        tf_round_view_free(v);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    v->p = *p;
    v->p.n_rounds = 0; /* a round is one run; its scenarios stay */
    for (li = 0; li < p->n_layers; li++) {
        int used = 0, found = 0;
        for (k = 0; k < p->n_inds; k++)
            used |= p->inds[k].layer == (int)li;
        v->layers[li] = p->layers[li];
        for (j = 0; j < rd->n_layers; j++)
            if (!strcmp(rd->layers[j].role, p->layers[li].role)) {
                v->layers[li] = rd->layers[j];
                found = 1;
            }
        if (used && !found && !is_shared(rd, p->layers[li].role)) {
            tf_round_view_free(v);
            return tf_error(ctx, TAAFI_ERR_PROJECT,
                            "%s:%d: round '%s' has no source for layer '%s'; give one under its 'layers', or "
                            "declare it shared with the other rounds (shared: [%s] or shared: all)",
                            p->path, rd->line, rd->name, p->layers[li].role, p->layers[li].role);
        }
    }
    memcpy(v->inds, p->inds, p->n_inds * sizeof *v->inds);
    for (k = 0; k < p->n_inds; k++) {
        int found = 0;
        if (tf_family_own_source(p->inds[k].type) == TF_OWN_NONE)
            continue;
        for (j = 0; j < rd->n_sources; j++)
            if (!strcmp(rd->source_ids[j], p->inds[k].id)) {
                v->inds[k].source = rd->sources[j];
                found = 1;
            }
        if (!found && !is_shared(rd, p->inds[k].id)) {
            tf_round_view_free(v);
            return tf_error(ctx, TAAFI_ERR_PROJECT,
                            "%s:%d: round '%s' has no source for indicator '%s'; give one under its 'sources', or "
                            "declare it shared (shared: [%s] or shared: all)",
                            p->path, rd->line, rd->name, p->inds[k].id, p->inds[k].id);
        }
    }
    if (rd->areas.path)
        v->p.areas = rd->areas;
    v->p.layers = v->layers;
    v->p.inds = v->inds;
    *out = v;
    return TAAFI_OK;
}

taafi_status tf_rounds_check(taafi_ctx *ctx, const taafi_project *p)
{
    size_t k;
    for (k = 0; k < p->n_rounds; k++) {
        tf_round_view *v = NULL;
        taafi_status st = make_view(ctx, p, &p->rounds[k], &v);
        tf_round_view_free(v);
        if (st)
            return st;
    }
    return TAAFI_OK;
}

/* SHA-256 of what the indicators are, leaving out where each round reads
 * them: two rounds with the same signature measured the same things. */
static void signature(const taafi_project *p, char hex[65])
{
    tf_buf b = {0};
    size_t k, c;
    int q;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        tf_buf_printf(&b, "%s|%d|%s|%s|%s|%s|%d%d%d|%s|%s|%s|%s|%d|%s|%.17g|%.17g|%s|%s|%d|%d|%.17g|%.17g|%.17g|%.17g|%s\n",
                      d->id, (int)d->type, d->layer >= 0 ? p->layers[d->layer].role : "",
                      d->layer >= 0 && p->layers[d->layer].where ? p->layers[d->layer].where : "",
                      d->where ? d->where : "", d->class_field ? d->class_field : "", d->density, d->percent,
                      d->per_1000, d->field ? d->field : "", d->key ? d->key : "", d->sheet ? d->sheet : "",
                      d->expression ? d->expression : "", d->band, d->kind ? d->kind : "", d->distance, d->standard,
                      d->capacity_field ? d->capacity_field : "", d->pillar ? d->pillar : "", (int)d->direction,
                      (int)d->method, d->weight, d->has_target ? d->target : NAN, d->has_floor ? d->floor : NAN,
                      d->clamp, d->score_column ? d->score_column : "");
        for (c = 0; c < d->n_classes; c++)
            tf_buf_printf(&b, "class %s\n", d->classes[c]);
    }
    for (q = 0; q < TF_N_PILLARS; q++)
        tf_buf_printf(&b, "pillar %d %.17g %d\n", q, p->scoring.pillars[q].weight, (int)p->scoring.pillars[q].mean);
    tf_buf_printf(&b, "missing %d population %d priority %d %zu\n", (int)p->scoring.missing, p->population,
                  (int)p->scoring.priority_method, p->scoring.n_classes);
    tf_sha256_buf(b.s ? b.s : "", b.len, hex);
    tf_buf_free(&b);
}

void tf_rounds_free(tf_rounds *t)
{
    size_t i;
    if (!t)
        return;
    /* (half made when memory ran out: any array may be missing) */
    for (i = 0; i < t->n_rounds; i++) {
        tf_free(t->name ? t->name[i] : NULL);
        tf_free(t->date ? t->date[i] : NULL);
        tf_free(t->sig ? t->sig[i] : NULL);
        tf_free(t->started ? t->started[i] : NULL);
    }
    for (i = 0; t->col && i < t->n_cols; i++)
        tf_free(t->col[i]);
    for (i = 0; t->id && i < t->n_areas; i++)
        tf_free(t->id[i]);
    for (i = 0; t->geom_sha && i < t->n_rounds * t->n_areas; i++)
        tf_free(t->geom_sha[i]);
    for (i = 0; t->run_rows && i < 4 * t->n_run_rows; i++)
        tf_free(t->run_rows[i]);
    for (i = 0; t->change_col && i < t->n_change; i++)
        tf_free(t->change_col[i]);
    if (t->change_text)
        for (i = 0; i < t->n_change * t->n_areas; i++)
            tf_free(t->change_text[i]);
    tf_free(t->name), tf_free(t->date), tf_free(t->sig), tf_free(t->started), tf_free(t->col), tf_free(t->is_int), tf_free(t->id);
    tf_free(t->v), tf_free(t->present), tf_free(t->geom_sha), tf_free(t->run_rows), tf_free(t->change_col);
    tf_free(t->change_is_text), tf_free(t->change_v), tf_free(t->change_text);
    tf_dq_free(&t->dq);
    tf_free(t);
}

/* ---- the table of values: rounds x areas x columns ------------------- */

void tf_round_rows_free(tf_round_rows *rr)
{
    size_t i;
    tf_free(rr->name), tf_free(rr->date), tf_free(rr->sig), tf_free(rr->started);
    /* (half made when memory ran out: any array may be missing) */
    for (i = 0; rr->col && i < rr->n_cols; i++)
        tf_free(rr->col[i]);
    for (i = 0; i < rr->n_areas; i++) {
        if (rr->id)
            tf_free(rr->id[i]);
        if (rr->geom_sha)
            tf_free(rr->geom_sha[i]);
    }
    tf_free(rr->col), tf_free(rr->is_int), tf_free(rr->id), tf_free(rr->v), tf_free(rr->geom_sha);
    memset(rr, 0, sizeof *rr);
}

const char *const tf_area_rounds_fixed[TF_AR_N_FIXED] = {"round", "date", "computed", "area_id", "geom_sha256"};

void tf_rounds_stored_free(tf_rounds_stored *s)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        tf_round_rows_free(&s->rounds[i]);
    tf_free(s->rounds);
    for (i = 0; i < 4 * s->n_run_rows; i++)
        tf_free(s->run_rows[i]);
    tf_free(s->run_rows);
    memset(s, 0, sizeof *s);
}

static taafi_status rows_from_result(taafi_ctx *ctx, const taafi_result *r, const tf_round *rd, const char *sig,
                                     tf_round_rows *rr)
{
    size_t c, a, k = 0;
    GEOSWKBWriter *w = GEOSWKBWriter_create_r(ctx->geos);
    memset(rr, 0, sizeof *rr);
    rr->name = tf_strdup(rd->name);
    rr->date = tf_strdup(rd->date ? rd->date : "");
    rr->sig = tf_strdup(sig);
    rr->started = tf_strdup(r->started);
    rr->n_areas = r->areas->n;
    rr->col = tf_calloc(r->n_cols + 1, sizeof *rr->col);
    rr->is_int = tf_calloc(r->n_cols + 1, sizeof *rr->is_int);
    rr->id = tf_calloc(rr->n_areas + 1, sizeof *rr->id);
    rr->geom_sha = tf_calloc(rr->n_areas + 1, sizeof *rr->geom_sha);
    if (!w || !rr->name || !rr->date || !rr->sig || !rr->started || !rr->col || !rr->is_int || !rr->id ||
        !rr->geom_sha)
        goto nomem;
    for (c = 0; c < r->n_cols; c++)
        if (!r->cols[c].is_text) {
            if (!(rr->col[k] = tf_strdup(r->cols[c].name)))
                goto nomem;
            rr->is_int[k++] = r->cols[c].is_count;
        }
    rr->n_cols = k;
    if (!(rr->v = tf_malloc((rr->n_areas ? rr->n_areas : 1) * (k ? k : 1) * sizeof *rr->v)))
        goto nomem;
    for (a = 0; a < rr->n_areas; a++) {
        size_t len = 0;
        unsigned char *wkb;
        char hex[65];
        if (!(rr->id[a] = tf_strdup(r->areas->id[a])))
            goto nomem;
        for (c = 0, k = 0; c < r->n_cols; c++)
            if (!r->cols[c].is_text)
                rr->v[a * rr->n_cols + k++] = r->cols[c].v[a];
        /* the boundary as measured, to match areas across rounds */
        if ((wkb = GEOSWKBWriter_write_r(ctx->geos, w, r->areas->geom[a], &len))) {
            tf_sha256_buf(wkb, len, hex);
            GEOSFree_r(ctx->geos, wkb);
            if (!(rr->geom_sha[a] = tf_strdup(hex)))
                goto nomem;
        }
    }
    GEOSWKBWriter_destroy_r(ctx->geos, w);
    return TAAFI_OK;
nomem:
    if (w)
        GEOSWKBWriter_destroy_r(ctx->geos, w);
    tf_round_rows_free(rr);
    return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
}

/* ---- assembling the table ------------------------------------------- */

long tf_rounds_index_of(char **v, size_t n, const char *s)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!strcmp(v[i], s))
            return (long)i;
    return -1;
}

static taafi_status assemble(taafi_ctx *ctx, const taafi_project *p, tf_round_rows **in, tf_rounds *t)
{
    size_t k, a, c;
    /* rounds in the project's order, those with values only */
    for (k = 0; k < p->n_rounds; k++)
        if (in[k])
            t->n_rounds++;
    t->name = tf_calloc(t->n_rounds + 1, sizeof *t->name);
    t->date = tf_calloc(t->n_rounds + 1, sizeof *t->date);
    t->sig = tf_calloc(t->n_rounds + 1, sizeof *t->sig);
    t->started = tf_calloc(t->n_rounds + 1, sizeof *t->started);
    if (!t->name || !t->date || !t->sig || !t->started)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    /* columns and areas: the union, latest round's first */
    for (k = p->n_rounds; k-- > 0;) {
        tf_round_rows *rr = in[k];
        if (!rr)
            continue;
        for (c = 0; c < rr->n_cols; c++)
            if (tf_rounds_index_of(t->col, t->n_cols, rr->col[c]) < 0) {
                char **v = tf_realloc(t->col, (t->n_cols + 1) * sizeof *v);
                int *w = tf_realloc(t->is_int, (t->n_cols + 1) * sizeof *w);
                if (v)
                    t->col = v;
                if (w)
                    t->is_int = w;
                if (!v || !w || !(t->col[t->n_cols] = tf_strdup(rr->col[c])))
                    return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                t->is_int[t->n_cols++] = rr->is_int[c];
            }
        for (a = 0; a < rr->n_areas; a++)
            if (tf_rounds_index_of(t->id, t->n_areas, rr->id[a]) < 0) {
                char **v = tf_realloc(t->id, (t->n_areas + 1) * sizeof *v);
                if (!v || !(v[t->n_areas] = tf_strdup(rr->id[a]))) {
                    if (v)
                        t->id = v;
                    return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                }
                t->id = v;
                t->n_areas++;
            }
    }
    t->v = tf_malloc((t->n_rounds * t->n_areas * t->n_cols + 1) * sizeof *t->v);
    t->present = tf_calloc(t->n_rounds * t->n_areas + 1, 1);
    t->geom_sha = tf_calloc(t->n_rounds * t->n_areas + 1, sizeof *t->geom_sha);
    if (!t->v || !t->present || !t->geom_sha)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (c = 0; c < t->n_rounds * t->n_areas * t->n_cols; c++)
        t->v[c] = NAN;
    {
        size_t r = 0;
        for (k = 0; k < p->n_rounds; k++) {
            tf_round_rows *rr = in[k];
            if (!rr)
                continue;
            t->name[r] = tf_strdup(rr->name);
            t->date[r] = tf_strdup(rr->date ? rr->date : "");
            t->sig[r] = tf_strdup(rr->sig ? rr->sig : "");
            t->started[r] = tf_strdup(rr->started ? rr->started : "");
            if (!t->name[r] || !t->date[r] || !t->sig[r] || !t->started[r])
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            for (a = 0; a < rr->n_areas; a++) {
                long ta = tf_rounds_index_of(t->id, t->n_areas, rr->id[a]);
                t->present[r * t->n_areas + (size_t)ta] = 1;
                if (rr->geom_sha[a] && !(t->geom_sha[r * t->n_areas + (size_t)ta] = tf_strdup(rr->geom_sha[a])))
                    return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                for (c = 0; c < rr->n_cols; c++) {
                    long tc = tf_rounds_index_of(t->col, t->n_cols, rr->col[c]);
                    t->v[(r * t->n_areas + (size_t)ta) * t->n_cols + (size_t)tc] = rr->v[a * rr->n_cols + c];
                }
            }
            r++;
        }
    }
    return TAAFI_OK;
}

static taafi_status add_run_row(taafi_ctx *ctx, tf_rounds *t, const char *item, const char *name, const char *value,
                                const char *sha)
{
    char **v = tf_realloc(t->run_rows, 4 * (t->n_run_rows + 1) * sizeof *v);
    const char *in[4] = {item, name, value, sha};
    int i;
    if (!v)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    t->run_rows = v;
    for (i = 0; i < 4; i++) {
        v[4 * t->n_run_rows + (size_t)i] = in[i] ? tf_strdup(in[i]) : NULL;
        if (in[i] && !v[4 * t->n_run_rows + (size_t)i])
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    t->n_run_rows++;
    return TAAFI_OK;
}

/* ---- the whole ---------------------------------------------------------- */

size_t taafi_project_round_count(const taafi_project *p) { return p ? p->n_rounds : 0; }

/* The work of tf_rounds_compute, one slot per round of the project. */
typedef struct rounds_job {
    const taafi_project *p;
    const char *only;            /* --round, or NULL                    */
    long only_ix;                /* its index; -1: every round computed */
    const tf_rounds_stored *old; /* what DIR holds (empty without only) */
    char sig[65];                /* the indicator definitions' SHA-256  */
    tf_round_view **views;
    taafi_result **res;          /* the rounds computed now             */
    tf_round_rows *fresh, **in;  /* their rows; every round's rows      */
    tf_rounds *t;
} rounds_job;

/* With --round: its index, and the stored rounds checked against the
 * definitions in force (rounds must be measured alike). */
static taafi_status check_only(taafi_ctx *ctx, rounds_job *j)
{
    const taafi_project *p = j->p;
    size_t k, i;
    for (k = 0; k < p->n_rounds; k++)
        if (!strcmp(p->rounds[k].name, j->only))
            j->only_ix = (long)k;
    if (j->only_ix < 0)
        return tf_error(ctx, TAAFI_ERR_USAGE, "%s: no round '%s' in the project", p->path, j->only);
    for (i = 0; i < j->old->n; i++)
        if (strcmp(j->old->rounds[i].name, j->only) && j->old->rounds[i].sig &&
            strcmp(j->old->rounds[i].sig, j->sig) && !p->rounds_recompute)
            return tf_error(ctx, TAAFI_ERR_PROJECT,
                            "%s: the indicator definitions changed since round '%s' was computed; rounds must be "
                            "measured alike: run every round again (without --round), or set "
                            "'rounds_recompute: true'",
                            p->path, j->old->rounds[i].name);
    if (p->rounds_recompute)
        j->only_ix = -1; /* definitions changed, and the project says: all again */
    return TAAFI_OK;
}

/* Each round computed on its own inputs (or, with --round, taken as
 * stored). */
static taafi_status compute_each(taafi_ctx *ctx, rounds_job *j)
{
    const taafi_project *p = j->p;
    size_t k, i;
    taafi_status st;
    for (k = 0; k < p->n_rounds; k++) {
        if (j->only_ix >= 0 && (long)k != j->only_ix) {
            for (i = 0; i < j->old->n; i++)
                if (!strcmp(j->old->rounds[i].name, p->rounds[k].name))
                    j->in[k] = &j->old->rounds[i];
            continue;
        }
        tf_log(ctx, TAAFI_LOG_INFO, "round %s", p->rounds[k].name);
        if ((st = make_view(ctx, p, &p->rounds[k], &j->views[k])) ||
            (st = taafi_run(ctx, &j->views[k]->p, &j->res[k])) ||
            (st = rows_from_result(ctx, j->res[k], &p->rounds[k], j->sig, &j->fresh[k]))) {
            char why[TF_MSG_MAX];
            snprintf(why, sizeof why, "%s", taafi_ctx_message(ctx));
            return tf_error(ctx, st, "round %s: %s", p->rounds[k].name, why);
        }
        j->in[k] = &j->fresh[k];
    }
    return TAAFI_OK;
}

/* The latest round read back: its stored values replace those of the
 * round computed now, in the result that holds the `areas` layer. */
static void stored_values(taafi_result *latest, const tf_rounds *t)
{
    size_t c, a;
    for (c = 0; c < latest->n_cols; c++) {
        long tc = tf_rounds_index_of(t->col, t->n_cols, latest->cols[c].name);
        if (tc < 0 || latest->cols[c].is_text)
            continue;
        for (a = 0; a < latest->areas->n; a++) {
            long ta = tf_rounds_index_of(t->id, t->n_areas, latest->areas->id[a]);
            latest->cols[c].v[a] =
                ta < 0 ? NAN : t->v[((t->n_rounds - 1) * t->n_areas + (size_t)ta) * t->n_cols + (size_t)tc];
        }
    }
}

/* Provenance: rounds read back keep their rows of the run table; those
 * computed now add theirs (signature, times, inputs). */
static taafi_status provenance(taafi_ctx *ctx, const rounds_job *j)
{
    const taafi_project *p = j->p;
    const tf_rounds_stored *old = j->old;
    size_t k, i, len = strlen(j->only ? j->only : "");
    taafi_status st;
    for (i = 0; i < old->n_run_rows; i++) {
        const char *item = old->run_rows[4 * i], *name = old->run_rows[4 * i + 1];
        int mine = j->only && ((!strcmp(item, TF_RUN_ITEM_ROUND) && !strcmp(name, j->only)) ||
                               (strcmp(item, TF_RUN_ITEM_ROUND) && !strncmp(name, j->only, len) && name[len] == '/'));
        if (!mine && j->only_ix >= 0 &&
            (st = add_run_row(ctx, j->t, item, name, old->run_rows[4 * i + 2], old->run_rows[4 * i + 3])))
            return st;
    }
    for (k = 0; k < p->n_rounds; k++) {
        const taafi_result *r = j->res[k];
        char when[300];
        if (!r)
            continue;
        if ((st = add_run_row(ctx, j->t, TF_RUN_ITEM_ROUND, p->rounds[k].name, p->rounds[k].date, j->sig)))
            return st;
        snprintf(when, sizeof when, "%s/started", p->rounds[k].name);
        if ((st = add_run_row(ctx, j->t, TF_RUN_ITEM_ROUND_TIME, when, r->started, NULL)))
            return st;
        snprintf(when, sizeof when, "%s/finished", p->rounds[k].name);
        if ((st = add_run_row(ctx, j->t, TF_RUN_ITEM_ROUND_TIME, when, r->finished, NULL)))
            return st;
        for (i = 0; i < r->n_inputs; i++) {
            char name[512];
            snprintf(name, sizeof name, "%s/%s", p->rounds[k].name, r->inputs[i].role);
            if ((st = add_run_row(ctx, j->t, TF_RUN_ITEM_INPUT, name, r->inputs[i].path,
                                  r->inputs[i].sha256[0] ? r->inputs[i].sha256 : NULL)))
                return st;
        }
    }
    return TAAFI_OK;
}

static void job_free(rounds_job *j)
{
    size_t k;
    for (k = 0; k < j->p->n_rounds; k++) {
        if (j->res)
            taafi_result_free(j->res[k]);
        if (j->views)
            tf_round_view_free(j->views[k]);
        if (j->fresh)
            tf_round_rows_free(&j->fresh[k]);
    }
    tf_free(j->views);
    tf_free(j->res);
    tf_free(j->fresh);
    tf_free(j->in);
    tf_rounds_free(j->t);
}

taafi_status tf_rounds_compute(taafi_ctx *ctx, const taafi_project *p, const char *only,
                               const tf_rounds_stored *stored, tf_rounds **rounds_out, taafi_result **latest_out,
                               int *latest_is_last)
{
    static const tf_rounds_stored none = {0};
    rounds_job j = {p, only, -1, stored ? stored : &none, "", NULL, NULL, NULL, NULL, NULL};
    size_t k, last = 0, li;
    taafi_status st = TAAFI_OK;
    *rounds_out = NULL;
    *latest_out = NULL;
    *latest_is_last = 0;
    if (!ctx || !p)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "tf_rounds_compute: NULL argument") : TAAFI_ERR_USAGE;
    if (!p->n_rounds)
        return tf_error(ctx, TAAFI_ERR_USAGE, "%s: declares no rounds", p->path);
    signature(p, j.sig);
    j.views = tf_calloc(p->n_rounds, sizeof *j.views);
    j.res = tf_calloc(p->n_rounds, sizeof *j.res);
    j.fresh = tf_calloc(p->n_rounds, sizeof *j.fresh);
    j.in = tf_calloc(p->n_rounds, sizeof *j.in);
    j.t = tf_calloc(1, sizeof *j.t);
    if (!j.views || !j.res || !j.fresh || !j.in || !j.t) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((only && (st = check_only(ctx, &j))) || (st = compute_each(ctx, &j)))
        goto done;
    for (k = 0; k < p->n_rounds; k++)
        if (j.in[k])
            last = k;
    if ((st = assemble(ctx, p, j.in, j.t)))
        goto done;
    /* the `areas` layer holds the latest round */
    li = j.res[last] ? last : (size_t)j.only_ix;
    if (!j.res[last])
        stored_values(j.res[li], j.t);
    if ((st = tf_rounds_change(ctx, p, j.res[li], j.t)) || (st = provenance(ctx, &j)))
        goto done;
    /* the caller takes the latest round computed, its view with it */
    *latest_is_last = j.res[last] != NULL;
    *latest_out = j.res[li];
    (*latest_out)->view = j.views[li];
    j.res[li] = NULL;
    j.views[li] = NULL;
    *rounds_out = j.t;
    j.t = NULL;
done:
    job_free(&j);
    return st;
}
