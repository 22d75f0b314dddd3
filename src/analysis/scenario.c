/*
 * scenario.c: taafi_result_scenario, a scenario of a result as a result of
 * its own.  It shares with its base what the scenario cannot change (the
 * areas, the geometries of gaps and facilities) and owns the rest: the
 * values copied, those the scenario measures again taken from the variants
 * taafi_run computed, the expressions derived again where values changed,
 * and every score, index, rank and class computed with the scenario's
 * settings.  The base is never changed.
 */
#include "derive.h"
#include "score.h"

#include <stdlib.h>
#include <string.h>

/* The facilities of the variant's indicator (a block: one finish made
 * them) replaced by the variant's own.  A scenario with other statuses has
 * other facilities; with another distance, the same. */
static taafi_status put_facilities(taafi_ctx *ctx, taafi_result *r, const tf_variant *var)
{
    const taafi_result *part = var->part;
    size_t b = 0, e, n;
    tf_facility *v;
    while (b < r->n_facilities && strcmp(r->facilities[b].def->id, var->id))
        b++;
    for (e = b; e < r->n_facilities && !strcmp(r->facilities[e].def->id, var->id); e++)
        ;
    n = r->n_facilities - (e - b) + part->n_facilities;
    if (!(v = tf_malloc((n ? n : 1) * sizeof *v)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    /* (memcpy takes no NULL, even for nothing: a side may have none) */
    if (b)
        memcpy(v, r->facilities, b * sizeof *v);
    if (part->n_facilities)
        memcpy(v + b, part->facilities, part->n_facilities * sizeof *v);
    if (r->n_facilities > e)
        memcpy(v + b + part->n_facilities, r->facilities + e, (r->n_facilities - e) * sizeof *v);
    tf_free(r->facilities);
    r->facilities = v;
    r->n_facilities = r->cap_facilities = n;
    return TAAFI_OK;
}

/* The variant's values and service gaps in place of the base's of the
 * same column names and indicator. */
static taafi_status put_variant(taafi_ctx *ctx, taafi_result *r, const tf_variant *var)
{
    const taafi_result *part = var->part;
    size_t i, j = 0;
    for (i = 0; i < part->n_cols; i++) {
        long c = tf_result_column_index(r, part->cols[i].name);
        if (c >= 0)
            memcpy(r->cols[c].v, part->cols[i].v, (r->areas->n ? r->areas->n : 1) * sizeof *r->cols[c].v);
    }
    /* both hold one gap per area for the indicator, in area order */
    for (i = 0; i < r->n_gaps && j < part->n_gaps; i++)
        if (!strcmp(r->gaps[i].def->id, part->gaps[j].def->id) && r->gaps[i].area == part->gaps[j].area)
            r->gaps[i] = part->gaps[j++];
    return put_facilities(ctx, r, var);
}

/* Whether the base holds a variant for scenario `name`. */
static int has_variants(const taafi_result *base, const char *name)
{
    for (size_t i = 0; i < base->n_variants; i++)
        if (!strcmp(base->variants[i].scenario, name))
            return 1;
    return 0;
}

/* The scenario's result filled: the base's values (without the derived
 * ones when values change), the variants, derived again, scored. */
static taafi_status fill(taafi_ctx *ctx, const taafi_result *base, const tf_scenario *sc, taafi_result *r)
{
    int changed = has_variants(base, sc->name);
    size_t i;
    taafi_status st;
    r->inds = sc->inds;
    r->scoring = &sc->scoring;
    r->scenario = sc->name;
    for (i = 0; i < base->n_cols; i++) {
        const tf_column *c = &base->cols[i];
        if (strcmp(c->role, "value") || (changed && c->derived))
            continue;
        if ((st = tf_result_copy_column(ctx, r, c)))
            return st;
    }
    for (i = 0; i < base->n_variants; i++)
        if (!strcmp(base->variants[i].scenario, sc->name) && (st = put_variant(ctx, r, &base->variants[i])))
            return st;
    if (changed && (st = tf_derive(ctx, r)))
        return st;
    return tf_score(ctx, r);
}

taafi_status taafi_result_scenario(taafi_ctx *ctx, const taafi_result *base, const char *name, taafi_result **out)
{
    tf_enter(ctx);
    const tf_scenario *sc = NULL;
    taafi_result *r = NULL;
    size_t i;
    taafi_status st;
    if (out)
        *out = NULL;
    if (!ctx || !base || !name || !out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_result_scenario: NULL argument") : TAAFI_ERR_USAGE;
    if (base->base || base->scenario)
        return tf_error(ctx, TAAFI_ERR_USAGE, "taafi_result_scenario: the base is a scenario's result; pass the run's");
    for (i = 0; i < base->project->n_scenarios && !sc; i++)
        if (!strcmp(base->project->scenarios[i].name, name))
            sc = &base->project->scenarios[i];
    if (!sc)
        return tf_error(ctx, TAAFI_ERR_USAGE, "%s: no scenario '%s'", base->project->path, name);
    if ((st = tf_result_share(ctx, base, &r)) || (st = fill(ctx, base, sc, r))) {
        taafi_result_free(r);
        return st;
    }
    *out = r;
    return TAAFI_OK;
}
