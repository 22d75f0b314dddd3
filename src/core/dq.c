/* dq.c: the data-quality log. */
#include "dq.h"

#include <stdlib.h>
#include <string.h>

taafi_status tf_dq_add(taafi_ctx *ctx, tf_dq *dq, const char *layer, int64_t fid, const char *problem,
                       const char *action)
{
    tf_dq_item *it;
    if (dq->n == dq->cap) {
        size_t cap = dq->cap ? dq->cap * 2 : 16;
        tf_dq_item *items = tf_realloc(dq->items, cap * sizeof *items);
        if (!items)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory recording a data-quality note");
        dq->items = items;
        dq->cap = cap;
    }
    it = &dq->items[dq->n];
    it->layer = tf_strdup(layer);
    it->problem = tf_strdup(problem);
    it->action = tf_strdup(action);
    it->fid = fid;
    if (!it->layer || !it->problem || !it->action) {
        tf_free(it->layer);
        tf_free(it->problem);
        tf_free(it->action);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory recording a data-quality note");
    }
    dq->n++;
    return TAAFI_OK;
}

void tf_dq_free(tf_dq *dq)
{
    size_t i;
    if (!dq)
        return;
    for (i = 0; i < dq->n; i++) {
        tf_free(dq->items[i].layer);
        tf_free(dq->items[i].problem);
        tf_free(dq->items[i].action);
    }
    tf_free(dq->items);
    dq->items = NULL;
    dq->n = dq->cap = 0;
}

taafi_status tf_dq_insert(taafi_ctx *ctx, tf_dq *dq, size_t at, tf_dq *from)
{
    tf_dq_item *items;
    if (!from->n)
        return TAAFI_OK;
    if (at > dq->n)
        at = dq->n;
    if (!(items = tf_malloc((dq->n + from->n) * sizeof *items)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory recording a data-quality note");
    if (at)
        memcpy(items, dq->items, at * sizeof *items);
    memcpy(items + at, from->items, from->n * sizeof *items);
    if (dq->n > at)
        memcpy(items + at + from->n, dq->items + at, (dq->n - at) * sizeof *items);
    tf_free(dq->items);
    dq->items = items;
    dq->n = dq->cap = dq->n + from->n;
    tf_free(from->items); /* the strings moved */
    from->items = NULL;
    from->n = from->cap = 0;
    return TAAFI_OK;
}
