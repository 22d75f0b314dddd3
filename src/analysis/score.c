/*
 * score.c: normalisation, pillar scores, recovery index, rank and priority.
 *
 * Conventions, all documented in docs/project-file.md:
 *   - scores run 0-100, 100 the best; direction turns "lower is better"
 *     indicators around, so every score reads the same way;
 *   - minmax over areas that are all equal gives 50 (no area is better);
 *     zscore with no spread gives 50 too;
 *   - a missing value is never a zero: it is skipped and the remaining
 *     weights re-scaled (scoring.missing: skip), or the run fails
 *     (scoring.missing: fail); missing_count says how many were skipped;
 *   - rank 1 is the lowest index, the area most in need; ties share a rank.
 */
#include "derive.h"
#include "score.h"
#include "families/indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double clamp100(double v) { return v < 0 ? 0 : v > 100 ? 100 : v; }

void tf_normalise(const tf_indicator_def *d, const double *x, size_t n, double *score)
{
    double lo = INFINITY, hi = -INFINITY, sum = 0, sq = 0;
    size_t i, m = 0;
    int higher = d->direction != TF_DIR_LOWER_BETTER;
    for (i = 0; i < n; i++) {
        score[i] = NAN;
        if (isnan(x[i]))
            continue;
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
        sum += x[i];
        m++;
    }
    if (m == 0)
        return;
    for (i = 0; i < n; i++)
        if (!isnan(x[i]))
            sq += (x[i] - sum / (double)m) * (x[i] - sum / (double)m);
    for (i = 0; i < n; i++) {
        double v = x[i];
        if (isnan(v))
            continue;
        switch (d->method) {
        case TF_NORM_MINMAX:
            /* Equal within rounding: nobody is better than anybody. */
            if (hi - lo <= 1e-12 * (fabs(hi) > 1 ? fabs(hi) : 1))
                score[i] = 50;
            else
                score[i] = 100 * (higher ? v - lo : hi - v) / (hi - lo);
            break;
        case TF_NORM_TARGET:
            if (higher) {
                double f = d->has_floor ? d->floor : 0;
                score[i] = v >= d->target ? 100 : v <= f ? 0 : 100 * (v - f) / (d->target - f);
            } else {
                /* Without a floor, the worst area sets the zero. */
                double f = d->has_floor ? d->floor : hi;
                score[i] = v <= d->target ? 100 : v >= f ? 0 : 100 * (f - v) / (f - d->target);
            }
            break;
        case TF_NORM_ZSCORE: {
            double sd = sqrt(sq / (double)m), z;
            if (sd <= 1e-12 * (fabs(sum / (double)m) > 1 ? fabs(sum / (double)m) : 1)) {
                score[i] = 50;
                break;
            }
            z = (v - sum / (double)m) / sd;
            score[i] = clamp100(50 + 50 * (higher ? z : -z) / d->clamp);
            break;
        }
        }
    }
}

typedef struct ranked {
    double v;
    size_t i;
} ranked;

static int cmp_ranked(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->v != y->v)
        return x->v < y->v ? -1 : 1;
    return x->i < y->i ? -1 : x->i > y->i;
}

int tf_rank(const double *x, size_t n, double *rank)
{
    ranked *o = tf_malloc((n ? n : 1) * sizeof *o);
    size_t i, m = 0;
    for (i = 0; i < n; i++)
        rank[i] = NAN;
    if (!o)
        return -1;
    for (i = 0; i < n; i++)
        if (!isnan(x[i])) {
            o[m].v = x[i];
            o[m].i = i;
            m++;
        }
    qsort(o, m, sizeof *o, cmp_ranked);
    for (i = 0; i < m; i++)
        rank[o[i].i] = (i > 0 && o[i].v == o[i - 1].v) ? rank[o[i - 1].i] : (double)(i + 1);
    tf_free(o);
    return 0;
}

/* Weighted mean of the non-missing scores; NaN if no weight is left. */
static double mean(const double *s, const double *w, size_t n, tf_mean kind)
{
    double sw = 0, acc = 0;
    size_t i;
    int zero = 0;
    for (i = 0; i < n; i++) {
        if (isnan(s[i]) || w[i] <= 0)
            continue;
        sw += w[i];
        if (kind == TF_MEAN_GEOMETRIC) {
            if (s[i] <= 0)
                zero = 1;
            else
                acc += w[i] * log(s[i]);
        } else {
            acc += w[i] * s[i];
        }
    }
    if (sw <= 0)
        return NAN;
    if (kind == TF_MEAN_GEOMETRIC)
        return zero ? 0 : exp(acc / sw);
    return acc / sw;
}

