/* keys.c: the table of the families' project-file keys by indicator type
 * (project/keys.h), the keys of the types that have no family of their own
 * (area, expression), and taafi_project_load, which gives the table to the
 * project parser. */
#include "indicator.h"

const tf_family_keys tf_keys_area = {.type = "area"};

/* expression: SQL over other indicators' columns (analysis/derive.c). */
static taafi_status expression_keys(parser *ps, const yaml_node_t *m, tf_indicator_def *d)
{
    taafi_status st = pj_need(ps, m, d, "expression", "give an SQL expression over other indicators' columns");
    return st ? st : pj_opt_str(ps, m, "expression", &d->expression);
}

static const char *const EXPRESSION_KEYS[] = {"expression", NULL};
const tf_family_keys tf_keys_expression = {.type = "expression", .keys = EXPRESSION_KEYS, .parse = expression_keys};

const tf_family_keys *const tf_family_keys_table[TF_IND_N_TYPES + 1] = {
    [TF_IND_AREA] = &tf_keys_area,
    [TF_IND_COUNT] = &tf_keys_count,
    [TF_IND_SUM] = &tf_keys_sum,
    [TF_IND_MEAN] = &tf_keys_mean,
    [TF_IND_MIN] = &tf_keys_min,
    [TF_IND_MAX] = &tf_keys_max,
    [TF_IND_AREA_SHARE] = &tf_keys_area_share,
    [TF_IND_LENGTH_DENSITY] = &tf_keys_length_density,
    [TF_IND_NEAREST_DISTANCE] = &tf_keys_nearest,
    [TF_IND_TABLE] = &tf_keys_table,
    [TF_IND_EXPRESSION] = &tf_keys_expression,
    [TF_IND_RASTER_SUM] = &tf_keys_raster_sum,
    [TF_IND_COVERAGE] = &tf_keys_coverage,
    [TF_IND_N_TYPES] = NULL,
};

const char *tf_family_name(int type)
{
    return type >= 0 && type < TF_IND_N_TYPES ? tf_family_keys_table[type]->type : "?";
}

taafi_status taafi_project_load(taafi_ctx *ctx, const char *path, taafi_project **out)
{
    tf_enter(ctx);
    return tf_project_parse(ctx, path, NULL, 0, tf_family_keys_table, out);
}
