/* sheets.c: map sheets, classes and colours. */
#include "sheets.h"

#include "score.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ColorBrewer YlOrRd, 9 classes, light to dark (Cynthia Brewer, Penn
 * State: colour-blind safe, print friendly).  Fewer classes take evenly
 * spaced colours from it. */
static const unsigned YLORRD[9] = {0xffffcc, 0xffeda0, 0xfed976, 0xfeb24c, 0xfd8d3c,
                                   0xfc4e2a, 0xe31a1c, 0xbd0026, 0x800026};

void tf_class_rgb(size_t n, size_t c, double rgb[3])
{
    /* class 1 darkest: position 0 is the darkest end */
    double t = n > 1 ? (double)(c - 1) / (double)(n - 1) : 0, pos = (1 - t) * 8;
    size_t i = (size_t)floor(pos);
    double f = pos - (double)i;
    unsigned a = YLORRD[i > 8 ? 8 : i], b = YLORRD[i + 1 > 8 ? 8 : i + 1];
    int k;
    /* a light end that is not white: start the ramp at the 2nd colour */
    for (k = 0; k < 3; k++) {
        double ca = (double)((a >> (16 - 8 * k)) & 0xff), cb = (double)((b >> (16 - 8 * k)) & 0xff);
        rgb[k] = (ca + (cb - ca) * f) / 255.0;
    }
}

void tf_class_hex(size_t n, size_t c, char hex[8])
{
    double rgb[3];
    tf_class_rgb(n, c, rgb);
    snprintf(hex, 8, "#%02x%02x%02x", (unsigned)lround(rgb[0] * 255), (unsigned)lround(rgb[1] * 255),
             (unsigned)lround(rgb[2] * 255));
}

const char *tf_class_label(const taafi_project *p, size_t n, size_t c, char *buf, size_t size)
{
    static const char *const four[] = {"very high", "high", "medium", "low"};
    static const char *const three[] = {"high", "medium", "low"};
    static const char *const two[] = {"high", "low"};
    static const char *const five[] = {"very high", "high", "medium", "low", "very low"};
    if (p->scoring.labels && n == p->scoring.n_classes)
        return p->scoring.labels[c - 1];
    if (n == 4)
        return four[c - 1];
    if (n == 3)
        return three[c - 1];
    if (n == 2)
        return two[c - 1];
    if (n == 5)
        return five[c - 1];
    snprintf(buf, size, "class %zu", c);
    return buf;
}

size_t tf_sheet_class(const tf_sheet *s, double v)
{
    size_t c = 1, j;
    if (isnan(v))
        return 0;
    for (j = 0; j + 1 < s->n_classes; j++)
        c += v >= s->breaks[j];
    return c;
}

int tf_sheet_listed(const tf_sheet *s, size_t c)
{
    return c >= 1 && c <= s->n_classes && (s->fixed || s->members[c] > 0);
}

void tf_sheet_listed_span(const tf_sheet *s, size_t *first, size_t *last)
{
    size_t c;
    *first = 1;
    *last = s->n_classes;
    for (c = 1; c <= s->n_classes && !tf_sheet_listed(s, c); c++)
        ;
    if (c <= s->n_classes)
        *first = c;
    for (c = s->n_classes; c >= 1 && !tf_sheet_listed(s, c); c--)
        ;
    if (c >= 1)
        *last = c;
}

void tf_sheet_range(const tf_sheet *s, size_t c, double *lo, double *hi)
{
    *lo = c == 1 ? s->lo : s->breaks[c - 2];
    *hi = c == s->n_classes ? s->hi : s->breaks[c - 1];
}

/* Breaks between quantile classes, by the rule score.c uses for the
 * priority classes: the area of rank k is in class 1 + floor((k-1) C / m).
 * Each break lies midway between the last value of a class and the first
 * of the next. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void quantile_breaks(const double *v, size_t n, size_t classes, double *breaks)
{
    double *sorted = tf_malloc((n ? n : 1) * sizeof *sorted);
    size_t i, m = 0, c;
    if (!sorted) {
        for (c = 0; c + 1 < classes; c++)
            breaks[c] = 100.0 * (double)(c + 1) / (double)classes;
        return;
    }
    for (i = 0; i < n; i++)
        if (!isnan(v[i]))
            sorted[m++] = v[i];
    qsort(sorted, m, sizeof *sorted, cmp_double);
    for (c = 1; c < classes; c++) {
        /* first position of class c + 1 */
        size_t first = (size_t)ceil((double)c * (double)m / (double)classes);
        if (m == 0)
            breaks[c - 1] = 100.0 * (double)c / (double)classes;
        else if (first == 0)
            breaks[c - 1] = sorted[0];
        else if (first >= m)
            breaks[c - 1] = sorted[m - 1];
        else
            breaks[c - 1] = (sorted[first - 1] + sorted[first]) / 2;
    }
    tf_free(sorted);
}

