/*
 * coverage_cells.c: coverage of one area by a reach that cuts no polygon
 * (along the network): each raster cell under the area is within reach
 * when the distance from its centre is at most the standard, and the
 * residents of a cell are taken to live at its centre (as for the mean
 * distance, and in AccessMod).  Per area:
 *   - the share of its surface within reach: of the cells' parts inside
 *     it, weighted by those parts (nodata cells left out);
 *   - residents within reach, beyond it, and unreachable (their cell
 *     joins no open street within max_join, or a piece of the streets
 *     that no facility joins): unreachable residents are beyond reach too;
 *   - the mean distance over the residents who can reach a facility;
 *   - who loses access: residents within the standard in a straight line
 *     but not along the open streets, and within it along the streets
 *     with no closure but not with the closures;
 *   - the gap: the cells beyond reach (rectangles of the raster's cell
 *     size at the areas' centre) clipped to the area; made from the runs
 *     of cells within reach when they are fewer (the area less those), and
 *     without any overlay when all or none of its cells are within reach
 *     (GEOS's union of many small rectangles is the cost: a country's
 *     rural areas, beyond every street, are whole gaps).
 */
#include "coverage.h"

#include <math.h>
#include <string.h>

/* What the cells of one area add up to. */
typedef struct cells_acc {
    cov_job *j;
    tf_worker *w;
    double total, within, off, reach_pop, people_dist, lost_straight, lost_closures;
    double frac_all, frac_within;
    /* runs of neighbouring cells in a row, as rectangles x0 y0 x1 y1:
     * [0] beyond reach, [1] within it */
    struct runs {
        double *r;
        size_t n, cap;
    } runs[2];
    taafi_status st;
} cells_acc;

static int add_rect(struct runs *u, double x0, double y0, double x1, double y1)
{
    if (u->n == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 256;
        double *v = tf_realloc(u->r, 4 * cap * sizeof *v);
        if (!v)
            return -1;
        u->r = v, u->cap = cap;
    }
    u->r[4 * u->n] = x0, u->r[4 * u->n + 1] = y0;
    u->r[4 * u->n + 2] = x1, u->r[4 * u->n + 3] = y1;
    u->n++;
    return 0;
}

/* One cell: within reach or not (returned), its residents counted. */
static int one_cell(cells_acc *c, double x, double y, double people, double fraction)
{
    cov_job *j = c->j;
    double d, ds, da, D = j->limit;
    long hit = tf_reach_nearest(c->w->cur, x, y, &d);
    int within = hit >= 0 && d <= D;
    c->total += people;
    c->frac_all += fraction;
    if (within)
        c->within += people, c->frac_within += fraction;
    if (people == 0)
        return within;
    if (hit < 0) {
        c->off += people;
    } else {
        c->reach_pop += people;
        c->people_dist += people * d;
        c->w->basin[hit] += people;
    }
    if (!within && c->w->straight && tf_reach_nearest(c->w->straight, x, y, &ds) >= 0 && ds <= j->def->distance)
        c->lost_straight += people;
    if (!within && c->w->unclosed && tf_reach_nearest(c->w->unclosed, x, y, &da) >= 0 && da <= D)
        c->lost_closures += people;
    return within;
}

/* A row of cells: each counted; each run of neighbouring cells alike
 * (within reach or beyond it) made one rectangle. */
static taafi_status on_row(taafi_ctx *ctx, size_t n, const double *xs, const double *ys, const double *value,
                           const double *fraction, void *user)
{
    cells_acc *c = user;
    double hx = c->j->cell_hx, hy = c->j->cell_hy;
    size_t k, run = 0;
    int state = -1, in;
    for (k = 0; k <= n; k++) {
        in = k < n ? one_cell(c, xs[k], ys[k], value[k] * fraction[k], fraction[k]) : -1;
        /* a run ends where the state changes, at a skipped cell, or at the end */
        if (state >= 0 && (in != state || fabs(xs[k] - xs[k - 1] - 2 * hx) > 0.05 * hx)) {
            if (add_rect(&c->runs[state], xs[run] - hx, ys[run] - hy, xs[k - 1] + hx, ys[k - 1] + hy))
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            state = -1;
        }
        if (state < 0 && in >= 0)
            state = in, run = k;
    }
    return TAAFI_OK;
}

