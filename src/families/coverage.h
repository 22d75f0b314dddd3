/* coverage.h: what ind_coverage.c, coverage_cells.c and
 * coverage_select.c share: the facilities a coverage pass kept and the
 * work of its workers.  Private to src/families. */
#ifndef TAAFI_COVERAGE_H
#define TAAFI_COVERAGE_H

#include "core/parallel.h"
#include "indicator.h"
#include "raster/raster.h"
#include "reach.h"

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
    int superset;     /* the pass read the union of several filters
                         (scenarios': pass_where): each finish selects
                         its own facilities among those kept */
};

/* One basin share: residents of one area whose nearest facility is f. */
typedef struct share {
    size_t f;
    double people;
} share;

/* The work of one coverage indicator, shared by its workers.  Each area's
 * results land in that area's slots; basins are summed afterwards area by
 * area, so that the totals never depend on the number of threads. */
typedef struct cov_job {
    const tf_indicator_def *def, *pop;
    const tf_areas *A;
    tf_ind_state *s;
    const tf_reach *reach; /* the facilities' reach (none: n is 0) */
    tf_fastproj *cells; /* the raster's cell centres (NULL: PROJ anchors) */
    double *area_pct, *pop_pct, *beyond, *mean_dist, *count, *per_fac, *load;
    GEOSGeometry **gap;    /* per area */
    double *gap_km2, *gap_pop;
    double *pop_total;     /* per area: the residents, for the population
                              column (finish_summing), or NULL          */
    size_t *nodata;        /* per area: nodata cells, likewise          */
    share **shares;        /* per area */
    size_t *n_shares;
    /* along the network (reach cut by cells): the same facilities in a
     * straight line and along the streets with no closure (NULL: the
     * network has none), to count who loses access and why; a cell's
     * half width and height in the analysis CRS (metres) */
    tf_reach *straight, *unclosed;
    double cell_hx, cell_hy;
    double limit; /* the standard in the network's cost: metres or minutes */
    double *off, *lost_straight, *lost_closures, *point_dist;
} cov_job;

struct tf_worker {
    tf_raster *ras;                  /* NULL without a population raster */
    tf_reach_cursor *cur;            /* this worker's questions to reach */
    tf_reach_cursor *straight, *unclosed; /* likewise (network only)     */
    double *basin;                   /* dense, n facilities, kept at 0   */
};

/* One area of a coverage whose reach is cut at the cells
 * (coverage_cells.c): its columns, gap and basin shares, as cov_item
 * makes them for a reach that cuts polygons. */
taafi_status tf_coverage_cells_item(taafi_ctx *wctx, tf_worker *w, size_t a, cov_job *j);

/* Area a's basin shares from the worker's dense basin array, in facility
 * order; the array left at 0 for the next area (coverage_cells.c). */
taafi_status tf_coverage_take_shares(taafi_ctx *ctx, cov_job *j, tf_worker *w, size_t a);

/* The unit of def's distances: "min" along a network in drive mode, else
 * "m" (coverage_cells.c). */
const char *tf_coverage_unit(const tf_indicator_def *def, const taafi_result *r);

/* The reach of the facilities of s within def's standard distance,
 * measured as `how` says (ind_coverage.c).  *out is the caller's. */
taafi_status tf_coverage_reach(taafi_ctx *ctx, const tf_indicator_def *def, const tf_ind_state *s,
                               const tf_areas *A, const tf_reach_how *how, tf_reach **out);

/* Along the network (coverage_cells.c): the straight and unclosed
 * reaches, the cell size and the columns of who loses access made, and
 * the facilities that join no street noted; after the columns of
 * prepare().  Freed by tf_coverage_network_free (the reaches). */
taafi_status tf_coverage_network_prepare(taafi_ctx *ctx, cov_job *j, taafi_result *r);
void tf_coverage_network_free(taafi_ctx *ctx, cov_job *j);

/* keep[i] = 1 for the kept facilities that `where` selects (where NULL:
 * all): coverage_select.c. */
taafi_status tf_coverage_select(taafi_ctx *ctx, const tf_ind_state *s, const char *where, unsigned char *keep);

#endif
