/* overlaps.c: areas that overlap, found at load or beside the analysis on
 * threads of their own (tf_areas_overlaps_start/join), noted in the
 * areas' order whichever thread found them. */
#include "areas.h"
#include "core/parallel.h"
#include "io/ingest.h"
#include "geom/reproj.h"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Overlapping areas: a point in the overlap belongs to the first of them
 * (areas.overlaps: first, the default) or the run stops (overlaps: error).
 * Either way every overlap of more than OVERLAP_M2 is reported with its
 * area; touching neighbours and slivers from rounding are not. */
#define OVERLAP_M2 1.0

taafi_status tf_areas_check_overlaps(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a, tf_dq *dq,
                                   size_t i0, size_t i1)
{
    size_t i, k, *cand = NULL, n = 0, cap = 0;
    taafi_status st = TAAFI_OK;
    for (i = i0; i < i1 && !st; i++) {
        if ((st = tf_areas_candidates(ctx, a, a->geom[i], &cand, &n, &cap)))
            break;
        for (k = 0; k < n && !st; k++) {
            size_t j = cand[k];
            GEOSGeometry *x;
            double m2 = 0;
            char problem[512];
            /* do the interiors meet?  One relate: a prepared intersects
             * first built each area's point-in-area index (a hundred MB
             * with real boundaries) to spare a relate the pair needed
             * anyway.  GEOS failing (2): the intersection below says so. */
            if (j <= i || GEOSRelatePattern_r(ctx->geos, a->geom[i], a->geom[j], "T********") == 0)
                continue;
            if (!(x = GEOSIntersection_r(ctx->geos, a->geom[i], a->geom[j]))) {
                st = tf_error(ctx, TAAFI_ERR_GEOM, "areas %s and %s: cannot intersect them: %s", a->id[i], a->id[j],
                              tf_lib_error(ctx));
                break;
            }
            GEOSArea_r(ctx->geos, x, &m2);
            GEOSGeom_destroy_r(ctx->geos, x);
            if (m2 <= OVERLAP_M2)
                continue;
            if (p->overlap_error) {
                st = tf_error(ctx, TAAFI_ERR_DATA,
                              "%s: areas %s and %s overlap by %.0f m2; fix the boundaries, or set 'overlaps: first' "
                              "under areas to count points in an overlap in the first of them",
                              p->areas.path, a->id[i], a->id[j], m2);
                break;
            }
            snprintf(problem, sizeof problem, "overlaps area %s by %.1f m2", a->id[j], m2);
            tf_log(ctx, TAAFI_LOG_WARNING, "%s: areas %s and %s overlap by %.0f m2; points there count in %s",
                   p->areas.path, a->id[i], a->id[j], m2, a->id[i]);
            st = tf_dq_add(ctx, dq, "areas", (int64_t)OGR_F_GetFID(a->feat[i]), problem,
                           "features in the overlap counted in this area (overlaps: first)");
        }
    }
    tf_free(cand);
    return st;
}

/* The check beside the analysis is shared out among ctx->threads parts,
 * each a thread with its own context (its GEOS handle: the areas are only
 * read), over its own run of areas (an
 * overlap is found from the first area of the pair).  A part's notes, and
 * its warnings (kept, not printed), are taken in the order of the parts:
 * the same whatever the number of threads. */
typedef struct overlap_part {
    taafi_ctx *ctx; /* the thread's own */
    const taafi_project *p;
    const tf_areas *a;
    size_t i0, i1;  /* its areas */
    tf_dq dq;
    tf_buf log;     /* its warnings, a line each */
    taafi_status st;
    char msg[TF_MSG_MAX];
    pthread_t thread;
    int started; /* a thread to join */
} overlap_part;

struct tf_overlaps {
    overlap_part *parts;
    int n_parts;
};

static void keep_log(taafi_log_level level, const char *message, void *user)
{
    overlap_part *o = user;
    (void)level; /* warnings only: the context's threshold */
    tf_buf_printf(&o->log, "%s\n", message);
}

static void *overlaps_main(void *arg)
{
    overlap_part *o = arg;
    tf_enter(o->ctx);
    o->st = tf_areas_check_overlaps(o->ctx, o->p, o->a, &o->dq, o->i0, o->i1);
    if (o->st)
        snprintf(o->msg, sizeof o->msg, "%s", taafi_ctx_message(o->ctx));
    return NULL;
}

taafi_status tf_areas_overlaps_start(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a, tf_overlaps **out)
{
    tf_overlaps *o = tf_calloc(1, sizeof *o);
    int k, n = ctx->threads > 1 ? ctx->threads : 1;
    *out = NULL;
    if ((size_t)n > a->n)
        n = a->n ? (int)a->n : 1;
    if (!o || !(o->parts = tf_calloc((size_t)n, sizeof *o->parts))) {
        tf_free(o);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    o->n_parts = n;
    for (k = 0; k < n; k++) {
        overlap_part *pt = &o->parts[k];
        if (taafi_ctx_new_with_allocator(ctx->alloc, &pt->ctx) != TAAFI_OK) {
            tf_areas_overlaps_join(ctx, o, NULL, 0);
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
        taafi_ctx_set_log(pt->ctx, TAAFI_LOG_WARNING, keep_log, pt);
        pt->p = p;
        pt->a = a;
        /* pairs are fewer towards the end (each is found from its first
         * area), but not by much among neighbours: equal runs */
        pt->i0 = a->n * (size_t)k / (size_t)n;
        pt->i1 = a->n * (size_t)(k + 1) / (size_t)n;
    }
    for (k = 0; k < n; k++) {
        overlap_part *pt = &o->parts[k];
        if (pthread_create(&pt->thread, NULL, overlaps_main, pt) == 0)
            pt->started = 1;
        else
            overlaps_main(pt); /* no thread to be had: here and now */
    }
    *out = o;
    return TAAFI_OK;
}

taafi_status tf_areas_overlaps_join(taafi_ctx *ctx, tf_overlaps *o, tf_dq *dq, size_t at)
{
    taafi_status st = TAAFI_OK;
    int k;
    if (!o)
        return TAAFI_OK;
    for (k = 0; k < o->n_parts; k++)
        if (o->parts[k].started)
            pthread_join(o->parts[k].thread, NULL);
    for (k = 0; k < o->n_parts; k++) {
        overlap_part *pt = &o->parts[k];
        /* after a failure (dq NULL) its message stays */
        if (dq && !st && pt->st)
            st = tf_error(ctx, pt->st, "%s", pt->msg);
        if (dq && !st) {
            const char *line = pt->log.s, *end;
            for (; line && *line; line = end + 1) {
                end = strchr(line, '\n');
                tf_log(ctx, TAAFI_LOG_WARNING, "%.*s", (int)(end - line), line);
            }
            size_t moved = pt->dq.n;
            st = tf_dq_insert(ctx, dq, at, &pt->dq);
            at += moved; /* the next part's go after these */
        }
        tf_dq_free(&pt->dq);
        tf_buf_free(&pt->log);
        taafi_ctx_free(pt->ctx);
    }
    tf_free(o->parts);
    tf_free(o);
    return st;
}

