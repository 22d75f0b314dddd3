/*
 * network.c: the streets layer made a graph (network.h): read, noded where
 * streets of one level cross (GEOSNode), street ends joined to a vertex
 * within the tolerance, every piece between two vertices an edge.
 */
#include "network_int.h"
#include "io/ingest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What the reading gathers, level by level. */
typedef struct lines {
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
} lines;

static void lines_free(taafi_ctx *ctx, lines *L)
{
    size_t i;
    for (i = 0; i < L->n; i++)
        if (L->part[i])
            GEOSGeom_destroy_r(ctx->geos, L->part[i]);
    for (i = 0; i < L->n_levels; i++)
        tf_free(L->level[i]);
    tf_free(L->part);
    tf_free(L->part_feat);
    tf_free(L->part_level);
    tf_free(L->level);
    tf_free(L->fid);
    tf_free(L->kmh);
    tf_free(L->oneway);
}

/* The level of a value of level_field: its number, -1 beyond 1,000
 * levels, -2 out of memory. */
static int level_of(lines *L, const char *value)
{
    size_t i;
    char **v;
    for (i = 0; i < L->n_levels; i++)
        if (!strcmp(L->level[i], value))
            return (int)i;
    if (L->n_levels >= 1000)
        return -1;
    if (!(v = tf_realloc(L->level, (L->n_levels + 1) * sizeof *v)))
        return -2;
    L->level = v;
    if (!(v[L->n_levels] = tf_strdup(value)))
        return -2;
    return (int)L->n_levels++;
}

/* The line strings of g (a line, or lines in a collection), cloned; a
 * line that is the whole of *whole taken rather than cloned (*whole then
 * NULL): a street is mostly one line. */
static taafi_status add_parts(taafi_ctx *ctx, lines *L, const GEOSGeometry *g, int level, GEOSGeometry **whole)
{
    int k, n = GEOSGetNumGeometries_r(ctx->geos, g), type = GEOSGeomTypeId_r(ctx->geos, g);
    if (type == GEOS_LINESTRING || type == GEOS_LINEARRING) {
        if (GEOSisEmpty_r(ctx->geos, g))
            return TAAFI_OK;
        if (L->n == L->cap) {
            size_t cap = L->cap ? 2 * L->cap : 1024;
            GEOSGeometry **a = tf_realloc(L->part, cap * sizeof *a);
            size_t *b;
            int *c;
            if (a)
                L->part = a;
            if ((b = tf_realloc(L->part_feat, cap * sizeof *b)))
                L->part_feat = b;
            if ((c = tf_realloc(L->part_level, cap * sizeof *c)))
                L->part_level = c;
            if (!a || !b || !c)
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            L->cap = cap;
        }
        if (whole && *whole == g)
            L->part[L->n] = *whole, *whole = NULL;
        else if (!(L->part[L->n] = GEOSGeom_clone_r(ctx->geos, g)))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        L->part_feat[L->n] = L->n_feat - 1;
        L->part_level[L->n++] = level;
        return TAAFI_OK;
    }
    if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION)
        for (k = 0; k < n; k++) {
            taafi_status st = add_parts(ctx, L, GEOSGetGeometryN_r(ctx->geos, g, k), level, NULL);
            if (st)
                return st;
        }
    return TAAFI_OK;
}

/* One street: its fid kept, its lines added at its level; anything else
 * noted and left out. */
