/*
 * run.c: the analysis.  Areas are loaded and indexed once.  Then each
 * distinct (layer, filter) that some indicator reads is streamed once
 * (pass.c), the per-area indicators finishing beside the passes
 * (background.c).  Then every family adds its columns in the order the
 * project declares them; derived columns (per 1,000 residents,
 * expressions) and scores come last.
 */
#include "background.h"
#include "derive.h"
#include "pass.h"
#include "result/result.h"
#include "score.h"
#include "families/reach.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void free_states(taafi_ctx *ctx, const taafi_project *p, tf_ind_state **states)
{
    size_t k;
    if (!states)
        return;
    for (k = 0; k < p->n_inds; k++)
        if (states[k])
            tf_family_of(p->inds[k].type)->free(ctx, states[k]);
    tf_free(states);
}

/* Scenarios whose copy of an indicator its family must compute again
 * (tf_family.scenario_variant: coverage at another distance standard, or of
 * other facilities): computed from the state its pass kept (coverage: the
 * facilities of the union of the filters), so that no input is read twice;
 * the scenario's columns and gaps wait in r->variants until
 * taafi_result_scenario puts them in the scenario's result. */
static taafi_status scenario_variants(taafi_ctx *ctx, taafi_result *r, tf_ind_state **states)
{
    const taafi_project *p = r->project;
    size_t s, k;
    taafi_status st;
    for (s = 0; s < p->n_scenarios; s++)
        for (k = 0; k < p->n_inds; k++) {
            const tf_indicator_def *d = &p->scenarios[s].inds[k];
            const tf_family *fam = tf_family_of(d->type);
            tf_variant *v;
            char why[512];
            if (!fam || !fam->scenario_variant || !states[k] || !fam->scenario_variant(&p->inds[k], d, why, sizeof why))
                continue;
            v = tf_realloc(r->variants, (r->n_variants + 1) * sizeof *v);
            if (!v)
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            r->variants = v;
            v = &r->variants[r->n_variants];
            v->scenario = p->scenarios[s].name;
            v->id = d->id;
            if ((st = tf_result_part_new(ctx, r, &v->part)))
                return st;
            r->n_variants++; /* now, so that the result frees the part */
            tf_log(ctx, TAAFI_LOG_INFO, "scenario %s: %s %s", v->scenario, d->id, why);
            if ((st = tf_check_interrupt(ctx)) || (st = fam->finish(ctx, d, states[k], v->part)))
                return st;
        }
    return TAAFI_OK;
}

/* The passes over the layers: each distinct (layer, filter) once, for the
 * indicators flagged in `want` (all: NULL), skipping those already `done`
 * (per indicator: its pass ran).  The first pass over a layer records the
 * files' hashes. */
static taafi_status run_passes(taafi_ctx *ctx, taafi_result *r, tf_ind_state **states, const unsigned char *want,
                               unsigned char *done, unsigned char *hashed)
{
    const taafi_project *p = r->project;
    size_t k, j;
    taafi_status st;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        if (done[k] || d->layer < 0 || !tf_family_reads_layer(d->type) || (want && !want[k]))
            continue;
        if ((st = tf_pass_run(ctx, r, (size_t)d->layer, tf_pass_where(d), !hashed[d->layer], states, 0)))
            return st;
        hashed[d->layer] = 1;
        for (j = 0; j < p->n_inds; j++)
            if (p->inds[j].layer == d->layer && tf_same_filter(tf_pass_where(&p->inds[j]), tf_pass_where(d)))
                done[j] = 1;
    }
    return TAAFI_OK;
}

/* Layers that no indicator reads are said, not read. */
static void log_unread(taafi_ctx *ctx, const taafi_project *p)
{
    size_t li, k;
    for (li = 0; li < p->n_layers; li++) {
        int used = 0;
        for (k = 0; k < p->n_inds; k++)
            used |= p->inds[k].layer == (int)li && tf_family_reads_layer(p->inds[k].type);
        if (!used)
            tf_log(ctx, TAAFI_LOG_INFO, "%s: no indicator reads this layer; not read", p->layers[li].role);
    }
}

