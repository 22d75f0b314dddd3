/*
 * network_node.c: the streets' lines cut into segments, level by level:
 * the lines that cross or touch inside another noded by GEOS (GEOSNode),
 * each noded piece traced back to the street it lies on.
 */
#include "network_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

taafi_status tf_net_segs_add(taafi_ctx *ctx, tf_net_segs *S, const double *xy, size_t feat)
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
static taafi_status line_segments(taafi_ctx *ctx, const GEOSGeometry *g, size_t feat, tf_net_segs *S)
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
        if ((xy[0] != xy[2] || xy[1] != xy[3]) && (st = tf_net_segs_add(ctx, S, xy, feat)))
            return st;
    }
    return TAAFI_OK;
}

/* The street a noded segment lies on: the original segment nearest to
 * its middle (within a millimetre; noding moves no vertex further); and
 * whether it runs the way that one was drawn (*same: 1, or -1). */
static size_t street_of(const tf_seggrid *orig, const tf_net_segs *O, const double *s, signed char *same)
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
                                 const tf_net_segs *O, tf_net_segs *S)
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
taafi_status tf_net_node_level(taafi_ctx *ctx, tf_net_lines *L, int level, tf_net_segs *S)
{
    tf_net_segs O = {0};
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
            st = tf_net_segs_add(ctx, S, &O.s[4 * i], O.feat[i]);
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

