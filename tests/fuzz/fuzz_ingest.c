/* libFuzzer harness: the geometry ingest path, WKB read by GDAL into
 * OGR then built in GEOS by tf_ingest, as every input feature is.  Then a
 * validity check and a point on surface, as the run does. */
#include "io/ingest.h"

#include <cpl_error.h>
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static taafi_ctx *ctx; /* one context for the whole fuzzing run */
    OGRGeometryH g = NULL;
    GEOSGeometry *out = NULL;
    if (!ctx) {
        /* GDAL's own complaints about broken WKB are expected here */
        CPLSetErrorHandler(CPLQuietErrorHandler);
        if (taafi_ctx_new(&ctx) != TAAFI_OK)
            return 0;
    }
    if (OGR_G_CreateFromWkbEx(data, NULL, &g, size) != OGRERR_NONE || !g)
        return 0;
    if (tf_ingest(ctx, g, NULL, &out) == TAAFI_OK) {
        GEOSGeometry *pt;
        GEOSisValid_r(ctx->geos, out);
        if ((pt = GEOSPointOnSurface_r(ctx->geos, out)))
            GEOSGeom_destroy_r(ctx->geos, pt);
        GEOSGeom_destroy_r(ctx->geos, out);
    }
    OGR_G_DestroyGeometry(g);
    return 0;
}
