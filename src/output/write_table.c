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

taafi_status tf_write_indicators_table(taafi_ctx *ctx, const taafi_result *r, GDALDatasetH ds, const char *name,
                                       char **options)
{
    static const char *const cols[] = {"column_name", "role",   "indicator", "type",  "pillar", "label",
                                       "label_ar",    "unit",   "direction", "method", "weight", "target",
                                       "floor",       "layer",  "filter",    "source", "distance_m", NULL};
    const taafi_project *p = r->project;
    OGRLayerH t;
    size_t i;
    taafi_status st;
    if ((st = tf_table_create(ctx, ds, name, cols, NULL, options, &t)))
        return st;
    for (i = 0; i < r->n_cols; i++) {
        const tf_column *c = &r->cols[i];
        const tf_indicator_def *d = c->def;
        const char *v[17] = {0};
        char label[512] = "", label_ar[512] = "", weight[32] = "", target[32] = "", floor_[32] = "", dist[32] = "";
        char *filter = NULL;
        v[0] = c->name;
        v[1] = c->role;
        v[7] = c->unit;
        d = tf_result_def(r, d); /* a scenario's weights, targets, distance, labels */
        if (d) {
            const tf_source *layer = d->layer >= 0 ? &p->layers[d->layer] : NULL;
            int scored = d->pillar != NULL, main_col = !strcmp(c->name, d->id), is_score = !strcmp(c->role, "score");
            v[2] = d->id;
            v[3] = tf_family_name(d->type);
            v[4] = d->pillar;
            if (d->label)
                snprintf(label, sizeof label, "%s%s%s%s", d->label, main_col ? "" : " (", main_col ? "" : c->name,
                         main_col ? "" : ")");
            if (d->label_ar)
                snprintf(label_ar, sizeof label_ar, "%s%s%s%s", is_score ? "درجة " : "", d->label_ar,
                         main_col || is_score ? "" : " - ", main_col || is_score ? "" : c->name);
            if (scored && (main_col || is_score)) {
                v[8] = d->direction == TF_DIR_LOWER_BETTER ? "lower_is_better" : "higher_is_better";
                v[9] = method_name(d);
                fmt_num(weight, sizeof weight, 1, d->weight);
                fmt_num(target, sizeof target, d->has_target, d->target);
                fmt_num(floor_, sizeof floor_, d->has_floor, d->floor);
            }
            v[13] = layer ? layer->role : NULL;
            if (layer && (layer->where || d->where))
                filter = layer->where && d->where ? tf_sprintf("(%s) AND (%s)", layer->where, d->where)
                                                  : tf_strdup(layer->where ? layer->where : d->where);
            v[14] = filter;
            v[15] = layer ? layer->path : tf_family_own_source(d->type) == TF_OWN_TABLE ? d->source : d->expression;
            /* the standard distance in force (a scenario's, if it has one) */
            fmt_num(dist, sizeof dist, tf_family_has_distance(d->type), d->distance);
            v[16] = dist[0] ? dist : NULL;
        } else if (c->pillar >= 0) {
            v[4] = tf_pillar_keys[c->pillar];
            snprintf(label, sizeof label, "%s", tf_pillar_labels[c->pillar]);
            snprintf(label_ar, sizeof label_ar, "%s", tf_pillar_labels_ar[c->pillar]);
            v[9] = (r->scoring ? r->scoring : &p->scoring)->pillars[c->pillar].mean == TF_MEAN_GEOMETRIC
                       ? "weighted geometric mean of scores"
                       : "weighted mean of scores";
            fmt_num(weight, sizeof weight, 1,
                    (r->scoring ? r->scoring : &p->scoring)->pillars[c->pillar].weight);
        } else if (!strcmp(c->role, "index")) {
            snprintf(label, sizeof label, "Recovery index");
            snprintf(label_ar, sizeof label_ar, "مؤشر التعافي");
            v[9] = "weighted mean of pillar scores";
        } else if (!strcmp(c->role, "rank")) {
            snprintf(label, sizeof label, "Rank (1 = most in need)");
            snprintf(label_ar, sizeof label_ar, "الترتيب (1 = الأكثر حاجة)");
        } else if (!strcmp(c->role, "class")) {
            snprintf(label, sizeof label, "Priority");
            snprintf(label_ar, sizeof label_ar, "الأولوية");
            v[9] = p->scoring.priority_method == TF_PRIORITY_BREAKS ? "breaks" : "quantiles";
        } else if (!strcmp(c->role, "missing")) {
            snprintf(label, sizeof label, "Indicators without a value");
            snprintf(label_ar, sizeof label_ar, "مؤشرات بلا قيمة");
        }
        v[5] = label[0] ? label : NULL;
        v[6] = label_ar[0] ? label_ar : NULL;
        v[10] = weight[0] ? weight : NULL;
        v[11] = target[0] ? target : NULL;
        v[12] = floor_[0] ? floor_ : NULL;
        st = tf_table_row(ctx, t, v, 17);
        free(filter);
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
