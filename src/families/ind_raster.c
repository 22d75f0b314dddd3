/*
 * ind_raster.c: raster_sum: the sum of a raster's cells under each area,
 * with exact cell-coverage fractions (see raster/raster.c).  With a
 * WorldPop- or GHSL-style raster of persons per cell this is the number of
 * residents per area, which then feeds every per-capita figure.  Areas are
 * shared among ctx->threads workers, each with its own raster handle.
 */
#include "core/parallel.h"
#include "raster/raster.h"
#include "indicator.h"

#include <cpl_string.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct job {
    const tf_indicator_def *def;
    const tf_areas *areas;
    double *v;
    size_t *nodata; /* per area, summed in area order afterwards */
} job;

static taafi_status setup(taafi_ctx *wctx, void *user, tf_worker **out)
{
    job *j = user;
    return tf_raster_open(wctx, j->def->source, j->def->band, j->areas->epsg, (tf_raster **)out);
}

static void teardown(taafi_ctx *wctx, tf_worker *w)
{
    (void)wctx;
    tf_raster_close((tf_raster *)w);
}

static taafi_status item(taafi_ctx *wctx, tf_worker *w, size_t a, void *user)
{
    job *j = user;
    taafi_status st = tf_raster_sum(wctx, (const tf_raster *)w, j->areas->geom[a], &j->v[a], &j->nodata[a]);
    if (st) {
        char why[TF_MSG_MAX];
        snprintf(why, sizeof why, "%s", taafi_ctx_message(wctx));
        st = tf_error(wctx, st, "%s: area %s: %s", j->def->source, j->areas->id[a], why);
    }
    return st;
}

/* The column, its values to come; the raster's files recorded.  The
 * raster is opened here to fail early with a clear message. */
static taafi_status make_column(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *state, taafi_result *r,
                                double **values_out)
{
    tf_raster *ras = NULL;
    taafi_status st;
    (void)state;
    *values_out = NULL;
    if ((st = tf_raster_open(ctx, def->source, def->band, r->areas->epsg, &ras)))
        return st;
    if ((st = tf_raster_check_cells(ctx, ras, r->areas, r->project->limit_raster_cells))) {
        tf_raster_close(ras);
        return st;
    }
    {
        char **files = GDALGetFileList(ras->ds), **f;
        for (f = files; f && *f && !st; f++)
            st = tf_result_add_input(ctx, def->id, *f, NULL, r);
        CSLDestroy(files);
    }
    tf_raster_close(ras);
    return st ? st : tf_result_add_column(ctx, r, def->id, def, 0, def->unit ? def->unit : "", values_out);
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *state, taafi_result *r)
{
    static const tf_parallel_ops ops = {setup, item, teardown};
    job j = {def, r->areas, NULL, NULL};
    size_t a, nodata_all = 0;
    taafi_status st;
    if ((st = make_column(ctx, def, state, r, &j.v)))
        return st;
    if (!(j.nodata = tf_calloc(r->areas->n ? r->areas->n : 1, sizeof *j.nodata)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    {
        char stage[128];
        snprintf(stage, sizeof stage, "raster %s", def->id);
        st = tf_parallel_for_stage(ctx, stage, r->areas->n, &ops, &j);
    }
    for (a = 0; a < r->areas->n; a++)
        nodata_all += j.nodata[a];
    tf_free(j.nodata);
    return st ? st : tf_note_nodata(ctx, r, def, nodata_all);
}

/* Areas that the raster does not cover, or covers in part: a sum over
 * the cells there would be 0 or too small, and look like a number.  An
 * area off the raster (under 0.1 % on it) is left NULL; one partly on it
 * (under 99 %) keeps its sum, with a note of the share. */
static taafi_status note_outside(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, const tf_raster *ras)
{
    long col = tf_result_column_index(r, def->id);
    GEOSGeometry *ext = NULL;
    const GEOSPreparedGeometry *prep = NULL;
    taafi_status st;
    char problem[1024];
    if (col < 0)
        return TAAFI_OK;
    if ((st = tf_raster_extent(ctx, ras, &ext)))
        goto done;
    if (!(prep = GEOSPrepare_r(ctx->geos, ext))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (size_t a = 0; a < r->areas->n && !st; a++) {
        const GEOSGeometry *g = r->areas->geom[a];
        GEOSGeometry *in;
        double on = 0, all = 0, share;
        if (GEOSPreparedContains_r(ctx->geos, prep, g) == 1)
            continue;
        if (!(in = GEOSIntersection_r(ctx->geos, ext, g))) {
            st = tf_error(ctx, TAAFI_ERR_GEOM, "%s: area %s: cannot intersect it with the raster's extent: %s",
                          def->source, r->areas->id[a], tf_lib_error(ctx));
            break;
        }
        GEOSArea_r(ctx->geos, in, &on);
        GEOSArea_r(ctx->geos, g, &all);
        GEOSGeom_destroy_r(ctx->geos, in);
        share = all > 0 ? on / all : 1;
        if (share < 0.001) {
            r->cols[col].v[a] = NAN;
            snprintf(problem, sizeof problem, "area %s lies outside the raster %s", r->areas->id[a], def->source);
            st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "left NULL: the raster says nothing of it");
        } else if (share < 0.99) {
            snprintf(problem, sizeof problem, "only %.1f %% of area %s lies on the raster %s", 100 * share,
                     r->areas->id[a], def->source);
            st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "summed over that part only");
        }
    }
done:
    if (prep)
        GEOSPreparedGeom_destroy_r(ctx->geos, prep);
    if (ext)
        GEOSGeom_destroy_r(ctx->geos, ext);
    return st;
}

taafi_status tf_note_nodata(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, size_t n)
{
    char problem[1024];
    tf_raster *ras = NULL;
    taafi_status st = tf_raster_open(ctx, def->source, def->band, r->areas->epsg, &ras);
    if (!st)
        st = note_outside(ctx, r, def, ras);
    if (!st && n) {
        if (!ras->has_nodata)
            snprintf(problem, sizeof problem,
                     "%zu nodata cell(s) under the areas; %s declares no nodata value, so NaN, -9999, -32768 and "
                     "values beyond +-1e20 were taken as nodata",
                     n, def->source);
        else
            snprintf(problem, sizeof problem, "%zu nodata cell(s) under the areas", n);
        st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "counted as no residents");
    }
    tf_raster_close(ras);
    return st;
}