static const char *default_label(size_t n, size_t k)
{
    static const char *const two[] = {"high", "low"};
    static const char *const three[] = {"high", "medium", "low"};
    static const char *const four[] = {"very high", "high", "medium", "low"};
    static const char *const five[] = {"very high", "high", "medium", "low", "very low"};
    switch (n) {
    case 2: return two[k];
    case 3: return three[k];
    case 4: return four[k];
    case 5: return five[k];
    default: return NULL;
    }
}

static taafi_status add(taafi_ctx *ctx, taafi_result *r, const char *name, const tf_indicator_def *def,
                        const char *role, int is_count, const char *unit, double **v)
{
    taafi_status st = tf_result_add_column(ctx, r, name, def, is_count, unit, v);
    if (!st)
        r->cols[r->n_cols - 1].role = role;
    return st;
}

/* The work of tf_score. */
typedef struct score_job {
    const taafi_project *p;
    const tf_scoring *sc;          /* the scenario's, or the project's */
    const tf_indicator_def *inds;  /* likewise                         */
    size_t n, n_scored;            /* areas; indicators with a pillar  */
    long *value_col;               /* per indicator: the column scored */
    double *scores;                /* [scored indicator][area]         */
    double *pillar;                /* [pillar][area]                   */
    double *w;                     /* scratch: weights                 */
    int used[TF_N_PILLARS];        /* pillars that score something     */
} score_job;

/* 1. Each scored indicator's 0-100 score. */
static taafi_status indicator_scores(taafi_ctx *ctx, taafi_result *r, score_job *j)
{
    const taafi_project *p = j->p;
    size_t k, a, i = 0, n = j->n;
    char name[300];
    taafi_status st;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &j->inds[k];
        char buf[300];
        const char *col = tf_score_column(d, buf, sizeof buf);
        double *v;
        long c;
        if (!d->pillar)
            continue;
        if ((c = tf_result_column_index(r, col)) < 0 || r->cols[c].is_text)
            return tf_error(ctx, TAAFI_ERR_PROJECT, "%s:%d: indicator '%s' scores column '%s', which %s", p->path,
                            d->line, d->id, col, c < 0 ? "it does not make" : "holds text");
        j->value_col[k] = c;
        snprintf(name, sizeof name, "%s_score", d->id);
        if ((st = add(ctx, r, name, d, "score", 0, "score 0-100", &v)))
            return st;
        tf_normalise(d, r->cols[c].v, n, v);
        memcpy(j->scores + i * n, v, n * sizeof *v);
        if (j->sc->missing == TF_MISSING_FAIL)
            for (a = 0; a < n; a++)
                if (isnan(r->cols[c].v[a]))
                    return tf_error(ctx, TAAFI_ERR_DATA,
                                    "%s:%d: area %s has no value for indicator '%s', and scoring.missing is fail; "
                                    "supply the value or set missing: skip",
                                    p->path, d->line, r->areas->id[a], d->id);
        i++;
    }
    return TAAFI_OK;
}

/* 2. Each pillar's score: the weighted mean of its indicators' scores. */
static taafi_status pillar_scores(taafi_ctx *ctx, taafi_result *r, score_job *j)
{
    const taafi_project *p = j->p;
    size_t k, a, i, m, n = j->n;
    char name[300];
    taafi_status st = TAAFI_OK;
    double *s = tf_malloc(j->n_scored * sizeof *s);
    if (!s)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (int q = 0; q < TF_N_PILLARS && !st; q++) {
        double *v;
        for (k = 0; k < p->n_inds; k++)
            if (j->inds[k].pillar && !strcmp(j->inds[k].pillar, tf_pillar_keys[q]))
                j->used[q] = 1;
        if (!j->used[q])
            continue;
        snprintf(name, sizeof name, "%s_score", tf_pillar_keys[q]);
        if ((st = add(ctx, r, name, NULL, "pillar", 0, "score 0-100", &v)))
            break;
        r->cols[r->n_cols - 1].pillar = q;
        for (a = 0; a < n; a++) {
            for (k = 0, i = 0, m = 0; k < p->n_inds; k++) {
                if (!j->inds[k].pillar)
                    continue;
                if (!strcmp(j->inds[k].pillar, tf_pillar_keys[q])) {
                    s[m] = j->scores[i * n + a];
                    j->w[m] = j->inds[k].weight;
                    m++;
                }
                i++;
            }
            v[a] = mean(s, j->w, m, j->sc->pillars[q].mean);
            j->pillar[(size_t)q * n + a] = v[a];
        }
    }
    tf_free(s);
    return st;
}

/* 3. Missing values per area, the recovery index and the rank; *index
 * and *rank: their columns' values. */
