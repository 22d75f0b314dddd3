/*
 * run.c: the analysis.  Areas are loaded and indexed once; then each layer
 * that some indicator reads is streamed once, every feature located once
 * and handed to every indicator of that layer; finally every indicator adds
 * its columns, in the order the project file declares them.
 */
#include "../indicators/indicator.h"
#include "../io/ingest.h"
#include "result.h"

#include <stdlib.h>
#include <string.h>

/* Features listed one by one in the data-quality log for each kind of
 * problem and layer; beyond that they are only counted, so that a country
 * of points outside the areas cannot flood the log. */
#define MAX_LISTED_FEATURES 200

typedef struct pass_stats {
    size_t read, outside, no_geom, bad_geom;
} pass_stats;

/* The representative point of a feature, in the analysis CRS: the point
 * itself, else GEOSPointOnSurface (always inside the feature, unlike the
 * centroid).  *pt_out is NULL when the feature has no usable geometry. */
static taafi_status rep_point(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **pt_out)
{
    GEOSGeometry *full = NULL;
    taafi_status st;
    *pt_out = NULL;
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint) {
        double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
        if ((st = tf_reproj_xy(ctx, r, &x, &y, 1)))
            return st;
        *pt_out = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
        return *pt_out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if ((st = tf_ingest(ctx, g, r, &full)))
        return st;
    *pt_out = GEOSPointOnSurface_r(ctx->geos, full);
    GEOSGeom_destroy_r(ctx->geos, full);
    if (!*pt_out)
        return tf_error(ctx, TAAFI_ERR_GEOM, "cannot find a point on the feature: %s", tf_lib_error(ctx));
    return TAAFI_OK;
}

static taafi_status note(taafi_ctx *ctx, taafi_result *r, const char *role, int64_t fid, size_t nth,
                         const char *problem, const char *action)
{
    if (nth > MAX_LISTED_FEATURES)
        return TAAFI_OK;
    return tf_dq_add(ctx, &r->dq, role, fid, problem, action);
}

static taafi_status summary(taafi_ctx *ctx, taafi_result *r, const char *role, size_t n, const char *what,
                            const char *action)
{
    char problem[256];
    if (n <= MAX_LISTED_FEATURES)
        return TAAFI_OK;
    snprintf(problem, sizeof problem, "%zu features in all %s (the first %d are listed)", n, what,
             MAX_LISTED_FEATURES);
    return tf_dq_add(ctx, &r->dq, role, -1, problem, action);
}

