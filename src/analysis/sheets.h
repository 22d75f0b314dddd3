/*
 * sheets.h: what every published view shares: the maps to draw (the
 * recovery index and each pillar), their classes and colours.  Classes
 * match the priority classes: class 1 is the most in need, the lowest
 * scores, drawn darkest.  Styles, map sheets, the report and the GeoJSON
 * metadata all take their breaks from here, so they always agree.
 */
#ifndef TAAFI_SHEETS_H
#define TAAFI_SHEETS_H

#include "result/result.h"

#define TF_MAX_CLASSES 10

typedef struct tf_sheet {
    char key[64];        /* "recovery_index" or a pillar key            */
    char column[96];     /* the column mapped                           */
    const char *title_en, *title_ar;
    int pillar;          /* index into tf_pillar_keys, -1: the index    */
    size_t n_classes;
    double breaks[TF_MAX_CLASSES - 1]; /* ascending, between classes    */
    double lo, hi;       /* smallest and largest value mapped           */
    const double *v;     /* the values, one per area (owned by result)  */
    size_t members[TF_MAX_CLASSES + 1]; /* areas per class; [0]: no value */
    int fixed;           /* breaks the project fixed, not quantiles     */
} tf_sheet;

/* The sheets of a result: the index first, then each pillar it scores.
 * *n_out is 0 when nothing is scored.  Caller frees *out. */
taafi_status tf_sheets(taafi_ctx *ctx, const taafi_result *r, tf_sheet **out, size_t *n_out);

/* Class of value v on a sheet: 1 (lowest, most in need) .. n_classes, or 0
 * for a missing value. */
size_t tf_sheet_class(const tf_sheet *s, double v);

/* Whether class c is listed in legends and styles: every class of fixed
 * breaks, but not a quantile class no area is in (many equal values, most
 * areas at 0 say, leave some, whose range would read "0.0 – 0.0"). */
int tf_sheet_listed(const tf_sheet *s, size_t c);

/* The first and last classes listed. */
void tf_sheet_listed_span(const tf_sheet *s, size_t *first, size_t *last);

/* Lower and upper bound of class c (1-based) for legends. */
void tf_sheet_range(const tf_sheet *s, size_t c, double *lo, double *hi);

/* The label of priority class c (1-based): the project's, or the default. */
const char *tf_class_label(const taafi_project *p, size_t n_classes, size_t c, char *buf, size_t size);

/* Colour of class c of n (ColorBrewer YlOrRd, colour-blind safe, class 1
 * darkest), as 0-1 RGB and as "#rrggbb". */
void tf_class_rgb(size_t n, size_t c, double rgb[3]);
void tf_class_hex(size_t n, size_t c, char hex[8]);

#endif
