/* areas.c: loading, repairing and indexing the areas. */
#include "areas.h"

#include "core/parallel.h"
#include "io/ingest.h"
#include "geom/reproj.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fewer features than this in a layer: no need for the STRtree's default
 * node capacity to matter; 10 is GEOS's usual choice. */
#define TREE_NODE_CAPACITY 10

void tf_areas_free(taafi_ctx *ctx, tf_areas *a)
{
    size_t i;
    if (!a)
        return;
    if (a->tree)
        GEOSSTRtree_destroy_r(ctx->geos, a->tree);
    tf_locator_free(a->loc);
    for (i = 0; i < a->n; i++) {
        if (a->prep && a->prep[i])
            GEOSPreparedGeom_destroy_r(ctx->geos, a->prep[i]);
        if (a->geom && a->geom[i])
            GEOSGeom_destroy_r(ctx->geos, a->geom[i]);
        if (a->geom_ll && a->geom_ll[i])
            GEOSGeom_destroy_r(ctx->geos, a->geom_ll[i]);
        if (a->feat && a->feat[i])
            OGR_F_Destroy(a->feat[i]);
        if (a->id)
            tf_free(a->id[i]);
    }
    if (a->defn)
        OGR_FD_Release(a->defn);
    tf_free(a->prep);
    tf_free(a->geom);
    tf_free(a->geom_ll);
    tf_free(a->feat);
    tf_free(a->id);
    tf_free(a->area_km2);
    tf_free(a->tree_item);
    tf_free(a);
}

static taafi_status grow(taafi_ctx *ctx, tf_areas *a, size_t *cap)
{
    size_t c = *cap ? *cap * 2 : 64;
    void *p;
#define GROW(field)                                                                                                \
    if (!(p = tf_realloc(a->field, c * sizeof *a->field)))                                                            \
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory reading areas");                                      \
    a->field = p;
    GROW(geom)
    GROW(geom_ll)
    GROW(feat)
    GROW(id)
#undef GROW
    *cap = c;
    return TAAFI_OK;
}

/* Makes an invalid polygon valid (recorded in `dq` unless it is NULL), keeping only polygonal parts: areas are
 * surfaces, and a collapsed sliver line has no area to count points in. */
/* Repairs *g with GEOS's MakeValid; *note (the caller's to free; NULL:
 * not wanted) says what was wrong, for the data-quality table. */
static taafi_status repair(taafi_ctx *ctx, char **note, int64_t fid, GEOSGeometry **g)
{
    char *reason = GEOSisValidReason_r(ctx->geos, *g);
    GEOSMakeValidParams *params = GEOSMakeValidParams_create_r(ctx->geos);
    GEOSGeometry *fixed = NULL;
    char problem[512];
    taafi_status st = TAAFI_OK;
    if (!params) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    GEOSMakeValidParams_setMethod_r(ctx->geos, params, GEOS_MAKE_VALID_STRUCTURE);
    GEOSMakeValidParams_setKeepCollapsed_r(ctx->geos, params, 0);
    fixed = GEOSMakeValidWithParams_r(ctx->geos, *g, params);
    if (!fixed) {
        st = tf_error(ctx, TAAFI_ERR_GEOM, "feature %lld: invalid polygon (%s) that GEOS cannot repair: %s",
                      (long long)fid, reason ? reason : "?", tf_lib_error(ctx));
        goto done;
    }
    snprintf(problem, sizeof problem, "invalid polygon: %s", reason ? reason : "unknown reason");
    if (note && !(*note = tf_strdup(problem)))
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    GEOSGeom_destroy_r(ctx->geos, *g);
    *g = fixed;
    fixed = NULL;
done:
    if (fixed)
        GEOSGeom_destroy_r(ctx->geos, fixed);
    if (params)
        GEOSMakeValidParams_destroy_r(ctx->geos, params);
    if (reason)
        GEOSFree_r(ctx->geos, reason);
    return st;
}

static int cmp_str_ptr(const void *x, const void *y)
{
    return strcmp(**(char *const *const *)x, **(char *const *const *)y);
}

