/*
 * ind_overlay.c: indicators that cut a layer by the areas.
 *   area_share:     % of each area covered by the layer's polygons;
 *   length_density: km of the layer's lines per km² of area.
 * Both measure in the analysis CRS (metres).  area_share assumes the
 * layer's polygons do not overlap one another (a land-use map): where they
 * do, the share can pass 100 %, which is noted in data_quality rather than
 * capped, so that the overlap is seen.
 */
#include "indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

struct tf_ind_state {
    tf_ind_type type;
    size_t n_areas;
    double *m; /* m² or m inside each area */
    const char *path, *layer_name; /* valid during the pass only */
};

static void free_state(taafi_ctx *ctx, tf_ind_state *s)
{
    (void)ctx;
    if (s)
        tf_free(s->m);
    tf_free(s);
}

static taafi_status begin(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas, const tf_vsource *src,
                          tf_ind_state **out)
{
    tf_ind_state *s = tf_calloc(1, sizeof *s);
    *out = NULL;
    if (!s || !(s->m = tf_calloc(areas->n ? areas->n : 1, sizeof *s->m))) {
        tf_free(s);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    s->type = def->type;
    s->n_areas = areas->n;
    s->path = src->def->path;
    s->layer_name = OGR_L_GetName(src->layer);
    *out = s;
    return TAAFI_OK;
}

static taafi_status consume(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *f)
{
    int want = s->type == TF_IND_AREA_SHARE ? 2 : 1;
    size_t k;
    if (f->dim != want)
        return tf_error(ctx, TAAFI_ERR_DATA, "%s: layer %s: feature %lld is a %s; %s needs %s", s->path,
                        s->layer_name, (long long)f->fid, f->dim == 0 ? "point" : f->dim == 1 ? "line" : "polygon",
                        s->type == TF_IND_AREA_SHARE ? "area_share" : "length_density",
                        want == 2 ? "polygons" : "lines");
    for (k = 0; k < f->n_parts; k++)
        s->m[f->parts[k].area] += f->parts[k].measure;
    return TAAFI_OK;
}

static taafi_status finish(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r)
{
    double *v;
    size_t a;
    taafi_status st;
    int share = s->type == TF_IND_AREA_SHARE;
    if ((st = tf_result_add_column(ctx, r, def->id, def, 0, share ? "%" : "km per km2", &v)))
        return st;
    for (a = 0; a < s->n_areas; a++) {
        double km2 = r->areas->area_km2[a];
        if (km2 <= 0)
            continue; /* undefined for an area of no surface: NULL */
        v[a] = share ? 100.0 * s->m[a] / (km2 * 1e6) : (s->m[a] / 1000.0) / km2;
        /* 1e-9: rounding of intersections of polygons that tile the area */
        if (share && v[a] > 100.0 + 1e-9) {
            char problem[256];
            snprintf(problem, sizeof problem, "polygons cover %.2f %% of area %s: they overlap one another", v[a],
                     r->areas->id[a]);
            if ((st = tf_dq_add(ctx, &r->dq, r->project->layers[def->layer].role, -1, problem,
                                "share reported as computed")))
                return st;
        }
    }
    return TAAFI_OK;
}

const tf_family tf_family_area_share = {.type = TF_IND_AREA_SHARE,
                                        .needs_parts = 1,
                                        .begin = begin,
                                        .consume = consume,
                                        .finish = finish,
                                        .free = free_state};
const tf_family tf_family_length_density = {.type = TF_IND_LENGTH_DENSITY,
                                            .needs_parts = 1,
                                            .begin = begin,
                                            .consume = consume,
                                            .finish = finish,
                                            .free = free_state};

/* The project-file keys of area_share and length_density: layer, where. */
static taafi_status layer_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    return pj_layer_where(ps, m, d, "name one of the layers under 'layers'");
}

static const char *const KEYS[] = {"layer", "where", NULL};
const tf_family_keys tf_keys_area_share = {.type = "area_share", .keys = KEYS, .parse = layer_keys};
const tf_family_keys tf_keys_length_density = {.type = "length_density", .keys = KEYS, .parse = layer_keys};
