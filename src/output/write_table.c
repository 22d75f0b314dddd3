/* write_table.c: tables without geometry, in any GDAL vector format:
 * `run`, `data_quality` and `indicators` in the GeoPackage, the CSVs. */
#include "analysis/score.h"
#include "writers.h"
#include "families/indicator.h"

#include <math.h>
#include <ogr_api.h>
#include <stdio.h>
#include <string.h>

taafi_status tf_table_create(taafi_ctx *ctx, GDALDatasetH ds, const char *name, const char *const *names,
                             const OGRFieldType *types, char **options, OGRLayerH *out)
{
    size_t i;
    *out = GDALDatasetCreateLayer(ds, name, NULL, wkbNone, options);
    if (!*out)
        return tf_error(ctx, TAAFI_ERR_IO, "cannot create table %s: %s", name, tf_lib_error(ctx));
    for (i = 0; names[i]; i++) {
        OGRFieldDefnH fd = OGR_Fld_Create(names[i], types ? types[i] : OFTString);
        OGRErr e = OGR_L_CreateField(*out, fd, TRUE);
        OGR_Fld_Destroy(fd);
        if (e != OGRERR_NONE)
            return tf_error(ctx, TAAFI_ERR_IO, "cannot create field %s.%s: %s", name, names[i], tf_lib_error(ctx));
    }
    return TAAFI_OK;
}

taafi_status tf_table_row(taafi_ctx *ctx, OGRLayerH layer, const char *const *values, int n)
{
    OGRFeatureH f = OGR_F_Create(OGR_L_GetLayerDefn(layer));
    int i;
    if (!f)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++)
        if (values[i])
            OGR_F_SetFieldString(f, i, values[i]);
    return tf_feature_put(ctx, layer, f);
}

taafi_status tf_feature_put(taafi_ctx *ctx, OGRLayerH layer, OGRFeatureH f)
{
    OGRErr e = OGR_L_CreateFeature(layer, f);
    OGR_F_Destroy(f);
    if (e != OGRERR_NONE)
        return tf_error(ctx, TAAFI_ERR_IO, "cannot write to %s: %s", OGR_L_GetName(layer), tf_lib_error(ctx));
    return TAAFI_OK;
}

static const char *method_name(const tf_indicator_def *d)
{
    static const char *const names[] = {"minmax", "target", "zscore"};
    return names[d->method];
}

static void fmt_num(char *buf, size_t size, int has, double v)
{
    if (has)
        snprintf(buf, size, "%.15g", v);
    else
        buf[0] = '\0';
}

/* One row of the indicators table: its 17 values and the text they point
 * into. */
typedef struct ind_row {
    const char *v[17];
    char label[512], label_ar[512], weight[32], target[32], floor_[32], dist[32];
    char *filter;
} ind_row;

/* The row of a column an indicator made (d: the settings in force). */
static void indicator_row(const taafi_result *r, const tf_column *c, const tf_indicator_def *d, ind_row *w)
{
    const taafi_project *p = r->project;
    const tf_source *layer = d->layer >= 0 ? &p->layers[d->layer] : NULL;
    int scored = d->pillar != NULL, main_col = !strcmp(c->name, d->id), is_score = !strcmp(c->role, "score");
    w->v[2] = d->id;
    w->v[3] = tf_family_name(d->type);
    w->v[4] = d->pillar;
    if (d->label)
        snprintf(w->label, sizeof w->label, "%s%s%s%s", d->label, main_col ? "" : " (", main_col ? "" : c->name,
                 main_col ? "" : ")");
    if (d->label_ar)
        snprintf(w->label_ar, sizeof w->label_ar, "%s%s%s%s", is_score ? "درجة " : "", d->label_ar,
                 main_col || is_score ? "" : " - ", main_col || is_score ? "" : c->name);
    if (scored && (main_col || is_score)) {
        w->v[8] = d->direction == TF_DIR_LOWER_BETTER ? "lower_is_better" : "higher_is_better";
        w->v[9] = method_name(d);
        fmt_num(w->weight, sizeof w->weight, 1, d->weight);
        fmt_num(w->target, sizeof w->target, d->has_target, d->target);
        fmt_num(w->floor_, sizeof w->floor_, d->has_floor, d->floor);
    }
    w->v[13] = layer ? layer->role : NULL;
    if (layer && (layer->where || d->where))
        w->filter = layer->where && d->where ? tf_sprintf("(%s) AND (%s)", layer->where, d->where)
                                             : tf_strdup(layer->where ? layer->where : d->where);
    w->v[14] = w->filter;
    w->v[15] = layer ? layer->path : tf_family_own_source(d->type) == TF_OWN_TABLE ? d->source : d->expression;
    /* the standard distance in force (a scenario's, if it has one) */
    fmt_num(w->dist, sizeof w->dist, tf_family_has_distance(d->type), d->distance);
    w->v[16] = w->dist[0] ? w->dist : NULL;
}

