/*
 * ind_raster.c: raster_sum: the sum of a raster's cells under each area,
 * with exact cell-coverage fractions (see raster/raster.c).  With a
 * WorldPop- or GHSL-style raster of persons per cell this is the number of
 * residents per area, which then feeds every per-capita figure.
 */
#include "../raster/raster.h"
#include "indicator.h"

#include <cpl_string.h>
#include <stdio.h>

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *state, taafi_result *r)
{
    tf_raster *ras = NULL;
    double *v;
    size_t a, nodata_all = 0;
    taafi_status st;
    (void)state;
    if ((st = tf_raster_open(ctx, def->source, def->band, r->areas->epsg, &ras)))
        return st;
    {
        char **files = GDALGetFileList(ras->ds), **f;
        for (f = files; f && *f && !st; f++) {
            char hex[65];
            if (!(st = tf_sha256_file(ctx, *f, hex)))
                st = tf_result_add_input(ctx, def->id, *f, hex, r);
        }
        CSLDestroy(files);
        if (st)
            goto done;
    }
    if ((st = tf_result_add_column(ctx, r, def->id, def, 0, def->unit ? def->unit : "", &v)))
        goto done;
    for (a = 0; a < r->areas->n; a++) {
        size_t nodata = 0;
        if ((st = tf_raster_sum(ctx, ras, r->areas->geom[a], &v[a], &nodata))) {
            char why[TF_MSG_MAX];
            snprintf(why, sizeof why, "%s", taafi_ctx_message(ctx));
            st = tf_error(ctx, st, "%s: area %s: %s", def->source, r->areas->id[a], why);
            goto done;
        }
        nodata_all += nodata;
    }
    if (nodata_all) {
        char problem[256];
        snprintf(problem, sizeof problem, "%zu nodata cell(s) under the areas", nodata_all);
        st = tf_dq_add(ctx, &r->dq, def->id, -1, problem, "counted as no residents");
    }
done:
    tf_raster_close(ras);
    return st;
}

const tf_family tf_family_raster_sum = {TF_IND_RASTER_SUM, 0, NULL, NULL, finish, NULL};