static taafi_status read_feature(taafi_ctx *ctx, lines *L, OGRFeatureH f, int level_idx, const tf_reproj *to_xy,
                                 const char *role, tf_dq *dq)
{
    OGRGeometryH og = OGR_F_GetGeometryRef(f);
    GEOSGeometry *g = NULL;
    size_t before = L->n;
    int level = 0;
    taafi_status st;
    if (L->n_feat == L->cap_feat) {
        size_t cap = L->cap_feat ? 2 * L->cap_feat : 1024;
        int64_t *v = tf_realloc(L->fid, cap * sizeof *v);
        double *k;
        signed char *o;
        if (v)
            L->fid = v;
        if ((k = tf_realloc(L->kmh, cap * sizeof *k)))
            L->kmh = k;
        if ((o = tf_realloc(L->oneway, cap * sizeof *o)))
            L->oneway = o;
        if (!v || !k || !o)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        L->cap_feat = cap;
    }
    L->kmh[L->n_feat] = 0, L->oneway[L->n_feat] = 0;
    L->fid[L->n_feat++] = OGR_F_GetFID(f);
    if (level_idx >= 0 && (level = level_of(L, OGR_F_IsFieldSetAndNotNull(f, level_idx)
                                                   ? OGR_F_GetFieldAsString(f, level_idx) : "")) < 0)
        return level == -2 ? tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory")
                           : tf_error(ctx, TAAFI_ERR_DATA, "%s: network.level_field holds more than 1,000 distinct "
                                      "values; name a field of street levels (OSM's layer)", role);
    if (!og || OGR_G_IsEmpty(og))
        return tf_dq_add(ctx, dq, role, OGR_F_GetFID(f), "street without geometry", "left out of the network");
    if ((st = tf_ingest(ctx, og, to_xy, &g))) {
        char why[TF_MSG_MAX];
        snprintf(why, sizeof why, "street geometry unusable: %s", taafi_ctx_message(ctx));
        return tf_dq_add(ctx, dq, role, OGR_F_GetFID(f), why, "left out of the network");
    }
    st = add_parts(ctx, L, g, level, &g);
    if (g)
        GEOSGeom_destroy_r(ctx->geos, g);
    if (!st && L->n == before) {
        L->not_lines++;
        st = tf_dq_add(ctx, dq, role, OGR_F_GetFID(f), "not a line (the network's streets are lines)",
                       "left out of the network");
    }
    return st;
}

/* A street's speed (km/h) by its class, and its one-way value: yes,
 * true, 1 as drawn; -1, reverse against it; anything else both ways. */
static void drive_attrs(lines *L, OGRFeatureH f, const tf_network_def *nd, int speed_idx, int oneway_idx)
{
    size_t i = L->n_feat - 1, k;
    L->kmh[i] = nd->default_kmh;
    if (speed_idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, speed_idx)) {
        const char *v = OGR_F_GetFieldAsString(f, speed_idx);
        for (k = 0; k < nd->n_speeds; k++)
            if (!strcmp(nd->speed_class[k], v))
                L->kmh[i] = nd->speed_kmh[k];
    }
    if (oneway_idx >= 0 && OGR_F_IsFieldSetAndNotNull(f, oneway_idx)) {
        const char *v = OGR_F_GetFieldAsString(f, oneway_idx);
        if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1"))
            L->oneway[i] = 1;
        else if (!strcmp(v, "-1") || !strcasecmp(v, "reverse"))
            L->oneway[i] = -1;
    }
}

/* Every street of the layer, in reading order. */
static taafi_status read_streets(taafi_ctx *ctx, const taafi_project *p, int epsg, tf_dq *dq, tf_file_fn add_input,
                                 void *user, lines *L)
{
    const tf_source *def = &p->layers[p->network.layer];
    tf_vsource src = {0};
    OGRSpatialReferenceH srs;
    tf_reproj *to_xy = NULL;
    OGRFeatureH f;
    OGRwkbGeometryType t;
    size_t n_msgs = 0;
    int level_idx = -1, speed_idx = -1, oneway_idx = -1;
    taafi_status st;
    if ((st = tf_source_open(ctx, def, &src)) || (st = tf_source_srs(ctx, &src, &srs)) ||
        (st = tf_reproj_new(ctx, srs, epsg, def->path, &to_xy)) || (st = tf_source_hash(ctx, &src, add_input, user)) ||
        (p->network.level_field &&
         (st = tf_source_field(ctx, &src, p->network.level_field, "network.level_field", &level_idx))) ||
        (p->network.speed_field &&
         (st = tf_source_field(ctx, &src, p->network.speed_field, "network.speed_field", &speed_idx))) ||
        (p->network.oneway_field &&
         (st = tf_source_field(ctx, &src, p->network.oneway_field, "network.oneway_field", &oneway_idx))))
        goto done;
    t = wkbFlatten(OGR_L_GetGeomType(src.layer));
    if (t == wkbPoint || t == wkbMultiPoint || t == wkbPolygon || t == wkbMultiPolygon) {
        st = tf_error(ctx, TAAFI_ERR_DATA, "%s: layer %s: holds %ss, not lines; network.streets must name a layer of "
                      "street centre lines", def->path, OGR_L_GetName(src.layer), OGRGeometryTypeToName(t));
        goto done;
    }
    OGR_L_ResetReading(src.layer);
    while (!st && (f = tf_source_next(ctx, &src, &n_msgs, &st))) {
        if (!(st = tf_check_interrupt(ctx)) && !(st = read_feature(ctx, L, f, level_idx, to_xy, def->role, dq)))
            drive_attrs(L, f, &p->network, speed_idx, oneway_idx);
        OGR_F_Destroy(f);
    }
done:
    tf_reproj_free(to_xy);
    tf_source_close(&src);
    return st;
}

