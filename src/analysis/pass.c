/*
 * pass.c: one streaming pass over a layer.  Every feature of the (layer,
 * filter) is read once, transformed once, located once (and cut by the
 * areas once, if any indicator of the pass needs its parts) and handed to
 * every indicator of the pass; GeoPackage point layers that are only
 * counted or summed are read by columns (io/columns.c), their points
 * placed on the --jobs threads (pointpool.c).  What the pass finds wrong
 * goes to the data-quality log.
 */
#include "pass_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Features listed one by one in the data-quality log for each kind of
 * problem and layer; beyond that they are only counted, so that a country
 * of points outside the areas cannot flood the log. */
#define MAX_LISTED_FEATURES 200


/* Whether a point outside every area, in a geographic layer, would fall
 * among the areas with its two coordinates exchanged: the sign of a file
 * written latitude first (a CSV with the columns the wrong way round).
 * (x, y): the point as the layer has it. */
static int looks_swapped(const tf_areas *a, double x, double y)
{
    /* away from the areas as it is, among them when exchanged */
    if (x >= a->ll_min[0] && x <= a->ll_max[0] && y >= a->ll_min[1] && y <= a->ll_max[1])
        return 0;
    return y >= a->ll_min[0] && y <= a->ll_max[0] && x >= a->ll_min[1] && x <= a->ll_max[1];
}


static taafi_status note(taafi_ctx *ctx, taafi_result *r, const char *role, int64_t fid, size_t nth,
                         const char *problem, const char *action)
{
    if (nth > MAX_LISTED_FEATURES)
        return TAAFI_OK;
    return tf_dq_add(ctx, &r->dq, role, fid, problem, action);
}

static taafi_status summary(taafi_ctx *ctx, taafi_result *r, const char *role, size_t n, const char *what,
                            const char *action)
{
    char problem[256];
    if (n <= MAX_LISTED_FEATURES)
        return TAAFI_OK;
    snprintf(problem, sizeof problem, "%zu features in all %s (the first %d are listed)", n, what,
             MAX_LISTED_FEATURES);
    return tf_dq_add(ctx, &r->dq, role, -1, problem, action);
}

/* Builds the analysis-CRS view of one OGR feature: its geometry (a point
 * for points, through the fast path), dimension, measure and the area of
 * its representative point (the point itself, else GEOSPointOnSurface,
 * which is always on the feature, unlike the centroid).  *geom_out is
 * owned by the caller.  *usable is 0 when the feature is to be skipped
 * (noted).  Without `point_geom`, a point gets no GEOS geometry (f->geom
 * and *geom_out stay NULL): passes whose indicators only count and sum
 * need its area alone, and a million points need a million fewer
 * allocations.  `known`: a point's area as already worked out
 * (pointpool.h), or TF_PT_AGAIN for tf_pass_view() to work it out. */
