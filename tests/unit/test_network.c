/*
 * test_network.c: the street network and reach along it.
 *   - a hand-worked fixture (distances worked out on paper): noding at a
 *     crossing, a bridge that does not meet the street below, street ends
 *     joined within the tolerance and not beyond it, a facility on the
 *     same street as the place, closures by attribute, by polygon and by
 *     a checkpoint with a distance, a facility beyond max_join;
 *   - a generated grid of long streets (GEOS must node every crossing)
 *     with closed blocks, against the test's own Floyd-Warshall over the
 *     grid it drew: every distance and nearest facility equal, none
 *     shorter than the straight line;
 *   - the grid of buckets against a brute-force nearest segment.
 */
#include "support.h"

#include "families/reach.h"
#include "network/network_int.h"
#include "result/result.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define X0 500000.0
#define Y0 3840000.0
#define CRS "\"crs\":{\"type\":\"name\",\"properties\":{\"name\":\"urn:ogc:def:crs:EPSG::32637\"}}"

/* A GeoJSON line feature (coordinates relative to X0, Y0). */
static void line(char *b, size_t size, const char *name, const char *lvl, double x0, double y0, double x1, double y1)
{
    size_t n = strlen(b);
    snprintf(b + n, size - n,
             "%s{\"type\":\"Feature\",\"properties\":{\"name\":\"%s\",\"lvl\":\"%s\"},\"geometry\":{\"type\":"
             "\"LineString\",\"coordinates\":[[%.3f,%.3f],[%.3f,%.3f]]}}",
             strchr(b, '[') && b[n - 1] != '[' ? "," : "", name, lvl, X0 + x0, Y0 + y0, X0 + x1, Y0 + y1);
}

static void fc_begin(char *b, size_t size)
{
    snprintf(b, size, "{\"type\":\"FeatureCollection\"," CRS ",\"features\":[");
}

static void fc_end(char *b, size_t size)
{
    size_t n = strlen(b);
    snprintf(b + n, size - n, "]}\n");
}

/* A project over one 2 km square with the streets in s.geojson and the
 * `network:` section `net`; run for its areas, then the network built. */
typedef struct built {
    taafi_project *p;
    taafi_result *r;
    tf_network *net;
} built;

static void build(tt_env *e, const char *streets, const char *net, const char *extra_layers, built *b)
{
    char yml[4096];
    free(tt_write(e->dir, "a.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS ",\"features\":[{\"type\":\"Feature\",\"properties\":"
                  "{\"c\":\"A\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[499000,3839000],"
                  "[501000,3839000],[501000,3841000],[499000,3841000],[499000,3839000]]]}}]}\n"));
    free(tt_write(e->dir, "s.geojson", streets));
    snprintf(yml, sizeof yml,
             "areas: {source: a.geojson, id: c}\nlayers:\n  streets: {source: s.geojson}\n%s"
             "network:\n%s\nindicators:\n  - {id: km2, type: area}\n",
             extra_layers ? extra_layers : "", net);
    char *path = tt_write(e->dir, "p.yml", yml);
    memset(b, 0, sizeof *b);
    if (taafi_project_load(e->ctx, path, &b->p) || taafi_run(e->ctx, b->p, &b->r) ||
        tf_network_build(e->ctx, b->p, b->r->areas, &b->r->dq, tf_result_add_input, b->r, &b->net))
        fail_msg("%s", taafi_ctx_message(e->ctx));
    free(path);
}

static void unbuild(tt_env *e, built *b)
{
    tf_network_free(e->ctx, b->net);
    taafi_result_free(b->r);
    taafi_project_free(b->p);
}

/* The distance along the network from facility (fx, fy) to (px, py),
 * the closures of `which` holding (NULL: the project's); -1 when
 * unreachable. */
