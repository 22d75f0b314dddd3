/* pointpool.c: points placed on several threads (pointpool.h). */
#include "pointpool.h"

#include <pthread.h>
#include <stdlib.h>

/* Points placed together: the unit handed to a thread, and PROJ's batch. */
#define PT_CHUNK 4096

/* Lon/lat points of a chunk (state PT_RAW, coordinates in x, y) placed by
 * the lattice: their interpolated analysis-CRS positions put in x, y
 * (state PT_NEAR) and located (pre_area, -2 when in doubt), asking memory
 * for what the point PT_PREFETCH places ahead will need.  Points the
 * lattice does not cover stay PT_RAW, for PROJ. */
static void place_chunk(const tf_fastproj *fp, const tf_areas *areas, double near_d, size_t n, unsigned char *state,
                        double *x, double *y, long *pre_area)
{
    size_t i;
    for (i = 0; i < n; i++) {
        if (i + PT_PREFETCH < n && state[i + PT_PREFETCH] == PT_RAW)
            tf_fastproj_prefetch(fp, x[i + PT_PREFETCH], y[i + PT_PREFETCH]);
        if (state[i] == PT_RAW && tf_fastproj_xy(fp, &x[i], &y[i]))
            state[i] = PT_NEAR;
    }
    for (i = 0; i < n; i++) {
        if (i + PT_PREFETCH < n && state[i + PT_PREFETCH] == PT_NEAR)
            tf_locator_prefetch(areas->loc, x[i + PT_PREFETCH], y[i + PT_PREFETCH]);
        if (state[i] == PT_NEAR)
            pre_area[i] = tf_locator_find_near(areas->loc, x[i], y[i], near_d);
    }
}

/* One thread's working arrays, for a chunk. */
typedef struct scratch {
    double ax[PT_CHUNK], ay[PT_CHUNK], cx[PT_CHUNK], cy[PT_CHUNK];
    long pre[PT_CHUNK], ix[PT_CHUNK];
    unsigned char state[PT_CHUNK];
} scratch;

typedef struct helper {
    pthread_t thread;
    int started;
    taafi_ctx *ctx;
    tf_reproj *to_xy;
    scratch *s;
    tf_pointpool *pp;
} helper;

struct tf_pointpool {
    const tf_areas *areas;
    const tf_fastproj *fp;
    double near_d;
    helper *h;
    int n_h;
    scratch *mine; /* the caller's */
    pthread_mutex_t lock;
    pthread_cond_t go, finished;
    unsigned long gen; /* a new job when it changes */
    int quit;
    /* the job, under lock */
    size_t n, next, n_chunks, chunks_done;
    const unsigned char *is_pt;
    const double *x, *y;
    long *area;
};

/* Rows [b, e) of the job. */
static void place_rows(taafi_ctx *ctx, const tf_reproj *to_xy, const tf_pointpool *pp, scratch *s, size_t b, size_t e)
{
    size_t m = e - b, i, n_pt = 0;
    const double *x = pp->x + b, *y = pp->y + b;
    long *area = pp->area + b;
    int batch_ok;
    for (i = 0; i < m; i++) {
        s->state[i] = pp->is_pt[b + i] ? PT_RAW : PT_NONE;
        s->ax[i] = x[i];
        s->ay[i] = y[i];
    }
    if (pp->fp)
        place_chunk(pp->fp, pp->areas, pp->near_d, m, s->state, s->ax, s->ay, s->pre);
    /* the others through PROJ, in one call (a call per point costs more
     * than the work) */
    for (i = 0; i < m; i++)
        if (s->state[i] == PT_RAW) {
            s->cx[n_pt] = x[i];
            s->cy[n_pt] = y[i];
            s->ix[i] = (long)n_pt++;
        }
    batch_ok = n_pt == 0 || tf_reproj_xy(ctx, to_xy, s->cx, s->cy, n_pt) == TAAFI_OK;
    for (i = 0; i < m; i++) {
        if (s->state[i] == PT_NEAR && s->pre[i] != -2)
            area[i] = s->pre[i]; /* decided on the interpolated position */
        else if (s->state[i] == PT_NEAR) {
            /* too near an edge for the lattice: PROJ's own position */
            double px = x[i], py = y[i];
            area[i] = tf_reproj_xy(ctx, to_xy, &px, &py, 1) == TAAFI_OK ? tf_areas_locate_xy(ctx, pp->areas, px, py)
                                                                          : TF_PT_AGAIN;
        } else if (s->state[i] == PT_RAW && batch_ok)
            area[i] = tf_areas_locate_xy(ctx, pp->areas, s->cx[s->ix[i]], s->cy[s->ix[i]]);
        else
            area[i] = TF_PT_AGAIN; /* no point, or a batch PROJ failed */
    }
}

/* Takes chunks of the current job until none is left; called with the
 * lock held, returns with it held. */
static void take_chunks(tf_pointpool *pp, taafi_ctx *ctx, const tf_reproj *to_xy, scratch *s)
{
    while (pp->next < pp->n) {
        size_t b = pp->next, e = b + PT_CHUNK < pp->n ? b + PT_CHUNK : pp->n;
        pp->next = e;
        pthread_mutex_unlock(&pp->lock);
        place_rows(ctx, to_xy, pp, s, b, e);
        pthread_mutex_lock(&pp->lock);
        if (++pp->chunks_done == pp->n_chunks)
            pthread_cond_signal(&pp->finished);
    }
}