/* Breaks from classes already given (the priority classes): midway
 * between the largest value of a class and the smallest of the next, so
 * that the map's classes are exactly the priority column's. */
static void breaks_from_classes(const double *v, const double *cls, size_t n, size_t classes, double *breaks)
{
    size_t c, i;
    for (c = 1; c < classes; c++) {
        double top = -INFINITY, bottom = INFINITY;
        for (i = 0; i < n; i++) {
            if (isnan(v[i]) || isnan(cls[i]))
                continue;
            if ((size_t)cls[i] <= c && v[i] > top)
                top = v[i];
            if ((size_t)cls[i] > c && v[i] < bottom)
                bottom = v[i];
        }
        breaks[c - 1] = isfinite(top) && isfinite(bottom) ? (top + bottom) / 2 : isfinite(top) ? top : bottom;
    }
}

static void fill(const taafi_result *r, tf_sheet *s, const double *v, const double *classes)
{
    const tf_scoring *sc = &r->project->scoring;
    size_t i;
    s->v = v;
    s->n_classes = sc->n_classes > TF_MAX_CLASSES ? TF_MAX_CLASSES : sc->n_classes;
    s->lo = INFINITY;
    s->hi = -INFINITY;
    for (i = 0; i < r->areas->n; i++)
        if (!isnan(v[i])) {
            s->lo = v[i] < s->lo ? v[i] : s->lo;
            s->hi = v[i] > s->hi ? v[i] : s->hi;
        }
    if (!isfinite(s->lo)) {
        s->lo = 0;
        s->hi = 100;
    }
    s->fixed = sc->priority_method == TF_PRIORITY_BREAKS;
    if (s->fixed)
        for (i = 0; i + 1 < s->n_classes; i++)
            s->breaks[i] = sc->breaks[i];
    else if (classes)
        breaks_from_classes(v, classes, r->areas->n, s->n_classes, s->breaks);
    else
        quantile_breaks(v, r->areas->n, s->n_classes, s->breaks);
    memset(s->members, 0, sizeof s->members);
    for (i = 0; i < r->areas->n; i++)
        s->members[tf_sheet_class(s, v[i])]++;
}

taafi_status tf_sheets(taafi_ctx *ctx, const taafi_result *r, tf_sheet **out, size_t *n_out)
{
    tf_sheet *s;
    long c;
    size_t n = 0;
    int q;
    *out = NULL;
    *n_out = 0;
    if ((c = tf_result_column_index(r, "recovery_index")) < 0)
        return TAAFI_OK;
    if (!(s = tf_calloc(1 + TF_N_PILLARS, sizeof *s)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    snprintf(s[0].key, sizeof s[0].key, "recovery_index");
    snprintf(s[0].column, sizeof s[0].column, "recovery_index");
    s[0].title_en = "Recovery index";
    s[0].title_ar = "مؤشر التعافي";
    s[0].pillar = -1;
    {
        long pc = tf_result_column_index(r, "priority_class");
        fill(r, &s[0], r->cols[c].v, pc >= 0 ? r->cols[pc].v : NULL);
    }
    n = 1;
    for (q = 0; q < TF_N_PILLARS; q++) {
        char col[96];
        snprintf(col, sizeof col, "%s_score", tf_pillar_keys[q]);
        if ((c = tf_result_column_index(r, col)) < 0 || r->cols[c].pillar != q)
            continue;
        snprintf(s[n].key, sizeof s[n].key, "%s", tf_pillar_keys[q]);
        snprintf(s[n].column, sizeof s[n].column, "%s", col);
        s[n].title_en = tf_pillar_labels[q];
        s[n].title_ar = tf_pillar_labels_ar[q];
        s[n].pillar = q;
        fill(r, &s[n], r->cols[c].v, NULL);
        n++;
    }
    *out = s;
    *n_out = n;
    return TAAFI_OK;
}