static double along_with(tt_env *e, const built *b, const tf_network_def *which, double fx, double fy, double px,
                         double py)
{
    tf_reach_how how = {TF_REACH_NETWORK, b->net, tf_network_closures(b->net, which)};
    double x = X0 + fx, y = Y0 + fy, d;
    tf_reach *r = NULL;
    tf_reach_cursor *c = NULL;
    long k;
    assert_int_equal(tf_reach_new(e->ctx, &how, &x, &y, 1, b->r->areas, 500, &r), TAAFI_OK);
    assert_int_equal(tf_reach_cursor_new(e->ctx, r, &c), TAAFI_OK);
    k = tf_reach_nearest(c, X0 + px, Y0 + py, &d);
    tf_reach_cursor_free(c);
    tf_reach_free(e->ctx, r);
    return k < 0 ? -1 : d;
}

static double along(tt_env *e, const built *b, double fx, double fy, double px, double py)
{
    return along_with(e, b, NULL, fx, fy, px, py);
}

/* h (0,0)-(200,0) and v (100,-100)-(100,100) cross at (100,0); s starts
 * half a metre past h's end.  The facility F at (0,10) joins h at its
 * start (leg 10). */
static void hand_streets(char *b, size_t size, const char *v_level)
{
    fc_begin(b, size);
    line(b, size, "h", "0", 0, 0, 200, 0);
    line(b, size, "v", v_level, 100, -100, 100, 100);
    line(b, size, "s", "0", 200.5, 0, 300, 0);
    fc_end(b, size);
}

static void test_hand_worked(void **state)
{
    tt_env *e = *state;
    char s[4096];
    built b;
    hand_streets(s, sizeof s, "0");
    build(e, s, "  streets: streets\n  level_field: lvl", NULL, &b);
    assert_int_equal(tf_network_edges(b.net), 5); /* h in two at the crossing, v in two, s */
    /* P1 (100,90) on v: 10 + 100 + 90 */
    assert_double_equal(along(e, &b, 0, 10, 100, 90), 200, 1e-9);
    /* P2 (250,5): s's start joined to h's end (0.5 m): 10 + 200 + 50 + 5 */
    assert_double_equal(along(e, &b, 0, 10, 250, 5), 265, 1e-9);
    /* a place on the facility's own segment: along it, not round a node */
    assert_double_equal(along(e, &b, 20, 4, 60, -3), 4 + 40 + 3, 1e-9);
    /* further from every street than max_join (500 m) */
    assert_double_equal(along(e, &b, 0, 10, 100, 700), -1, 0);
    assert_double_equal(along(e, &b, 0, 900, 100, 90), -1, 0);
    unbuild(e, &b);
    /* v a bridge (level 1): it does not meet h, and P1 on it is cut off */
    hand_streets(s, sizeof s, "1");
    build(e, s, "  streets: streets\n  level_field: lvl", NULL, &b);
    assert_int_equal(tf_network_edges(b.net), 3);
    assert_double_equal(along(e, &b, 0, 10, 100, 90), -1, 0);
    assert_double_equal(along(e, &b, 0, 10, 150, 5), 165, 1e-9);
    unbuild(e, &b);
    /* a tolerance of 0.2 m leaves s apart: P2 reaches nothing */
    hand_streets(s, sizeof s, "0");
    build(e, s, "  streets: streets\n  tolerance: 0.2", NULL, &b);
    assert_double_equal(along(e, &b, 0, 10, 250, 5), -1, 0);
    unbuild(e, &b);
}

