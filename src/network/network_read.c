/*
 * network_read.c: the streets layer read for the network (network.h):
 * its lines in the analysis CRS, level by level, with each street's fid,
 * speed and one-way value; anything not a line noted and left out.
 */
#include "network_int.h"
#include "io/ingest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void tf_net_lines_free(taafi_ctx *ctx, tf_net_lines *L)
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
static int level_of(tf_net_lines *L, const char *value)
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
static taafi_status add_parts(taafi_ctx *ctx, tf_net_lines *L, const GEOSGeometry *g, int level, GEOSGeometry **whole)
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
static taafi_status read_feature(taafi_ctx *ctx, tf_net_lines *L, OGRFeatureH f, int level_idx, const tf_reproj *to_xy,
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
static void drive_attrs(tf_net_lines *L, OGRFeatureH f, const tf_network_def *nd, int speed_idx, int oneway_idx)
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
taafi_status tf_net_read_streets(taafi_ctx *ctx, const taafi_project *p, int epsg, tf_dq *dq, tf_file_fn add_input,
                                 void *user, tf_net_lines *L)
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