static taafi_status check_ids(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a)
{
    char ***order = tf_malloc((a->n ? a->n : 1) * sizeof *order);
    size_t i;
    taafi_status st = TAAFI_OK;
    if (!order)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < a->n; i++)
        order[i] = &a->id[i];
    qsort(order, a->n, sizeof *order, cmp_str_ptr);
    for (i = 1; i < a->n; i++)
        if (!strcmp(*order[i], *order[i - 1])) {
            st = tf_error(ctx, TAAFI_ERR_DATA,
                          "%s: field '%s': the id '%s' is used by more than one area; ids must be unique", p->areas.path,
                          p->area_id, *order[i]);
            break;
        }
    tf_free(order);
    return st;
}

static taafi_status read_all(taafi_ctx *ctx, const taafi_project *p, tf_vsource *src, tf_dq *dq, tf_areas *a)
{
    OGRSpatialReferenceH srs;
    tf_reproj *to_ll = NULL;
    OGRFeatureH f = NULL;
    size_t cap = 0, n_msgs = 0, n_read = 0;
    int id_idx;
    taafi_status st;
    if ((st = tf_source_srs(ctx, src, &srs)) || (st = tf_source_field(ctx, src, p->area_id, "areas.id", &id_idx)))
        return st;
    if (p->area_name && (st = tf_source_field(ctx, src, p->area_name, "areas.name", &(int){0})))
        return st;
    if (p->area_name_ar && (st = tf_source_field(ctx, src, p->area_name_ar, "areas.name_ar", &(int){0})))
        return st;
    if ((st = tf_reproj_new(ctx, srs, 4326, p->areas.path, &to_ll)))
        return st;
    a->defn = OGR_L_GetLayerDefn(src->layer);
    OGR_FD_Reference(a->defn);
    OGR_L_ResetReading(src->layer);
    for (;;) {
        OGRGeometryH g;
        int64_t fid;
        OGRwkbGeometryType t;
        const char *id;
        if (!(f = tf_source_next(ctx, src, &n_msgs, &st))) {
            if (st)
                goto fail;
            break;
        }
        if (++n_read % 256 == 0)
            tf_progress(ctx, "reading areas", n_read, 0); /* how many is known at the end */
        g = OGR_F_GetGeometryRef(f);
        fid = (int64_t)OGR_F_GetFID(f);
        if (!g || OGR_G_IsEmpty(g)) {
            if ((st = tf_dq_add(ctx, dq, "areas", fid, "no geometry", "area skipped")))
                goto fail;
            OGR_F_Destroy(f);
            continue;
        }
        t = wkbFlatten(OGR_G_GetGeometryType(g));
        if (t != wkbPolygon && t != wkbMultiPolygon && t != wkbCurvePolygon && t != wkbMultiSurface) {
            st = tf_error(ctx, TAAFI_ERR_DATA, "%s: layer %s: feature %lld: a %s, not a polygon; areas must be polygons",
                          p->areas.path, OGR_L_GetName(src->layer), (long long)fid, OGRGeometryTypeToName(t));
            goto fail;
        }
        if (!OGR_F_IsFieldSetAndNotNull(f, id_idx) || !*(id = OGR_F_GetFieldAsString(f, id_idx))) {
            st = tf_error(ctx, TAAFI_ERR_DATA, "%s: layer %s: feature %lld: the id field '%s' is empty; give every area an id",
                          p->areas.path, OGR_L_GetName(src->layer), (long long)fid, p->area_id);
            goto fail;
        }
        if (a->n == cap && (st = grow(ctx, a, &cap)))
            goto fail;
        a->geom[a->n] = a->geom_ll[a->n] = NULL;
        a->feat[a->n] = f;
        a->id[a->n] = tf_strdup(id);
        a->n++; /* from here on the slot is owned by `a` */
        f = NULL;
        if (!a->id[a->n - 1]) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        if ((st = tf_ingest(ctx, g, to_ll, &a->geom_ll[a->n - 1]))) {
            char why[TF_MSG_MAX];
            snprintf(why, sizeof why, "%s", taafi_ctx_message(ctx));
            st = tf_error(ctx, st, "%s: layer %s: feature %lld (id %s): %s", p->areas.path,
                          OGR_L_GetName(src->layer), (long long)fid, id, why);
            goto fail;
        }
    }
    tf_progress(ctx, "reading areas", n_read, n_read);
    tf_reproj_free(to_ll);
    return TAAFI_OK;
fail:
    if (f)
        OGR_F_Destroy(f);
    tf_reproj_free(to_ll);
    return st;
}


