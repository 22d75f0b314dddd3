/* reach.c: the reach interface (reach.h), dispatched to the way of
 * measuring a reach was made with. */
#include "reach.h"

#include <stdlib.h>

struct tf_reach {
    const tf_reach_ops *ops;
    void *state;
    size_t n;
};

struct tf_reach_cursor {
    const tf_reach_ops *ops;
    void *cur;
};

/* A reach measured by `method`, over points (x, y) or features g, made by
 * the ops of that way of measuring. */
static taafi_status reach_make(taafi_ctx *ctx, const tf_reach_how *how, const double *x, const double *y,
                               const GEOSGeometry *const *g, size_t n, const tf_areas *A, double distance_m,
                               tf_reach **out)
{
    tf_reach *r = tf_calloc(1, sizeof *r);
    taafi_status st;
    *out = NULL;
    if (!r)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    switch (how->method) {
    case TF_REACH_NETWORK:
        r->ops = &tf_reach_network;
        break;
    case TF_REACH_STRAIGHT:
    default:
        r->ops = g ? &tf_reach_straight_features : &tf_reach_straight;
        break;
    }
    r->n = n;
    st = g ? r->ops->make_features(ctx, how, g, n, A, distance_m, &r->state)
           : r->ops->make(ctx, how, x, y, n, A, distance_m, &r->state);
    if (st) {
        tf_free(r);
        return st;
    }
    *out = r;
    return TAAFI_OK;
}

taafi_status tf_reach_new(taafi_ctx *ctx, const tf_reach_how *how, const double *x, const double *y, size_t n,
                          const tf_areas *A, double distance_m, tf_reach **out)
{
    return reach_make(ctx, how, x, y, NULL, n, A, distance_m, out);
}

taafi_status tf_reach_new_features(taafi_ctx *ctx, const tf_reach_how *how, const GEOSGeometry *const *g, size_t n,
                                   const tf_areas *A, double distance_m, tf_reach **out)
{
    static const GEOSGeometry *const none[1] = {NULL};
    return reach_make(ctx, how, NULL, NULL, g ? g : none, n, A, distance_m, out);
}

void tf_reach_free(taafi_ctx *ctx, tf_reach *r)
{
    if (!r)
        return;
    r->ops->free(ctx, r->state);
    tf_free(r);
}

size_t tf_reach_count(const tf_reach *r) { return r->n; }

int tf_reach_serves(const tf_reach *r, size_t i) { return !r->ops->serves || r->ops->serves(r->state, i); }

int tf_reach_cuts_by_cells(const tf_reach *r) { return r->ops->by_cells; }

taafi_status tf_reach_cursor_new(taafi_ctx *ctx, const tf_reach *r, tf_reach_cursor **out)
{
    tf_reach_cursor *c = tf_calloc(1, sizeof *c);
    taafi_status st;
    *out = NULL;
    if (!c)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    c->ops = r->ops;
    if ((st = r->ops->cursor_new(ctx, r->state, &c->cur))) {
        tf_free(c);
        return st;
    }
    *out = c;
    return TAAFI_OK;
}

void tf_reach_cursor_free(tf_reach_cursor *c)
{
    if (!c)
        return;
    c->ops->cursor_free(c->cur);
    tf_free(c);
}

void tf_reach_focus(tf_reach_cursor *c, const double env[4]) { c->ops->focus(c->cur, env); }

long tf_reach_nearest(tf_reach_cursor *c, double x, double y, double *dist_m)
{
    return c->ops->nearest(c->cur, x, y, dist_m);
}

taafi_status tf_reach_cut(taafi_ctx *ctx, tf_reach_cursor *c, const GEOSGeometry *area, const double *env,
                          GEOSGeometry **covered, GEOSGeometry **gap)
{
    *covered = *gap = NULL;
    if (!c->ops->cut)
        return tf_error(ctx, TAAFI_ERR_USAGE, "a reach over features (%s) cuts no areas", c->ops->name);
    return c->ops->cut(ctx, c->cur, area, env, covered, gap);
}
