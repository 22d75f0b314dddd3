/* run_rounds.c: taafi_run_rounds, the rounds computed (rounds/) and then
 * written (output/) as one run. */
#include "output/writers.h"

#include <stdlib.h>

taafi_status taafi_run_rounds(taafi_ctx *ctx, const taafi_project *p, const char *only, const char *dir,
                              unsigned flags, taafi_result **latest_out)
{
    tf_rounds *t = NULL;
    tf_rounds_stored stored = {0};
    taafi_result *latest = NULL;
    int is_last = 0;
    taafi_status st;
    if (latest_out)
        *latest_out = NULL;
    if (!ctx || !p || !dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_run_rounds: NULL argument") : TAAFI_ERR_USAGE;
    if (only) {
        char *gpkg = tf_sprintf("%s/%s", dir, p->out_gpkg ? p->out_gpkg : "recovery.gpkg");
        st = gpkg ? tf_rounds_load(ctx, gpkg, &stored) : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        free(gpkg);
        if (st)
            goto done;
    }
    if ((st = tf_rounds_compute(ctx, p, only, &stored, &t, &latest, &is_last)))
        goto done;
    st = tf_output_write(ctx, latest, t, dir, flags);
    if (!st && latest_out && is_last) {
        *latest_out = latest; /* for maps */
        latest = NULL;
    }
done:
    tf_rounds_stored_free(&stored);
    taafi_result_free(latest);
    tf_rounds_free(t);
    return st;
}