taafi_status tf_pass_view(taafi_ctx *ctx, taafi_result *r, const tf_source *def, const tf_reproj *to_xy,
                         OGRFeatureH of, const double *xy, long known, int need_valid, int point_geom,
                         pass_stats *ps, tf_feature *f, GEOSGeometry **geom_out, int *usable)
{
    OGRGeometryH g = OGR_F_GetGeometryRef(of);
    GEOSGeometry *geom = NULL, *rep = NULL;
    double px = 0, py = 0; /* a point's own coordinates, analysis CRS */
    taafi_status st;
    *geom_out = NULL;
    *usable = 0;
    memset(f, 0, sizeof *f);
    f->f = of;
    f->fid = (int64_t)OGR_F_GetFID(of);
    f->area = -1;
    if (!g || OGR_G_IsEmpty(g))
        return note(ctx, r, def->role, f->fid, ++ps->no_geom, "no geometry", "not counted");
    f->dim = OGR_G_GetDimension(g);
    if (wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint) {
        f->measure = 1;
        if (known == TF_PT_AGAIN || point_geom) {
            /* xy: the point already transformed with the rest of its chunk */
            px = xy ? xy[0] : OGR_G_GetX(g, 0), py = xy ? xy[1] : OGR_G_GetY(g, 0);
            if (!xy && (st = tf_reproj_xy(ctx, to_xy, &px, &py, 1)))
                goto unusable;
            if (point_geom && !(geom = GEOSGeom_createPointFromXY_r(ctx->geos, px, py)))
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
    } else {
        if ((st = tf_ingest(ctx, g, to_xy, &geom)))
            goto unusable;
        if (need_valid && f->dim == 2 && GEOSisValid_r(ctx->geos, geom) != 1) {
            GEOSGeometry *fixed = GEOSMakeValid_r(ctx->geos, geom);
            if (!fixed) {
                tf_error(ctx, TAAFI_ERR_GEOM, "invalid polygon that GEOS cannot repair");
                goto unusable;
            }
            GEOSGeom_destroy_r(ctx->geos, geom);
            geom = fixed;
            if ((st = note(ctx, r, def->role, f->fid, ++ps->repaired, "invalid polygon",
                           "repaired with GEOSMakeValid")))
                goto fail;
        }
        if (!tf_pass_measure(ctx, geom, f->dim, &f->measure)) {
            tf_error(ctx, TAAFI_ERR_GEOM, "cannot measure it");
            goto unusable;
        }
        /* A line of no length (or a polygon of no area) has no part inside
         * any area: counted by its point it would also be "outside". */
        if (!(f->measure > 0)) {
            tf_error(ctx, TAAFI_ERR_GEOM, f->dim == 1 ? "a line of zero length" : "a polygon of zero area");
            goto unusable;
        }
        if (!(rep = GEOSPointOnSurface_r(ctx->geos, geom))) {
            tf_error(ctx, TAAFI_ERR_GEOM, "no point on its surface: %s", tf_lib_error(ctx));
            goto unusable;
        }
    }
    f->geom = geom;
    if (rep)
        f->area = tf_areas_locate(ctx, r->areas, rep);
    else
        f->area = known != TF_PT_AGAIN ? known : tf_areas_locate_xy(ctx, r->areas, px, py);
    if (rep)
        GEOSGeom_destroy_r(ctx->geos, rep);
    *geom_out = geom;
    *usable = 1;
    return TAAFI_OK;
unusable : {
    /* A feature that cannot be used is noted and skipped, never fatal:
     * one bad feature must not stop a city's analysis. */
    char why[TF_MSG_MAX];
    snprintf(why, sizeof why, "%s", taafi_ctx_message(ctx));
    if (geom)
        GEOSGeom_destroy_r(ctx->geos, geom);
    return note(ctx, r, def->role, f->fid, ++ps->bad_geom, why, "not counted");
}
fail:
    if (geom)
        GEOSGeom_destroy_r(ctx->geos, geom);
    return st;
}

/* The filter of a pass: the layer's own `where` and the indicator's. */
static char *pass_filter(const tf_source *layer, const char *ind_where)
{
    if (layer->where && ind_where)
        return tf_sprintf("(%s) AND (%s)", layer->where, ind_where);
    return tf_strdup(layer->where ? layer->where : ind_where);
}

int tf_same_filter(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* Whether every indicator of the pass over (li, where) only counts or
 * sums its features by area: then points need no GEOS geometry and only
 * the fields those indicators name are read.  Not with a filter: GDAL
 * evaluates some filters itself, on the fields it has read. */
static int lean_pass(const taafi_result *r, size_t li, const char *where, int scan_only)
{
    const taafi_project *p = r->project;
    size_t k;
    if (scan_only || p->layers[li].where || where)
        return 0;
    for (k = 0; k < p->n_inds; k++) {
        if (p->inds[k].layer != (int)li || tf_pass_where(&p->inds[k]))
            continue;
        if (!tf_family_lean(p->inds[k].type))
            return 0;
    }
    return 1;
}

/* Tells GDAL to skip the fields no indicator of a lean pass reads (the
 * damage layer's ids, dates, surveyors' notes...).  *out (freed by the
 * caller) holds the names, which the layer's definition owns. */
static taafi_status ignore_fields(taafi_ctx *ctx, const taafi_result *r, size_t li, const char *where,
                                  const tf_vsource *src, const char ***out)
{
    const taafi_project *p = r->project;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src->layer);
    int n = OGR_FD_GetFieldCount(defn), i, m = 0;
    const char **names = tf_calloc((size_t)n + 1, sizeof *names);
    size_t k;
    *out = NULL;
    if (!names)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        int used = 0;
        for (k = 0; k < p->n_inds && !used; k++) {
            const tf_indicator_def *d = &p->inds[k];
            int text;
            const char *f = tf_indicator_field(d, &text);
            used = d->layer == (int)li && tf_same_filter(tf_pass_where(d), where) && f && !strcasecmp(f, name);
        }
        /* the CSV driver's points come from these two (kept read, whatever
         * GDAL does with ignored fields) */
        if (src->def->x_field && (!strcasecmp(src->def->x_field, name) || !strcasecmp(src->def->y_field, name)))
            used = 1;
        if (!used)
            names[m++] = name;
    }
    tf_gdal_enter(ctx);
    if (m && OGR_L_SetIgnoredFields(src->layer, names) != OGRERR_NONE)
        tf_log(ctx, TAAFI_LOG_DEBUG, "%s: GDAL cannot skip unused fields; all are read", p->layers[li].path);
    tf_gdal_leave(ctx);
    *out = names;
    return TAAFI_OK;
}