taafi_status tf_areas_load(taafi_ctx *ctx, const taafi_project *p, tf_dq *dq, tf_file_fn files, void *files_user,
                           tf_areas **out)
{
    return tf_areas_load_ex(ctx, p, dq, files, files_user, 0, out);
}

/* The second reading of the areas, shared out on the --jobs workers:
 * each area's analysis-CRS geometry, repaired if invalid, and its km².
 * Each worker sets up its own PROJ transformation (milliseconds), which
 * pays from some tens of thousands of vertices (a PROJ transformation
 * and a validity check cost about 0.3 microseconds a vertex). */
#define PARALLEL_VERTICES 50000
typedef struct prep_job {
    const taafi_project *p;
    tf_areas *a;
    OGRSpatialReferenceH srs; /* the layer's: read by one worker at a time */
    pthread_mutex_t lock;
    char **notes; /* per area: what its repair found, or NULL */
    double *geod; /* per area: its geodesic km² (earth.c)        */
    int densify;  /* lon/lat edges followed (polar CRS): see below */
} prep_job;

/* Near the poles a lon/lat edge is far from the straight line between its
 * ends in the polar CRS: a cap above 85 N given as a lon/lat rectangle is
 * a square in UPS, 64 % of the cap (issue 16, 5).  There, edges are cut
 * into pieces of at most this many degrees first, in lon/lat and in the
 * analysis CRS alike, so that both follow the parallels the data mean.
 * (Elsewhere edges stay as given, straight once projected, as ogr2ogr and
 * QGIS treat them.) */
#define POLAR_DENSIFY_DEG 0.1

struct tf_worker {
    tf_reproj *to_xy; /* the worker's own, in its PROJ context */
};

static taafi_status prep_setup(taafi_ctx *wctx, void *user, tf_worker **out)
{
    prep_job *j = user;
    tf_worker *w = tf_calloc(1, sizeof *w);
    taafi_status st;
    *out = w;
    if (!w)
        return tf_error(wctx, TAAFI_ERR_NOMEM, "out of memory");
    pthread_mutex_lock(&j->lock);
    st = tf_reproj_new(wctx, j->srs, j->a->epsg, j->p->areas.path, &w->to_xy);
    pthread_mutex_unlock(&j->lock);
    return st;
}

static void prep_teardown(taafi_ctx *wctx, tf_worker *w)
{
    (void)wctx;
    if (w)
        tf_reproj_free(w->to_xy);
    tf_free(w);
}

