/* change.c: the change layer of a rounds result: for each tracked column
 * (each scored indicator's value and score, each pillar score, the index
 * and the rank), its change per area since the first round, over the
 * latest round's areas. */
#include "change.h"
#include "families/indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void sanitise(const char *in, char *out, size_t size)
{
    size_t n = 0;
    for (; *in && n + 1 < size; in++)
        out[n++] = (isalnum((unsigned char)*in)) ? *in : '_';
    out[n] = '\0';
}

static taafi_status add_change(taafi_ctx *ctx, tf_rounds *t, const char *name, int is_text, size_t n_latest,
                               double **v, char ***text)
{
    char **cols = tf_realloc(t->change_col, (t->n_change + 1) * sizeof *cols);
    int *tx = tf_realloc(t->change_is_text, (t->n_change + 1) * sizeof *tx);
    double *vals;
    char **texts;
    if (cols)
        t->change_col = cols;
    if (tx)
        t->change_is_text = tx;
    vals = tf_realloc(t->change_v, (t->n_change + 1) * n_latest * sizeof *vals + 1);
    if (vals)
        t->change_v = vals;
    texts = tf_realloc(t->change_text, (t->n_change + 1) * n_latest * sizeof *texts + 1);
    if (texts)
        t->change_text = texts;
    if (!cols || !tx || !vals || !texts || !(t->change_col[t->n_change] = tf_strdup(name)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    t->change_is_text[t->n_change] = is_text;
    for (size_t a = 0; a < n_latest; a++) {
        t->change_v[t->n_change * n_latest + a] = NAN;
        t->change_text[t->n_change * n_latest + a] = NULL;
    }
    *v = &t->change_v[t->n_change * n_latest];
    *text = &t->change_text[t->n_change * n_latest];
    t->n_change++;
    /* later columns may move the arrays: callers fill before adding more */
    return TAAFI_OK;
}

/* The columns whose change is mapped: each scored indicator's value and
 * score, each pillar score, the index and the rank. */
static int tracked(const taafi_project *p, const char *col, const tf_indicator_def **d_out)
{
    size_t k;
    int q;
    *d_out = NULL;
    if (!strcmp(col, "recovery_index") || !strcmp(col, "rank"))
        return 1;
    for (q = 0; q < TF_N_PILLARS; q++) {
        char pc[96];
        snprintf(pc, sizeof pc, "%s_score", tf_pillar_keys[q]);
        if (!strcmp(col, pc))
            return 1;
    }
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        char sc[300], vc[300];
        if (!d->pillar)
            continue;
        snprintf(sc, sizeof sc, "%s_score", d->id);
        if (!strcmp(col, sc))
            return 1;
        if (!strcmp(col, tf_score_column(d, vc, sizeof vc))) {
            *d_out = d;
            return 1;
        }
    }
    return 0;
}

/* The latest round's areas against the table: for each, its row in t
 * (ta, -1: none) and whether it is matched in every round (present, same
 * boundary). */
typedef struct match {
    tf_rounds *t;
    size_t n;              /* areas of the latest round */
    long *ta;
    unsigned char *matched;
} match;

/* Value of column c in round k for area a of the latest round. */
static double val(const match *m, size_t k, size_t a, size_t c)
{
    const tf_rounds *t = m->t;
    return m->ta[a] < 0 ? NAN : t->v[(k * t->n_areas + (size_t)m->ta[a]) * t->n_cols + c];
}

/* Which areas of the latest round can be compared: present in every round
 * with the same boundary.  Others are reported and left NULL. */
static taafi_status match_areas(taafi_ctx *ctx, const taafi_project *p, const taafi_result *latest, match *m)
{
    tf_rounds *t = m->t;
    size_t R = t->n_rounds, a, k;
    taafi_status st;
    for (a = 0; a < m->n; a++) {
        m->ta[a] = tf_rounds_index_of(t->id, t->n_areas, latest->areas->id[a]);
        m->matched[a] = 1;
        for (k = 0; k + 1 < R && m->ta[a] >= 0; k++) {
            const char *g0 = t->geom_sha[k * t->n_areas + (size_t)m->ta[a]];
            const char *g1 = t->geom_sha[(R - 1) * t->n_areas + (size_t)m->ta[a]];
            char problem[300];
            if (!t->present[k * t->n_areas + (size_t)m->ta[a]])
                snprintf(problem, sizeof problem, "area %s has no counterpart in round %s", latest->areas->id[a],
                         t->name[k]);
            else if (g0 && g1 && strcmp(g0, g1))
                snprintf(problem, sizeof problem, "the boundary of area %s differs between rounds %s and %s",
                         latest->areas->id[a], t->name[k], t->name[R - 1]);
            else
                continue;
            m->matched[a] = 0;
            if ((st = tf_dq_add(ctx, &t->dq, "rounds", -1, problem, "its change left NULL, not matched")))
                return st;
            tf_log(ctx, TAAFI_LOG_WARNING, "%s: %s; its change is left NULL", p->path, problem);
        }
    }
    for (a = 0; a < t->n_areas; a++)
        if (tf_rounds_index_of((char **)latest->areas->id, m->n, t->id[a]) < 0) {
            char problem[300];
            snprintf(problem, sizeof problem, "area %s is not in the latest round %s", t->id[a], t->name[R - 1]);
            if ((st = tf_dq_add(ctx, &t->dq, "rounds", -1, problem, "kept in area_rounds only")))
                return st;
        }
    return TAAFI_OK;
}

/* One tracked column's values per round, its change and percentage change
 * from round to round, since the baseline, and the share of the gap to its
 * target closed since then (d: the indicator it scores, or NULL). */
static taafi_status column_change(taafi_ctx *ctx, const match *m, size_t c, const tf_indicator_def *d)
{
    tf_rounds *t = m->t;
    size_t R = t->n_rounds, k, a, n = m->n;
    char rn[64], name[400], **text;
    double *v;
    taafi_status st;
    for (k = 0; k < R; k++) {
        sanitise(t->name[k], rn, sizeof rn);
        snprintf(name, sizeof name, "%s__%s", t->col[c], rn);
        if ((st = add_change(ctx, t, name, 0, n, &v, &text)))
            return st;
        for (a = 0; a < n; a++)
            v[a] = val(m, k, a, c);
        if (k == 0)
            continue;
        snprintf(name, sizeof name, "%s__chg_%s", t->col[c], rn);
        if ((st = add_change(ctx, t, name, 0, n, &v, &text)))
            return st;
        for (a = 0; a < n; a++)
            v[a] = m->matched[a] ? val(m, k, a, c) - val(m, k - 1, a, c) : NAN;
        snprintf(name, sizeof name, "%s__pct_%s", t->col[c], rn);
        if ((st = add_change(ctx, t, name, 0, n, &v, &text)))
            return st;
        for (a = 0; a < n; a++) {
            double b = val(m, k - 1, a, c);
            v[a] = m->matched[a] && b != 0 ? 100.0 * (val(m, k, a, c) - b) / fabs(b) : NAN;
        }
    }
    if (R > 2) {
        snprintf(name, sizeof name, "%s__chg_base", t->col[c]);
        if ((st = add_change(ctx, t, name, 0, n, &v, &text)))
            return st;
        for (a = 0; a < n; a++)
            v[a] = m->matched[a] ? val(m, R - 1, a, c) - val(m, 0, a, c) : NAN;
    }
    if (d && d->method == TF_NORM_TARGET && d->has_target && R > 1) {
        snprintf(name, sizeof name, "%s__gap_closed_pct", t->col[c]);
        if ((st = add_change(ctx, t, name, 0, n, &v, &text)))
            return st;
        for (a = 0; a < n; a++) {
            double b = val(m, 0, a, c), l = val(m, R - 1, a, c);
            double gap = d->direction == TF_DIR_LOWER_BETTER ? b - d->target : d->target - b;
            double closed = d->direction == TF_DIR_LOWER_BETTER ? b - l : l - b;
            v[a] = m->matched[a] && gap > 0 ? 100.0 * closed / gap : NAN;
        }
    }
    return TAAFI_OK;
}

/* Improved, stable or worsened since the baseline, per pillar and for the
 * index (by more than the project's change_tolerance). */
static taafi_status trends(taafi_ctx *ctx, const taafi_project *p, const match *m)
{
    tf_rounds *t = m->t;
    size_t R = t->n_rounds, a;
    char pc[96], name[400], **text;
    double *v;
    taafi_status st;
    for (int q = -1; q < TF_N_PILLARS; q++) {
        long col;
        if (q < 0)
            snprintf(pc, sizeof pc, "recovery_index");
        else
            snprintf(pc, sizeof pc, "%s_score", tf_pillar_keys[q]);
        if ((col = tf_rounds_index_of(t->col, t->n_cols, pc)) < 0)
            continue;
        snprintf(name, sizeof name, "%s_trend", q < 0 ? "recovery_index" : tf_pillar_keys[q]);
        if ((st = add_change(ctx, t, name, 1, m->n, &v, &text)))
            return st;
        for (a = 0; a < m->n; a++) {
            double dlt = val(m, R - 1, a, (size_t)col) - val(m, 0, a, (size_t)col);
            if (!m->matched[a] || isnan(dlt))
                continue;
            text[a] = tf_strdup(dlt > p->change_tolerance    ? "improved"
                                : dlt < -p->change_tolerance ? "worsened"
                                                             : "stable");
            if (!text[a])
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
    }
    return TAAFI_OK;
}

taafi_status tf_rounds_change(taafi_ctx *ctx, const taafi_project *p, const taafi_result *latest, tf_rounds *t)
{
    size_t n = latest->areas->n, c;
    match m = {t, n, tf_malloc((n ? n : 1) * sizeof *m.ta), tf_calloc(n ? n : 1, 1)};
    taafi_status st = TAAFI_OK;
    if (!m.ta || !m.matched)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    else
        st = match_areas(ctx, p, latest, &m);
    for (c = 0; c < t->n_cols && !st; c++) {
        const tf_indicator_def *d;
        if (tracked(p, t->col[c], &d))
            st = column_change(ctx, &m, c, d);
    }
    if (!st && t->n_rounds > 1)
        st = trends(ctx, p, &m);
    tf_free(m.ta);
    tf_free(m.matched);
    return st;
}