/* Whether indicator k reads the pass over (li, where); none does in a scan. */
int tf_pass_in_pass(const taafi_project *p, size_t k, size_t li, const char *where, int scan_only)
{
    return !scan_only && p->inds[k].layer == (int)li && tf_same_filter(tf_pass_where(&p->inds[k]), where);
}

/* A feature made ready by the pass: noted when it lies outside every area
 * (with the sign of exchanged coordinates when `ll`, a point's own
 * coordinates in a geographic layer, says so), then handed to every
 * indicator of the pass. */
taafi_status tf_pass_hand_over(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                              int scan_only, tf_ind_state **states, const tf_feature *f, int outside,
                              const double *ll, pass_stats *ps)
{
    const taafi_project *p = r->project;
    taafi_status st;
    size_t k;
    if (outside) {
        if (ll && looks_swapped(r->areas, ll[0], ll[1]))
            st = note(ctx, r, def->role, f->fid, ++ps->swapped,
                      "outside every area, but inside them with latitude and longitude exchanged",
                      "not counted; check the order of the coordinates");
        else
            st = note(ctx, r, def->role, f->fid, ++ps->outside, "outside every area", "not counted");
        if (st)
            return st;
    }
    for (k = 0; k < p->n_inds; k++)
        if (tf_pass_in_pass(p, k, li, where, scan_only) && states[k] &&
            (st = tf_family_of(p->inds[k].type)->consume(ctx, states[k], f)))
            return st;
    return TAAFI_OK;
}

/* One OGR feature through the pass: its tf_pass_view(), its parts when the pass
 * needs them, then tf_pass_hand_over().  `of` stays the caller's. */
taafi_status tf_pass_take(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                         int scan_only, tf_ind_state **states, const tf_reproj *to_xy, OGRFeatureH of,
                         const double *xy, long known, int needs_parts, int point_geom, int geographic, pass_buf *buf,
                         pass_stats *ps)
{
    tf_feature f;
    GEOSGeometry *geom = NULL;
    int usable;
    taafi_status st = tf_pass_view(ctx, r, def, to_xy, of, xy, known, needs_parts, point_geom, ps, &f, &geom, &usable);
    if (!st && usable && !(needs_parts && (st = tf_pass_cut(ctx, r->areas, &f, buf)))) {
        OGRGeometryH g = OGR_F_GetGeometryRef(of);
        double ll[2];
        int pt = geographic && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint;
        if (pt)
            ll[0] = OGR_G_GetX(g, 0), ll[1] = OGR_G_GetY(g, 0);
        st = tf_pass_hand_over(ctx, r, def, li, where, scan_only, states, &f,
                       needs_parts && f.dim > 0 ? f.n_parts == 0 : f.area < 0, pt ? ll : NULL, ps);
    }
    if (geom)
        GEOSGeom_destroy_r(ctx->geos, geom);
    return st;
}

/* For a lean pass over a layer in lon/lat (EPSG:4326, as survey and
 * satellite damage points come): the lattice that stands in for PROJ when
 * points are only located (fastproj.h), over the areas' lon/lat extent and
 * a little more; *out NULL when there is none to be had. */
static taafi_status lattice(taafi_ctx *ctx, const taafi_result *r, OGRSpatialReferenceH srs, const tf_reproj *to_xy,
                            tf_fastproj **out)
{
    OGRSpatialReferenceH wgs84 = tf_srs_from_epsg(4326);
    const tf_areas *a = r->areas;
    int same = wgs84 && srs && OSRIsSame(srs, wgs84);
    *out = NULL;
    if (wgs84)
        OSRRelease(wgs84);
    if (!same || !(a->ll_min[0] <= a->ll_max[0]))
        return TAAFI_OK;
    /* 0.02 degrees between nodes: interpolation within a micrometre in
     * UTM (measured when made) */
    return tf_fastproj_new(ctx, to_xy, a->ll_min[0] - 0.01, a->ll_min[1] - 0.01, a->ll_max[0] + 0.01,
                           a->ll_max[1] + 0.01, 0.02, out);
}



