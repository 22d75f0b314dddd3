/*
 * areas.h: the set of areas (neighbourhoods) under analysis, held whole in
 * memory (thousands at most): valid geometries in the analysis CRS with
 * prepared forms and an STRtree, the same polygons in EPSG:4326 for
 * GeoJSON, their attributes and their areas in km².
 */
#ifndef TAAFI_AREAS_H
#define TAAFI_AREAS_H

#include "core/dq.h"
#include "io/source.h"
#include "geom/locate.h"

typedef struct tf_areas {
    size_t n;
    int epsg;                            /* analysis CRS (metres)          */
    GEOSGeometry **geom;                 /* analysis CRS, valid polygonal  */
    const GEOSPreparedGeometry **prep;   /* prepared geom, for locating    */
    GEOSGeometry **geom_ll;              /* EPSG:4326, lon/lat, as input   */
    OGRFeatureH *feat;                   /* input attributes, no geometry  */
    OGRFeatureDefnH defn;                /* input fields (referenced)      */
    char **id;                           /* the `id` field as text         */
    double *area_km2;                    /* in the analysis CRS            */
    GEOSSTRtree *tree;                   /* over geom                      */
    tf_locator *loc;                     /* points to areas, over geom     */
    size_t *tree_item;                   /* tree_item[i] == i              */
    double ll_min[2], ll_max[2];         /* lon/lat envelope of all areas  */
} tf_areas;

/* Reads the project's areas: skips features without geometry, repairs
 * invalid polygons with GEOSMakeValid (both recorded in `dq`), refuses
 * duplicate or empty ids, and chooses the analysis CRS (`crs: auto`: the UTM
 * zone of the areas' area-weighted centroid).  `files` receives the
 * provenance of the input's files.  Caller owns *out. */
taafi_status tf_areas_load(taafi_ctx *ctx, const taafi_project *p, tf_dq *dq, tf_file_fn files, void *files_user,
                           tf_areas **out);
void tf_areas_free(taafi_ctx *ctx, tf_areas *a);

/* The envelope of g (x0 y0 x1 y1, analysis CRS): 1, or 0 when g is NULL,
 * empty, or GEOS cannot say. */
int tf_geom_envelope(taafi_ctx *ctx, const GEOSGeometry *g, double env[4]);

/* The envelope of every area that is not empty: 1, or 0 when there is
 * none. */
int tf_areas_extent(taafi_ctx *ctx, const tf_areas *A, double env[4]);

/* The areas' fields (layer: the open areas source) as output columns
 * (fields.c): TAAFI_ERR_DATA when two differ only in case,
 * TAAFI_ERR_PROJECT when an indicator's id is one of them. */
taafi_status tf_areas_check_fields(taafi_ctx *ctx, const taafi_project *p, OGRLayerH layer);

/* crs: auto (earth.c): the UTM zone of the areas' centre, taken on the
 * circle of longitudes (areas split at the antimeridian are centred at
 * 180), UPS North or South (EPSG:32661, 32761) beyond UTM's latitudes; an
 * error (TAAFI_ERR_CRS) when the areas span more than 20 degrees. */
taafi_status tf_areas_choose_crs(taafi_ctx *ctx, const char *path, const tf_areas *a, int *epsg);

/* The geodesic area of a (multi)polygon in lon/lat on the WGS 84
 * ellipsoid, km² (earth.c). */
double tf_geodesic_km2(taafi_ctx *ctx, const GEOSGeometry *ll);

/* The same, leaving out the check for overlapping areas when
 * `defer_overlaps` (the caller runs tf_areas_overlaps_start). */
taafi_status tf_areas_load_ex(taafi_ctx *ctx, const taafi_project *p, tf_dq *dq, tf_file_fn files,
                              void *files_user, int defer_overlaps, tf_areas **out);

/* The check for overlapping areas (a few hundredths of a second for
 * thousands of areas) on a thread of its own, with a context and prepared
 * geometries of its own, beside the analysis: the areas must stay
 * unchanged until tf_areas_overlaps_join, which waits for it, puts its
 * notes into `dq` before its record `at` (dq->n when the areas were
 * loaded: where a check at load puts them) and returns its status.  Join
 * also after a failure (dq NULL: notes dropped, ctx's message kept). */
typedef struct tf_overlaps tf_overlaps;
/* Notes the overlaps of areas [i0, i1) with any other into dq (or stops,
 * with overlaps: error): overlaps.c. */
taafi_status tf_areas_check_overlaps(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a, tf_dq *dq, size_t i0,
                                     size_t i1);

taafi_status tf_areas_overlaps_start(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a, tf_overlaps **out);
taafi_status tf_areas_overlaps_join(taafi_ctx *ctx, tf_overlaps *o, tf_dq *dq, size_t at);

/* The area that holds point `pt` (analysis CRS): the lowest-numbered area
 * whose polygon contains it or has it on its boundary, so that a point on
 * an edge shared by two areas is counted once.  -1 if none. */
long tf_areas_locate(taafi_ctx *ctx, const tf_areas *a, const GEOSGeometry *pt);

/* The same for the point (x, y) in the analysis CRS. */
long tf_areas_locate_xy(taafi_ctx *ctx, const tf_areas *a, double x, double y);

/* The areas whose envelope meets `g`'s, in ascending order, into *buf
 * (grown as needed; the caller frees it). */
taafi_status tf_areas_candidates(taafi_ctx *ctx, const tf_areas *a, const GEOSGeometry *g, size_t **buf,
                                 size_t *n, size_t *cap);

#endif
