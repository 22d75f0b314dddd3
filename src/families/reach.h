/*
 * reach.h: how far facilities serve the places around them, the one
 * interface that coverage (its zone, gaps, mean distance and basins) and
 * nearest_distance (the distance from each area to the nearest feature)
 * ask.
 *
 * A reach is made once per indicator over its facilities (points in the
 * analysis CRS, metres, numbered in reading order) and a distance
 * standard, then shared read-only by the workers.  Each worker asks
 * through a cursor of its own (scratch memory and what it learnt of the
 * area it works on), so that queries allocate nothing.  Ties between
 * facilities at equal distance go to the lower number: answers never
 * depend on the thread count or the order of the work.
 *
 * A reach is made of points (tf_reach_new) or of features of any geometry
 * (tf_reach_new_features: nearest only, no cut).  One way of measuring
 * today, TF_REACH_STRAIGHT: straight lines in the analysis CRS
 * (reach_straight.c for points, reach_features.c for features).  Another (along the streets that are
 * open) implements tf_reach_ops in a file of its own and is added to
 * tf_reach_new; coverage, scoring, writers and maps do not change.
 */
#ifndef TAAFI_REACH_H
#define TAAFI_REACH_H

#include "areas/areas.h"
#include "network/network.h"

/* The values of tf_indicator_def.reach. */
typedef enum tf_reach_method { TF_REACH_STRAIGHT = 0, TF_REACH_NETWORK = 1 } tf_reach_method;

/* How a reach measures: the method and, along the network, which one
 * and the closures that hold (tf_network_closures; NULL: none), both
 * borrowed: they outlive the reach. */
typedef struct tf_reach_how {
    tf_reach_method method;
    const tf_network *network;
    const unsigned char *closed;
} tf_reach_how;

typedef struct tf_reach tf_reach;
typedef struct tf_reach_cursor tf_reach_cursor;

/* What a way of measuring implements (see the functions below, which
 * call these). */
typedef struct tf_reach_ops {
    const char *name;
    taafi_status (*make)(taafi_ctx *ctx, const tf_reach_how *how, const double *x, const double *y, size_t n, const tf_areas *A,
                         double distance_m, void **state);
    /* The same over features (NULL: points only); g is borrowed. */
    taafi_status (*make_features)(taafi_ctx *ctx, const tf_reach_how *how, const GEOSGeometry *const *g, size_t n, const tf_areas *A,
                                  double distance_m, void **state);
    void (*free)(taafi_ctx *ctx, void *state);
    taafi_status (*cursor_new)(taafi_ctx *ctx, const void *state, void **cursor);
    void (*cursor_free)(void *cursor);
    void (*focus)(void *cursor, const double env[4]);
    long (*nearest)(void *cursor, double x, double y, double *dist_m);
    /* NULL: it cuts no areas (tf_reach_cut fails with TAAFI_ERR_USAGE) */
    taafi_status (*cut)(taafi_ctx *ctx, void *cursor, const GEOSGeometry *area, const double *env,
                        GEOSGeometry **covered, GEOSGeometry **gap);
    /* NULL: every facility serves; else whether facility i can (it joins
     * the network) */
    int (*serves)(const void *state, size_t i);
    /* 1: cut (NULL) is done at the raster's cells by distance instead */
    int by_cells;
} tf_reach_ops;

extern const tf_reach_ops tf_reach_straight, tf_reach_straight_features, tf_reach_network;

/* Makes the reach of n facilities at (x[i], y[i]) within `distance_m`
 * metres, measured by `method`, over the areas A (their extent bounds the
 * places asked about).  *out is the caller's (tf_reach_free). */
taafi_status tf_reach_new(taafi_ctx *ctx, const tf_reach_how *how, const double *x, const double *y, size_t n,
                          const tf_areas *A, double distance_m, tf_reach **out);
void tf_reach_free(taafi_ctx *ctx, tf_reach *r);

/* The same over n features g[i] of any geometry (analysis CRS; borrowed:
 * they must outlive the reach), numbered i; for tf_reach_nearest only,
 * the distance measured to the nearest point of each feature.  Of
 * features at equal distance, which one is returned is not defined. */
taafi_status tf_reach_new_features(taafi_ctx *ctx, const tf_reach_how *how, const GEOSGeometry *const *g, size_t n,
                                   const tf_areas *A, double distance_m, tf_reach **out);

/* The number of facilities. */
size_t tf_reach_count(const tf_reach *r);

/* Whether facility i serves anyone (along the network: it joins a street
 * within max_join). */
int tf_reach_serves(const tf_reach *r, size_t i);

/* Whether the reach cuts no polygon (tf_reach_cut fails) and areas are
 * cut at the raster's cells by their distances instead. */
int tf_reach_cuts_by_cells(const tf_reach *r);

/* A worker's cursor over r (r outlives it); NULL is fine to free. */
taafi_status tf_reach_cursor_new(taafi_ctx *ctx, const tf_reach *r, tf_reach_cursor **out);
void tf_reach_cursor_free(tf_reach_cursor *c);

/* Tells the cursor that the next places asked lie in and around the
 * envelope env (x0 y0 x1 y1, one area's): nearest() may then answer from
 * what it prepares for them.  Optional. */
void tf_reach_focus(tf_reach_cursor *c, const double env[4]);

/* The facility nearest to (x, y) and its distance in metres; -1 (and
 * INFINITY) when there is none, or none can be reached from there (along
 * the network: the place is beyond max_join of every street, or on a
 * piece of the streets that no facility joins). */
long tf_reach_nearest(tf_reach_cursor *c, double x, double y, double *dist_m);

/* The parts of an area (its envelope env, NULL for an empty area) within
 * reach of the facilities and beyond it: *covered and *gap, the caller's.
 * Their union is the area. */
taafi_status tf_reach_cut(taafi_ctx *ctx, tf_reach_cursor *c, const GEOSGeometry *area, const double *env,
                          GEOSGeometry **covered, GEOSGeometry **gap);

#endif
