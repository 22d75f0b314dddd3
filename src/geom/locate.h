/*
 * locate.h: which area holds a point, without GEOS on the common path.
 *
 * A million damage points are each located once.  Through GEOS (a point
 * geometry, an STRtree query, a prepared polygon's intersects test) that
 * was half of the points pass; here it is a grid lookup and a crossing
 * count over the few edges of the candidate areas that share the point's
 * horizontal stripe.
 *
 * Exactness: the crossing count is decided only when every orientation it
 * uses is certain in floating point (Shewchuk's error bound for the 2x2
 * determinant).  A point on, or within rounding of, an edge of an area is
 * not decided here: the caller's `ask` settles it (GEOS's prepared
 * intersects), so that the answer is always the one GEOS would give,
 * boundary included.  Areas are valid polygons (repaired at load), so the
 * even-odd count over all their rings is the interior.
 *
 * Coordinates are in the analysis CRS (metres).  A built locator is never
 * written again: threads share it freely.
 */
#ifndef TAAFI_LOCATE_H
#define TAAFI_LOCATE_H

#include "core/core.h"

typedef struct tf_locator tf_locator;

/* Builds the locator over `n` areas (polygonal; others always go to
 * `ask`).  Caller owns *out; tf_locator_free. */
taafi_status tf_locator_new(taafi_ctx *ctx, GEOSGeometry *const *geom, size_t n, tf_locator **out);
void tf_locator_free(tf_locator *l);

/* 1: (x, y) is inside area i; 0: outside and off its boundary; -1: too
 * near its boundary to tell here. */
int tf_locator_test(const tf_locator *l, size_t i, double x, double y);

/* Settles what tf_locator_test cannot: 1 if area i holds the point,
 * boundary included. */
typedef int (*tf_locate_ask)(size_t i, double x, double y, void *user);

/* The lowest-numbered area that holds (x, y), boundary included; -1 if
 * none. */
long tf_locator_find(const tf_locator *l, double x, double y, tf_locate_ask ask, void *user);

/* The same for a point known only within `d` metres (fastproj.h): the
 * area that holds every point within d of (x, y), -1 if none does, or -2
 * when the answer could differ within d (near an edge): then locate the
 * exact point with tf_locator_find. */
long tf_locator_find_near(const tf_locator *l, double x, double y, double d);

/* Asks the processor for the grid cell (x, y) falls in, a few points ahead
 * of finding it: a million points in no order miss the cache each time. */
void tf_locator_prefetch(const tf_locator *l, double x, double y);

#endif
