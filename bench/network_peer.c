/*
 * network_peer.c: taafi's side of the pgRouting comparison in
 * scripts/bench.sh.  Runs a project with a network (taafi_run), starts
 * from the street vertex nearest to each working facility of one kind
 * (pgr_drivingDistance starts at vertices), routes along the open streets
 * with taafi's router (tf_network_route), as far as the distance as
 * pgr_drivingDistance does, and writes every vertex within
 * the distance with its cost, and the start vertices, as CSV for the
 * script to compare with pgRouting's.  Prints the analysis CRS's EPSG
 * code, the routing's wall time (s), the starts, the vertices within the
 * distance and all vertices.
 *
 *   network_peer PROJECT FACILITIES.gpkg KIND DISTANCE_M OUT_DIR
 */
#include "network/network_int.h"
#include "result/result.h"

#include <gdal.h>
#include <ogr_srs_api.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* The working facilities of `kind` in the analysis CRS, joined to their
 * nearest open edge and moved to its nearer end: sources at vertices. */
static size_t starts(const tf_network *n, const char *path, const char *kind, int epsg, tf_net_join *src,
                     size_t cap)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR, NULL, NULL, NULL);
    OGRLayerH l = ds ? GDALDatasetGetLayer(ds, 0) : NULL;
    OGRSpatialReferenceH to = OSRNewSpatialReference(NULL);
    OGRCoordinateTransformationH ct;
    OGRFeatureH f;
    char where[256];
    size_t m = 0;
    if (!l)
        return 0;
    OSRImportFromEPSG(to, epsg);
    OSRSetAxisMappingStrategy(to, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(OGR_L_GetSpatialRef(l), to);
    snprintf(where, sizeof where, "kind = '%s' AND status IN ('functioning', 'partial')", kind);
    OGR_L_SetAttributeFilter(l, where);
    while ((f = OGR_L_GetNextFeature(l)) && m < cap) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        double x = OGR_G_GetX(g, 0), y = OGR_G_GetY(g, 0);
        tf_net_join j;
        OCTTransform(ct, 1, &x, &y, NULL);
        if (tf_network_join(n, x, y, tf_network_closures(n, NULL), &j)) {
            j.t = j.t < 0.5 ? 0 : 1, j.leg_m = 0;
            src[m++] = j;
        }
        OGR_F_Destroy(f);
    }
    OCTDestroyCoordinateTransformation(ct);
    OSRDestroySpatialReference(to);
    GDALClose(ds);
    return m;
}

int main(int argc, char **argv)
{
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    tf_net_join *src;
    double *dist, dmax, t0 = 0, t1 = 0;
    long *label;
    size_t ns, v, within = 0;
    char path[4096];
    FILE *out;
    if (argc != 6) {
        fprintf(stderr, "usage: network_peer PROJECT FACILITIES.gpkg KIND DISTANCE_M OUT_DIR\n");
        return 2;
    }
    dmax = atof(argv[4]);
    if (taafi_ctx_new(&ctx) || taafi_project_load(ctx, argv[1], &p) || taafi_run(ctx, p, &r) || !r->network) {
        fprintf(stderr, "network_peer: %s\n", ctx ? taafi_ctx_message(ctx) : "no context");
        return 1;
    }
    src = malloc(100000 * sizeof *src);
    dist = malloc(r->network->n_nodes * sizeof *dist);
    label = malloc(r->network->n_nodes * sizeof *label);
    ns = starts(r->network, argv[2], argv[3], r->areas->epsg, src, 100000);
    for (int k = 0; k < 3; k++) { /* best of 3, as pgRouting's side is */
        double a = now();
        if (tf_network_route(ctx, r->network, src, ns, tf_network_closures(r->network, NULL), dmax, dist, label)) {
            fprintf(stderr, "network_peer: routing failed\n");
            return 1;
        }
        if (!k || now() - a < t1 - t0)
            t0 = a, t1 = now();
    }
    snprintf(path, sizeof path, "%s/taafi_nodes.csv", argv[5]);
    out = fopen(path, "w");
    fprintf(out, "x,y,cost\n");
    for (v = 0; v < r->network->n_nodes; v++)
        if (dist[v] <= dmax) {
            fprintf(out, "%.3f,%.3f,%.6f\n", r->network->nx[v], r->network->ny[v], dist[v]);
            within++;
        }
    fclose(out);
    snprintf(path, sizeof path, "%s/taafi_starts.csv", argv[5]);
    out = fopen(path, "w");
    fprintf(out, "x,y\n");
    for (v = 0; v < ns; v++) {
        size_t node = src[v].t == 0 ? r->network->eu[src[v].edge] : r->network->ev[src[v].edge];
        fprintf(out, "%.3f,%.3f\n", r->network->nx[node], r->network->ny[node]);
    }
    fclose(out);
    printf("%d %.6f %zu %zu %zu\n", r->areas->epsg, t1 - t0, ns, within, r->network->n_nodes);
    free(src), free(dist), free(label);
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    return 0;
}