/* Segments with the street each is of: 4 coordinates apiece. */
typedef struct segs {
    double *s;
    size_t *feat;
    signed char *same; /* 1: drawn as its street is, -1: the other way */
    size_t n, cap;
} segs;

static taafi_status segs_add(taafi_ctx *ctx, segs *S, const double *xy, size_t feat)
{
    if (S->n == S->cap) {
        size_t cap = S->cap ? 2 * S->cap : 4096;
        double *a = tf_realloc(S->s, 4 * cap * sizeof *a);
        size_t *b;
        signed char *c;
        if (a)
            S->s = a;
        if ((b = tf_realloc(S->feat, cap * sizeof *b)))
            S->feat = b;
        if ((c = tf_realloc(S->same, cap * sizeof *c)))
            S->same = c;
        if (!a || !b || !c)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        S->cap = cap;
    }
    memcpy(&S->s[4 * S->n], xy, 4 * sizeof *xy);
    S->same[S->n] = 1;
    S->feat[S->n++] = feat;
    return TAAFI_OK;
}

/* The segments between consecutive distinct vertices of line string g. */
static taafi_status line_segments(taafi_ctx *ctx, const GEOSGeometry *g, size_t feat, segs *S)
{
    const GEOSCoordSequence *cs = GEOSGeom_getCoordSeq_r(ctx->geos, g);
    unsigned int n = 0, i;
    double xy[4];
    taafi_status st;
    if (!cs || !GEOSCoordSeq_getSize_r(ctx->geos, cs, &n))
        return tf_error(ctx, TAAFI_ERR_GEOM, "a street's coordinates cannot be read: %s", tf_lib_error(ctx));
    for (i = 0; i + 1 < n; i++) {
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i, &xy[0], &xy[1]);
        GEOSCoordSeq_getXY_r(ctx->geos, cs, i + 1, &xy[2], &xy[3]);
        if ((xy[0] != xy[2] || xy[1] != xy[3]) && (st = segs_add(ctx, S, xy, feat)))
            return st;
    }
    return TAAFI_OK;
}

/* The street a noded segment lies on: the original segment nearest to
 * its middle (within a millimetre; noding moves no vertex further); and
 * whether it runs the way that one was drawn (*same: 1, or -1). */
static size_t street_of(const tf_seggrid *orig, const segs *O, const double *s, signed char *same)
{
    double t, d;
    long k = tf_seggrid_nearest(orig, (s[0] + s[2]) / 2, (s[1] + s[3]) / 2, 1e-3, NULL, -1, &t, &d);
    const double *o;
    if (k < 0)
        return SIZE_MAX;
    o = &orig->seg[4 * k];
    *same = (s[2] - s[0]) * (o[2] - o[0]) + (s[3] - s[1]) * (o[3] - o[1]) >= 0 ? 1 : -1;
    return O->feat[k];
}

/* Which lines of a level must be noded: those with a segment that
 * crosses another, or that an end of another touches inside it (within a
 * micrometre).  Segments meeting only at a shared vertex need no noding:
 * most streets, OSM's above all, are drawn so.  Conservative: a line
 * flagged in doubt only costs GEOS some work. */
