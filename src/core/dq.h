/*
 * dq.h: the data-quality log that travels beside the analysis.  Every stage
 * records what it repaired, skipped or doubted, so a user can see why a
 * number is what it is.  Written to the `data_quality` table.
 */
#ifndef TAAFI_DQ_H
#define TAAFI_DQ_H

#include "core.h"

typedef struct tf_dq_item {
    char *layer;   /* input role, e.g. "areas", "damage"      */
    int64_t fid;   /* feature id in that layer, -1: the layer */
    char *problem; /* what was found                          */
    char *action;  /* what taafi did about it                 */
} tf_dq_item;

typedef struct tf_dq {
    tf_dq_item *items;
    size_t n, cap;
} tf_dq;

/* Appends a record; the strings are copied. */
taafi_status tf_dq_add(taafi_ctx *ctx, tf_dq *dq, const char *layer, int64_t fid, const char *problem,
                       const char *action);
void tf_dq_free(tf_dq *dq);

/* Moves the records of `from` into `dq` before its record `at` (at most
 * dq->n), leaving `from` empty. */
taafi_status tf_dq_insert(taafi_ctx *ctx, tf_dq *dq, size_t at, tf_dq *from);

#endif
