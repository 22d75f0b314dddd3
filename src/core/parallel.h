/*
 * parallel.h: per-item work on ctx->threads threads.  Each worker has a
 * context of its own (its GEOS handle and PROJ context; GDAL handles are
 * opened per worker in `setup`), takes items in runs of neighbours (see
 * parallel.c), and writes only what belongs to its item: results never
 * depend on the number of threads or on who did what.  With one thread everything runs
 * on the caller's context, in order.
 */
#ifndef TAAFI_PARALLEL_H
#define TAAFI_PARALLEL_H

#include "core.h"

typedef struct tf_worker tf_worker; /* a worker's own state, the caller's type */

typedef struct tf_parallel_ops {
    /* Makes a worker's state (may be NULL: then *out stays NULL). */
    taafi_status (*setup)(taafi_ctx *wctx, void *user, tf_worker **out);
    /* Item i. */
    taafi_status (*item)(taafi_ctx *wctx, tf_worker *w, size_t i, void *user);
    /* Frees a worker's state (accepts NULL). */
    void (*teardown)(taafi_ctx *wctx, tf_worker *w);
} tf_parallel_ops;

/* Runs ops->item for i in [0, n).  The first error stops the others and
 * lands in ctx's message.  Interrupts on ctx reach every worker. */
taafi_status tf_parallel_for(taafi_ctx *ctx, size_t n, const tf_parallel_ops *ops, void *user);

/* The same, reporting progress as stage `stage` (items started). */
taafi_status tf_parallel_for_stage(taafi_ctx *ctx, const char *stage, size_t n, const tf_parallel_ops *ops,
                                   void *user);

#endif