/* The union of the runs u, clipped to the area (within: the area less
 * them). */
static taafi_status cut_by_runs(taafi_ctx *ctx, const struct runs *u_, int within, const GEOSGeometry *area,
                                GEOSGeometry **gap)
{
    GEOSGeometry **rects = tf_malloc((u_->n ? u_->n : 1) * sizeof *rects), *coll = NULL, *u = NULL;
    size_t i, m = 0;
    taafi_status st = TAAFI_OK;
    *gap = NULL;
    if (!rects)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < u_->n; i++) {
        const double *r = &u_->r[4 * i];
        if (!(rects[m] = GEOSGeom_createRectangle_r(ctx->geos, r[0], r[1], r[2], r[3]))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            break;
        }
        m++;
    }
    if (!st && !(coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTIPOLYGON, rects, (unsigned)m)))
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (!coll)
        for (i = 0; i < m; i++)
            GEOSGeom_destroy_r(ctx->geos, rects[i]);
    tf_free(rects);
    if (!st && (!(u = GEOSUnaryUnion_r(ctx->geos, coll)) ||
                !(*gap = within ? GEOSDifference_r(ctx->geos, area, u) : GEOSIntersection_r(ctx->geos, area, u))))
        st = tf_error(ctx, TAAFI_ERR_GEOM, "cannot make the gap of an area from its cells: %s", tf_lib_error(ctx));
    if (coll)
        GEOSGeom_destroy_r(ctx->geos, coll);
    if (u)
        GEOSGeom_destroy_r(ctx->geos, u);
    return st;
}

/* The gap from whichever runs are fewer; none, or the whole area, with
 * no overlay at all. */
static taafi_status gap_of(taafi_ctx *ctx, const cells_acc *c, const GEOSGeometry *area, GEOSGeometry **gap)
{
    const struct runs *beyond = &c->runs[0], *within = &c->runs[1];
    if (!beyond->n && (*gap = GEOSGeom_createEmptyPolygon_r(ctx->geos)))
        return TAAFI_OK;
    if (!within->n && (*gap = GEOSGeom_clone_r(ctx->geos, area)))
        return TAAFI_OK;
    if (!beyond->n || !within->n)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    return within->n < beyond->n ? cut_by_runs(ctx, within, 1, area, gap) : cut_by_runs(ctx, beyond, 0, area, gap);
}