/* A chunk of features read together, their points placed together. */
typedef struct feat_chunk {
    OGRFeatureH *f;
    double *cx, *cy;     /* points through PROJ, in the analysis CRS          */
    double *ax, *ay;     /* the points as read                                 */
    unsigned char *is_pt; /* PT_RAW: a point, in ax, ay; else PT_NONE          */
    long *known;         /* the pool's areas, or TF_PT_AGAIN                  */
    long *pt_ix;         /* index into cx, cy, or -1                          */
    size_t n, at;        /* features in it; the next to take                  */
} feat_chunk;

static int chunk_alloc(feat_chunk *c)
{
    c->f = tf_calloc(CHUNK, sizeof *c->f);
    c->cx = tf_malloc(CHUNK * sizeof *c->cx), c->cy = tf_malloc(CHUNK * sizeof *c->cy);
    c->ax = tf_malloc(CHUNK * sizeof *c->ax), c->ay = tf_malloc(CHUNK * sizeof *c->ay);
    c->is_pt = tf_calloc(CHUNK, 1);
    c->known = tf_malloc(CHUNK * sizeof *c->known);
    c->pt_ix = tf_malloc(CHUNK * sizeof *c->pt_ix);
    return c->f && c->cx && c->cy && c->ax && c->ay && c->is_pt && c->known && c->pt_ix ? 0 : -1;
}

static void chunk_free(feat_chunk *c)
{
    for (; c->f && c->at < c->n; c->at++)
        if (c->f[c->at])
            OGR_F_Destroy(c->f[c->at]);
    tf_free(c->f), tf_free(c->cx), tf_free(c->cy), tf_free(c->ax), tf_free(c->ay), tf_free(c->is_pt), tf_free(c->known), tf_free(c->pt_ix);
}

/* The next chunk: read, then its points placed together: points that are
 * only located on the threads (pool: lattice, PROJ, locator; their areas
 * in known, or TF_PT_AGAIN for tf_pass_view() to work out); the others every
 * point through PROJ in one call (a call per point costs more than the
 * work; a point PROJ cannot transform fails the batch: then each is
 * transformed alone and only it is noted).  c->n is 0 at the end. */
static taafi_status chunk_read(taafi_ctx *ctx, tf_vsource *src, feat_chunk *c, size_t *n_gdal_msgs,
                               tf_pointpool *pool, tf_reproj *to_xy)
{
    size_t n_pt = 0, i;
    taafi_status st = TAAFI_OK;
    c->at = c->n = 0;
    /* GDAL's messages while reading: a bad feature comes with one (GDAL's
     * "Unable to read geometry", say) and is noted when used; but the end
     * of the layer with one is a damaged file, whose rest would otherwise
     * be silently missing */
    tf_gdal_enter(ctx); /* once per chunk: a handler pushed per feature costs an allocation */
    while (c->n < CHUNK && (c->f[c->n] = tf_source_next(ctx, src, n_gdal_msgs, &st)))
        c->n++;
    tf_gdal_leave(ctx);
    if (st || !c->n || (st = tf_check_interrupt(ctx)))
        return st;
    for (i = 0; i < c->n; i++) {
        OGRGeometryH g = OGR_F_GetGeometryRef(c->f[i]);
        c->pt_ix[i] = -1;
        c->is_pt[i] = PT_NONE;
        if (g && wkbFlatten(OGR_G_GetGeometryType(g)) == wkbPoint && !OGR_G_IsEmpty(g)) {
            c->ax[i] = OGR_G_GetX(g, 0), c->ay[i] = OGR_G_GetY(g, 0);
            c->is_pt[i] = PT_RAW;
        }
    }
    if (pool) {
        tf_pointpool_place(pool, ctx, to_xy, c->n, c->is_pt, c->ax, c->ay, c->known);
        return TAAFI_OK;
    }
    for (i = 0; i < c->n; i++)
        if (c->is_pt[i] == PT_RAW) {
            c->cx[n_pt] = c->ax[i];
            c->cy[n_pt] = c->ay[i];
            c->pt_ix[i] = (long)n_pt++;
        }
    if (n_pt && tf_reproj_xy(ctx, to_xy, c->cx, c->cy, n_pt) != TAAFI_OK)
        for (i = 0; i < c->n; i++)
            c->pt_ix[i] = -1;
    return TAAFI_OK;
}

