/*
 * background.c: the per-area indicators (population raster sums, coverage)
 * computed beside the passes over the big layers.
 *
 * Their work needs no point of a damage layer: only the areas, the
 * raster and the facilities, whose (small) passes run first.  So while the
 * caller's thread streams the remaining layers, one thread of our own
 * finishes them, on its own context (its own GEOS and PROJ handles, GDAL
 * datasets of its own), into a result part of its own.  The caller merges
 * the parts in the project's order afterwards, so that every output is the
 * same whatever ran when: with one thread (ctx->threads == 1) the same work
 * is done in the same order, only not side by side.
 *
 * Shared while both run, and only read: the project, the areas (their GEOS
 * geometries are read, never changed, by both) and the states the first
 * passes filled.  Progress goes through the caller's thread only (the
 * API's promise): the thread leaves its stage in a snapshot, which the
 * caller shows while it waits.
 */
#include "background.h"

#include "families/indicator.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tf_bg {
    taafi_ctx *ctx;                 /* the thread's own; NULL when inline */
    const taafi_result *r;
    tf_ind_state **states;
    const unsigned char *in_bg;
    taafi_result *part;
    pthread_t thread;
    int started;
    taafi_status st;
    pthread_mutex_t lock;           /* guards what follows */
    pthread_cond_t finished;        /* signalled when done is set */
    int done;
    char stage[160];
    uint64_t at, total;
};

/* The thread's progress, kept for the caller to show. */
static void snapshot(const char *stage, uint64_t done, uint64_t total, void *user)
{
    tf_bg *bg = user;
    pthread_mutex_lock(&bg->lock);
    snprintf(bg->stage, sizeof bg->stage, "%s", stage);
    bg->at = done;
    bg->total = total;
    pthread_mutex_unlock(&bg->lock);
}

/* The background indicator after the population `pop` that walks its
 * cells anyway and can sum them for it (tf_family.finish_summing), or -1. */
static long population_walker(const tf_bg *bg, size_t pop)
{
    const taafi_project *p = bg->r->project;
    size_t k;
    if (!bg->in_bg[pop] || !tf_family_of(p->inds[pop].type)->finish_deferred)
        return -1;
    for (k = pop + 1; k < p->n_inds; k++)
        if (bg->in_bg[k] && tf_family_of(p->inds[k].type)->finish_summing)
            return (long)k;
    return -1;
}

/* Every background indicator, in the project's order, into the part.  The
 * population's column is summed by the first later indicator that walks
 * the same cells (one pass over the raster fewer, bit for bit the same
 * sums): the two are paired here, not through the result. */
static taafi_status work(taafi_ctx *ctx, tf_bg *bg)
{
    const taafi_project *p = bg->r->project;
    long walker = p->population >= 0 ? population_walker(bg, (size_t)p->population) : -1;
    double *pending = NULL; /* the population's values, to come */
    size_t k, nodata = 0;
    taafi_status st = TAAFI_OK;
    tf_gdal_enter(ctx);
    for (k = 0; k < p->n_inds && !st; k++) {
        const tf_family *fam = tf_family_of(p->inds[k].type);
        if (!bg->in_bg[k] || (st = tf_check_interrupt(ctx)))
            continue;
        if (walker >= 0 && k == (size_t)p->population)
            st = fam->finish_deferred(ctx, &p->inds[k], bg->states[k], bg->part, &pending);
        else if (walker >= 0 && k == (size_t)walker) {
            st = fam->finish_summing(ctx, &p->inds[k], bg->states[k], bg->part, pending, &nodata);
            if (!st)
                st = tf_note_nodata(ctx, bg->part, &p->inds[p->population], nodata);
        } else
            st = fam->finish(ctx, &p->inds[k], bg->states[k], bg->part);
    }
    tf_gdal_leave(ctx);
    return st;
}

static void *thread_main(void *arg)
{
    tf_bg *bg = arg;
    taafi_status st;
    tf_enter(bg->ctx);
    st = work(bg->ctx, bg);
    pthread_mutex_lock(&bg->lock);
    bg->st = st;
    bg->done = 1;
    pthread_cond_signal(&bg->finished);
    pthread_mutex_unlock(&bg->lock);
    return NULL;
}