static taafi_status prep_item(taafi_ctx *ctx, tf_worker *w, size_t i, void *user)
{
    prep_job *j = user;
    const taafi_project *p = j->p;
    tf_areas *a = j->a;
    /* only this area's slots are written: geom, geom_ll, area_km2, note */
    OGRGeometryH g = OGR_F_GetGeometryRef(a->feat[i]), dense = NULL;
    int64_t fid = (int64_t)OGR_F_GetFID(a->feat[i]);
    double m2 = 0;
    taafi_status st;
    if (j->densify) {
        GEOSGeometry *ll = GEOSDensify_r(ctx->geos, a->geom_ll[i], POLAR_DENSIFY_DEG);
        if (!(dense = OGR_G_Clone(g)) || !ll) {
            OGR_G_DestroyGeometry(dense);
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
        OGR_G_Segmentize(dense, POLAR_DENSIFY_DEG);
        GEOSGeom_destroy_r(ctx->geos, a->geom_ll[i]);
        a->geom_ll[i] = ll;
        g = dense;
    }
    st = tf_ingest(ctx, g, w->to_xy, &a->geom[i]);
    OGR_G_DestroyGeometry(dense);
    if (st) {
        char why[TF_MSG_MAX];
        snprintf(why, sizeof why, "%s", taafi_ctx_message(ctx));
        return tf_error(ctx, st, "%s: feature %lld (id %s): %s", p->areas.path, (long long)fid, a->id[i], why);
    }
    if (GEOSisValid_r(ctx->geos, a->geom[i]) != 1) {
        if ((st = repair(ctx, &j->notes[i], fid, &a->geom[i])))
            return st;
        /* The lon/lat copy, written to GeoJSON, gets the same repair
         * (noted once, above). */
        if (GEOSisValid_r(ctx->geos, a->geom_ll[i]) != 1 && (st = repair(ctx, NULL, fid, &a->geom_ll[i])))
            return st;
    }
    if (!GEOSArea_r(ctx->geos, a->geom[i], &m2))
        return tf_error(ctx, TAAFI_ERR_GEOM, "%s: feature %lld: cannot compute its area: %s", p->areas.path,
                        (long long)fid, tf_lib_error(ctx));
    a->area_km2[i] = m2 / 1e6;
    j->geod[i] = tf_geodesic_km2(ctx, a->geom_ll[i]);
    return TAAFI_OK;
}

/* Each area's km² held to its geodesic area: beyond 1 % (and 0.01 km²), a
 * note, and one warning for them all; the km² stay as measured. */
#define GEODESIC_TOLERANCE 0.01
static taafi_status check_geodesic(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a, const double *geod,
                                   tf_dq *dq)
{
    size_t i, n = 0;
    taafi_status st;
    for (i = 0; i < a->n; i++) {
        double g = geod[i], m = a->area_km2[i];
        char problem[256];
        if (isnan(g) || fabs(m - g) <= GEODESIC_TOLERANCE * g || fabs(m - g) <= 0.01)
            continue;
        snprintf(problem, sizeof problem,
                 "area %.6g km2 in EPSG:%d, but %.6g km2 on the ellipsoid (off by %.1f %%)", m, a->epsg, g,
                 g > 0 ? 100 * (m - g) / g : 100.0);
        if ((st = tf_dq_add(ctx, dq, "areas", (int64_t)OGR_F_GetFID(a->feat[i]), problem,
                            "kept as measured; set 'crs' to an equal-area CRS for the region")))
            return st;
        n++;
    }
    if (n)
        tf_log(ctx, TAAFI_LOG_WARNING,
               "%s: %zu area(s) measure more than 1 %% off their geodesic area in EPSG:%d (see data_quality); set "
               "'crs' to an equal-area CRS for the region",
               p->areas.path, n, a->epsg);
    return TAAFI_OK;
}

/* Second reading, on the --jobs workers (with real boundaries, a million
 * vertices and more to transform and check): the analysis CRS could only
 * be chosen once every area was known, and transforming from the source
 * directly avoids a round trip through lon/lat.  Notes of repairs are
 * added afterwards, in the areas' order. */
static taafi_status transform_all(taafi_ctx *ctx, const taafi_project *p, tf_areas *a, OGRSpatialReferenceH srs,
                                  tf_dq *dq)
{
    static const tf_parallel_ops ops = {prep_setup, prep_item, prep_teardown};
    prep_job j = {p,
                  a,
                  srs,
                  PTHREAD_MUTEX_INITIALIZER,
                  tf_calloc(a->n, sizeof(char *)),
                  tf_calloc(a->n, sizeof(double)),
                  OSRIsGeographic(srs) && (a->epsg == 32661 || a->epsg == 32761)};
    size_t vertices = 0, i;
    taafi_status st;
    if (!j.notes || !j.geod || !(a->area_km2 = tf_calloc(a->n, sizeof *a->area_km2))) {
        tf_free(j.notes);
        tf_free(j.geod);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < a->n; i++)
        vertices += (size_t)GEOSGetNumCoordinates_r(ctx->geos, a->geom_ll[i]);
    if (vertices >= PARALLEL_VERTICES)
        st = tf_parallel_for(ctx, a->n, &ops, &j);
    else { /* here: a worker's PROJ setup would cost more than it saves */
        tf_worker *w = NULL;
        if (!(st = prep_setup(ctx, &j, &w)))
            for (i = 0; i < a->n && !st; i++)
                st = prep_item(ctx, w, i, &j);
        prep_teardown(ctx, w);
    }
    for (i = 0; i < a->n; i++) {
        /* a ring of one repeated point repairs to nothing: said, not
         * "repaired" as if it were an area now */
        if (!st && j.notes[i])
            st = tf_dq_add(ctx, dq, "areas", (int64_t)OGR_F_GetFID(a->feat[i]), j.notes[i],
                           a->area_km2[i] > 0 ? "repaired with GEOSMakeValid (structure method)"
                                              : "no area is left once repaired: kept with 0 km2, nothing is counted "
                                                "in it and its densities are NULL; fix its boundary");
        tf_free(j.notes[i]);
    }
    tf_free(j.notes);
    if (!st)
        st = check_geodesic(ctx, p, a, j.geod, dq);
    tf_free(j.geod);
    return st;
}

/* Each area prepared and in the tree, its attributes kept without the
 * geometry (which lives in geom/geom_ll now); the tree built. */
static taafi_status index_all(taafi_ctx *ctx, const taafi_project *p, tf_areas *a)
{
    size_t i, *cand = NULL, n_cand = 0, cap = 0;
    taafi_status st;
    if (!(a->prep = tf_calloc(a->n, sizeof *a->prep)) || !(a->tree_item = tf_calloc(a->n, sizeof *a->tree_item)) ||
        !(a->tree = GEOSSTRtree_create_r(ctx->geos, TREE_NODE_CAPACITY)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < a->n; i++) {
        int64_t fid = (int64_t)OGR_F_GetFID(a->feat[i]);
        if (!(a->prep[i] = GEOSPrepare_r(ctx->geos, a->geom[i])))
            return tf_error(ctx, TAAFI_ERR_GEOM, "%s: feature %lld: cannot prepare: %s", p->areas.path,
                            (long long)fid, tf_lib_error(ctx));
        a->tree_item[i] = i;
        GEOSSTRtree_insert_r(ctx->geos, a->tree, a->geom[i], &a->tree_item[i]);
        if (i % 64 == 0)
            tf_progress(ctx, "indexing areas", i, a->n);
        OGR_F_SetGeometryDirectly(a->feat[i], NULL);
    }
    /* GEOS builds an STRtree at its first query: built here, before
     * threads share it */
    st = tf_areas_candidates(ctx, a, a->geom[0], &cand, &n_cand, &cap);
    tf_free(cand);
    return st;
}

/* The areas' extent in lon/lat; and each coordinate sequence's dimension,
 * which GEOS works out on first use and keeps: done here, before threads
 * share the areas, so that they only ever read it. */
static void extent_and_dimensions(taafi_ctx *ctx, tf_areas *a)
{
    size_t i;
    a->ll_min[0] = a->ll_min[1] = INFINITY;
    a->ll_max[0] = a->ll_max[1] = -INFINITY;
    for (i = 0; i < a->n; i++) {
        double x0, y0, x1, y1;
        if (GEOSisEmpty_r(ctx->geos, a->geom_ll[i]) != 1 && GEOSGeom_getXMin_r(ctx->geos, a->geom_ll[i], &x0) &&
            GEOSGeom_getYMin_r(ctx->geos, a->geom_ll[i], &y0) && GEOSGeom_getXMax_r(ctx->geos, a->geom_ll[i], &x1) &&
            GEOSGeom_getYMax_r(ctx->geos, a->geom_ll[i], &y1)) {
            a->ll_min[0] = fmin(a->ll_min[0], x0), a->ll_min[1] = fmin(a->ll_min[1], y0);
            a->ll_max[0] = fmax(a->ll_max[0], x1), a->ll_max[1] = fmax(a->ll_max[1], y1);
        }
        GEOSGeom_getCoordinateDimension_r(ctx->geos, a->geom[i]);
        GEOSGeom_getCoordinateDimension_r(ctx->geos, a->geom_ll[i]);
    }
}

taafi_status tf_areas_load_ex(taafi_ctx *ctx, const taafi_project *p, tf_dq *dq, tf_file_fn files,
                              void *files_user, int defer_overlaps, tf_areas **out)
{
    tf_vsource src = {0};
    tf_areas *a = NULL;
    OGRSpatialReferenceH srs;
    taafi_status st;
    *out = NULL;
    a = tf_calloc(1, sizeof *a);
    if (!a)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    tf_gdal_enter(ctx);
    if ((st = tf_source_open(ctx, &p->areas, &src)) || (st = tf_areas_check_fields(ctx, p, src.layer)) ||
        (st = tf_source_hash(ctx, &src, files, files_user)) ||
        (st = read_all(ctx, p, &src, dq, a)))
        goto fail;
    if (a->n == 0) {
        st = tf_error(ctx, TAAFI_ERR_DATA, "%s: layer %s: no area with a geometry%s; nothing to analyse", p->areas.path,
                      OGR_L_GetName(src.layer), p->areas.where ? " passes the filter" : "");
        goto fail;
    }
    if ((st = check_ids(ctx, p, a)))
        goto fail;
    a->epsg = p->crs_epsg;
    if ((!a->epsg && (st = tf_areas_choose_crs(ctx, p->areas.path, a, &a->epsg))) ||
        (st = tf_source_srs(ctx, &src, &srs)) || (st = transform_all(ctx, p, a, srs, dq)) ||
        (st = index_all(ctx, p, a)) || (!defer_overlaps && (st = tf_areas_check_overlaps(ctx, p, a, dq, 0, a->n))) ||
        (st = tf_locator_new(ctx, a->geom, a->n, &a->loc)))
        goto fail;
    tf_progress(ctx, "indexing areas", a->n, a->n); /* transformed, repaired, prepared, in the tree and the locator */
    extent_and_dimensions(ctx, a);
    tf_source_close(&src);
    tf_gdal_leave(ctx);
    *out = a;
    return TAAFI_OK;
fail:
    tf_source_close(&src);
    tf_areas_free(ctx, a);
    tf_gdal_leave(ctx);
    return st;
}

/* What the locator cannot tell (a point within rounding of an edge),
 * GEOS settles exactly, boundary included. */
typedef struct ask_state {
    taafi_ctx *ctx;
    const tf_areas *a;
} ask_state;

static int ask_geos(size_t i, double x, double y, void *user)
{
    ask_state *s = user;
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(s->ctx->geos, x, y);
    int in = pt && GEOSPreparedIntersects_r(s->ctx->geos, s->a->prep[i], pt) == 1;
    if (pt)
        GEOSGeom_destroy_r(s->ctx->geos, pt);
    return in;
}

long tf_areas_locate_xy(taafi_ctx *ctx, const tf_areas *a, double x, double y)
{
    ask_state s;
    s.ctx = ctx;
    s.a = a;
    return tf_locator_find(a->loc, x, y, ask_geos, &s);
}

long tf_areas_locate(taafi_ctx *ctx, const tf_areas *a, const GEOSGeometry *pt)
{
    double x, y;
    if (GEOSisEmpty_r(ctx->geos, pt) != 0 || !GEOSGeomGetX_r(ctx->geos, pt, &x) || !GEOSGeomGetY_r(ctx->geos, pt, &y))
        return -1;
    return tf_areas_locate_xy(ctx, a, x, y);
}

typedef struct cand_state {
    size_t *buf, n, cap;
    int failed;
} cand_state;

static void cand_cb(void *item, void *user)
{
    cand_state *c = user;
    if (c->failed)
        return;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 16;
        size_t *b = tf_realloc(c->buf, cap * sizeof *b);
        if (!b) {
            c->failed = 1;
            return;
        }
        c->buf = b;
        c->cap = cap;
    }
    c->buf[c->n++] = *(const size_t *)item;
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

taafi_status tf_areas_candidates(taafi_ctx *ctx, const tf_areas *a, const GEOSGeometry *g, size_t **buf,
                                 size_t *n, size_t *cap)
{
    cand_state c;
    c.buf = *buf;
    c.n = 0;
    c.cap = *cap;
    c.failed = 0;
    GEOSSTRtree_query_r(ctx->geos, a->tree, g, cand_cb, &c);
    *buf = c.buf;
    *cap = c.cap;
    *n = c.n;
    if (c.failed)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    /* The tree returns candidates in no set order; sorting keeps every
     * sum in the same order from run to run.  (None: buf may still be
     * NULL, which qsort may not be given.) */
    if (c.n > 1)
        qsort(c.buf, c.n, sizeof *c.buf, cmp_size);
    return TAAFI_OK;
}

int tf_geom_envelope(taafi_ctx *ctx, const GEOSGeometry *g, double env[4])
{
    return g && GEOSisEmpty_r(ctx->geos, g) == 0 && GEOSGeom_getXMin_r(ctx->geos, g, &env[0]) &&
           GEOSGeom_getYMin_r(ctx->geos, g, &env[1]) && GEOSGeom_getXMax_r(ctx->geos, g, &env[2]) &&
           GEOSGeom_getYMax_r(ctx->geos, g, &env[3]);
}

int tf_areas_extent(taafi_ctx *ctx, const tf_areas *A, double env[4])
{
    double e[4];
    size_t a;
    env[0] = env[1] = INFINITY, env[2] = env[3] = -INFINITY;
    for (a = 0; a < A->n; a++)
        if (tf_geom_envelope(ctx, A->geom[a], e)) {
            env[0] = fmin(env[0], e[0]), env[1] = fmin(env[1], e[1]);
            env[2] = fmax(env[2], e[2]), env[3] = fmax(env[3], e[3]);
        }
    return env[0] <= env[2];
}