/* Every indicator not finishing in the background finishes here, in the
 * project's order, into `part`. */
static taafi_status finish_here(taafi_ctx *ctx, const taafi_project *p, tf_ind_state **states,
                                const unsigned char *in_bg, taafi_result *part)
{
    size_t k;
    taafi_status st;
    for (k = 0; k < p->n_inds; k++) {
        const tf_family *fam = tf_family_of(p->inds[k].type);
        if (in_bg[k])
            continue;
        if ((st = tf_check_interrupt(ctx)) || (fam && (st = fam->finish(ctx, &p->inds[k], states[k], part))))
            return st;
    }
    return TAAFI_OK;
}

/* The indicators computed: first the passes the per-area indicators need
 * (facilities: small), then those indicators on their own thread while the
 * other layers (damage: big) stream here; then the rest, and everything
 * merged into r in the project's order.  in_bg, done, hashed: scratch,
 * one per indicator (per layer for hashed). */
static taafi_status compute(taafi_ctx *ctx, taafi_result *r, tf_ind_state **states, unsigned char *in_bg,
                            unsigned char *done, unsigned char *hashed, double t0)
{
    const taafi_project *p = r->project;
    taafi_result *parts[2] = {NULL, NULL};
    tf_bg *bg = NULL;
    size_t k;
    taafi_status st;
    for (k = 0; k < p->n_inds; k++)
        in_bg[k] = (unsigned char)tf_bg_wanted(p, k);
    if (!(st = run_passes(ctx, r, states, in_bg, done, hashed)) && !(st = tf_bg_start(ctx, r, states, in_bg, &bg)) &&
        !(st = run_passes(ctx, r, states, NULL, done, hashed)) && !(st = tf_result_part_new(ctx, r, &parts[0])) &&
        !(st = finish_here(ctx, p, states, in_bg, parts[0]))) {
        tf_log(ctx, TAAFI_LOG_DEBUG, "time: passes over the layers done at %.3f s", tf_seconds() - t0);
        if (!(st = tf_bg_join(ctx, bg, &parts[1])))
            tf_log(ctx, TAAFI_LOG_DEBUG, "time: per-area indicators done at %.3f s", tf_seconds() - t0);
    }
    tf_bg_free(bg); /* before the parts: its thread fills its own */
    if (st) {
        taafi_result_free(parts[0]);
        taafi_result_free(parts[1]);
        return st;
    }
    return tf_result_merge(ctx, r, parts, 2); /* takes the parts */
}

/* A value that is not finite (a sum of cells that overflowed, say) is no
 * value: NULL in every format alike, with a note per column, rather than
 * Inf in the CSV and GeoPackage and nothing in the GeoJSON. */
static taafi_status no_infinities(taafi_ctx *ctx, taafi_result *r)
{
    size_t c, a, n;
    taafi_status st;
    for (c = 0; c < r->n_cols; c++) {
        char problem[512];
        if (r->cols[c].is_text)
            continue;
        for (a = 0, n = 0; a < r->areas->n; a++)
            if (isinf(r->cols[c].v[a])) {
                r->cols[c].v[a] = NAN;
                n++;
            }
        if (!n)
            continue;
        snprintf(problem, sizeof problem, "column %s: %zu value(s) beyond the range of numbers (overflow)",
                 r->cols[c].name, n);
        if ((st = tf_dq_add(ctx, &r->dq, r->cols[c].def ? r->cols[c].def->id : r->cols[c].name, -1, problem,
                            "written as NULL; check the input's values (an undeclared nodata, say)")))
            return st;
    }
    return TAAFI_OK;
}

/* Whether an indicator measures along the streets: then the network is
 * read, once, before the passes. */
static int needs_network(const taafi_project *p)
{
    size_t k;
    for (k = 0; k < p->n_inds; k++)
        if (p->inds[k].reach == TF_REACH_NETWORK)
            return 1;
    return 0;
}