static taafi_status index_and_rank(taafi_ctx *ctx, taafi_result *r, const score_job *j, double **index_out,
                                   double **rank_out)
{
    const taafi_project *p = j->p;
    size_t k, a, n = j->n;
    double pw[TF_N_PILLARS], *missing, *index, *rank;
    taafi_status st;
    if ((st = add(ctx, r, "missing_count", NULL, "missing", 1, "indicators", &missing)))
        return st;
    for (a = 0; a < n; a++) {
        missing[a] = 0;
        for (k = 0; k < p->n_inds; k++)
            if (j->inds[k].pillar && isnan(r->cols[j->value_col[k]].v[a]))
                missing[a]++;
    }
    if ((st = add(ctx, r, "recovery_index", NULL, "index", 0, "score 0-100", &index)))
        return st;
    for (int q = 0; q < TF_N_PILLARS; q++)
        pw[q] = j->used[q] ? j->sc->pillars[q].weight : 0;
    for (a = 0; a < n; a++) {
        double ps[TF_N_PILLARS];
        for (int q = 0; q < TF_N_PILLARS; q++)
            ps[q] = j->used[q] ? j->pillar[(size_t)q * n + a] : NAN;
        index[a] = mean(ps, pw, TF_N_PILLARS, TF_MEAN_ARITHMETIC);
    }
    if ((st = add(ctx, r, "rank", NULL, "rank", 1, "rank (1 = most in need)", &rank)))
        return st;
    if (tf_rank(index, n, rank))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    *index_out = index;
    *rank_out = rank;
    return TAAFI_OK;
}

/* 4. The priority class of each area (by breaks of the index, or by rank
 * into classes of equal size) and its label. */
static taafi_status priority(taafi_ctx *ctx, taafi_result *r, const score_job *j, const double *index,
                             const double *rank)
{
    const tf_scoring *sc = j->sc;
    size_t a, i, valid = 0, n = j->n;
    double *cls;
    char **label;
    taafi_status st;
    if ((st = add(ctx, r, "priority_class", NULL, "class", 1, "class (1 = highest priority)", &cls)))
        return st;
    for (a = 0; a < n; a++)
        valid += !isnan(index[a]);
    for (a = 0; a < n; a++) {
        size_t c = 1;
        if (isnan(index[a]))
            continue;
        if (sc->priority_method == TF_PRIORITY_BREAKS) {
            for (i = 0; i + 1 < sc->n_classes; i++)
                c += index[a] >= sc->breaks[i];
        } else {
            c = 1 + (size_t)((rank[a] - 1) * (double)sc->n_classes / (double)valid);
            if (c > sc->n_classes)
                c = sc->n_classes;
        }
        cls[a] = (double)c;
    }
    if ((st = tf_result_add_text_column(ctx, r, "priority", NULL, &label)))
        return st;
    r->cols[r->n_cols - 1].role = "class";
    for (a = 0; a < n; a++) {
        const char *l;
        char buf[32];
        if (isnan(cls[a]))
            continue;
        i = (size_t)cls[a];
        l = sc->labels ? sc->labels[i - 1] : default_label(sc->n_classes, i - 1);
        if (!l) {
            snprintf(buf, sizeof buf, "class %zu", i);
            l = buf;
        }
        if (!(label[a] = tf_strdup(l)))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    return TAAFI_OK;
}

taafi_status tf_score(taafi_ctx *ctx, taafi_result *r)
{
    const taafi_project *p = r->project;
    score_job j = {p, r->scoring ? r->scoring : &p->scoring, r->inds ? r->inds : p->inds, r->areas->n, 0,
                   NULL, NULL, NULL, NULL, {0}};
    size_t k, n = j.n ? j.n : 1;
    double *index = NULL, *rank = NULL;
    taafi_status st;
    for (k = 0; k < p->n_inds; k++)
        j.n_scored += j.inds[k].pillar != NULL;
    if (!j.n_scored)
        return TAAFI_OK;
    j.value_col = tf_calloc(p->n_inds, sizeof *j.value_col);
    j.scores = tf_calloc(j.n_scored * n, sizeof *j.scores);
    j.pillar = tf_calloc(TF_N_PILLARS * n, sizeof *j.pillar);
    j.w = tf_calloc(j.n_scored, sizeof *j.w);
    if (!j.value_col || !j.scores || !j.pillar || !j.w)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    else if (!(st = indicator_scores(ctx, r, &j)) && !(st = pillar_scores(ctx, r, &j)) &&
             !(st = index_and_rank(ctx, r, &j, &index, &rank)))
        st = priority(ctx, r, &j, index, rank);
    tf_free(j.value_col);
    tf_free(j.scores);
    tf_free(j.pillar);
    tf_free(j.w);
    return st;
}
