/*
 * background.h: per-area indicators finished beside the passes; see
 * background.c.
 */
#ifndef TAAFI_BACKGROUND_H
#define TAAFI_BACKGROUND_H

#include "families/indicator.h"
#include "result/result.h"

typedef struct tf_bg tf_bg;

/* Whether indicator k of `p` is finished in the background (it reads no
 * big layer: raster sums, coverage). */
int tf_bg_wanted(const taafi_project *p, size_t k);

/* Finishes the indicators flagged in `in_bg` into a part of `r`: on a
 * thread of its own when ctx->threads > 1, else here and now.  `r`'s
 * areas and project and the flagged `states` must stay unchanged until
 * tf_bg_join. */
taafi_status tf_bg_start(taafi_ctx *ctx, const taafi_result *r, tf_ind_state **states, const unsigned char *in_bg,
                         tf_bg **out);

/* Waits for the work (showing its progress on ctx) and hands over its
 * part, which the caller then owns (tf_result_merge takes it). */
taafi_status tf_bg_join(taafi_ctx *ctx, tf_bg *bg, taafi_result **part);

/* Stops and waits for the work if still running, frees what is left.
 * NULL is fine. */
void tf_bg_free(tf_bg *bg);

#endif