int tf_bg_wanted(const taafi_project *p, size_t k)
{
    return tf_family_per_area(p->inds[k].type);
}

taafi_status tf_bg_start(taafi_ctx *ctx, const taafi_result *r, tf_ind_state **states, const unsigned char *in_bg,
                         tf_bg **out)
{
    tf_bg *bg = tf_calloc(1, sizeof *bg);
    taafi_status st;
    int any = 0;
    *out = NULL;
    if (!bg)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&bg->lock, NULL);
    pthread_cond_init(&bg->finished, NULL);
    bg->r = r;
    bg->states = states;
    bg->in_bg = in_bg;
    if ((st = tf_result_part_new(ctx, r, &bg->part)))
        goto fail;
    for (size_t k = 0; k < r->project->n_inds; k++)
        any |= in_bg[k];
    if (ctx->threads > 1 && any) {
        if (tf_ctx_new_child(ctx, &bg->ctx) != TAAFI_OK) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        taafi_ctx_set_threads(bg->ctx, ctx->threads);
        taafi_ctx_set_progress(bg->ctx, snapshot, bg);
        bg->part->ctx = bg->ctx; /* the part's geometries are made there */
        if (pthread_create(&bg->thread, NULL, thread_main, bg) == 0) {
            bg->started = 1;
            *out = bg;
            return TAAFI_OK;
        }
        /* no thread to be had: done here, below */
        taafi_ctx_free(bg->ctx);
        bg->ctx = NULL;
        bg->part->ctx = ctx;
    }
    if ((st = work(ctx, bg)))
        goto fail;
    bg->done = 1;
    *out = bg;
    return TAAFI_OK;
fail:
    tf_bg_free(bg);
    return st;
}

taafi_status tf_bg_join(taafi_ctx *ctx, tf_bg *bg, taafi_result **part)
{
    taafi_status st;
    *part = NULL;
    if (bg->started) {
        /* show the thread's stage while waiting (woken at once when it is
         * done, else ten times a second); pass an interrupt on */
        pthread_mutex_lock(&bg->lock);
        while (!bg->done) {
            char stage[160];
            uint64_t at = bg->at, total = bg->total;
            struct timespec until;
            snprintf(stage, sizeof stage, "%s", bg->stage);
            pthread_mutex_unlock(&bg->lock);
            if (ctx->interrupted)
                bg->ctx->interrupted = 1;
            if (stage[0])
                tf_progress(ctx, stage, at, total);
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 100 * 1000 * 1000;
            if (until.tv_nsec >= 1000 * 1000 * 1000) {
                until.tv_sec++;
                until.tv_nsec -= 1000 * 1000 * 1000;
            }
            pthread_mutex_lock(&bg->lock);
            if (!bg->done)
                pthread_cond_timedwait(&bg->finished, &bg->lock, &until);
        }
        pthread_mutex_unlock(&bg->lock);
        pthread_join(bg->thread, NULL);
        bg->started = 0;
        if (bg->stage[0] && bg->total)
            tf_progress(ctx, bg->stage, bg->total, bg->total);
        if ((st = bg->st))
            return tf_error(ctx, st, "%s", taafi_ctx_message(bg->ctx));
    }
    /* the part's geometries now belong to the caller's context */
    bg->part->ctx = ctx;
    *part = bg->part;
    bg->part = NULL;
    return TAAFI_OK;
}

void tf_bg_free(tf_bg *bg)
{
    if (!bg)
        return;
    if (bg->started) { /* the caller failed first: stop the thread */
        bg->ctx->interrupted = 1;
        pthread_join(bg->thread, NULL);
    }
    if (bg->part)
        bg->part->ctx = bg->ctx ? bg->ctx : bg->part->ctx;
    taafi_result_free(bg->part);
    taafi_ctx_free(bg->ctx);
    pthread_cond_destroy(&bg->finished);
    pthread_mutex_destroy(&bg->lock);
    tf_free(bg);
}
