/*
 * ingest.h: OGR geometries into GEOS, transformed on the way.  This is the
 * one path by which geometry enters the analysis.
 */
#ifndef TAAFI_INGEST_H
#define TAAFI_INGEST_H

#include "core/core.h"
#include "geom/reproj.h"

#include <ogr_api.h>

/* Converts `g` to a GEOS geometry in the CRS `r` leads to (`r` NULL: no
 * transformation).  Curves are linearised; Z and M are dropped (the
 * analysis is 2D).  Unclosed rings are closed; empty parts of collections
 * are left out.  Caller owns *out, freed
 * with GEOSGeom_destroy_r(ctx->geos, ...).  TAAFI_ERR_GEOM with a message
 * when the geometry cannot be built (a ring of fewer than 4 points, say). */
taafi_status tf_ingest(taafi_ctx *ctx, OGRGeometryH g, const tf_reproj *r, GEOSGeometry **out);

#endif