static void test_closures(void **state)
{
    tt_env *e = *state;
    char s[4096], layers[512];
    built b;
    hand_streets(s, sizeof s, "0");
    /* h closed by its name: F joins v at (100,10), 100 m away; P1 along v */
    build(e, s, "  streets: streets\n  closed: {where: \"name = 'h'\"}", NULL, &b);
    assert_non_null(tf_network_closures(b.net, NULL));
    assert_double_equal(along(e, &b, 0, 10, 100, 90), 100 + 80, 1e-9);
    assert_double_equal(along(e, &b, 0, 10, 250, 5), -1, 0);
    {
        /* a scenario's closures on the same streets: none, then s only */
        tf_network_def none = b.p->network, only_s = b.p->network;
        none.closed_where = NULL, only_s.closed_where = "name = 's'";
        assert_int_equal(tf_network_add_closures(e->ctx, b.p, b.r->areas, b.net, &none, "open", &b.r->dq,
                                                 tf_result_add_input, b.r), TAAFI_OK);
        assert_int_equal(tf_network_add_closures(e->ctx, b.p, b.r->areas, b.net, &only_s, "s", &b.r->dq,
                                                 tf_result_add_input, b.r), TAAFI_OK);
        assert_null(tf_network_closures(b.net, &none));
        assert_non_null(tf_network_closures(b.net, &only_s));
        assert_true(tf_network_closures(b.net, &only_s) != tf_network_closures(b.net, NULL));
        assert_double_equal(along_with(e, &b, &only_s, 0, 10, 100, 90), 200, 1e-9);
        /* s closed: P2 walks to the end of h (kept where h has it: the lower of the two ends) */
        assert_double_equal(along_with(e, &b, &only_s, 0, 10, 250, 5), 210 + hypot(50, 5), 1e-9);
        assert_double_equal(along_with(e, &b, &none, 0, 10, 250, 5), 265, 1e-9);
    }
    unbuild(e, &b);
    /* rubble over h's second half: P2 is cut off, P1 not */
    free(tt_write(e->dir, "rubble.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS ",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500140,3839995],[500160,3839995],"
                  "[500160,3840005],[500140,3840005],[500140,3839995]]]}}]}\n"));
    free(tt_write(e->dir, "check.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS ",\"features\":[{\"type\":\"Feature\",\"properties\":"
                  "{\"k\":\"cp\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[500050,3840003]}},"
                  "{\"type\":\"Feature\",\"properties\":{\"k\":\"no\"},\"geometry\":{\"type\":\"Point\","
                  "\"coordinates\":[500100,3839950]}}]}\n"));
    snprintf(layers, sizeof layers, "  rubble: {source: rubble.geojson}\n  check: {source: check.geojson}\n");
    build(e, s, "  streets: streets\n  closed:\n    by:\n      - {layer: rubble}", layers, &b);
    assert_double_equal(along(e, &b, 0, 10, 100, 90), 200, 1e-9);
    assert_double_equal(along(e, &b, 0, 10, 250, 5), -1, 0);
    unbuild(e, &b);
    /* a checkpoint 3 m from h's first half, closing within 5 m (the
     * other point is filtered out): F walks to v */
    build(e, s, "  streets: streets\n  closed:\n    by:\n      - {layer: check, where: \"k = 'cp'\", within: 5}",
          layers, &b);
    assert_double_equal(along(e, &b, 0, 10, 100, 90), 180, 1e-9);
    assert_double_equal(along(e, &b, 0, 10, 100, -60), 100 + 70, 1e-9);
    unbuild(e, &b);
}

/* Whether the result's notes hold `text`. */
static int noted(const taafi_result *r, const char *text)
{
    size_t i;
    for (i = 0; i < r->dq.n; i++)
        if (strstr(r->dq.items[i].problem, text) || strstr(r->dq.items[i].action, text))
            return 1;
    return 0;
}

/* Bad input: streets that are polygons; a closure that closes every
 * street; pieces that no street joins. */
