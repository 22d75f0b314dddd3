/* run_rounds.c: the rounds of a project computed (rounds/) and written
 * (output/) as one run: taafi_run_rounds, and the rounds of
 * taafi_project_run (pipeline.c). */
#include "run_rounds.h"

#include <stdlib.h>
#include <string.h>

taafi_status tf_pipeline_rounds(taafi_ctx *ctx, const taafi_project *p, const char *round, const char *dir,
                                const char *out_dir, unsigned flags, taafi_result **latest_out, char run_id[33])
{
    tf_rounds *t = NULL;
    tf_rounds_stored stored = {0};
    taafi_result *latest = NULL;
    int is_last = 0;
    taafi_status st = TAAFI_OK;
    *latest_out = NULL;
    if (round) {
        /* the other rounds, as an earlier run stored them in DIR */
        char *gpkg = tf_sprintf("%s/%s", dir, p->out_gpkg ? p->out_gpkg : "recovery.gpkg");
        st = gpkg ? tf_rounds_load(ctx, gpkg, &stored) : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        tf_free(gpkg);
    }
    if (!st)
        st = tf_rounds_compute(ctx, p, round, &stored, &t, &latest, &is_last);
    tf_rounds_stored_free(&stored);
    if (!st) {
        st = tf_output_write(ctx, latest, t, out_dir, flags);
        if (run_id)
            memcpy(run_id, latest->run_id, 33);
    }
    if (!st && is_last) {
        *latest_out = latest; /* for maps and scenarios */
        latest = NULL;
    }
    taafi_result_free(latest);
    tf_rounds_free(t);
    return st;
}

taafi_status taafi_run_rounds(taafi_ctx *ctx, const taafi_project *p, const char *only, const char *dir,
                              unsigned flags, taafi_result **latest_out)
{
    tf_enter(ctx);
    taafi_result *latest = NULL;
    taafi_status st;
    if (latest_out)
        *latest_out = NULL;
    if (!ctx || !p || !dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_run_rounds: NULL argument") : TAAFI_ERR_USAGE;
    st = tf_pipeline_rounds(ctx, p, only, dir, dir, flags, &latest, NULL);
    if (latest_out)
        *latest_out = latest;
    else
        taafi_result_free(latest);
    return st;
}