typedef struct flagger {
    const double *s;      /* the level's segments                      */
    const size_t *first;  /* part k has segments first[k] .. first[k+1] */
    size_t n_parts, i;
    unsigned char *flag;  /* per part                                   */
} flagger;

static size_t part_of(const flagger *f, size_t seg)
{
    size_t lo = 0, hi = f->n_parts;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (f->first[mid] <= seg)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static double orient(const double *a, const double *b, const double *c)
{
    return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/* Whether an end of segment a lies inside b (not at one of b's ends). */
static int end_inside(const double *a, const double *b)
{
    int k;
    for (k = 0; k < 2; k++) {
        const double *p = &a[2 * k];
        double d;
        if ((p[0] == b[0] && p[1] == b[1]) || (p[0] == b[2] && p[1] == b[3]))
            continue;
        tf_seg_project(b, p[0], p[1], &d);
        if (d < 1e-6)
            return 1;
    }
    return 0;
}

static int flag_pair(size_t j, void *user)
{
    flagger *f = user;
    const double *a = &f->s[4 * f->i], *b = &f->s[4 * j];
    double o1, o2, o3, o4;
    if (j <= f->i)
        return 0;
    o1 = orient(a, a + 2, b), o2 = orient(a, a + 2, b + 2), o3 = orient(b, b + 2, a), o4 = orient(b, b + 2, a + 2);
    if ((o1 * o2 < 0 && o3 * o4 < 0) || end_inside(a, b) || end_inside(b, a)) {
        f->flag[part_of(f, f->i)] = f->flag[part_of(f, j)] = 1;
    }
    return 0;
}

static void flag_crossings(const tf_seggrid *g, flagger *f, size_t n_segs)
{
    for (f->i = 0; f->i < n_segs; f->i++) {
        const double *a = &f->s[4 * f->i];
        double env[4] = {fmin(a[0], a[2]), fmin(a[1], a[3]), fmax(a[0], a[2]), fmax(a[1], a[3])};
        tf_seggrid_visit(g, env, flag_pair, f);
    }
}

/* The flagged lines of a level noded by GEOS, their segments added to S
 * with the street each lies on (the original segment under it, found in
 * orig over the level's segments O). */
static taafi_status node_flagged(taafi_ctx *ctx, GEOSGeometry **parts, size_t m, const tf_seggrid *orig,
                                 const segs *O, segs *S)
{
    GEOSGeometry *coll, *noded;
    size_t i;
    int k, n;
    taafi_status st = TAAFI_OK;
    if (!(coll = GEOSGeom_createCollection_r(ctx->geos, GEOS_MULTILINESTRING, parts, (unsigned)m))) {
        for (i = 0; i < m; i++)
            GEOSGeom_destroy_r(ctx->geos, parts[i]);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    noded = GEOSNode_r(ctx->geos, coll);
    GEOSGeom_destroy_r(ctx->geos, coll);
    if (!noded)
        return tf_error(ctx, TAAFI_ERR_GEOM, "the streets cannot be noded: %s", tf_lib_error(ctx));
    n = GEOSGetNumGeometries_r(ctx->geos, noded);
    for (k = 0; k < n && !st; k++) {
        size_t from = S->n, j;
        st = line_segments(ctx, GEOSGetGeometryN_r(ctx->geos, noded, k), SIZE_MAX, S);
        for (j = from; j < S->n; j++)
            S->feat[j] = street_of(orig, O, &S->s[4 * j], &S->same[j]);
    }
    GEOSGeom_destroy_r(ctx->geos, noded);
    return st;
}

/* The lines of one level, their segments added to S with the street each
 * lies on: those that cross or touch inside another noded by GEOS (they
 * then meet wherever they cross), the others as they are. */
static taafi_status node_level(taafi_ctx *ctx, lines *L, int level, segs *S)
{
    segs O = {0};
    tf_seggrid orig = {0};
    flagger f = {0};
    GEOSGeometry **parts = NULL;
    size_t *idx = NULL, *first = NULL, i, k, m = 0, nf = 0;
    double *copy = NULL;
    taafi_status st = TAAFI_OK;
    parts = tf_malloc((L->n ? L->n : 1) * sizeof *parts), idx = tf_malloc((L->n ? L->n : 1) * sizeof *idx);
    first = tf_malloc((L->n + 1) * sizeof *first);
    if (!parts || !idx || !first)
        goto nomem;
    for (i = 0; i < L->n && !st; i++)
        if (L->part_level[i] == level) {
            first[m] = O.n, idx[m++] = i;
            st = line_segments(ctx, L->part[i], L->part_feat[i], &O);
        }
    first[m] = O.n;
    if (st || !m)
        goto done;
    if (!(copy = tf_malloc((O.n ? O.n : 1) * 4 * sizeof *copy)) || !(f.flag = tf_calloc(m, 1)))
        goto nomem;
    memcpy(copy, O.s, O.n * 4 * sizeof *copy);
    if ((st = tf_seggrid_build(ctx, &orig, copy, O.n))) /* takes copy */
        goto done;
    f.s = O.s, f.first = first, f.n_parts = m;
    flag_crossings(&orig, &f, O.n);
    for (k = 0; k < m && !st; k++) {
        if (f.flag[k]) {
            parts[nf++] = L->part[idx[k]], L->part[idx[k]] = NULL; /* given to the collection */
            continue;
        }
        for (i = first[k]; i < first[k + 1] && !st; i++)
            st = segs_add(ctx, S, &O.s[4 * i], O.feat[i]);
    }
    if (!st && nf)
        st = node_flagged(ctx, parts, nf, &orig, &O, S);
    goto done;
nomem:
    st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
done:
    tf_seggrid_free(&orig);
    tf_free(O.s);
    tf_free(O.feat);
    tf_free(O.same);
    tf_free(f.flag);
    tf_free(parts);
    tf_free(idx);
    tf_free(first);
    return st;
}

/* Vertices by their exact coordinates: an open-addressing table. */
typedef struct vtab {
    size_t *slot; /* node + 1, 0: empty */
    size_t mask;
    double *x, *y;
    size_t n;
} vtab;

static size_t hash_xy(double x, double y)
{
    uint64_t a, b;
    x += 0.0, y += 0.0; /* -0 as 0 */
    memcpy(&a, &x, sizeof a);
    memcpy(&b, &y, sizeof b);
    a ^= b * 0x9E3779B97F4A7C15ull;
    a ^= a >> 29;
    a *= 0xBF58476D1CE4E5B9ull;
    return (size_t)(a ^ (a >> 32));
}

static size_t vertex(vtab *V, double x, double y)
{
    size_t h = hash_xy(x, y) & V->mask;
    for (;; h = (h + 1) & V->mask) {
        size_t k = V->slot[h];
        if (!k) {
            V->x[V->n] = x, V->y[V->n] = y;
            V->slot[h] = ++V->n;
            return V->n - 1;
        }
        if (V->x[k - 1] == x && V->y[k - 1] == y)
            return k - 1;
    }
}

static size_t root(size_t *parent, size_t v)
{
    while (parent[v] != v)
        v = parent[v] = parent[parent[v]];
    return v;
}

/* Street ends (vertices of one edge) within `tol` metres of another
 * vertex joined to the nearest such vertex: parent[] of a union-find.
 * The vertex kept is the one that is not a street end, or of two ends the
 * lower in (x, y), so that a pair of ends meets where one of them is. */
static taafi_status snap_ends(taafi_ctx *ctx, const vtab *V, const size_t *eu, const size_t *ev, size_t m,
                              double tol, size_t *parent, size_t *n_joined)
{
    tf_seggrid g = {0};
    unsigned char *deg = tf_calloc(V->n ? V->n : 1, 1);
    double *pts = tf_malloc((V->n ? V->n : 1) * 4 * sizeof *pts), t, d;
    size_t i;
    taafi_status st;
    *n_joined = 0;
    if (!deg || !pts) {
        tf_free(deg);
        tf_free(pts);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < m; i++) {
        deg[eu[i]] += deg[eu[i]] < 2;
        deg[ev[i]] += deg[ev[i]] < 2;
    }
    for (i = 0; i < V->n; i++)
        pts[4 * i] = pts[4 * i + 2] = V->x[i], pts[4 * i + 1] = pts[4 * i + 3] = V->y[i];
    if ((st = tf_seggrid_build(ctx, &g, pts, V->n))) { /* takes pts */
        tf_free(deg);
        return st;
    }
    for (i = 0; i < V->n; i++) {
        long k;
        if (deg[i] != 1 || (k = tf_seggrid_nearest(&g, V->x[i], V->y[i], tol, NULL, (long)i, &t, &d)) < 0 ||
            root(parent, (size_t)k) == root(parent, i))
            continue;
        {
            size_t ri = root(parent, i), rk = root(parent, (size_t)k);
            int keep_i = deg[k] == 1 && (V->x[ri] < V->x[rk] || (V->x[ri] == V->x[rk] && V->y[ri] < V->y[rk]));
            if (keep_i)
                parent[rk] = ri;
            else
                parent[ri] = rk;
        }
        (*n_joined)++;
    }
    tf_seggrid_free(&g);
    tf_free(deg);
    return TAAFI_OK;
}

void tf_network_free(taafi_ctx *ctx, tf_network *n)
{
    (void)ctx;
    if (!n)
        return;
    tf_free(n->nx);
    tf_free(n->ny);
    tf_free(n->eu);
    tf_free(n->ev);
    tf_free(n->len);
    tf_free(n->cost);
    tf_free(n->dir);
    tf_free(n->feature);
    tf_free(n->closed);
    tf_free(n->adj_start);
    tf_free(n->adj);
    tf_seggrid_free(&n->grid);
    tf_free(n->fid);
    for (size_t i = 0; i < n->n_scen; i++)
        tf_free(n->scen[i].closed);
    tf_free(n->scen);
    tf_free(n);
}

/* The vertices of S's segments and its edges between them; ends within
 * tol joined; pieces of no length dropped. */
static taafi_status make_edges(taafi_ctx *ctx, const segs *S, double tol, tf_network *n, size_t *n_joined)
{
    vtab V = {0};
    size_t cap = 16, i, m = 0, *parent = NULL, *id = NULL;
    taafi_status st = TAAFI_OK;
    while (cap < 4 * S->n)
        cap *= 2;
    V.mask = cap - 1;
    V.slot = tf_calloc(cap, sizeof *V.slot);
    V.x = tf_malloc((2 * S->n + 1) * sizeof *V.x), V.y = tf_malloc((2 * S->n + 1) * sizeof *V.y);
    n->eu = tf_malloc((S->n + 1) * sizeof *n->eu), n->ev = tf_malloc((S->n + 1) * sizeof *n->ev);
    n->len = tf_malloc((S->n + 1) * sizeof *n->len), n->feature = tf_malloc((S->n + 1) * sizeof *n->feature);
    n->dir = tf_malloc(S->n + 1);
    if (!V.slot || !V.x || !V.y || !n->eu || !n->ev || !n->len || !n->feature || !n->dir)
        goto nomem;
    for (i = 0; i < S->n; i++) {
        n->eu[i] = vertex(&V, S->s[4 * i], S->s[4 * i + 1]);
        n->ev[i] = vertex(&V, S->s[4 * i + 2], S->s[4 * i + 3]);
    }
    if (!(parent = tf_malloc((V.n + 1) * sizeof *parent)) || !(id = tf_malloc((V.n + 1) * sizeof *id)))
        goto nomem;
    for (i = 0; i < V.n; i++)
        parent[i] = i;
    *n_joined = 0;
    if (tol > 0 && (st = snap_ends(ctx, &V, n->eu, n->ev, S->n, tol, parent, n_joined)))
        goto done;
    n->nx = tf_malloc((V.n + 1) * sizeof *n->nx), n->ny = tf_malloc((V.n + 1) * sizeof *n->ny);
    if (!n->nx || !n->ny)
        goto nomem;
    for (i = 0, n->n_nodes = 0; i < V.n; i++) /* the roots, numbered in order */
        if (root(parent, i) == i) {
            n->nx[n->n_nodes] = V.x[i], n->ny[n->n_nodes] = V.y[i];
            id[i] = n->n_nodes++;
        }
    for (i = 0; i < S->n; i++) {
        size_t u = id[root(parent, n->eu[i])], v = id[root(parent, n->ev[i])];
        if (u == v)
            continue;
        n->eu[m] = u, n->ev[m] = v, n->feature[m] = S->feat[i];
        n->dir[m] = S->same[i] > 0; /* for now: drawn as its street (edge_costs) */
        n->len[m++] = hypot(n->nx[v] - n->nx[u], n->ny[v] - n->ny[u]);
    }
    n->n_edges = m;
    goto done;
nomem:
    st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
done:
    tf_free(V.slot);
    tf_free(V.x);
    tf_free(V.y);
    tf_free(parent);
    tf_free(id);
    return st;
}

/* Each edge's cost (metres walked, or minutes at its street's speed) and
 * the way it may be driven (one-way streets, mode: drive); n->dir holds
 * whether each edge runs as its street is drawn until then. */
static taafi_status edge_costs(taafi_ctx *ctx, tf_network *n, const tf_network_def *nd, const lines *L)
{
    size_t e;
    if (!(n->cost = tf_malloc((n->n_edges + 1) * sizeof *n->cost)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    n->leg_cost = nd->drive ? 60.0 / (nd->join_kmh * 1000) : 1; /* minutes per metre at the join speed */
    for (e = 0; e < n->n_edges; e++) {
        size_t f = n->feature[e];
        int same = n->dir[e], way = f == SIZE_MAX || !nd->drive ? 0 : L->oneway[f];
        double kmh = f == SIZE_MAX ? nd->default_kmh : L->kmh[f];
        n->cost[e] = nd->drive ? n->len[e] * 60.0 / (kmh * 1000) : n->len[e];
        n->dir[e] = way == 0 ? 0 : (way > 0) == (same != 0) ? TF_DIR_FORWARD : TF_DIR_BACKWARD;
    }
    return TAAFI_OK;
}

/* The edges at each node, and the grid over the edges for joins. */
static taafi_status index_edges(taafi_ctx *ctx, tf_network *n)
{
    size_t i, *fill;
    taafi_status st;
    double *seg = tf_malloc((n->n_edges + 1) * 4 * sizeof *seg);
    n->adj_start = tf_calloc(n->n_nodes + 1, sizeof *n->adj_start);
    n->adj = tf_malloc((2 * n->n_edges + 1) * sizeof *n->adj);
    fill = tf_malloc((n->n_nodes + 1) * sizeof *fill);
    if (!seg || !n->adj_start || !n->adj || !fill) {
        tf_free(seg);
        tf_free(fill);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    for (i = 0; i < n->n_edges; i++)
        n->adj_start[n->eu[i] + 1]++, n->adj_start[n->ev[i] + 1]++;
    for (i = 0; i < n->n_nodes; i++)
        n->adj_start[i + 1] += n->adj_start[i];
    memcpy(fill, n->adj_start, n->n_nodes * sizeof *fill);
    for (i = 0; i < n->n_edges; i++) {
        n->adj[fill[n->eu[i]]++] = i;
        n->adj[fill[n->ev[i]]++] = i;
        seg[4 * i] = n->nx[n->eu[i]], seg[4 * i + 1] = n->ny[n->eu[i]];
        seg[4 * i + 2] = n->nx[n->ev[i]], seg[4 * i + 3] = n->ny[n->ev[i]];
    }
    tf_free(fill);
    st = tf_seggrid_build(ctx, &n->grid, seg, n->n_edges);
    if (!st)
        tf_seggrid_rings(&n->grid);
    return st;
}

/* The pieces of the open streets that no open street joins: noted when
 * there is more than one, with their lengths (a place on a piece reaches
 * only the facilities on that piece). */
static taafi_status note_pieces(taafi_ctx *ctx, const tf_network *n, const char *role, tf_dq *dq)
{
    size_t *parent = tf_malloc((n->n_nodes + 1) * sizeof *parent), i, pieces = 0, big = 0;
    double *km = tf_calloc(n->n_nodes + 1, sizeof *km), total = 0;
    char problem[256];
    taafi_status st = TAAFI_OK;
    if (!parent || !km) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (i = 0; i < n->n_nodes; i++)
        parent[i] = i;
    for (i = 0; i < n->n_edges; i++)
        if (!n->closed[i] && root(parent, n->eu[i]) != root(parent, n->ev[i]))
            parent[root(parent, n->eu[i])] = root(parent, n->ev[i]);
    for (i = 0; i < n->n_edges; i++)
        if (!n->closed[i])
            km[root(parent, n->eu[i])] += n->len[i] / 1000, total += n->len[i] / 1000;
    for (i = 0; i < n->n_nodes; i++)
        if (km[i] > 0) {
            pieces++;
            big = km[i] > km[big] ? i : big;
        }
    if (pieces > 1) {
        snprintf(problem, sizeof problem,
                 "the open streets are %zu pieces that no open street joins: the largest %.3f km, the other %zu "
                 "%.3f km in all", pieces, km[big], pieces - 1, total - km[big]);
        st = tf_dq_add(ctx, dq, role, -1, problem,
                       "a place on a piece reaches only the facilities on that piece; the rest count as cut off");
    }
done:
    tf_free(parent);
    tf_free(km);
    return st;
}

taafi_status tf_network_build(taafi_ctx *ctx, const taafi_project *p, const tf_areas *A, tf_dq *dq,
                              tf_file_fn add_input, void *user, tf_network **out)
{
    const char *role = p->layers[p->network.layer].role;
    lines L = {0};
    segs S = {0};
    tf_network *n = tf_calloc(1, sizeof *n);
    size_t joined = 0, i;
    double km = 0;
    taafi_status st;
    *out = NULL;
    if (!n)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    n->max_join = p->network.max_join;
    if ((st = read_streets(ctx, p, A->epsg, dq, add_input, user, &L)))
        goto done;
    for (i = 0; i < (L.n_levels ? L.n_levels : 1) && !st; i++)
        st = node_level(ctx, &L, (int)i, &S);
    if (st || (st = make_edges(ctx, &S, p->network.tolerance, n, &joined)) ||
        (st = edge_costs(ctx, n, &p->network, &L)) || (st = index_edges(ctx, n)))
        goto done;
    if (!n->n_edges) {
        st = tf_error(ctx, TAAFI_ERR_DATA, "%s: network.streets: no street of any length (%zu features read); "
                      "the network needs street centre lines", p->layers[p->network.layer].path, L.n_feat);
        goto done;
    }
    if (!(n->closed = tf_calloc(n->n_edges, 1))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    n->fid = L.fid, n->n_streets = L.n_feat;
    L.fid = NULL; /* the network's now: scenarios' closures read them */
    if ((st = tf_network_close(ctx, p, A, n, &p->network, NULL, n->closed, &n->any_closed, dq, add_input, user)) ||
        (st = note_pieces(ctx, n, role, dq)))
        goto done;
    for (i = 0; i < n->n_edges; i++)
        km += n->len[i] / 1000;
    tf_log(ctx, TAAFI_LOG_INFO, "network: %zu streets read: %zu segments between %zu nodes, %.3f km; %zu street ends "
           "joined within %g m", L.n_feat, n->n_edges, n->n_nodes, km, joined, p->network.tolerance);
done:
    lines_free(ctx, &L);
    tf_free(S.s);
    tf_free(S.feat);
    tf_free(S.same);
    if (st)
        tf_network_free(ctx, n);
    else
        *out = n;
    return st;
}

void tf_network_segment(const tf_network *n, size_t e, double xy[4])
{
    xy[0] = n->nx[n->eu[e]], xy[1] = n->ny[n->eu[e]], xy[2] = n->nx[n->ev[e]], xy[3] = n->ny[n->ev[e]];
}

size_t tf_network_nodes(const tf_network *n) { return n->n_nodes; }
size_t tf_network_edges(const tf_network *n) { return n->n_edges; }
double tf_network_max_join(const tf_network *n) { return n->max_join; }