static void test_bad_streets(void **state)
{
    tt_env *e = *state;
    char s[4096], yml[1024], *path;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    tf_network *net = NULL;
    built b;
    free(tt_write(e->dir, "poly.geojson",
                  "{\"type\":\"FeatureCollection\"," CRS ",\"features\":[{\"type\":\"Feature\",\"properties\":{},"
                  "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,3840000],[500010,3840000],"
                  "[500010,3840010],[500000,3840000]]]}}]}\n"));
    hand_streets(s, sizeof s, "0");
    build(e, s, "  streets: streets\n  closed: {where: \"name IS NOT NULL\"}", NULL, &b);
    assert_true(noted(b.r, "every street closed"));
    assert_non_null(tf_network_closures(b.net, NULL));
    unbuild(e, &b);
    build(e, s, "  streets: streets\n  tolerance: 0", NULL, &b); /* s stays apart from h */
    assert_true(noted(b.r, "the open streets are 2 pieces"));
    unbuild(e, &b);
    snprintf(yml, sizeof yml, "areas: {source: a.geojson, id: c}\nlayers:\n  streets: {source: poly.geojson}\n"
                              "network: {streets: streets}\nindicators:\n  - {id: km2, type: area}\n");
    path = tt_write(e->dir, "bad.yml", yml);
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_OK);
    assert_int_equal(taafi_run(e->ctx, p, &r), TAAFI_OK);
    assert_int_equal(tf_network_build(e->ctx, p, r->areas, &r->dq, tf_result_add_input, r, &net), TAAFI_ERR_DATA);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "not lines"));
    assert_null(net);
    { /* validate finds it too, as a run would */
        char *report = NULL;
        assert_int_equal(taafi_project_validate(e->ctx, p, &report), TAAFI_ERR_DATA);
        assert_non_null(strstr(report, "not lines"));
        tf_free(report);
    }
    taafi_result_free(r);
    taafi_project_free(p);
    free(path);
    /* coverage along the streets without a population raster: refused when the project loads */
    path = tt_write(e->dir, "nopop.yml", "areas: {source: a.geojson, id: c}\nlayers:\n  streets: {source: s.geojson}\n"
                                         "network: {streets: streets}\nindicators:\n  - {id: w, type: coverage, "
                                         "layer: streets, distance: 500, reach: network}\n");
    p = NULL;
    assert_int_equal(taafi_project_load(e->ctx, path, &p), TAAFI_ERR_PROJECT);
    assert_non_null(strstr(taafi_ctx_message(e->ctx), "population raster"));
    assert_null(p);
    free(path);
}

/* Driving: h a main road at 60 km/h (1 km a minute), v a local street
 * at 30 km/h drawn upwards and one way, legs at 6 km/h (100 m a minute).
 * Residents drive to the facility, so the cost runs from the place. */
static void drive_streets(char *b, size_t size, const char *oneway)
{
    size_t n;
    fc_begin(b, size);
    n = strlen(b);
    snprintf(b + n, size - n,
             "{\"type\":\"Feature\",\"properties\":{\"cls\":\"main\",\"ow\":\"no\"},\"geometry\":{\"type\":"
             "\"LineString\",\"coordinates\":[[%.1f,%.1f],[%.1f,%.1f]]}},"
             "{\"type\":\"Feature\",\"properties\":{\"cls\":\"local\",\"ow\":\"%s\"},\"geometry\":{\"type\":"
             "\"LineString\",\"coordinates\":[[%.1f,%.1f],[%.1f,%.1f]]}}",
             X0, Y0, X0 + 200, Y0, oneway, X0 + 100, Y0 - 100, X0 + 100, Y0 + 100);
    fc_end(b, size);
}

static void test_drive(void **state)
{
    tt_env *e = *state;
    char s[4096];
    const char *net = "  streets: streets\n  mode: drive\n  speed_field: cls\n  speeds: {main: 60, local: 30}\n"
                      "  join_speed: 6\n  oneway_field: ow";
    built b;
    drive_streets(s, sizeof s, "yes");
    build(e, s, net, NULL, &b);
    /* (100,-60) up v (60 m at 500 m/min), along h (100 m at 1 km/min), F's leg (10 m at 100 m/min) */
    assert_double_equal(along(e, &b, 0, 10, 100, -60), 0.12 + 0.1 + 0.1, 1e-9);
    /* (100,90) may not drive down v: it reaches nothing */
    assert_double_equal(along(e, &b, 0, 10, 100, 90), -1, 0);
    /* on the facility's own one-way segment: only from behind it */
    assert_double_equal(along(e, &b, 100, -50, 100, -80), 30.0 / 500, 1e-9);
    assert_double_equal(along(e, &b, 100, -50, 100, -20), -1, 0);
    /* legs count at the join speed */
    assert_double_equal(along(e, &b, 50, 20, 150, -30), 0.2 + 0.1 + 0.3, 1e-9);
    unbuild(e, &b);
    drive_streets(s, sizeof s, "-1"); /* one way against the drawing: downwards */
    build(e, s, net, NULL, &b);
    assert_double_equal(along(e, &b, 0, 10, 100, 90), 0.18 + 0.1 + 0.1, 1e-9);
    assert_double_equal(along(e, &b, 0, 10, 100, -60), -1, 0);
    unbuild(e, &b);
}

