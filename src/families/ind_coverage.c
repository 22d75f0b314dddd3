/*
 * ind_coverage.c: who and what lies within reach of working facilities.
 *
 * For the facilities of a layer that match (kind, status, filter):
 *   - the reach zone: the union of their buffers of the standard distance,
 *     made area by area from the buffers that reach the area (a country's
 *     zone whole would be a serial union of thousands of circles, and every
 *     area would then be cut by a geometry of a hundred thousand vertices);
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
 * Everything that is a distance goes through the reach interface
 * (reach.h): straight lines in the analysis CRS today; a network (street)
 * distance can take their place without touching the rest.
 */
#include "core/parallel.h"
#include "raster/raster.h"
#include "coverage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void free_state(taafi_ctx *ctx, tf_ind_state *s)
{
    size_t i;
    (void)ctx;
    if (!s)
        return;
    for (i = 0; i < s->n; i++)
        if (s->feat[i])
            OGR_F_Destroy(s->feat[i]);
    tf_free(s->fac);
    tf_free(s->feat);
    tf_free(s->area);
    tf_free(s);
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    tf_ind_state *s = tf_calloc(1, sizeof *s);
    taafi_status st;
    (void)areas;
    *out = NULL;
    if (!s)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->capacity_idx = -1;
    s->superset = def->pass_where != NULL;
    if (def->capacity_field && (st = tf_source_field(ctx, src, def->capacity_field, "capacity_field", &s->capacity_idx))) {
        tf_free(s);
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
        fac *a = tf_realloc(s->fac, cap * sizeof *a);
        OGRFeatureH *b;
        long *c;
        if (a)
            s->fac = a;
        b = tf_realloc(s->feat, cap * sizeof *b);
        if (b)
            s->feat = b;
        c = tf_realloc(s->area, cap * sizeof *c);
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

/* Per-cell work within one area: mean distance and basins. */
typedef struct cell_acc {
    tf_reach_cursor *reach; /* NULL: no facility at all */
    double *basin;
    double total;       /* residents of the area            */
    double people_dist; /* sum of residents x distance (m)  */
} cell_acc;

static taafi_status on_cells(taafi_ctx *ctx, size_t n, const double *xs, const double *ys, const double *value,
                             const double *fraction, void *user)
{
    cell_acc *c = user;
    size_t k;
    for (k = 0; k < n; k++) {
        double d, people = value[k] * fraction[k];
        long hit;
        c->total += people;
        /* a cell without residents adds nothing to distances or basins:
         * no nearest facility to look for (deserts, fields, nodata) */
        if (!c->reach || people == 0)
            continue;
        /* Distance from the cell's centre: the residents of a cell are taken
         * to live at its centre, as in every raster accessibility tool. */
        if ((hit = tf_reach_nearest(c->reach, xs[k], ys[k], &d)) < 0)
            return tf_error(ctx, TAAFI_ERR_GEOM, "no nearest facility found");
        c->people_dist += people * d;
        c->basin[hit] += people;
    }
    return TAAFI_OK;
}

static taafi_status add_gap(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, size_t area,
                            GEOSGeometry *geom, double km2, double residents)
{
    tf_gap *g;
    if (r->n_gaps == r->cap_gaps) {
        size_t cap = r->cap_gaps ? r->cap_gaps * 2 : 32;
        tf_gap *v = tf_realloc(r->gaps, cap * sizeof *v);
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
            tf_facility *v = tf_realloc(r->facilities, cap * sizeof *v);
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
        /* a copy: a scenario's other distance runs finish() again */
        if (!(f->f = OGR_F_Clone(s->feat[i]))) {
            GEOSGeom_destroy_r(ctx->geos, f->pt);
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        }
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

static void cov_teardown(taafi_ctx *wctx, tf_worker *w)
{
    (void)wctx;
    if (!w)
        return;
    tf_raster_close(w->ras);
    tf_reach_cursor_free(w->cur);
    tf_reach_cursor_free(w->straight);
    tf_reach_cursor_free(w->unclosed);
    tf_free(w->basin);
    tf_free(w);
}

static taafi_status cov_setup(taafi_ctx *wctx, void *user, tf_worker **out)
{
    cov_job *j = user;
    tf_worker *w = tf_calloc(1, sizeof *w);
    taafi_status st = TAAFI_OK;
    *out = NULL;
    if (!w || !(w->basin = tf_calloc(j->s->n ? j->s->n : 1, sizeof *w->basin))) {
        cov_teardown(wctx, w);
        return tf_error(wctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    st = tf_reach_cursor_new(wctx, j->reach, &w->cur);
    if (!st && j->straight)
        st = tf_reach_cursor_new(wctx, j->straight, &w->straight);
    if (!st && j->unclosed)
        st = tf_reach_cursor_new(wctx, j->unclosed, &w->unclosed);
    if (!st && j->pop && !(st = tf_raster_open(wctx, j->pop->source, j->pop->band, j->A->epsg, &w->ras)))
        tf_raster_use_lattice(w->ras, j->cells);
    if (st) {
        cov_teardown(wctx, w);
        return st;
    }
    *out = w;
    return TAAFI_OK;
}

static taafi_status cov_item(taafi_ctx *wctx, tf_worker *w, size_t a, void *user)
{
    cov_job *j = user;
    const tf_areas *A = j->A;
    GEOSGeometry *covered = NULL, *gap = NULL;
    double m2 = 0, cov_m2 = 0, gap_m2 = 0, total = NAN, cov_pop = NAN;
    double env[4];
    size_t n_here = (size_t)j->count[a];
    int empty;
    taafi_status st;
    if (tf_reach_cuts_by_cells(j->reach))
        return tf_coverage_cells_item(wctx, w, a, j);
    empty = !tf_geom_envelope(wctx, A->geom[a], env);
    GEOSArea_r(wctx->geos, A->geom[a], &m2);
    if ((st = tf_reach_cut(wctx, w->cur, A->geom[a], empty ? NULL : env, &covered, &gap))) {
        char why[TF_MSG_MAX];
        snprintf(why, sizeof why, "%s", taafi_ctx_message(wctx));
        return tf_error(wctx, st, "area %s: cannot cut it by the reach zone: %s", A->id[a], why);
    }
    GEOSArea_r(wctx->geos, covered, &cov_m2);
    GEOSArea_r(wctx->geos, gap, &gap_m2);
    j->area_pct[a] = m2 > 0 ? 100.0 * cov_m2 / m2 : NAN;
    if (w->ras) {
        int any = tf_reach_count(j->reach) > 0;
        cell_acc acc = {any ? w->cur : NULL, w->basin, 0, 0};
        tf_reach_focus(w->cur, any && !empty ? env : NULL);
        if ((st = tf_raster_cells(wctx, w->ras, A->geom[a], any, on_cells, &acc,
                                  j->nodata ? &j->nodata[a] : NULL)) ||
            (st = tf_raster_sum(wctx, w->ras, covered, &cov_pop, NULL)))
            goto done;
        total = acc.total;
        if (j->pop_total)
            j->pop_total[a] = total;
        j->pop_pct[a] = total > 0 ? 100.0 * cov_pop / total : NAN;
        j->beyond[a] = total - cov_pop;
        j->mean_dist[a] = any && total > 0 ? acc.people_dist / total : NAN;
        j->per_fac[a] = n_here ? total / (double)n_here : NAN;
        if (j->load)
            j->load[a] = n_here ? total / (double)n_here / j->def->standard : NAN;
        /* this area's basin shares, in facility order; the dense array is
         * left at zero for the next area */
        if ((st = tf_coverage_take_shares(wctx, j, w, a)))
            goto done;
    }
    j->gap[a] = gap;
    gap = NULL;
    j->gap_km2[a] = gap_m2 / 1e6;
    j->gap_pop[a] = w->ras ? total - cov_pop : NAN;
done:
    GEOSGeom_destroy_r(wctx->geos, covered);
    if (gap)
        GEOSGeom_destroy_r(wctx->geos, gap);
    return st;
}

/* A lattice for the population raster's cell centres (fastproj.h) over
 * the areas' extent in the raster's CRS, when the raster is not in the
 * analysis CRS: every row's centres then come from it, rather than from
 * PROJ anchors along the row.  *out NULL when there is none to be had. */
static taafi_status cell_lattice(taafi_ctx *ctx, const tf_indicator_def *pop, const tf_areas *A, tf_fastproj **out)
{
    tf_raster *ras = NULL;
    double x0, y0, x1, y1, e[4], px[9], py[9], m;
    int k;
    taafi_status st;
    *out = NULL;
    if (!tf_areas_extent(ctx, A, e) || (st = tf_raster_open(ctx, pop->source, pop->band, A->epsg, &ras)))
        return TAAFI_OK; /* no areas; or the raster's own problem, told by the workers */
    x0 = e[0], y0 = e[1], x1 = e[2], y1 = e[3];
    if (tf_reproj_is_identity(ras->from_raster))
        goto done;
    /* the areas' envelope (corners, side middles, centre) in the raster's
     * CRS, widened by a twentieth and two cells against the sides' bulge */
    for (k = 0; k < 9; k++) {
        px[k] = x0 + (x1 - x0) * (k % 3) / 2;
        py[k] = y0 + (y1 - y0) * (k / 3) / 2;
    }
    if (tf_reproj_xy(ctx, ras->to_raster, px, py, 9) != TAAFI_OK) {
        tf_lib_error_clear(ctx);
        goto done;
    }
    x0 = y0 = INFINITY, x1 = y1 = -INFINITY;
    for (k = 0; k < 9; k++)
        x0 = fmin(x0, px[k]), y0 = fmin(y0, py[k]), x1 = fmax(x1, px[k]), y1 = fmax(y1, py[k]);
    m = fmax(x1 - x0, y1 - y0) / 20 + 2 * fmax(ras->gt[1], -ras->gt[5]);
    /* 0.02 degrees between nodes (2 km in a projected raster) */
    st = tf_fastproj_new(ctx, ras->from_raster, x0 - m, y0 - m, x1 + m, y1 + m,
                         OSRIsGeographic(ras->srs) ? 0.02 : 2000, out);
    tf_raster_close(ras);
    return st;
done:
    tf_raster_close(ras);
    return TAAFI_OK;
}

static taafi_status finish_on(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r,
                              double *pop_total, size_t *nodata_total);

/* pop_total (one per area) and *nodata_total: finish_summing's. */
static taafi_status finish_with(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r,
                                double *pop_total, size_t *nodata_total)
{
    tf_ind_state sub;
    unsigned char *keep;
    size_t i, m = 0;
    taafi_status st;
    if (!s->superset)
        return finish_on(ctx, def, s, r, pop_total, nodata_total);
    /* the facilities of this filter among the union the pass kept; the
     * features are borrowed */
    memset(&sub, 0, sizeof sub);
    sub.capacity_idx = s->capacity_idx;
    keep = tf_malloc(s->n ? s->n : 1);
    sub.fac = tf_malloc((s->n ? s->n : 1) * sizeof *sub.fac);
    sub.feat = tf_malloc((s->n ? s->n : 1) * sizeof *sub.feat);
    sub.area = tf_malloc((s->n ? s->n : 1) * sizeof *sub.area);
    if (!keep || !sub.fac || !sub.feat || !sub.area) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    if ((st = tf_coverage_select(ctx, s, def->where, keep)))
        goto done;
    for (i = 0; i < s->n; i++)
        if (keep[i]) {
            sub.fac[m] = s->fac[i];
            sub.fac[m].index = m;
            sub.feat[m] = s->feat[i];
            sub.area[m++] = s->area[i];
        }
    sub.n = sub.cap = m;
    st = finish_on(ctx, def, &sub, r, pop_total, nodata_total);
done:
    tf_free(keep);
    tf_free(sub.fac);
    tf_free(sub.feat);
    tf_free(sub.area);
    return st;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    return finish_with(ctx, def, s, r, NULL, NULL);
}

static taafi_status finish_summing(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r,
                                   double *pop, size_t *nodata)
{
    return finish_with(ctx, def, s, r, pop, nodata);
}

taafi_status tf_coverage_reach(taafi_ctx *ctx, const tf_indicator_def *def, const tf_ind_state *s,
                               const tf_areas *A, const tf_reach_how *how, tf_reach **out)
{
    double *xs = tf_malloc((s->n ? s->n : 1) * sizeof *xs), *ys = tf_malloc((s->n ? s->n : 1) * sizeof *ys);
    size_t i;
    taafi_status st;
    if (!xs || !ys)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    else {
        for (i = 0; i < s->n; i++)
            xs[i] = s->fac[i].x, ys[i] = s->fac[i].y;
        st = tf_reach_new(ctx, how, xs, ys, s->n, A, def->distance, out);
    }
    tf_free(xs);
    tf_free(ys);
    return st;
}

/* The indicator's columns, the facilities per area counted, and the
 * workers' per-area results made room for. */
static taafi_status prepare(taafi_ctx *ctx, cov_job *j, taafi_result *r, double *pop_total)
{
    const tf_indicator_def *def = j->def;
    size_t n = j->A->n ? j->A->n : 1, a, i;
    taafi_status st;
    if ((st = column(ctx, r, def, "area_pct", 0, "% of area", &j->area_pct)) ||
        (st = column(ctx, r, def, "pop_pct", 0, "% of residents", &j->pop_pct)) ||
        (st = column(ctx, r, def, "pop_beyond", 0, "persons", &j->beyond)) ||
        (st = column(ctx, r, def, "mean_dist", 0, tf_coverage_unit(def, r), &j->mean_dist)) ||
        (st = column(ctx, r, def, "facilities", 1, "facilities", &j->count)) ||
        (st = column(ctx, r, def, "residents_per_facility", 0, "persons per facility", &j->per_fac)) ||
        (def->standard > 0 && (st = column(ctx, r, def, "load_vs_standard", 0, "ratio", &j->load))))
        return st;
    for (a = 0; a < j->A->n; a++)
        j->count[a] = 0;
    for (i = 0; i < j->s->n; i++)
        if (j->s->area[i] >= 0)
            j->count[j->s->area[i]] += 1;
    j->gap = tf_calloc(n, sizeof *j->gap);
    j->gap_km2 = tf_calloc(n, sizeof *j->gap_km2);
    j->gap_pop = tf_calloc(n, sizeof *j->gap_pop);
    j->shares = tf_calloc(n, sizeof *j->shares);
    j->n_shares = tf_calloc(n, sizeof *j->n_shares);
    if (!j->gap || !j->gap_km2 || !j->gap_pop || !j->shares || !j->n_shares)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (j->pop && pop_total) {
        j->pop_total = pop_total;
        if (!(j->nodata = tf_calloc(n, sizeof *j->nodata)))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    return TAAFI_OK;
}

/* In area order, whatever thread did which area: the basins summed, the
 * gaps and the facilities into the result, the nodata cells counted. */
static taafi_status collect_areas(taafi_ctx *ctx, cov_job *j, taafi_result *r, size_t *nodata_total)
{
    const tf_areas *A = j->A;
    double *basin = tf_calloc(j->s->n ? j->s->n : 1, sizeof *basin);
    size_t a, k;
    taafi_status st = TAAFI_OK;
    if (!basin)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (a = 0; a < A->n && !st; a++) {
        for (k = 0; k < j->n_shares[a]; k++)
            basin[j->shares[a][k].f] += j->shares[a][k].people;
        st = add_gap(ctx, r, j->def, a, j->gap[a], j->gap_km2[a], j->gap_pop[a]);
        j->gap[a] = NULL; /* taken, or freed on failure */
    }
    if (!st)
        st = add_facilities(ctx, r, j->def, j->s, j->pop ? basin : NULL);
    if (!st && j->nodata)
        for (a = 0, *nodata_total = 0; a < A->n; a++)
            *nodata_total += j->nodata[a];
    tf_free(basin);
    return st;
}

static void job_free(taafi_ctx *ctx, cov_job *j)
{
    size_t a;
    tf_fastproj_free(j->cells);
    tf_free(j->nodata);
    if (j->gap)
        for (a = 0; a < j->A->n; a++)
            if (j->gap[a])
                GEOSGeom_destroy_r(ctx->geos, j->gap[a]);
    if (j->shares)
        for (a = 0; a < j->A->n; a++)
            tf_free(j->shares[a]);
    tf_free(j->gap);
    tf_free(j->gap_km2);
    tf_free(j->gap_pop);
    tf_free(j->shares);
    tf_free(j->n_shares);
}

static taafi_status finish_on(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r,
                              double *pop_total, size_t *nodata_total)
{
    static const tf_parallel_ops ops = {cov_setup, cov_item, cov_teardown};
    const taafi_project *p = r->project;
    const tf_indicator_def *pop = p->population >= 0 ? &p->inds[p->population] : NULL;
    cov_job j;
    tf_reach *reach = NULL;
    tf_reach_how how = {def->reach, r->network, r->network ? tf_network_closures(r->network, def->closures) : NULL};
    char stage[128];
    taafi_status st;
    memset(&j, 0, sizeof j);
    j.def = def;
    j.A = r->areas;
    j.s = s;
    if (pop && tf_family_own_source(pop->type) != TF_OWN_RASTER) /* the population is a raster sum */
        pop = NULL;
    j.pop = pop;
    if (!pop && (st = tf_dq_add(ctx, &r->dq, def->id, -1,
                                "residents within reach need a population raster (population: a raster_sum "
                                "indicator)",
                                "resident columns left NULL")))
        return st;
    snprintf(stage, sizeof stage, "coverage %s", def->id);
    st = pop ? cell_lattice(ctx, pop, r->areas, &j.cells) : TAAFI_OK;
    if (!st)
        st = tf_coverage_reach(ctx, def, s, r->areas, &how, &reach);
    j.reach = reach;
    if (!st && !(st = prepare(ctx, &j, r, pop_total)) &&
        (!tf_reach_cuts_by_cells(reach) || !(st = tf_coverage_network_prepare(ctx, &j, r))) &&
        !(st = tf_parallel_for_stage(ctx, stage, r->areas->n, &ops, &j)))
        st = collect_areas(ctx, &j, r, nodata_total);
    job_free(ctx, &j);
    tf_coverage_network_free(ctx, &j);
    tf_reach_free(ctx, reach);
    return st;
}

static int same_text(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

/* A scenario's other distance standard, or other facilities (statuses,
 * where): computed again from the facilities the pass kept (the union of
 * the filters). */
static int scenario_variant(const tf_indicator_def *base, const tf_indicator_def *scen, char *why, size_t size)
{
    int other_filter = !same_text(scen->where, base->where), other_closures = scen->closures != base->closures;
    if (scen->distance == base->distance && !other_filter && !other_closures)
        return 0;
    snprintf(why, size, "within %g m%s%s%s", scen->distance, other_filter ? " of facilities where " : "",
             other_filter ? scen->where : "", other_closures ? ", with the scenario's closures" : "");
    return 1;
}

const tf_family tf_family_coverage = {.type = TF_IND_COVERAGE,
                                      .begin = begin,
                                      .consume = consume,
                                      .finish = finish,
                                      .free = free_state,
                                      .score_suffix = "_pop_pct",
                                      .score_unit = "%",
                                      .per_area = 1,
                                      .makes_facility_layers = 1,
                                      .has_distance = 1,
                                      .scenario_variant = scenario_variant,
                                      .finish_summing = finish_summing};
