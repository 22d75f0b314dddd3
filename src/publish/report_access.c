/*
 * report_access.c: the report's section on access along the streets that
 * are open: for each coverage indicator with reach: network, the totals
 * over all areas of its residents within reach along the open streets,
 * those within the standard in a straight line but not along the streets,
 * those who lose access to the closures, and those who reach no facility
 * along the streets at all (persons, rounded to whole persons).
 */
#include "report.h"

#include "families/indicator.h"
#include "families/reach.h"

#include <math.h>
#include <stdio.h>

/* The sum over the areas of column id_suffix (suffix "": column id; NAN:
 * no such column). */
static double total(const taafi_result *r, const char *id, const char *suffix)
{
    char name[256];
    long c;
    size_t a;
    double s = 0;
    snprintf(name, sizeof name, "%s%s%s", id, *suffix ? "_" : "", suffix);
    if ((c = tf_result_column_index(r, name)) < 0)
        return NAN;
    for (a = 0; a < r->areas->n; a++)
        if (!isnan(r->cols[c].v[a]))
            s += r->cols[c].v[a];
    return s;
}

static void cell(tf_buf *b, double v)
{
    if (isnan(v))
        tf_buf_printf(b, "<td data-v=\"\">—</td>");
    else
        tf_buf_printf(b, "<td data-v=\"%.0f\">%.0f</td>", v, v);
}

static void heading(tf_buf *b)
{
    tf_buf_printf(b, "<h2>");
    tf_report_both(b, "Access along the open streets", "الوصول عبر الشوارع المفتوحة");
    tf_buf_printf(b, "</h2>\n<table class=\"access\"><thead><tr><th>");
    tf_report_both(b, "Service", "الخدمة");
    tf_buf_printf(b, "</th><th>");
    tf_report_both(b, "Residents within reach along open streets", "السكان ضمن المسافة عبر الشوارع المفتوحة");
    tf_buf_printf(b, "</th><th>");
    tf_report_both(b, "Within reach in a straight line, not along the streets",
                   "ضمن المسافة بخط مستقيم لا عبر الشوارع");
    tf_buf_printf(b, "</th><th>");
    tf_report_both(b, "Lose access to the closed streets", "يفقدون الوصول بسبب الشوارع المغلقة");
    tf_buf_printf(b, "</th><th>");
    tf_report_both(b, "Reach no facility along the streets", "لا يصلون إلى أي مرفق عبر الشوارع");
    tf_buf_printf(b, "</th></tr></thead><tbody>\n");
}

void tf_report_access(tf_buf *b, const taafi_result *r)
{
    const taafi_project *p = r->project;
    /* the residents (within reach and beyond it): the population column */
    double pop = p->population >= 0 ? total(r, p->inds[p->population].id, "") : NAN;
    size_t k, rows = 0;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        double beyond = total(r, d->id, "pop_beyond");
        if (d->type != TF_IND_COVERAGE || d->reach != TF_REACH_NETWORK || isnan(beyond))
            continue;
        if (!rows++)
            heading(b);
        tf_buf_printf(b, "<tr><td>");
        tf_report_both(b, d->label ? d->label : d->id, d->label_ar);
        tf_buf_printf(b, "</td>");
        cell(b, pop - beyond);
        cell(b, total(r, d->id, "pop_lost_vs_straight"));
        cell(b, total(r, d->id, "pop_lost_to_closures"));
        cell(b, total(r, d->id, "pop_unreachable"));
        tf_buf_printf(b, "</tr>\n");
    }
    if (rows)
        tf_buf_printf(b, "</tbody></table>\n");
}
