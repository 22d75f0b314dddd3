/* parallel.c: see parallel.h. */
#include "parallel.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct shared {
    taafi_ctx *ctx; /* the caller's: interrupts and the final message */
    const tf_parallel_ops *ops;
    void *user;
    size_t n, next;
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
    taafi_status st = sh->ops->setup ? sh->ops->setup(wctx, sh->user, &w) : TAAFI_OK;
    if (st) {
        record(sh, st, taafi_ctx_message(wctx));
        return;
    }
    for (;;) {
        size_t i;
        pthread_mutex_lock(&sh->lock);
        i = sh->failed ? sh->n : sh->next++;
        pthread_mutex_unlock(&sh->lock);
        if (i >= sh->n)
            break;
        if (sh->ctx->interrupted)
            wctx->interrupted = 1;
        if (wctx == sh->ctx && sh->stage)
            tf_progress(wctx, sh->stage, i, sh->n);
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
    if (taafi_ctx_new(&wctx) != TAAFI_OK) {
        record(sh, TAAFI_ERR_NOMEM, "out of memory starting a worker");
        return NULL;
    }
    /* a worker's warnings go where the caller's go */
    taafi_ctx_set_log(wctx, sh->ctx->log_min, sh->ctx->log, sh->ctx->log_user);
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