/* The grid: G long streets each way (row j at y = ys[j] from xs[0] to
 * xs[G-1], column i likewise), so that every crossing is GEOS's to node;
 * the segments between crossings are the oracle's edges.  Blocks closed
 * by small squares of rubble over their middles. */
#define G 8

typedef struct grid {
    double xs[G], ys[G];
    unsigned char closed_h[G][G], closed_v[G][G]; /* segment (i,j)-(i+1,j), (i,j)-(i,j+1) */
} grid;

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return *s >> 8;
}

static void grid_make(grid *g, unsigned seed, char *streets, size_t ssize, char *rubble, size_t rsize)
{
    int i, j;
    char name[16];
    for (i = 0; i < G; i++)
        g->xs[i] = 100.0 * i + (double)(rnd(&seed) % 40), g->ys[i] = 100.0 * i + (double)(rnd(&seed) % 40);
    fc_begin(streets, ssize);
    for (j = 0; j < G; j++) {
        snprintf(name, sizeof name, "r%d", j);
        line(streets, ssize, name, "0", g->xs[0], g->ys[j], g->xs[G - 1], g->ys[j]);
        snprintf(name, sizeof name, "c%d", j);
        line(streets, ssize, name, "0", g->xs[j], g->ys[0], g->xs[j], g->ys[G - 1]);
    }
    fc_end(streets, ssize);
    fc_begin(rubble, rsize);
    memset(g->closed_h, 0, sizeof g->closed_h), memset(g->closed_v, 0, sizeof g->closed_v);
    for (i = 0; i < G - 1; i++)
        for (j = 0; j < G; j++) {
            int h = rnd(&seed) % 5 == 0, v = rnd(&seed) % 5 == 0;
            double mx, my;
            size_t n;
            if (h || v) {
                mx = h ? (g->xs[i] + g->xs[i + 1]) / 2 : g->xs[j], my = h ? g->ys[j] : (g->ys[i] + g->ys[i + 1]) / 2;
                n = strlen(rubble);
                snprintf(rubble + n, rsize - n,
                         "%s{\"type\":\"Feature\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\","
                         "\"coordinates\":[[[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f],[%.3f,%.3f]]]}}",
                         rubble[n - 1] == '[' ? "" : ",", X0 + mx - 2, Y0 + my - 2, X0 + mx + 2, Y0 + my - 2,
                         X0 + mx + 2, Y0 + my + 2, X0 + mx - 2, Y0 + my + 2, X0 + mx - 2, Y0 + my - 2);
                if (h)
                    g->closed_h[i][j] = 1;
                else
                    g->closed_v[j][i] = 1;
            }
        }
    fc_end(rubble, rsize);
}

/* The oracle's edges: segment k from node a[k] to b[k] (node = j * G + i). */
typedef struct oracle {
    int a[2 * G * G], b[2 * G * G], n;
    double d[G * G][G * G];
} oracle;

static double nx_(const grid *g, int v) { return g->xs[v % G]; }
static double ny_(const grid *g, int v) { return g->ys[v / G]; }

static void oracle_make(const grid *g, oracle *o)
{
    int i, j, k, u, v, w;
    o->n = 0;
    for (j = 0; j < G; j++)
        for (i = 0; i + 1 < G; i++) {
            if (!g->closed_h[i][j])
                o->a[o->n] = j * G + i, o->b[o->n++] = j * G + i + 1;
            if (!g->closed_v[j][i])
                o->a[o->n] = i * G + j, o->b[o->n++] = (i + 1) * G + j;
        }
    for (u = 0; u < G * G; u++)
        for (v = 0; v < G * G; v++)
            o->d[u][v] = u == v ? 0 : INFINITY;
    for (k = 0; k < o->n; k++) {
        double l = hypot(nx_(g, o->b[k]) - nx_(g, o->a[k]), ny_(g, o->b[k]) - ny_(g, o->a[k]));
        o->d[o->a[k]][o->b[k]] = o->d[o->b[k]][o->a[k]] = l;
    }
    for (w = 0; w < G * G; w++) /* Floyd-Warshall */
        for (u = 0; u < G * G; u++)
            for (v = 0; v < G * G; v++)
                if (o->d[u][w] + o->d[w][v] < o->d[u][v])
                    o->d[u][v] = o->d[u][w] + o->d[w][v];
}