/* Each indicator of the pass begins; *needs_parts: whether any needs the
 * features cut by the areas (a scan does: "outside every area" then means
 * touching none). */
static taafi_status begin_states(taafi_ctx *ctx, const taafi_result *r, size_t li, const char *where, int scan_only,
                                 const tf_vsource *src, tf_ind_state **states, int *needs_parts)
{
    const taafi_project *p = r->project;
    size_t k;
    taafi_status st;
    *needs_parts = scan_only;
    for (k = 0; k < p->n_inds; k++) {
        const tf_family *fam;
        if (!tf_pass_in_pass(p, k, li, where, scan_only))
            continue;
        fam = tf_family_of(p->inds[k].type);
        *needs_parts |= fam->needs_parts;
        if ((st = fam->begin(ctx, &p->inds[k], r->areas, src, &states[k])))
            return st;
    }
    return TAAFI_OK;
}

/* "counting damage" where the pass counts (the features are counted as
 * they are read), "reading facilities" elsewhere. */
static void stage_name(const taafi_project *p, size_t li, const char *where, int scan_only, const char *role,
                       char *stage, size_t size)
{
    const char *verb = scan_only ? "checking" : "reading";
    size_t k;
    for (k = 0; !scan_only && k < p->n_inds; k++)
        if (tf_pass_in_pass(p, k, li, where, 0) && tf_family_of(p->inds[k].type) &&
            tf_family_of(p->inds[k].type)->pass_verb)
            verb = tf_family_of(p->inds[k].type)->pass_verb;
    snprintf(stage, size, "%s %s", verb, role);
}

/* What the pass found, into the data-quality log and the log. */
static taafi_status summaries(taafi_ctx *ctx, taafi_result *r, const tf_source *def, const char *where,
                              int scan_only, const pass_stats *ps, size_t n_gdal_msgs, const char *stage)
{
    taafi_status st;
    if (n_gdal_msgs > TF_MAX_GDAL_MSGS)
        tf_log(ctx, TAAFI_LOG_WARNING, "%s: %zu more messages from GDAL while reading (shown with -v)", def->path,
               n_gdal_msgs - TF_MAX_GDAL_MSGS);
    if ((st = summary(ctx, r, def->role, ps->no_geom, "without geometry", "not counted")) ||
        (st = summary(ctx, r, def->role, ps->bad_geom, "with unusable geometry", "not counted")) ||
        (st = summary(ctx, r, def->role, ps->repaired, "repaired", "repaired with GEOSMakeValid")) ||
        (st = summary(ctx, r, def->role, ps->outside, "outside every area", "not counted")) ||
        (st = summary(ctx, r, def->role, ps->swapped, "with latitude and longitude exchanged", "not counted")))
        return st;
    if (ps->swapped)
        tf_log(ctx, TAAFI_LOG_WARNING,
               "%s: %zu feature(s) lie outside every area but inside them with latitude and longitude "
               "exchanged: the file probably holds (lat, lon); fix the column order",
               def->path, ps->swapped);
    tf_progress(ctx, stage, ps->read, ps->read);
    tf_log(ctx, scan_only ? TAAFI_LOG_DEBUG : TAAFI_LOG_INFO,
           "%s%s%s: %zu features read, %zu outside every area, %zu without usable geometry", def->role,
           where ? " where " : "", where ? where : "", ps->read, ps->outside + ps->swapped, ps->no_geom + ps->bad_geom);
    if (ps->read == 0)
        tf_log(ctx, TAAFI_LOG_WARNING, "%s: no features%s", def->path, def->where ? " pass the filter" : "");
    return TAAFI_OK;
}


/* A pass feature by feature: what each feature is handed over with. */
typedef struct feat_pass {
    taafi_result *r;
    const tf_source *def;
    size_t li;
    const char *where;
    int scan_only, needs_parts, lean, geographic;
    tf_ind_state **states;
    tf_reproj *to_xy;
    tf_pointpool *pool; /* lean passes: points placed on the threads */
    pass_buf *buf;
    pass_stats *ps;
} feat_pass;

