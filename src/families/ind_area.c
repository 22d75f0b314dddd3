/* ind_area.c: the area of each area in km², in the analysis CRS. */
#include "indicator.h"

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    double *v;
    size_t i;
    taafi_status st = tf_result_add_column(ctx, r, def->id, def, 0, "km2", &v);
    (void)s;
    if (st)
        return st;
    for (i = 0; i < r->areas->n; i++)
        v[i] = r->areas->area_km2[i];
    return TAAFI_OK;
}

const tf_family tf_family_area = {.type = TF_IND_AREA, .finish = finish};