/* Where (x, y) joins the oracle's open edges, brute force. */
static int oracle_join(const grid *g, const oracle *o, double x, double y, double *t, double *leg)
{
    int k, best = -1;
    double bd = INFINITY;
    for (k = 0; k < o->n; k++) {
        double s[4] = {nx_(g, o->a[k]), ny_(g, o->a[k]), nx_(g, o->b[k]), ny_(g, o->b[k])}, d, tt;
        tt = tf_seg_project(s, x, y, &d);
        if (d < bd)
            bd = d, best = k, *t = tt;
    }
    *leg = bd;
    return bd <= 500 ? best : -1;
}

static double oracle_dist(const grid *g, const oracle *o, double fx, double fy, double px, double py)
{
    double tf_, lf, tp, lp, best = INFINITY;
    int ef = oracle_join(g, o, fx, fy, &tf_, &lf), ep = oracle_join(g, o, px, py, &tp, &lp), x, y;
    if (ef < 0 || ep < 0)
        return INFINITY;
    double len_f = o->d[o->a[ef]][o->b[ef]], len_p = o->d[o->a[ep]][o->b[ep]];
    double to_f[2] = {tf_ * len_f, (1 - tf_) * len_f}, to_p[2] = {tp * len_p, (1 - tp) * len_p};
    int nf[2] = {o->a[ef], o->b[ef]}, np[2] = {o->a[ep], o->b[ep]};
    for (x = 0; x < 2; x++)
        for (y = 0; y < 2; y++)
            best = fmin(best, to_f[x] + o->d[nf[x]][np[y]] + to_p[y]);
    if (ef == ep)
        best = fmin(best, fabs(tf_ - tp) * len_f);
    return best + lf + lp;
}