static taafi_status check_source(taafi_ctx *ctx, const tf_indicator_def *d, int epsg, tf_buf *b)
{
    tf_raster *ras = NULL;
    taafi_status st;
    tf_buf_printf(b, "raster for indicator %s:\n", d->id);
    if ((st = tf_raster_open(ctx, d->source, d->band, epsg, &ras)))
        return st;
    tf_buf_printf(b, "  file %s, band %d of %d, %d x %d cells of %g x %g, CRS %s\n", d->source, d->band,
                  GDALGetRasterCount(ras->ds), ras->nx, ras->ny, ras->gt[1], -ras->gt[5], OSRGetName(ras->srs));
    tf_raster_close(ras);
    return TAAFI_OK;
}

const tf_family tf_family_raster_sum = {.type = TF_IND_RASTER_SUM,
                                        .finish = finish,
                                        .per_area = 1,
                                        .finish_deferred = make_column,
                                        .own_source = TF_OWN_RASTER,
                                        .check_source = check_source};

/* The project-file keys of raster_sum: source, band. */
static taafi_status raster_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    const yaml_node_t *v;
    double band = 1;
    taafi_status st;
    if ((st = pj_need(ps, m, d, "source", "give the path of the raster (a GeoTIFF of persons per cell, say)")) ||
        (st = pj_own_source(ps, m, d)))
        return st;
    if ((v = pj_get(ps, m, "band")) && (st = pj_number(ps, v, "band", &band)))
        return st;
    if (band < 1 || band != (double)(int)band)
        return pj_perr(ps, v, "'band' must be a band number, 1 or more");
    d->band = (int)band;
    return TAAFI_OK;
}

static const char *const KEYS[] = {"source", "band", NULL};
const tf_family_keys tf_keys_raster_sum = {.type = "raster_sum", .keys = KEYS, .parse = raster_keys,
                                           .flags = TF_KEYS_ROUND_SOURCE};