/* The row of a column scoring made: a pillar's score, the index, the rank,
 * the class, the missing count. */
static void scoring_row(const taafi_result *r, const tf_column *c, ind_row *w)
{
    const taafi_project *p = r->project;
    const tf_scoring *sc = r->scoring ? r->scoring : &p->scoring;
    if (c->pillar >= 0) {
        w->v[4] = tf_pillar_keys[c->pillar];
        snprintf(w->label, sizeof w->label, "%s", tf_pillar_labels[c->pillar]);
        snprintf(w->label_ar, sizeof w->label_ar, "%s", tf_pillar_labels_ar[c->pillar]);
        w->v[9] = sc->pillars[c->pillar].mean == TF_MEAN_GEOMETRIC ? "weighted geometric mean of scores"
                                                                    : "weighted mean of scores";
        fmt_num(w->weight, sizeof w->weight, 1, sc->pillars[c->pillar].weight);
    } else if (!strcmp(c->role, "index")) {
        snprintf(w->label, sizeof w->label, "Recovery index");
        snprintf(w->label_ar, sizeof w->label_ar, "مؤشر التعافي");
        w->v[9] = "weighted mean of pillar scores";
    } else if (!strcmp(c->role, "rank")) {
        snprintf(w->label, sizeof w->label, "Rank (1 = most in need)");
        snprintf(w->label_ar, sizeof w->label_ar, "الترتيب (1 = الأكثر حاجة)");
    } else if (!strcmp(c->role, "class")) {
        snprintf(w->label, sizeof w->label, "Priority");
        snprintf(w->label_ar, sizeof w->label_ar, "الأولوية");
        w->v[9] = p->scoring.priority_method == TF_PRIORITY_BREAKS ? "breaks" : "quantiles";
    } else if (!strcmp(c->role, "missing")) {
        snprintf(w->label, sizeof w->label, "Indicators without a value");
        snprintf(w->label_ar, sizeof w->label_ar, "مؤشرات بلا قيمة");
    }
}

taafi_status tf_write_indicators_table(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                       char **options)
{
    static const char *const cols[] = {"column_name", "role",   "indicator", "type",  "pillar", "label",
                                       "label_ar",    "unit",   "direction", "method", "weight", "target",
                                       "floor",       "layer",  "filter",    "source", "distance_m", NULL};
    OGRLayerH t;
    size_t i;
    taafi_status st;
    if ((st = tf_table_create(ctx, ds, name, cols, NULL, options, &t)))
        return st;
    for (i = 0; i < r->n_cols; i++) {
        const tf_column *c = &r->cols[i];
        const tf_indicator_def *d = tf_result_def(r, c->def); /* a scenario's weights, targets, distance, labels */
        ind_row w;
        memset(&w, 0, sizeof w);
        w.v[0] = c->name;
        w.v[1] = c->role;
        w.v[7] = c->unit;
        if (d)
            indicator_row(r, c, d, &w);
        else
            scoring_row(r, c, &w);
        w.v[5] = w.label[0] ? w.label : NULL;
        w.v[6] = w.label_ar[0] ? w.label_ar : NULL;
        w.v[10] = w.weight[0] ? w.weight : NULL;
        w.v[11] = w.target[0] ? w.target : NULL;
        w.v[12] = w.floor_[0] ? w.floor_ : NULL;
        st = tf_table_row(ctx, t, w.v, 17);
        tf_free(w.filter);
        if (st)
            return st;
    }
    return TAAFI_OK;
}

static taafi_status csv(taafi_ctx *ctx, const taafi_result *r, const char *path, int bom, int indicators)
{
    const char *opts[] = {bom ? "WRITE_BOM=YES" : "WRITE_BOM=NO", "LINEFORMAT=CRLF", NULL};
    GDALDriverH drv = GDALGetDriverByName("CSV");
    GDALDatasetH ds;
    taafi_status st;
    if (!drv)
        return tf_error(ctx, TAAFI_ERR_IO, "this GDAL has no CSV driver");
    tf_gdal_enter(ctx);
    ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    if (!ds) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot create: %s", path, tf_lib_error(ctx));
        goto done;
    }
    st = indicators ? tf_write_indicators_table(ctx, r, ds, "indicators", (char **)opts)
                    : tf_write_areas_layer(ctx, r, ds, "areas", -1, (char **)opts);
    tf_lib_error_clear(ctx);
    GDALClose(ds);
    if (!st && tf_lib_error(ctx)[0])
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: error while closing: %s", path, tf_lib_error(ctx));
done:
    tf_gdal_leave(ctx);
    return st;
}

taafi_status tf_write_csv_areas(taafi_ctx *ctx, const taafi_result *r, const char *path, int bom)
{
    return csv(ctx, r, path, bom, 0);
}

taafi_status tf_write_csv_indicators(taafi_ctx *ctx, const taafi_result *r, const char *path, int bom)
{
    return csv(ctx, r, path, bom, 1);
}