/* Streams layer `li` through every indicator that reads it. */
static taafi_status run_pass(taafi_ctx *ctx, taafi_result *r, size_t li, tf_ind_state **states)
{
    const taafi_project *p = r->project;
    const tf_source *def = &p->layers[li];
    tf_vsource src = {0};
    tf_reproj *to_xy = NULL;
    OGRSpatialReferenceH srs;
    OGRFeatureH f = NULL;
    pass_stats ps = {0};
    taafi_status st;
    size_t k;
    if ((st = tf_source_open(ctx, def, &src)) || (st = tf_source_hash(ctx, &src, tf_result_add_input, r)) ||
        (st = tf_source_srs(ctx, &src, &srs)) || (st = tf_reproj_new(ctx, srs, r->areas->epsg, def->path, &to_xy)))
        goto done;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        if (d->layer == (int)li && (st = tf_family_of(d->type)->begin(ctx, d, r->areas, &src, &states[k])))
            goto done;
    }
    OGR_L_ResetReading(src.layer);
    while ((f = OGR_L_GetNextFeature(src.layer)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        int64_t fid = (int64_t)OGR_F_GetFID(f);
        GEOSGeometry *pt = NULL;
        long area;
        ps.read++;
        if (!g || OGR_G_IsEmpty(g)) {
            if ((st = note(ctx, r, def->role, fid, ++ps.no_geom, "no geometry", "not counted")))
                goto done;
            OGR_F_Destroy(f);
            continue;
        }
        if ((st = rep_point(ctx, g, to_xy, &pt))) {
            char why[TF_MSG_MAX];
            snprintf(why, sizeof why, "%s", taafi_ctx_message(ctx));
            if (st == TAAFI_ERR_NOMEM)
                goto done;
            if ((st = note(ctx, r, def->role, fid, ++ps.bad_geom, why, "not counted")))
                goto done;
            OGR_F_Destroy(f);
            continue;
        }
        area = tf_areas_locate(ctx, r->areas, pt);
        GEOSGeom_destroy_r(ctx->geos, pt);
        if (area < 0 && (st = note(ctx, r, def->role, fid, ++ps.outside, "outside every area", "not counted")))
            goto done;
        for (k = 0; k < p->n_inds; k++)
            if (states[k] && p->inds[k].layer == (int)li &&
                (st = tf_family_of(p->inds[k].type)->consume(ctx, states[k], area, f)))
                goto done;
        OGR_F_Destroy(f);
    }
    f = NULL;
    if ((st = summary(ctx, r, def->role, ps.no_geom, "without geometry", "not counted")) ||
        (st = summary(ctx, r, def->role, ps.bad_geom, "with unusable geometry", "not counted")) ||
        (st = summary(ctx, r, def->role, ps.outside, "outside every area", "not counted")))
        goto done;
    tf_log(ctx, TAAFI_LOG_INFO, "%s: %zu features read, %zu outside every area, %zu without usable geometry",
           def->role, ps.read, ps.outside, ps.no_geom + ps.bad_geom);
    if (ps.read == 0)
        tf_log(ctx, TAAFI_LOG_WARNING, "%s: no features%s", def->path, def->where ? " pass the 'where' filter" : "");
done:
    if (f)
        OGR_F_Destroy(f);
    tf_reproj_free(to_xy);
    tf_source_close(&src);
    return st;
}

taafi_status taafi_run(taafi_ctx *ctx, const taafi_project *p, taafi_result **out)
{
    taafi_result *r = NULL;
    tf_ind_state **states = NULL;
    taafi_status st;
    size_t li, k;
    if (!ctx || !p || !out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_run: NULL argument") : TAAFI_ERR_USAGE;
    *out = NULL;
    tf_gdal_enter(ctx);
    r = calloc(1, sizeof *r);
    states = calloc(p->n_inds ? p->n_inds : 1, sizeof *states);
    if (!r || !states) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    r->ctx = ctx;
    r->project = p;
    tf_utc_now(r->started);
    if ((st = tf_areas_load(ctx, p, &r->dq, tf_result_add_input, r, &r->areas)))
        goto fail;
    tf_log(ctx, TAAFI_LOG_INFO, "areas: %zu read; analysis CRS EPSG:%d", r->areas->n, r->areas->epsg);
    for (li = 0; li < p->n_layers; li++) {
        int used = 0;
        for (k = 0; k < p->n_inds; k++)
            used |= p->inds[k].layer == (int)li;
        if (!used) {
            tf_log(ctx, TAAFI_LOG_INFO, "%s: no indicator reads this layer; not read", p->layers[li].role);
            continue;
        }
        if ((st = run_pass(ctx, r, li, states)))
            goto fail;
    }
    for (k = 0; k < p->n_inds; k++) {
        const tf_family *fam = tf_family_of(p->inds[k].type);
        if ((st = fam->finish(ctx, &p->inds[k], states[k], r)))
            goto fail;
    }
    tf_utc_now(r->finished);
    for (k = 0; k < p->n_inds; k++)
        if (states[k])
            tf_family_of(p->inds[k].type)->free(states[k]);
    free(states);
    tf_gdal_leave(ctx);
    *out = r;
    return TAAFI_OK;
fail:
    if (states)
        for (k = 0; k < p->n_inds; k++)
            if (states[k])
                tf_family_of(p->inds[k].type)->free(states[k]);
    free(states);
    taafi_result_free(r);
    tf_gdal_leave(ctx);
    return st;
}