/* The network, with the closures of each scenario that has its own. */
static taafi_status build_network(taafi_ctx *ctx, const taafi_project *p, taafi_result *r)
{
    size_t s;
    taafi_status st = tf_network_build(ctx, p, r->areas, &r->dq, tf_result_add_input, r, &r->network);
    for (s = 0; s < p->n_scenarios && !st; s++)
        if (p->scenarios[s].network)
            st = tf_network_add_closures(ctx, p, r->areas, r->network, p->scenarios[s].network,
                                         p->scenarios[s].name, &r->dq, tf_result_add_input, r);
    return st;
}

taafi_status taafi_run(taafi_ctx *ctx, const taafi_project *p, taafi_result **out)
{
    tf_enter(ctx);
    taafi_result *r = NULL;
    tf_ind_state **states = NULL;
    unsigned char *in_bg = NULL, *done = NULL, *hashed = NULL;
    tf_overlaps *overlaps = NULL;
    size_t dq_after_areas = 0;
    int defer;
    taafi_status st;
    double t0 = tf_seconds();
    if (!ctx || !p || !out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_run: NULL argument") : TAAFI_ERR_USAGE;
    *out = NULL;
    tf_gdal_enter(ctx);
    r = tf_calloc(1, sizeof *r);
    states = tf_calloc(p->n_inds ? p->n_inds : 1, sizeof *states);
    in_bg = tf_calloc(p->n_inds ? p->n_inds : 1, 1);
    done = tf_calloc(p->n_inds ? p->n_inds : 1, 1);
    hashed = tf_calloc(p->n_layers ? p->n_layers : 1, 1);
    if (!r || !states || !in_bg || !done || !hashed) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto end;
    }
    r->ctx = ctx;
    r->project = p;
    tf_utc_now(r->started);
    tf_run_id(p->path, r->run_id);
    tf_log(ctx, TAAFI_LOG_DEBUG, "threads: %d", ctx->threads);
    /* With threads to spare, overlapping areas are looked for beside the
     * analysis (unless an overlap is to stop the run) */
    defer = ctx->threads > 1 && !p->overlap_error;
    if ((st = tf_areas_load_ex(ctx, p, &r->dq, tf_result_add_input, r, defer, &r->areas)) ||
        (defer && (st = tf_areas_overlaps_start(ctx, p, r->areas, &overlaps))))
        goto end;
    dq_after_areas = r->dq.n;
    tf_log(ctx, TAAFI_LOG_INFO, "areas: %zu read; analysis CRS EPSG:%d", r->areas->n, r->areas->epsg);
    tf_log(ctx, TAAFI_LOG_DEBUG, "time: areas loaded at %.3f s", tf_seconds() - t0);
    log_unread(ctx, p);
    if (needs_network(p) && (st = build_network(ctx, p, r)))
        goto end;
    if (p->network.layer >= 0 && !r->network)
        tf_log(ctx, TAAFI_LOG_INFO, "network: no indicator has reach: network; the streets are not routed");
    else if (r->network)
        tf_log(ctx, TAAFI_LOG_DEBUG, "time: network built at %.3f s", tf_seconds() - t0);
    if ((st = compute(ctx, r, states, in_bg, done, hashed, t0)) || (st = scenario_variants(ctx, r, states)))
        goto end;
    free_states(ctx, p, states);
    states = NULL;
    st = tf_areas_overlaps_join(ctx, overlaps, &r->dq, dq_after_areas);
    overlaps = NULL;
    if (st || (st = no_infinities(ctx, r)) || (st = tf_derive(ctx, r)) || (st = tf_score(ctx, r)) ||
        (st = tf_result_wait_inputs(ctx, r)))
        goto end;
    tf_utc_now(r->finished);
    tf_log(ctx, TAAFI_LOG_DEBUG, "time: analysis done at %.3f s", tf_seconds() - t0);
end:
    tf_areas_overlaps_join(ctx, overlaps, NULL, 0); /* a failure: its thread reads the areas */
    free_states(ctx, p, states);
    if (st)
        taafi_result_free(r);
    else
        *out = r;
    tf_free(in_bg);
    tf_free(done);
    tf_free(hashed);
    tf_gdal_leave(ctx);
    return st;
}
