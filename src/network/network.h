/*
 * network.h: the streets as a graph, read once per run, and the shortest
 * distances along it (docs/network.md).
 *
 * Built from the `network.streets` layer in the analysis CRS (metres):
 * the lines are noded where they cross (GEOSNode, level by level when
 * `level_field` says that some streets pass over others), the street ends
 * within `tolerance` of another vertex joined to it, and every piece
 * between two vertices made an edge (a straight segment, its length in
 * metres).  Each edge knows whether it is closed and by what (the streets'
 * own `closed.where`, or a layer of `closed.by`), so that the same graph
 * routes with the closures and without them.
 *
 * A place (a facility, a raster cell's centre) joins the network at the
 * nearest point of the nearest edge (open edges only when routing with
 * the closures), the straight leg counted in its distance, up to
 * `max_join` metres; beyond that it is not joined.
 *
 * A tf_network is immutable once built: workers share it read-only.
 * Every function that takes a `const tf_network *` allocates nothing and
 * may run on any thread, except tf_network_route (which allocates its heap
 * on the calling context).
 */
#ifndef TAAFI_NETWORK_H
#define TAAFI_NETWORK_H

#include "areas/areas.h"
#include "core/dq.h"
#include "io/source.h"

typedef struct tf_network tf_network;

/* Reads the project's network (p->network.layer >= 0) over the areas A:
 * its files reported through add_input(user) as the passes do, what was
 * joined, closed and cut off noted into dq.  *out is the caller's
 * (tf_network_free). */
taafi_status tf_network_build(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, tf_dq *dq,
                              tf_file_fn add_input, void *user, tf_network **out);
void tf_network_free(taafi_ctx *ctx, tf_network *n);

/* Where a place joins: edge, the position along it (0 at its first node,
 * 1 at its second) and the straight leg to it (metres). */
typedef struct tf_net_join {
    size_t edge;
    double t, leg_m;
} tf_net_join;

/* Which edges are closed: one byte per edge, nonzero closed; NULL: none.
 * The project's closures (which NULL or &p->network), or a scenario's
 * added with tf_network_add_closures (its network def); NULL also when
 * they close nothing. */
const unsigned char *tf_network_closures(const tf_network *n, const tf_network_def *which);

/* Works out the closures of a scenario (nd: its `network:` keys, which
 * must outlive n) on the streets already read, noting what they close
 * into dq with the scenario's name; before the network is shared. */
taafi_status tf_network_add_closures(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, tf_network *n,
                                     const tf_network_def *nd, const char *scenario, tf_dq *dq,
                                     tf_file_fn add_input, void *user);

/* Joins (x, y) to the nearest edge that `closed` leaves open (NULL: any)
 * within max_join metres: 1 and *j set, or 0 when there is none that
 * close.  Ties go to the lower edge number. */
int tf_network_join(const tf_network *n, double x, double y, const unsigned char *closed, tf_net_join *j);

/* A worker's index of the edges near one area (an envelope), for joins
 * there: a finer grid of buckets than the network's, which the joins of
 * a country's millions of cells otherwise search.  Answers equal
 * tf_network_join's.  Each cursor its own; ctx is the worker's. */
typedef struct tf_net_local tf_net_local;
tf_net_local *tf_net_local_new(taafi_ctx *ctx);
void tf_net_local_free(tf_net_local *l);
/* Indexes the edges within max_join of env (x0 y0 x1 y1; NULL: none, the
 * network's own grid answers) that `closed` leaves open.  On failure (no
 * memory) it indexes nothing, and the network's grid answers. */
void tf_net_local_focus(tf_net_local *l, const tf_network *n, const double env[4], const unsigned char *closed);
/* tf_network_join through l where it indexes (x, y), else the network's. */
int tf_network_join_near(const tf_network *n, const tf_net_local *l, double x, double y, const unsigned char *closed,
                         tf_net_join *j);

/* Costs: metres along the streets and the legs, walking (both ways);
 * minutes in mode: drive, at each street's speed and the legs' join
 * speed, one-way streets only as they may be driven, from the places to
 * the sources (residents go to the facilities).
 *
 * The shortest costs from the joined sources src[0..ns) to
 * every node, along the edges `closed` leaves open: dist[node] (INFINITY
 * where none reaches) and label[node], the source reached from (-1: none;
 * of sources at equal distance, the lower number).  dist and label hold
 * tf_network_nodes(n) entries, the caller's.  The search stops beyond
 * max_cost (INFINITY: it never does): costs above it are then not final
 * (INFINITY, or more than the true cost). */
taafi_status tf_network_route(taafi_ctx *ctx, const tf_network *n, const tf_net_join *src, size_t ns,
                              const unsigned char *closed, double max_cost, double *dist, long *label);

/* The distance from a place joined at j to the nearest source through
 * the nodes of its edge (dist, label as tf_network_route made them), its
 * label in *label (-1, INFINITY: none).  Sources on the same edge are the
 * caller's to weigh (tf_network_along). */
double tf_network_via_nodes(const tf_network *n, const double *dist, const long *label, const tf_net_join *j,
                            long *label_out);

/* The cost along their edge from a joined place a to a joined source b
 * on the same edge, their legs included (INFINITY: one-way against it). */
double tf_network_along(const tf_network *n, const tf_net_join *a, const tf_net_join *b);

/* Edge e's ends, x0 y0 x1 y1 in the analysis CRS (for maps). */
void tf_network_segment(const tf_network *n, size_t e, double xy[4]);

size_t tf_network_nodes(const tf_network *n);
size_t tf_network_edges(const tf_network *n);
/* The max_join the network was built with (metres). */
double tf_network_max_join(const tf_network *n);

#endif
