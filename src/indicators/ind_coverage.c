/*
 * ind_coverage.c: who and what lies within reach of working facilities.
 *
 * For the facilities of a layer that match (kind, status, filter):
 *   - the reach zone: the union of their buffers of the standard distance,
 *     built once per indicator with a cascaded union (GEOSUnaryUnion);
 *   - per area: the share of its surface and of its residents inside the
 *     zone, the residents beyond it, the residents' mean distance to the
 *     nearest facility, the number of facilities, residents per facility
 *     and that load against the standard;
 *   - per area, the gap: the part of the area beyond reach (service_gaps);
 *   - per facility, its proximity basin: the residents whose nearest
 *     facility it is (facilities).
 * Residents come from the cells of the project's population raster
 * (a raster_sum indicator), with exact coverage fractions.
 *
 * Distances are straight lines in the analysis CRS.  Everything that is a
 * distance goes through reach_zone() and nearest(): a network (street)
 * distance can replace those two without touching the rest.
 */
#include "../raster/raster.h"
#include "indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Segments per quarter circle of a buffer: 32 makes the buffer's area
 * short of the circle's by 0.04 %, which a 500 m standard can bear. */
#define QUADSEGS 32

typedef struct fac {
    double x, y;   /* analysis CRS */
    size_t index;  /* into the state's arrays */
} fac;

struct tf_ind_state {
    fac *fac;
    OGRFeatureH *feat;
    long *area;
    size_t n, cap;
    int capacity_idx; /* -1: no capacity field */
};

static void free_state(taafi_ctx *ctx, tf_ind_state *s)
{
    size_t i;
    (void)ctx;
    if (!s)
        return;
    for (i = 0; i < s->n; i++)
        if (s->feat[i])
            OGR_F_Destroy(s->feat[i]);
    free(s->fac);
    free(s->feat);
    free(s->area);
    free(s);
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    tf_ind_state *s = calloc(1, sizeof *s);
    taafi_status st;
    (void)areas;
    *out = NULL;
    if (!s)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->capacity_idx = -1;
    if (def->capacity_field && (st = tf_source_field(ctx, src, def->capacity_field, "capacity_field", &s->capacity_idx))) {
        free(s);
        return st;
    }
    *out = s;
    return TAAFI_OK;
}