static void test_grid_against_floyd_warshall(void **state)
{
    tt_env *e = *state;
    static char streets[65536], rubble[65536];
    static grid g;
    static oracle o;
    double fx[12], fy[12];
    tf_reach_how how;
    tf_reach *r = NULL;
    tf_reach_cursor *c = NULL, *near = NULL;
    double env[4] = {X0 + 100, Y0 + 100, X0 + 600, Y0 + 600};
    built b;
    int i, k, cut_off = 0;
    unsigned seed = 11;
    grid_make(&g, 5, streets, sizeof streets, rubble, sizeof rubble);
    oracle_make(&g, &o);
    free(tt_write(e->dir, "rubble.geojson", rubble));
    build(e, streets, "  streets: streets\n  closed: {by: [{layer: rubble}]}", "  rubble: {source: rubble.geojson}\n",
          &b);
    assert_int_equal(tf_network_edges(b.net), 2 * G * (G - 1));
    for (i = 0; i < 12; i++)
        fx[i] = X0 + (double)(rnd(&seed) % 760), fy[i] = Y0 + (double)(rnd(&seed) % 760);
    how.method = TF_REACH_NETWORK, how.network = b.net, how.closed = tf_network_closures(b.net, NULL);
    assert_int_equal(tf_reach_new(e->ctx, &how, fx, fy, 12, b.r->areas, 500, &r), TAAFI_OK);
    assert_int_equal(tf_reach_cursor_new(e->ctx, r, &c), TAAFI_OK);
    /* a second cursor focused on part of the grid (its own index there):
     * the same answers, inside the focus and out */
    assert_int_equal(tf_reach_cursor_new(e->ctx, r, &near), TAAFI_OK);
    tf_reach_focus(near, env);
    for (i = 0; i < 400; i++) {
        double px = (double)(rnd(&seed) % 900) - 50, py = (double)(rnd(&seed) % 900) - 50, d, d2, want = INFINITY;
        long got = tf_reach_nearest(c, X0 + px, Y0 + py, &d), wk = -1;
        assert_int_equal(tf_reach_nearest(near, X0 + px, Y0 + py, &d2), got);
        assert_true(d2 == d || (got < 0 && isinf(d2)));
        for (k = 0; k < 12; k++) {
            double dk = oracle_dist(&g, &o, fx[k] - X0, fy[k] - Y0, px, py);
            if (dk < want)
                want = dk, wk = k;
        }
        if (wk < 0) {
            assert_int_equal(got, -1);
            cut_off++;
            continue;
        }
        assert_int_equal(got, wk);
        assert_double_equal(d, want, 1e-6);
        assert_true(d >= hypot(fx[got] - X0 - px, fy[got] - Y0 - py) - 1e-9); /* never shorter than straight */
    }
    assert_true(cut_off < 400);
    {
        /* a search stopped beyond 300 m: the same costs up to there */
        const unsigned char *closed = tf_network_closures(b.net, NULL);
        size_t nn = tf_network_nodes(b.net), v, ns = 0, inside = 0;
        double *d1 = malloc(nn * sizeof *d1), *d2 = malloc(nn * sizeof *d2);
        long *l1 = malloc(nn * sizeof *l1), *l2 = malloc(nn * sizeof *l2);
        tf_net_join src[12];
        for (i = 0; i < 12; i++)
            ns += (size_t)tf_network_join(b.net, fx[i], fy[i], closed, &src[ns]);
        assert_int_equal(tf_network_route(e->ctx, b.net, src, ns, closed, INFINITY, d1, l1), TAAFI_OK);
        assert_int_equal(tf_network_route(e->ctx, b.net, src, ns, closed, 300, d2, l2), TAAFI_OK);
        for (v = 0; v < nn; v++) {
            if (d1[v] <= 300) {
                assert_true(d2[v] == d1[v] && l2[v] == l1[v]);
                inside++;
            }
            assert_true(d2[v] >= d1[v]);
        }
        assert_true(inside > 0 && inside < nn);
        free(d1), free(d2), free(l1), free(l2);
    }
    tf_reach_cursor_free(c);
    tf_reach_cursor_free(near);
    tf_reach_free(e->ctx, r);
    unbuild(e, &b);
}

static void test_grid_of_buckets(void **state)
{
    tt_env *e = *state;
    size_t n = 300, i, k;
    double *seg = tf_malloc(4 * n * sizeof *seg); /* the grid takes it */
    tf_seggrid g;
    unsigned seed = 3;
    for (i = 0; i < n; i++) {
        seg[4 * i] = (double)(rnd(&seed) % 10000), seg[4 * i + 1] = (double)(rnd(&seed) % 10000);
        seg[4 * i + 2] = seg[4 * i] + (double)(rnd(&seed) % 600) - 300;
        seg[4 * i + 3] = seg[4 * i + 1] + (double)(rnd(&seed) % 600) - 300;
    }
    assert_int_equal(tf_seggrid_build(e->ctx, &g, seg, n), TAAFI_OK);
    for (k = 0; k < 2000; k++) {
        double x = (double)(rnd(&seed) % 14000) - 2000, y = (double)(rnd(&seed) % 14000) - 2000, t, d, bd = INFINITY;
        double maxd = k % 2 ? 400 : 1e9;
        long got = tf_seggrid_nearest(&g, x, y, maxd, NULL, -1, &t, &d), want = -1;
        for (i = 0; i < n; i++) {
            double di;
            tf_seg_project(&g.seg[4 * i], x, y, &di);
            if (di < bd)
                bd = di, want = (long)i;
        }
        if (bd > maxd)
            want = -1;
        assert_int_equal(got, want);
        if (want >= 0)
            assert_true(d == bd);
    }
    tf_seggrid_free(&g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hand_worked, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_closures, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_drive, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_bad_streets, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_grid_against_floyd_warshall, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_grid_of_buckets, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