/* Every feature of src, read a chunk at a time, handed over in order. */
static taafi_status feature_loop(taafi_ctx *ctx, const feat_pass *fp, tf_vsource *src, feat_chunk *c,
                                 const char *stage, GIntBig total, size_t *n_gdal_msgs)
{
    taafi_status st;
    for (;;) {
        OGRFeatureH of;
        double xy_one[2];
        const double *xy = NULL;
        if (c->at == c->n) {
            if ((st = chunk_read(ctx, src, c, n_gdal_msgs, fp->pool, fp->to_xy)) || !c->n)
                return st;
            tf_progress(ctx, stage, fp->ps->read, total > 0 ? (uint64_t)total : 0);
        }
        of = c->f[c->at];
        c->f[c->at] = NULL;
        if (!fp->pool && c->pt_ix[c->at] >= 0) {
            xy_one[0] = c->cx[c->pt_ix[c->at]];
            xy_one[1] = c->cy[c->pt_ix[c->at]];
            xy = xy_one;
        }
        fp->ps->read++;
        st = tf_pass_take(ctx, fp->r, fp->def, fp->li, fp->where, fp->scan_only, fp->states, fp->to_xy, of, xy,
                          fp->pool ? c->known[c->at] : TF_PT_AGAIN, fp->needs_parts, !fp->lean, fp->geographic,
                          fp->buf, fp->ps);
        c->at++;
        OGR_F_Destroy(of);
        if (st)
            return st;
    }
}

taafi_status tf_pass_run(taafi_ctx *ctx, taafi_result *r, size_t li, const char *where, int hash,
                         tf_ind_state **states, int scan_only)
{
    const taafi_project *p = r->project;
    tf_source def = p->layers[li];
    tf_vsource src = {0};
    tf_reproj *to_xy = NULL;
    OGRSpatialReferenceH srs;
    pass_stats ps = {0};
    pass_buf buf = {0};
    feat_chunk c = {0};
    feat_pass f = {.r = r, .def = &def, .li = li, .where = where, .scan_only = scan_only, .states = states,
                   .buf = &buf, .ps = &ps};
    int columns = 0;
    const char **ignored = NULL;
    char stage[160];
    GIntBig total;
    tf_fastproj *fp = NULL;
    size_t n_gdal_msgs = 0;
    taafi_status st;
    /* from here on def.where is this pass's own copy, freed at the end */
    def.where = pass_filter(&p->layers[li], where);
    if (chunk_alloc(&c) || (def.where == NULL) != (p->layers[li].where == NULL && where == NULL)) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = tf_source_open(ctx, &def, &src)) || (st = tf_source_srs(ctx, &src, &srs)) ||
        (st = tf_reproj_new(ctx, srs, r->areas->epsg, def.path, &to_xy)))
        goto done;
    f.to_xy = to_xy;
    f.geographic = OSRIsGeographic(srs);
    if ((hash && (st = tf_source_hash(ctx, &src, tf_result_add_input, r))) ||
        (st = begin_states(ctx, r, li, where, scan_only, &src, states, &f.needs_parts)))
        goto done;
    /* sums and the like need each feature's parts, which for a layer of
     * points is its area: lean all the same */
    f.lean = lean_pass(r, li, where, scan_only) &&
             (!f.needs_parts || wkbFlatten(OGR_L_GetGeomType(src.layer)) == wkbPoint);
    if (f.lean && ((st = ignore_fields(ctx, r, li, where, &src, &ignored)) ||
                   (st = lattice(ctx, r, srs, to_xy, &fp))))
        goto done;
    OGR_L_ResetReading(src.layer);
    stage_name(p, li, where, scan_only, def.role, stage, sizeof stage);
    total = OGR_L_GetFeatureCount(src.layer, FALSE); /* -1 when it would cost a scan */
    if (f.lean && ((st = tf_pass_by_columns(ctx, r, &def, li, where, states, &src, srs, to_xy, fp, f.geographic,
                                            f.needs_parts, &buf, ignored, stage, total, &ps, &n_gdal_msgs, &columns)) ||
                   (!columns && (st = tf_pointpool_new(ctx, r->areas, srs, def.path, fp, &f.pool)))))
        goto done;
    if (!columns)
        st = feature_loop(ctx, &f, &src, &c, stage, total, &n_gdal_msgs);
    if (!st)
        st = summaries(ctx, r, &def, where, scan_only, &ps, n_gdal_msgs, stage);
done:
    tf_pointpool_free(f.pool);
    chunk_free(&c);
    tf_free(ignored);
    tf_fastproj_free(fp);
    tf_free(buf.cand);
    tf_free(buf.parts);
    tf_free(def.where);
    tf_reproj_free(to_xy);
    tf_source_close(&src);
    return st;
}

taafi_status tf_scan_layer(taafi_ctx *ctx, taafi_result *r, size_t li)
{
    return tf_pass_run(ctx, r, li, NULL, 0, NULL, 1);
}

