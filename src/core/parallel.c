/* parallel.c: see parallel.h. */
#include "parallel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Items are handed out in runs: worker k starts at the k-th of `parts`
 * equal runs and goes on in order; a worker whose run is done takes the
 * far end of the run with the most left.  Neighbouring items are mostly
 * neighbouring places (areas listed by district, say), so each worker
 * keeps to its own part of the raster and GDAL decompresses each block
 * about once, where handing out items one by one in turn made every block
 * be decompressed by every worker. */
typedef struct run {
    size_t next, end; /* items [next, end) left */
} run;

typedef struct shared {
    taafi_ctx *ctx; /* the caller's: interrupts and the final message */
    const tf_parallel_ops *ops;
    void *user;
    size_t n, started;
    run runs[256];
    int n_runs, joined; /* joined: workers that took a run of their own */
    int failed;
    taafi_status st;
    char msg[TF_MSG_MAX];
    const char *stage; /* progress, reported by the caller's thread */
    pthread_mutex_t lock;
} shared;

static void record(shared *sh, taafi_status st, const char *msg)
{
    pthread_mutex_lock(&sh->lock);
    if (!sh->failed) {
        sh->failed = 1;
        sh->st = st;
        snprintf(sh->msg, sizeof sh->msg, "%s", msg);
    }
    pthread_mutex_unlock(&sh->lock);
}

/* Works items with context `wctx` until none is left or one failed. */
static void work(shared *sh, taafi_ctx *wctx)
{
    tf_worker *w = NULL;
    int me;
    taafi_status st = sh->ops->setup ? sh->ops->setup(wctx, sh->user, &w) : TAAFI_OK;
    if (st) {
        record(sh, st, taafi_ctx_message(wctx));
        return;
    }
    pthread_mutex_lock(&sh->lock);
    me = sh->joined < sh->n_runs ? sh->joined++ : sh->n_runs - 1;
    pthread_mutex_unlock(&sh->lock);
    for (;;) {
        size_t i = sh->n, started = 0;
        pthread_mutex_lock(&sh->lock);
        if (!sh->failed) {
            if (sh->runs[me].next == sh->runs[me].end) { /* take the far end of the longest run */
                int k, best = me;
                for (k = 0; k < sh->n_runs; k++)
                    if (sh->runs[k].end - sh->runs[k].next > sh->runs[best].end - sh->runs[best].next)
                        best = k;
                if (sh->runs[best].end - sh->runs[best].next > 1) {
                    size_t half = (sh->runs[best].end - sh->runs[best].next) / 2;
                    sh->runs[me].next = sh->runs[best].end - half;
                    sh->runs[me].end = sh->runs[best].end;
                    sh->runs[best].end -= half;
                } else if (sh->runs[best].end > sh->runs[best].next)
                    me = best;
            }
            if (sh->runs[me].next < sh->runs[me].end) {
                i = sh->runs[me].next++;
                started = sh->started++;
            }
        }
        pthread_mutex_unlock(&sh->lock);
        if (i >= sh->n)
            break;
        if (sh->ctx->interrupted)
            wctx->interrupted = 1;
        if (wctx == sh->ctx && sh->stage)
            tf_progress(wctx, sh->stage, started, sh->n);
        if ((st = tf_check_interrupt(wctx)) || (st = sh->ops->item(wctx, w, i, sh->user))) {
            record(sh, st, taafi_ctx_message(wctx));
            break;
        }
    }
    if (sh->ops->teardown)
        sh->ops->teardown(wctx, w);
}

static void *thread_main(void *arg)
{
    shared *sh = arg;
    taafi_ctx *wctx = NULL;
    /* a worker's warnings go where the caller's go; its memory comes from
     * the caller's allocator */
    if (tf_ctx_new_child(sh->ctx, &wctx) != TAAFI_OK) {
        record(sh, TAAFI_ERR_NOMEM, "out of memory starting a worker");
        return NULL;
    }
    work(sh, wctx);
    taafi_ctx_free(wctx);
    return NULL;
}

taafi_status tf_parallel_for(taafi_ctx *ctx, size_t n, const tf_parallel_ops *ops, void *user)
{
    return tf_parallel_for_stage(ctx, NULL, n, ops, user);
}

taafi_status tf_parallel_for_stage(taafi_ctx *ctx, const char *stage, size_t n, const tf_parallel_ops *ops,
                                   void *user)
{
    shared sh;
    pthread_t th[256];
    int t, started = 0, want = ctx->threads;
    if (n == 0)
        return TAAFI_OK;
    memset(&sh, 0, sizeof sh);
    sh.ctx = ctx;
    sh.ops = ops;
    sh.user = user;
    sh.n = n;
    sh.stage = stage;
    pthread_mutex_init(&sh.lock, NULL);
    if (want > (int)n)
        want = (int)n;
    if (want < 1)
        want = 1;
    sh.n_runs = want;
    for (t = 0; t < want; t++) {
        sh.runs[t].next = n * (size_t)t / (size_t)want;
        sh.runs[t].end = n * (size_t)(t + 1) / (size_t)want;
    }
    for (t = 1; t < want; t++)
        if (pthread_create(&th[started], NULL, thread_main, &sh) == 0)
            started++;
    work(&sh, ctx); /* the caller's thread works too, on its own context */
    for (t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&sh.lock);
    if (stage && !sh.failed)
        tf_progress(ctx, stage, n, n);
    if (sh.failed)
        return tf_error(ctx, sh.st, "%s", sh.msg);
    return TAAFI_OK;
}
