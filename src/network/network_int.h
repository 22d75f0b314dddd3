/* network_int.h: what the files of src/network share: the graph, and a
 * grid of buckets over segments for the nearest and the nearby ones.
 * Private to src/network. */
#ifndef TAAFI_NETWORK_INT_H
#define TAAFI_NETWORK_INT_H

#include "network.h"

/* A uniform grid of buckets over n segments (a point is a segment of no
 * length), each listed in every bucket its envelope meets.  Immutable once
 * built: queries allocate nothing and may run on any thread. */
typedef struct tf_seggrid {
    double x0, y0, cell;     /* origin and bucket side, metres */
    long nx, ny;
    size_t *start;           /* nx * ny + 1 offsets into idx   */
    size_t *idx;             /* segment numbers by bucket      */
    double *seg;             /* 4 per segment: ax ay bx by     */
    size_t n;
    unsigned short *ring;    /* per bucket, or NULL: how many rings
                                out the nearest bucket holding a
                                segment is (0: this one), at most
                                65535: the rings before it need no
                                search, and a place whose nearest
                                can only be beyond maxd none      */
} tf_seggrid;

/* seg: 4 doubles per segment, taken (freed with the grid).  Buckets of
 * about one segment each, or of side `cell` metres (0: that default). */
taafi_status tf_seggrid_build(taafi_ctx *ctx, tf_seggrid *g, double *seg, size_t n);
taafi_status tf_seggrid_build_cell(taafi_ctx *ctx, tf_seggrid *g, double *seg, size_t n, double cell);
/* Works out g->ring (a distance transform over the buckets); on failure
 * (no memory) g answers as before, more slowly. */
void tf_seggrid_rings(tf_seggrid *g);
void tf_seggrid_free(tf_seggrid *g);

/* The segment nearest to (x, y) within maxd metres, skipping segment
 * `except` and those with skip[i] != 0 (skip NULL: none): its number, or
 * -1; *t its position along it (0-1) and *d the distance.  Ties go to
 * the lower number. */
long tf_seggrid_nearest(const tf_seggrid *g, double x, double y, double maxd, const unsigned char *skip, long except,
                        double *t, double *d);

/* fn(i, user) for every segment whose bucket meets the envelope (x0 y0 x1
 * y1); a segment may come more than once (in several buckets).  Stops at
 * the first nonzero return, returned. */
int tf_seggrid_visit(const tf_seggrid *g, const double env[4], int (*fn)(size_t i, void *user), void *user);

/* The position (0-1) along a->b of the point nearest to (x, y), and its
 * distance in *d. */
double tf_seg_project(const double s[4], double x, double y, double *d);

/* network_read.c: what the reading of the streets gathers, level by
 * level (freed by tf_net_lines_free). */
typedef struct tf_net_lines {
    GEOSGeometry **part; /* line strings, in reading order               */
    size_t *part_feat;   /* the street each is of                        */
    int *part_level;     /* its level (an index into level[])            */
    size_t n, cap;
    char **level;        /* the distinct values of level_field ("" none) */
    size_t n_levels;
    int64_t *fid;        /* per street (reading order)                   */
    double *kmh;         /* per street: its speed (mode: drive)          */
    signed char *oneway; /* per street: 1 as drawn, -1 against, 0 both   */
    size_t n_feat, cap_feat;
    size_t not_lines;    /* features left out: not lines                 */
} tf_net_lines;

void tf_net_lines_free(taafi_ctx *ctx, tf_net_lines *L);
/* Every street of p's network layer, in reading order, in EPSG:epsg; its
 * files reported through add_input; what is left out noted into dq. */
taafi_status tf_net_read_streets(taafi_ctx *ctx, const taafi_project *p, int epsg, tf_dq *dq, tf_file_fn add_input,
                                 void *user, tf_net_lines *L);

/* network_node.c: segments with the street each is of, 4 coordinates
 * apiece (the caller frees s, feat, same). */
typedef struct tf_net_segs {
    double *s;
    size_t *feat;
    signed char *same; /* 1: drawn as its street is, -1: the other way */
    size_t n, cap;
} tf_net_segs;

taafi_status tf_net_segs_add(taafi_ctx *ctx, tf_net_segs *S, const double *xy, size_t feat);
/* The lines of one level of L, their segments added to S: those that
 * cross or touch inside another noded by GEOS, the others as they are
 * (the parts noded are taken from L). */
taafi_status tf_net_node_level(taafi_ctx *ctx, tf_net_lines *L, int level, tf_net_segs *S);

/* Why an edge is closed: 0 open, TF_CLOSED_WHERE by the streets' own
 * attributes (closed.where), TF_CLOSED_BY + k by closed.by[k]. */
#define TF_DIR_FORWARD 1
#define TF_DIR_BACKWARD 2
#define TF_CLOSED_WHERE 1
#define TF_CLOSED_BY 2

struct tf_network {
    size_t n_nodes, n_edges;
    double *nx, *ny;          /* node coordinates, analysis CRS       */
    size_t *eu, *ev;          /* edge ends (nodes)                    */
    double *len;              /* edge lengths, metres                 */
    double *cost;             /* edge costs: metres walked, or minutes
                                 driven (mode: drive)                 */
    unsigned char *dir;       /* 0 both ways, TF_DIR_FORWARD only from
                                 eu to ev, TF_DIR_BACKWARD only back  */
    double leg_cost;          /* cost of a metre of leg (1 walking)   */
    size_t *feature;          /* the street (reading order) it is of  */
    unsigned char *closed;    /* TF_CLOSED_*, 0: open                 */
    size_t *adj_start, *adj;  /* edges at each node: adj[adj_start[v]
                                 .. adj_start[v + 1])                 */
    tf_seggrid grid;          /* over the edges, for joins            */
    double max_join;          /* metres                               */
    int any_closed;
    int64_t *fid;             /* per street (reading order)           */
    size_t n_streets;
    struct scen_closures {    /* scenarios' closures                  */
        const tf_network_def *nd;
        unsigned char *closed;
        int any;
    } *scen;
    size_t n_scen;
};

/* network_close.c: marks closed[] (one per edge, zeroed) by the closures
 * nd lists (the project's or a scenario's, `scenario` its name or NULL)
 * and notes what each closed into dq; *any set when one is closed. */
taafi_status tf_network_close(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, const tf_network *n,
                              const tf_network_def *nd, const char *scenario, unsigned char *closed, int *any,
                              tf_dq *dq, tf_file_fn add_input, void *user);

#endif
