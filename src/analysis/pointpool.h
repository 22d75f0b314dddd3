/*
 * pointpool.h: placing a batch of points (their position in the analysis
 * CRS, then their area) on ctx->threads threads: the caller's and helpers
 * of its own, each with its own context and PROJ transformation, started
 * once per pass.  The areas' locator, the lattice and the areas' prepared
 * geometries are shared and only read (the prepared geometries are made
 * ready for that first: GEOS builds their indexes lazily).  A point's area
 * depends on the point alone, so the result never depends on the number
 * of threads; the caller then hands the points over in order.
 */
#ifndef TAAFI_POINTPOOL_H
#define TAAFI_POINTPOOL_H

#include "areas/areas.h"
#include "geom/fastproj.h"
#include "geom/reproj.h"

/* What a chunk's point has in its coordinates: nothing usable (not a
 * point), its position in the layer's CRS, or its interpolated
 * analysis-CRS position (fastproj.h). */
enum { PT_NONE, PT_NEAR, PT_RAW };

/* How many points ahead memory is asked for (see pointpool.c). */
#define PT_PREFETCH 8

/* An area from tf_pointpool_place: the point is to be read again and
 * placed the feature way (no point, or PROJ failed on it: view() says
 * why, as for any feature). */
#define TF_PT_AGAIN (-3)

typedef struct tf_pointpool tf_pointpool;

/* Starts ctx->threads - 1 helpers (none for one thread) for points of a
 * layer in CRS `srs` (`what` names it in messages), placed with the
 * lattice `fp` when not NULL.  `fp` and `areas` must outlive the pool. */
taafi_status tf_pointpool_new(taafi_ctx *ctx, const tf_areas *areas, OGRSpatialReferenceH srs, const char *what,
                              const tf_fastproj *fp, tf_pointpool **out);

/* area[i] for the n points (x[i], y[i]) in the layer's CRS, is_pt[i]
 * whether row i is a point at all: the area holding it (-1: none), or
 * TF_PT_AGAIN.  The caller's share runs on ctx with to_xy. */
void tf_pointpool_place(tf_pointpool *pp, taafi_ctx *ctx, const tf_reproj *to_xy, size_t n,
                        const unsigned char *is_pt, const double *x, const double *y, long *area);

/* Stops the helpers; NULL is fine. */
void tf_pointpool_free(tf_pointpool *pp);

#endif
