/* meta.c: *.meta.json for web maps. */
#include "meta.h"

#include "analysis/sheets.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void tf_json_string(tf_buf *b, const char *s)
{
    tf_buf_printf(b, "\"");
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            tf_buf_printf(b, "\\%c", c);
        else if (c == '\n')
            tf_buf_printf(b, "\\n");
        else if (c < 0x20)
            tf_buf_printf(b, "\\u%04x", c);
        else
            tf_buf_printf(b, "%c", c);
    }
    tf_buf_printf(b, "\"");
}

static void opt_string(tf_buf *b, const char *key, const char *v, int comma)
{
    tf_buf_printf(b, "%s\"%s\": ", comma ? ", " : "", key);
    if (v)
        tf_json_string(b, v);
    else
        tf_buf_printf(b, "null");
}

static void number(tf_buf *b, double v)
{
    if (isfinite(v))
        tf_buf_printf(b, "%.10g", v);
    else
        tf_buf_printf(b, "null");
}

static void areas_meta(tf_buf *b, const taafi_result *r, const tf_sheet *sheets, size_t n)
{
    const taafi_project *p = r->project;
    size_t c, i, k, first, last;
    char buf[32];
    tf_buf_printf(b, "{\n  \"layer\": \"areas\",\n  ");
    opt_string(b, "title", p->name, 0);
    tf_buf_printf(b, ",\n  \"id_field\": ");
    tf_json_string(b, p->area_id);
    tf_buf_printf(b, ",\n  ");
    opt_string(b, "name_field", p->area_name, 0);
    tf_buf_printf(b, ",\n  ");
    opt_string(b, "name_ar_field", p->area_name_ar, 0);
    tf_buf_printf(b, ",\n  \"columns\": [\n");
    for (c = 0; c < r->n_cols; c++) {
        const tf_column *col = &r->cols[c];
        const tf_indicator_def *d = tf_result_def(r, col->def);
        int main_col = d && !strcmp(col->name, d->id);
        tf_buf_printf(b, "    {\"name\": ");
        tf_json_string(b, col->name);
        opt_string(b, "role", col->role, 1);
        opt_string(b, "indicator", d ? d->id : NULL, 1);
        opt_string(b, "label", main_col ? d->label : col->pillar >= 0 ? tf_pillar_labels[col->pillar] : NULL, 1);
        opt_string(b, "label_ar", main_col ? d->label_ar : col->pillar >= 0 ? tf_pillar_labels_ar[col->pillar] : NULL,
                   1);
        opt_string(b, "unit", col->unit, 1);
        opt_string(b, "pillar", d ? d->pillar : col->pillar >= 0 ? tf_pillar_keys[col->pillar] : NULL, 1);
        tf_buf_printf(b, "}%s\n", c + 1 < r->n_cols ? "," : "");
    }
    tf_buf_printf(b, "  ],\n  \"maps\": [\n");
    for (i = 0; i < n; i++) {
        const tf_sheet *s = &sheets[i];
        tf_buf_printf(b, "    {\"column\": ");
        tf_json_string(b, s->column);
        opt_string(b, "title", s->title_en, 1);
        opt_string(b, "title_ar", s->title_ar, 1);
        tf_buf_printf(b, ", \"breaks\": [");
        for (k = 0; k + 1 < s->n_classes; k++) {
            tf_buf_printf(b, "%s", k ? ", " : "");
            number(b, s->breaks[k]);
        }
        tf_buf_printf(b, "], \"classes\": [\n");
        tf_sheet_listed_span(s, &first, &last);
        for (k = 1; k <= s->n_classes; k++) {
            double lo, hi;
            char hex[8];
            if (!tf_sheet_listed(s, k))
                continue;
            tf_sheet_range(s, k, &lo, &hi);
            tf_class_hex(s->n_classes, k, hex);
            tf_buf_printf(b, "      {\"class\": %zu", k);
            opt_string(b, "label", tf_class_label(p, s->n_classes, k, buf, sizeof buf), 1);
            tf_buf_printf(b, ", \"min\": ");
            number(b, lo);
            tf_buf_printf(b, ", \"max\": ");
            number(b, hi);
            tf_buf_printf(b, ", \"colour\": \"%s\"}%s\n", hex, k < last ? "," : "");
        }
        tf_buf_printf(b, "    ]}%s\n", i + 1 < n ? "," : "");
    }
    tf_buf_printf(b, "  ]\n}\n");
}

taafi_status tf_meta_json(taafi_ctx *ctx, const taafi_result *r, const char *layer, char **out)
{
    tf_buf b = {0};
    tf_sheet *sheets = NULL;
    size_t n = 0;
    taafi_status st;
    *out = NULL;
    if (!strcmp(layer, "areas")) {
        if ((st = tf_sheets(ctx, r, &sheets, &n)))
            return st;
        areas_meta(&b, r, sheets, n);
        tf_free(sheets);
    } else if (!strcmp(layer, "service_gaps")) {
        tf_buf_printf(&b, "{\n  \"layer\": \"service_gaps\",\n  \"columns\": [\n"
                          "    {\"name\": \"indicator\", \"label\": \"Coverage indicator\", \"label_ar\": \"المؤشر\"},\n"
                          "    {\"name\": \"distance_m\", \"label\": \"Standard distance\", \"label_ar\": "
                          "\"المسافة المعيارية\", \"unit\": \"m\"},\n"
                          "    {\"name\": \"gap_km2\", \"label\": \"Area beyond reach\", \"label_ar\": "
                          "\"المساحة خارج النطاق\", \"unit\": \"km2\"},\n"
                          "    {\"name\": \"gap_residents\", \"label\": \"Residents beyond reach\", \"label_ar\": "
                          "\"السكان خارج النطاق\", \"unit\": \"persons\"}\n"
                          "  ],\n  \"style\": {\"fill\": \"hatch\", \"colour\": \"#c81e1e\"}\n}\n");
    } else {
        tf_buf_printf(&b, "{\n  \"layer\": \"facilities\",\n  \"columns\": [\n"
                          "    {\"name\": \"indicator\", \"label\": \"Coverage indicator\", \"label_ar\": \"المؤشر\"},\n"
                          "    {\"name\": \"basin_residents\", \"label\": \"Residents whose nearest facility it is\", "
                          "\"label_ar\": \"السكان الأقرب إليها\", \"unit\": \"persons\"},\n"
                          "    {\"name\": \"residents_per_capacity\", \"label\": \"Residents per unit of capacity\", "
                          "\"label_ar\": \"السكان لكل وحدة سعة\", \"unit\": \"persons\"}\n"
                          "  ]\n}\n");
    }
    if (!b.failed && b.len > 2) {
        /* the run's id first, as in every file of the run */
        tf_buf with = {0};
        tf_buf_printf(&with, "{\n  \"run_id\": \"%s\",\n%s", r->run_id, b.s + 2);
        tf_buf_free(&b);
        b = with;
    }
    if (b.failed) {
        tf_buf_free(&b);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    *out = b.s;
    return TAAFI_OK;
}
