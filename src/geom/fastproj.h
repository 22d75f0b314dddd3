/*
 * fastproj.h: a transformation interpolated from PROJ's own answers, with
 * a known bound on its error, for points that are only to be located.
 *
 * A million damage points in lon/lat cost PROJ four transcendental
 * functions each (UTM by Poder/Engsager); locating a point needs its UTM
 * position only to tell on which side of an area's edges it lies.  So PROJ
 * transforms the nodes of a lattice over the areas' extent, and a point's
 * position is the biquadratic interpolation of the nine nodes around it.
 * The error of that interpolation is measured against PROJ when the
 * lattice is made (taken four times over, and refused above a tenth of a
 * millimetre); the locator then decides only points farther than that
 * bound from every edge (tf_locator_find_near), and the few it cannot
 * decide are transformed by PROJ itself and located exactly.  No point's
 * area ever differs from the one exact coordinates give.
 */
#ifndef TAAFI_FASTPROJ_H
#define TAAFI_FASTPROJ_H

#include "reproj.h"

typedef struct tf_fastproj tf_fastproj;

/* A lattice for `to` over [x0, x1] x [y0, y1] of its source CRS (the
 * coordinates as the layer gives them), nodes `step` apart (fewer over a
 * wide extent).  *out is NULL (and TAAFI_OK) when the interpolation would
 * not be good enough there.  Caller owns *out. */
taafi_status tf_fastproj_new(taafi_ctx *ctx, const tf_reproj *to, double x0, double y0, double x1, double y1,
                             double step, tf_fastproj **out);
void tf_fastproj_free(tf_fastproj *f);

/* Transforms (*x, *y) in place, within tf_fastproj_bound() metres of what
 * PROJ gives; 0 (nothing changed) for a point off the lattice. */
int tf_fastproj_xy(const tf_fastproj *f, double *x, double *y);

/* Asks the processor for the lattice nodes (x, y) will need: called a few
 * points ahead, it hides the wait for memory behind other points' work. */
void tf_fastproj_prefetch(const tf_fastproj *f, double x, double y);

/* The n points (x0 + k dx, y), k = 0..n-1, of one line of the source CRS
 * (a raster's row of cell centres), transformed into (X, Y): the three
 * lattice rows around the line are combined once for it, so that each
 * point costs three products per coordinate.  Returns 0 (nothing
 * written) when the line leaves the lattice. */
int tf_fastproj_line(const tf_fastproj *f, double y, double x0, double dx, size_t n, double *X, double *Y);

/* The bound on the error, in the target CRS's units (metres). */
double tf_fastproj_bound(const tf_fastproj *f);

#endif