static void *helper_main(void *arg)
{
    helper *h = arg;
    tf_pointpool *pp = h->pp;
    unsigned long seen = 0;
    tf_enter(h->ctx);
    pthread_mutex_lock(&pp->lock);
    for (;;) {
        while (!pp->quit && pp->gen == seen)
            pthread_cond_wait(&pp->go, &pp->lock);
        if (pp->quit)
            break;
        seen = pp->gen;
        take_chunks(pp, h->ctx, h->to_xy, h->s);
    }
    pthread_mutex_unlock(&pp->lock);
    return NULL;
}

/* GEOS builds a prepared polygon's point index on its first query: made
 * here, before threads share them, with a query inside each envelope. */
static void warm(taafi_ctx *ctx, const tf_areas *a)
{
    size_t i;
    for (i = 0; i < a->n; i++) {
        double x0, y0, x1, y1;
        GEOSGeometry *pt;
        if (!a->prep[i] || GEOSisEmpty_r(ctx->geos, a->geom[i]) != 0 ||
            !GEOSGeom_getXMin_r(ctx->geos, a->geom[i], &x0) || !GEOSGeom_getYMin_r(ctx->geos, a->geom[i], &y0) ||
            !GEOSGeom_getXMax_r(ctx->geos, a->geom[i], &x1) || !GEOSGeom_getYMax_r(ctx->geos, a->geom[i], &y1))
            continue;
        if ((pt = GEOSGeom_createPointFromXY_r(ctx->geos, (x0 + x1) / 2, (y0 + y1) / 2))) {
            GEOSPreparedIntersects_r(ctx->geos, a->prep[i], pt);
            GEOSGeom_destroy_r(ctx->geos, pt);
        }
    }
}

taafi_status tf_pointpool_new(taafi_ctx *ctx, const tf_areas *areas, OGRSpatialReferenceH srs, const char *what,
                              const tf_fastproj *fp, tf_pointpool **out)
{
    tf_pointpool *pp = tf_calloc(1, sizeof *pp);
    taafi_status st = TAAFI_OK;
    int k, want = ctx->threads > 1 ? ctx->threads - 1 : 0;
    *out = NULL;
    if (!pp)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&pp->lock, NULL);
    pthread_cond_init(&pp->go, NULL);
    pthread_cond_init(&pp->finished, NULL);
    pp->areas = areas;
    pp->fp = fp;
    pp->near_d = fp ? tf_fastproj_bound(fp) : 0;
    if (!(pp->mine = tf_malloc(sizeof *pp->mine)) || (want && !(pp->h = tf_calloc((size_t)want, sizeof *pp->h)))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    pp->n_h = want; /* helpers made, started or not: freed alike */
    if (want)
        warm(ctx, areas);
    for (k = 0; k < want; k++) {
        helper *h = &pp->h[k];
        h->pp = pp;
        if (tf_ctx_new_child(ctx, &h->ctx) != TAAFI_OK || !(h->s = tf_malloc(sizeof *h->s))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        if (tf_reproj_new(h->ctx, srs, areas->epsg, what, &h->to_xy)) {
            st = tf_error(ctx, TAAFI_ERR_CRS, "%s", taafi_ctx_message(h->ctx));
            goto fail;
        }
        /* no thread to be had: the caller does that share */
        h->started = pthread_create(&h->thread, NULL, helper_main, h) == 0;
    }
    *out = pp;
    return TAAFI_OK;
fail:
    tf_pointpool_free(pp);
    return st;
}

void tf_pointpool_place(tf_pointpool *pp, taafi_ctx *ctx, const tf_reproj *to_xy, size_t n,
                        const unsigned char *is_pt, const double *x, const double *y, long *area)
{
    pthread_mutex_lock(&pp->lock);
    pp->n = n;
    pp->next = 0;
    pp->n_chunks = (n + PT_CHUNK - 1) / PT_CHUNK;
    pp->chunks_done = 0;
    pp->is_pt = is_pt;
    pp->x = x;
    pp->y = y;
    pp->area = area;
    pp->gen++;
    pthread_cond_broadcast(&pp->go);
    take_chunks(pp, ctx, to_xy, pp->mine);
    while (pp->chunks_done < pp->n_chunks)
        pthread_cond_wait(&pp->finished, &pp->lock);
    pthread_mutex_unlock(&pp->lock);
}

void tf_pointpool_free(tf_pointpool *pp)
{
    int k;
    if (!pp)
        return;
    pthread_mutex_lock(&pp->lock);
    pp->quit = 1;
    pthread_cond_broadcast(&pp->go);
    pthread_mutex_unlock(&pp->lock);
    for (k = 0; k < pp->n_h; k++) {
        helper *h = &pp->h[k];
        if (h->started)
            pthread_join(h->thread, NULL);
        tf_reproj_free(h->to_xy);
        taafi_ctx_free(h->ctx);
        tf_free(h->s);
    }
    pthread_cond_destroy(&pp->go);
    pthread_cond_destroy(&pp->finished);
    pthread_mutex_destroy(&pp->lock);
    tf_free(pp->h);
    tf_free(pp->mine);
    tf_free(pp);
}