static taafi_status consume(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *f)
{
    GEOSGeometry *pt = NULL;
    const GEOSGeometry *g = f->geom;
    double x, y;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 64;
        fac *a = realloc(s->fac, cap * sizeof *a);
        OGRFeatureH *b;
        long *c;
        if (a)
            s->fac = a;
        b = realloc(s->feat, cap * sizeof *b);
        if (b)
            s->feat = b;
        c = realloc(s->area, cap * sizeof *c);
        if (c)
            s->area = c;
        if (!a || !b || !c)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        s->cap = cap;
    }
    /* A facility drawn as a polygon (a school compound) is its point on
     * surface: distances run from one place per facility. */
    if (f->dim > 0) {
        if (!(pt = GEOSPointOnSurface_r(ctx->geos, f->geom)))
            return tf_error(ctx, TAAFI_ERR_GEOM, "feature %lld: no point on its surface", (long long)f->fid);
        g = pt;
    }
    GEOSGeomGetX_r(ctx->geos, g, &x);
    GEOSGeomGetY_r(ctx->geos, g, &y);
    if (pt)
        GEOSGeom_destroy_r(ctx->geos, pt);
    if (!(s->feat[s->n] = OGR_F_Clone(f->f)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->fac[s->n].x = x;
    s->fac[s->n].y = y;
    s->fac[s->n].index = s->n;
    s->area[s->n] = f->area;
    s->n++;
    return TAAFI_OK;
}

/* The zone within `distance` of any facility, or an empty polygon. */
static taafi_status reach_zone(taafi_ctx *ctx, const tf_ind_state *s, double distance, GEOSGeometry **out)
{
    GEOSGeometry **buf = NULL, *all = NULL;
    size_t i, k = 0;
    taafi_status st = TAAFI_OK;
    *out = NULL;
    if (s->n == 0) {
        *out = GEOSGeom_createEmptyPolygon_r(ctx->geos);
        return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if (!(buf = calloc(s->n, sizeof *buf)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < s->n; i++, k++) {
        GEOSGeometry *p = GEOSGeom_createPointFromXY_r(ctx->geos, s->fac[i].x, s->fac[i].y);
        buf[k] = p ? GEOSBuffer_r(ctx->geos, p, distance, QUADSEGS) : NULL;
        if (p)
            GEOSGeom_destroy_r(ctx->geos, p);
        if (!buf[k]) {
            st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot buffer a facility: %s", tf_lib_error(ctx));
            goto fail;
        }
    }
    all = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, buf, (unsigned)k); /* takes the buffers */
    free(buf);
    buf = NULL;
    if (!all)
        return tf_error(ctx, TAAFI_ERR_GEOM, "cannot collect buffers: %s", tf_lib_error(ctx));
    *out = GEOSUnaryUnion_r(ctx->geos, all);
    GEOSGeom_destroy_r(ctx->geos, all);
    return *out ? TAAFI_OK : tf_error(ctx, TAAFI_ERR_GEOM, "cannot union buffers: %s", tf_lib_error(ctx));
fail:
    for (i = 0; i < k; i++)
        if (buf[i])
            GEOSGeom_destroy_r(ctx->geos, buf[i]);
    free(buf);
    return st;
}

static int fac_distance(const void *a, const void *b, double *d, void *user)
{
    const fac *p = a, *q = b;
    (void)user;
    *d = hypot(p->x - q->x, p->y - q->y);
    return 1;
}

/* The facility nearest (x, y) and its distance, through the STRtree. */
static const fac *nearest(taafi_ctx *ctx, GEOSSTRtree *tree, double x, double y, double *dist)
{
    fac q = {x, y, 0};
    const fac *hit;
    GEOSGeometry *env = GEOSGeom_createPointFromXY_r(ctx->geos, x, y);
    if (!env)
        return NULL;
    hit = GEOSSTRtree_nearest_generic_r(ctx->geos, tree, &q, env, fac_distance, NULL);
    GEOSGeom_destroy_r(ctx->geos, env);
    if (hit)
        *dist = hypot(hit->x - x, hit->y - y);
    return hit;
}

/* Per-cell work within one area: mean distance and basins. */
typedef struct cell_acc {
    GEOSSTRtree *tree; /* NULL: no facility at all */
    double *basin;
    double total;       /* residents of the area            */
    double people_dist; /* sum of residents x distance (m)  */
} cell_acc;

static taafi_status on_cell(taafi_ctx *ctx, double x, double y, double value, double fraction, void *user)
{
    cell_acc *c = user;
    double d, people = value * fraction;
    const fac *hit;
    c->total += people;
    if (!c->tree)
        return TAAFI_OK;
    /* Distance from the cell's centre: the residents of a cell are taken
     * to live at its centre, as in every raster accessibility tool. */
    if (!(hit = nearest(ctx, c->tree, x, y, &d)))
        return tf_error(ctx, TAAFI_ERR_GEOM, "no nearest facility found");
    c->people_dist += people * d;
    c->basin[hit->index] += people;
    return TAAFI_OK;
}

static taafi_status add_gap(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, size_t area,
                            GEOSGeometry *geom, double km2, double residents)
{
    tf_gap *g;
    if (r->n_gaps == r->cap_gaps) {
        size_t cap = r->cap_gaps ? r->cap_gaps * 2 : 32;
        tf_gap *v = realloc(r->gaps, cap * sizeof *v);
        if (!v) {
            GEOSGeom_destroy_r(ctx->geos, geom);
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
        r->gaps = v;
        r->cap_gaps = cap;
    }
    g = &r->gaps[r->n_gaps++];
    g->area = area;
    g->def = def;
    g->geom = geom; /* taken */
    g->km2 = km2;
    g->residents = residents;
    return TAAFI_OK;
}

static taafi_status add_facilities(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, tf_ind_state *s,
                                   const double *basin)
{
    size_t i;
    for (i = 0; i < s->n; i++) {
        tf_facility *f;
        if (r->n_facilities == r->cap_facilities) {
            size_t cap = r->cap_facilities ? r->cap_facilities * 2 : 64;
            tf_facility *v = realloc(r->facilities, cap * sizeof *v);
            if (!v)
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            r->facilities = v;
            r->cap_facilities = cap;
        }
        f = &r->facilities[r->n_facilities];
        memset(f, 0, sizeof *f);
        f->def = def;
        f->area = s->area[i];
        f->basin = basin ? basin[i] : NAN;
        f->per_capacity = NAN;
        if (basin && s->capacity_idx >= 0) {
            double cap;
            if (tf_field_number(s->feat[i], s->capacity_idx, &cap) > 0 && cap > 0)
                f->per_capacity = basin[i] / cap;
        }
        if (!(f->pt = GEOSGeom_createPointFromXY_r(ctx->geos, s->fac[i].x, s->fac[i].y)))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        f->f = s->feat[i]; /* handed over */
        s->feat[i] = NULL;
        r->n_facilities++;
    }
    return TAAFI_OK;
}

static taafi_status column(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, const char *suffix,
                           int is_count, const char *unit, double **v)
{
    char name[256];
    snprintf(name, sizeof name, "%s_%s", def->id, suffix);
    return tf_result_add_column(ctx, r, name, def, is_count, unit, v);
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    const tf_indicator_def *pop = p->population >= 0 ? &p->inds[p->population] : NULL;
    tf_raster *ras = NULL;
    GEOSGeometry *zone = NULL;
    GEOSSTRtree *tree = NULL;
    double *area_pct, *pop_pct, *beyond, *mean_dist, *count, *per_fac, *load = NULL, *basin = NULL;
    taafi_status st;
    size_t a, i;
    if ((st = reach_zone(ctx, s, def->distance, &zone)))
        return st;
    if (pop && pop->type == TF_IND_RASTER_SUM) {
        if ((st = tf_raster_open(ctx, pop->source, pop->band, A->epsg, &ras)))
            goto done;
    } else if ((st = tf_dq_add(ctx, &r->dq, def->id, -1,
                               "residents within reach need a population raster (population: a raster_sum indicator)",
                               "resident columns left NULL"))) {
        goto done;
    }
    if (s->n) {
        if (!(tree = GEOSSTRtree_create_r(ctx->geos, 10)) || !(basin = calloc(s->n, sizeof *basin))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto done;
        }
        for (i = 0; i < s->n; i++) {
            GEOSGeometry *env = GEOSGeom_createPointFromXY_r(ctx->geos, s->fac[i].x, s->fac[i].y);
            if (!env) {
                st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                goto done;
            }
            /* The tree copies the envelope; the point can go. */
            GEOSSTRtree_insert_r(ctx->geos, tree, env, &s->fac[i]);
            GEOSGeom_destroy_r(ctx->geos, env);
        }
    }
    if ((st = column(ctx, r, def, "area_pct", 0, "% of area", &area_pct)) ||
        (st = column(ctx, r, def, "pop_pct", 0, "% of residents", &pop_pct)) ||
        (st = column(ctx, r, def, "pop_beyond", 0, "persons", &beyond)) ||
        (st = column(ctx, r, def, "mean_dist", 0, "m", &mean_dist)) ||
        (st = column(ctx, r, def, "facilities", 1, "facilities", &count)) ||
        (st = column(ctx, r, def, "residents_per_facility", 0, "persons per facility", &per_fac)))
        goto done;
    if (def->standard > 0 && (st = column(ctx, r, def, "load_vs_standard", 0, "ratio", &load)))
        goto done;
    for (a = 0; a < A->n; a++) {
        GEOSGeometry *covered = NULL, *gap = NULL;
        double m2 = 0, cov_m2 = 0, gap_m2 = 0, total = NAN, cov_pop = NAN;
        size_t n_here = 0;
        if ((st = tf_check_interrupt(ctx)))
            goto done;
        for (i = 0; i < s->n; i++)
            n_here += s->area[i] == (long)a;
        count[a] = (double)n_here;
        GEOSArea_r(ctx->geos, A->geom[a], &m2);
        if (!(covered = GEOSIntersection_r(ctx->geos, A->geom[a], zone)) ||
            !(gap = GEOSDifference_r(ctx->geos, A->geom[a], zone))) {
            if (covered)
                GEOSGeom_destroy_r(ctx->geos, covered);
            st = tf_error(ctx, TAAFI_ERR_GEOM, "area %s: cannot cut it by the reach zone: %s", A->id[a],
                          tf_lib_error(ctx));
            goto done;
        }
        GEOSArea_r(ctx->geos, covered, &cov_m2);
        GEOSArea_r(ctx->geos, gap, &gap_m2);
        area_pct[a] = m2 > 0 ? 100.0 * cov_m2 / m2 : NAN;
        if (ras) {
            cell_acc acc = {tree, basin, 0, 0};
            if ((st = tf_raster_cells(ctx, ras, A->geom[a], tree != NULL, on_cell, &acc, NULL)) ||
                (st = tf_raster_sum(ctx, ras, covered, &cov_pop, NULL))) {
                GEOSGeom_destroy_r(ctx->geos, covered);
                GEOSGeom_destroy_r(ctx->geos, gap);
                goto done;
            }
            total = acc.total;
            pop_pct[a] = total > 0 ? 100.0 * cov_pop / total : NAN;
            beyond[a] = total - cov_pop;
            mean_dist[a] = tree && total > 0 ? acc.people_dist / total : NAN;
            per_fac[a] = n_here ? total / (double)n_here : NAN;
            if (load)
                load[a] = n_here ? total / (double)n_here / def->standard : NAN;
        }
        GEOSGeom_destroy_r(ctx->geos, covered);
        if ((st = add_gap(ctx, r, def, a, gap, gap_m2 / 1e6, ras ? total - cov_pop : NAN)))
            goto done;
    }
    st = add_facilities(ctx, r, def, s, ras ? basin : NULL);
done:
    if (tree)
        GEOSSTRtree_destroy_r(ctx->geos, tree);
    if (zone)
        GEOSGeom_destroy_r(ctx->geos, zone);
    free(basin);
    tf_raster_close(ras);
    return st;
}

const tf_family tf_family_coverage = {TF_IND_COVERAGE, 0, begin, consume, finish, free_state};