/* The area's basin shares, in facility order; the dense array left at 0. */
taafi_status tf_coverage_take_shares(taafi_ctx *ctx, cov_job *j, tf_worker *w, size_t a)
{
    size_t i, k;
    for (i = 0, k = 0; i < j->s->n; i++)
        k += w->basin[i] != 0;
    if (k && !(j->shares[a] = tf_malloc(k * sizeof **j->shares)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0, k = 0; i < j->s->n; i++)
        if (w->basin[i] != 0) {
            j->shares[a][k].f = i;
            j->shares[a][k++].people = w->basin[i];
            w->basin[i] = 0;
        }
    j->n_shares[a] = k;
    return TAAFI_OK;
}

/* The distance from the area's point on surface (NAN: none, or it
 * reaches nothing). */
static double point_distance(taafi_ctx *ctx, tf_reach_cursor *cur, const GEOSGeometry *area)
{
    GEOSGeometry *pt = GEOSPointOnSurface_r(ctx->geos, area);
    double x, y, d = NAN;
    if (pt && GEOSisEmpty_r(ctx->geos, pt) == 0 && GEOSGeomGetX_r(ctx->geos, pt, &x) &&
        GEOSGeomGetY_r(ctx->geos, pt, &y) && tf_reach_nearest(cur, x, y, &d) < 0)
        d = NAN;
    if (pt)
        GEOSGeom_destroy_r(ctx->geos, pt);
    return d;
}

taafi_status tf_coverage_cells_item(taafi_ctx *wctx, tf_worker *w, size_t a, cov_job *j)
{
    const GEOSGeometry *area = j->A->geom[a];
    cells_acc c;
    double m2 = 0;
    size_t n_here = (size_t)j->count[a];
    taafi_status st;
    double env[4];
    memset(&c, 0, sizeof c);
    c.j = j, c.w = w;
    GEOSArea_r(wctx->geos, area, &m2);
    if (tf_geom_envelope(wctx, area, env)) { /* the cursors index what lies near this area */
        env[0] -= 2 * j->cell_hx, env[1] -= 2 * j->cell_hy, env[2] += 2 * j->cell_hx, env[3] += 2 * j->cell_hy;
        tf_reach_focus(w->cur, env);
        if (w->unclosed)
            tf_reach_focus(w->unclosed, env);
        if (w->straight && tf_reach_count(j->straight) > 0)
            tf_reach_focus(w->straight, env);
    }
    if ((st = tf_raster_cells(wctx, w->ras, area, 1, on_row, &c, j->nodata ? &j->nodata[a] : NULL)) ||
        (st = gap_of(wctx, &c, area, &j->gap[a])) || (st = tf_coverage_take_shares(wctx, j, w, a)))
        goto done;
    if (j->pop_total)
        j->pop_total[a] = c.total;
    j->area_pct[a] = c.frac_all > 0 ? 100.0 * c.frac_within / c.frac_all : NAN;
    j->pop_pct[a] = c.total > 0 ? 100.0 * c.within / c.total : NAN;
    j->beyond[a] = c.total - c.within;
    j->mean_dist[a] = c.reach_pop > 0 ? c.people_dist / c.reach_pop : NAN;
    j->per_fac[a] = n_here ? c.total / (double)n_here : NAN;
    if (j->load)
        j->load[a] = n_here ? c.total / (double)n_here / j->def->standard : NAN;
    j->off[a] = c.off;
    if (j->lost_straight)
        j->lost_straight[a] = c.lost_straight;
    if (j->lost_closures)
        j->lost_closures[a] = c.lost_closures;
    j->point_dist[a] = point_distance(wctx, w->cur, area);
    j->gap_km2[a] = isnan(j->area_pct[a]) ? m2 / 1e6 : m2 * (1 - j->area_pct[a] / 100) / 1e6;
    j->gap_pop[a] = c.total - c.within;
done:
    tf_free(c.runs[0].r);
    tf_free(c.runs[1].r);
    return st;
}

/* Half a raster cell's width and height in the analysis CRS (metres), at
 * the centre of the areas' envelope. */
static taafi_status cell_size(taafi_ctx *ctx, const tf_indicator_def *pop, const tf_areas *A, double *hx, double *hy)
{
    tf_raster *ras = NULL;
    double e[4], px[3], py[3];
    int any = tf_areas_extent(ctx, A, e);
    taafi_status st;
    if ((st = tf_raster_open(ctx, pop->source, pop->band, A->epsg, &ras)))
        return st;
    *hx = ras->gt[1] / 2, *hy = -ras->gt[5] / 2;
    if (!tf_reproj_is_identity(ras->from_raster) && any) {
        px[0] = (e[0] + e[2]) / 2, py[0] = (e[1] + e[3]) / 2;
        if ((st = tf_reproj_xy(ctx, ras->to_raster, px, py, 1)))
            goto done;
        px[1] = px[0] + ras->gt[1], py[1] = py[0];
        px[2] = px[0], py[2] = py[0] + ras->gt[5];
        if ((st = tf_reproj_xy(ctx, ras->from_raster, px, py, 3)))
            goto done;
        *hx = hypot(px[1] - px[0], py[1] - py[0]) / 2, *hy = hypot(px[2] - px[0], py[2] - py[0]) / 2;
    }
done:
    tf_raster_close(ras);
    return st;
}

/* Facilities that join no street within max_join serve no one along the
 * streets: each noted. */
static taafi_status note_unjoined(taafi_ctx *ctx, const cov_job *j, taafi_result *r)
{
    const char *role = r->project->layers[j->def->layer].role;
    char problem[256];
    size_t i;
    taafi_status st = TAAFI_OK;
    snprintf(problem, sizeof problem, "%s: facility more than %g m from every open street", j->def->id,
             tf_network_max_join(r->network));
    for (i = 0; i < j->s->n && !st; i++)
        if (!tf_reach_serves(j->reach, i))
            st = tf_dq_add(ctx, &r->dq, role, OGR_F_GetFID(j->s->feat[i]), problem,
                           "serves no one along the streets (network.max_join)");
    return st;
}

static taafi_status net_column(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, const char *suffix,
                               const char *unit, double **v)
{
    char name[256];
    snprintf(name, sizeof name, "%s_%s", def->id, suffix);
    return tf_result_add_column(ctx, r, name, def, 0, unit, v);
}

const char *tf_coverage_unit(const tf_indicator_def *def, const taafi_result *r)
{
    return def->reach == TF_REACH_NETWORK && r->project->network.drive ? "min" : "m";
}

/* Whether the project or a scenario closes streets: then every result has
 * the column of those who lose access to the closures (0 where nothing
 * is closed), so that a scenario's replaces the project's. */
static int closures_declared(const taafi_project *p)
{
    size_t s;
    int any = p->network.closed_where || p->network.n_closed_by;
    for (s = 0; s < p->n_scenarios; s++)
        any |= p->scenarios[s].network != NULL;
    return any;
}

taafi_status tf_coverage_network_prepare(taafi_ctx *ctx, cov_job *j, taafi_result *r)
{
    const tf_indicator_def *def = j->def;
    tf_reach_how straight = {TF_REACH_STRAIGHT, NULL, NULL}, unclosed = {TF_REACH_NETWORK, r->network, NULL};
    int closures = tf_network_closures(r->network, def->closures) != NULL, declared = closures_declared(r->project);
    taafi_status st;
    if (!j->pop)
        return tf_error(ctx, TAAFI_ERR_PROJECT, "coverage '%s': reach: network counts residents at the cells of the "
                        "population raster, and the project has none; add 'population:' naming a raster_sum "
                        "indicator, or use reach: straight", def->id);
    j->limit = r->project->network.drive ? def->minutes : def->distance;
    if ((st = net_column(ctx, r, def, "pop_unreachable", "persons", &j->off)) ||
        (def->distance > 0 &&
         (st = net_column(ctx, r, def, "pop_lost_vs_straight", "persons", &j->lost_straight))) ||
        (declared && (st = net_column(ctx, r, def, "pop_lost_to_closures", "persons", &j->lost_closures))) ||
        (st = net_column(ctx, r, def, "point_dist", tf_coverage_unit(def, r), &j->point_dist)) ||
        (st = cell_size(ctx, j->pop, j->A, &j->cell_hx, &j->cell_hy)) ||
        (def->distance > 0 && (st = tf_coverage_reach(ctx, def, j->s, j->A, &straight, &j->straight))) ||
        (closures && (st = tf_coverage_reach(ctx, def, j->s, j->A, &unclosed, &j->unclosed))))
        return st;
    return note_unjoined(ctx, j, r);
}

void tf_coverage_network_free(taafi_ctx *ctx, cov_job *j)
{
    tf_reach_free(ctx, j->straight);
    tf_reach_free(ctx, j->unclosed);
    j->straight = j->unclosed = NULL;
}
