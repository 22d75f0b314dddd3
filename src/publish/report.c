/*
 * report.c: one self-contained HTML file: the maps (PNG, embedded as data
 * URIs), a sortable table of areas, each area's pillar breakdown, and a
 * switch between Arabic (right to left) and English.  Nothing is loaded
 * from anywhere: it opens offline, from a USB stick, in any browser.
 */
#include "report.h"

#include "map.h"
#include "output/meta.h"
#include "families/indicator.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void base64(tf_buf *b, const unsigned char *d, size_t n)
{
    static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t i;
    char q[5] = {0};
    for (i = 0; i + 2 < n; i += 3) {
        q[0] = A[d[i] >> 2];
        q[1] = A[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        q[2] = A[((d[i + 1] & 15) << 2) | (d[i + 2] >> 6)];
        q[3] = A[d[i + 2] & 63];
        tf_buf_printf(b, "%s", q);
    }
    if (n - i == 1) {
        q[0] = A[d[i] >> 2];
        q[1] = A[(d[i] & 3) << 4];
        q[2] = q[3] = '=';
        tf_buf_printf(b, "%s", q);
    } else if (n - i == 2) {
        q[0] = A[d[i] >> 2];
        q[1] = A[((d[i] & 3) << 4) | (d[i + 1] >> 4)];
        q[2] = A[(d[i + 1] & 15) << 2];
        q[3] = '=';
        tf_buf_printf(b, "%s", q);
    }
}

void tf_report_text(tf_buf *b, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<')
            tf_buf_printf(b, "&lt;");
        else if (*s == '>')
            tf_buf_printf(b, "&gt;");
        else if (*s == '&')
            tf_buf_printf(b, "&amp;");
        else if (*s == '"')
            tf_buf_printf(b, "&quot;");
        else
            tf_buf_printf(b, "%c", *s);
    }
}

/* Text in both languages: the switch shows one. */
void tf_report_both(tf_buf *b, const char *en, const char *ar)
{
    tf_buf_printf(b, "<span class=\"en\">");
    tf_report_text(b, en);
    tf_buf_printf(b, "</span><span class=\"ar\">");
    tf_report_text(b, ar ? ar : en);
    tf_buf_printf(b, "</span>");
}

static const char *field(const taafi_result *r, size_t a, const char *name)
{
    int i;
    if (!name || (i = OGR_FD_GetFieldIndex(r->areas->defn, name)) < 0 || !OGR_F_IsFieldSetAndNotNull(r->areas->feat[a], i))
        return NULL;
    return OGR_F_GetFieldAsString(r->areas->feat[a], i);
}

static void num(tf_buf *b, double v)
{
    if (isnan(v))
        tf_buf_printf(b, "<td data-v=\"\">—</td>");
    else
        tf_buf_printf(b, "<td data-v=\"%.6f\">%.1f</td>", v, v);
}

static const char CSS[] =
    "body{font-family:'Noto Sans','Noto Sans Arabic','DejaVu Sans',sans-serif;margin:0 auto;max-width:1100px;"
    "padding:16px;color:#222}"
    "html[lang=en] .ar{display:none} html[lang=ar] .en{display:none}"
    "header{display:flex;justify-content:space-between;align-items:center}"
    "button{font-size:1em;padding:4px 12px;cursor:pointer}"
    "img.map{width:100%;border:1px solid #ccc;margin:8px 0}"
    "table{border-collapse:collapse;width:100%;font-size:.9em}"
    "th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:start}"
    "th{cursor:pointer;background:#f4f4f4;position:sticky;top:0}"
    "td[data-v]{text-align:end;font-variant-numeric:tabular-nums}"
    "details{margin:4px 0}summary{cursor:pointer;font-weight:bold}"
    ".swatch{display:inline-block;width:12px;height:12px;border:1px solid #555;vertical-align:middle}"
    "footer{font-size:.8em;color:#555;margin-top:24px}";

static const char JS[] =
    "function setLang(l){document.documentElement.lang=l;document.documentElement.dir=l=='ar'?'rtl':'ltr';}"
    "function sortBy(th){var t=th.closest('table'),i=Array.prototype.indexOf.call(th.parentNode.children,th),"
    "b=t.tBodies[0],rows=Array.prototype.slice.call(b.rows),asc=th.dataset.asc!='1';th.dataset.asc=asc?'1':'0';"
    "rows.sort(function(x,y){var a=x.cells[i],c=y.cells[i],p=a.dataset.v,q=c.dataset.v;"
    "if(p!==undefined&&q!==undefined){p=p===''?Infinity:+p;q=q===''?Infinity:+q;return asc?p-q:q-p;}"
    "p=a.textContent;q=c.textContent;return asc?p.localeCompare(q):q.localeCompare(p);});"
    "rows.forEach(function(r){b.appendChild(r);});}";

/* The head, the title and the introduction. */
static void head(tf_buf *b, const taafi_project *p)
{
    tf_buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">\n<head>\n<meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    tf_report_text(b, p->maps.title ? p->maps.title : p->name ? p->name : "taafi report");
    tf_buf_printf(b, "</title>\n<style>%s</style>\n<script>%s</script>\n</head>\n<body>\n", CSS, JS);
    tf_buf_printf(b, "<header><h1>");
    tf_report_both(b, p->maps.title ? p->maps.title : p->name ? p->name : "Recovery report", "تقرير التعافي");
    tf_buf_printf(b, "</h1><div><button onclick=\"setLang('ar')\">العربية</button> "
                     "<button onclick=\"setLang('en')\">English</button></div></header>\n");
    tf_buf_printf(b, "<p>");
    tf_report_both(b, "Each neighbourhood's recovery index (0-100, 100 best), its rank (1 = most in need) and priority "
            "class, and its score on each of the five pillars.",
         "مؤشر التعافي لكل حي (0-100، 100 الأفضل) وترتيبه (1 = الأكثر حاجة) وفئة أولويته ودرجته في كل ركيزة من "
         "الركائز الخمس.");
    tf_buf_printf(b, "</p>\n");
}

/* Each sheet as a PNG inside the page. */
static taafi_status maps(taafi_ctx *ctx, tf_buf *b, const taafi_result *r, const tf_sheet *sheets, size_t n_sheets)
{
    size_t i;
    taafi_status st;
    for (i = 0; i < n_sheets; i++) {
        unsigned char *png = NULL;
        size_t len = 0;
        if ((st = tf_sheet_png(ctx, r, &sheets[i], 110, &png, &len)))
            return st;
        tf_buf_printf(b, "<h2 id=\"map-%s\">", sheets[i].key);
        tf_report_both(b, sheets[i].title_en, sheets[i].title_ar);
        tf_buf_printf(b, "</h2>\n<img class=\"map\" alt=\"%s\" src=\"data:image/png;base64,", sheets[i].title_en);
        base64(b, png, len);
        tf_buf_printf(b, "\">\n");
        tf_free(png);
    }
    return TAAFI_OK;
}

/* The table of areas, sortable by each column. */
static void table(tf_buf *b, const taafi_result *r, const tf_sheet *sheets, size_t n_sheets)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    long rank_c = tf_result_column_index(r, "rank"), prio_c = tf_result_column_index(r, "priority");
    size_t i, a;
    tf_buf_printf(b, "<h2>");
    tf_report_both(b, "Neighbourhoods", "الأحياء");
    tf_buf_printf(b, "</h2>\n<p>");
    tf_report_both(b, "Click a column heading to sort.", "انقر على عنوان العمود للترتيب.");
    tf_buf_printf(b, "</p>\n<table id=\"areas\"><thead><tr><th onclick=\"sortBy(this)\">id</th>"
                     "<th onclick=\"sortBy(this)\">");
    tf_report_both(b, "Name", "الاسم");
    tf_buf_printf(b, "</th>");
    for (i = 0; i < n_sheets; i++) {
        tf_buf_printf(b, "<th onclick=\"sortBy(this)\">");
        tf_report_both(b, sheets[i].title_en, sheets[i].title_ar);
        tf_buf_printf(b, "</th>");
    }
    tf_buf_printf(b, "<th onclick=\"sortBy(this)\">");
    tf_report_both(b, "Rank", "الترتيب");
    tf_buf_printf(b, "</th><th onclick=\"sortBy(this)\">");
    tf_report_both(b, "Priority", "الأولوية");
    tf_buf_printf(b, "</th></tr></thead>\n<tbody>\n");
    for (a = 0; a < A->n; a++) {
        const char *ar = field(r, a, p->area_name_ar), *en = field(r, a, p->area_name);
        size_t c = n_sheets ? tf_sheet_class(&sheets[0], sheets[0].v[a]) : 0;
        char hex[8] = "#d1d1d1";
        if (c)
            tf_class_hex(sheets[0].n_classes, c, hex);
        tf_buf_printf(b, "<tr><td>");
        tf_report_text(b, A->id[a]);
        tf_buf_printf(b, "</td><td>");
        tf_report_both(b, en ? en : A->id[a], ar);
        tf_buf_printf(b, "</td>");
        for (i = 0; i < n_sheets; i++)
            num(b, sheets[i].v[a]);
        if (rank_c >= 0)
            num(b, r->cols[rank_c].v[a]);
        tf_buf_printf(b, "<td><span class=\"swatch\" style=\"background:%s\"></span> ", hex);
        tf_report_text(b, prio_c >= 0 && r->cols[prio_c].text[a] ? r->cols[prio_c].text[a] : "");
        tf_buf_printf(b, "</td></tr>\n");
    }
    tf_buf_printf(b, "</tbody></table>\n");
}

/* Pillar q's rows of area a's breakdown: its score, then each of its
 * indicators' scored value and score. */
static void pillar_rows(tf_buf *b, const taafi_result *r, size_t a, int q)
{
    const taafi_project *p = r->project;
    char pc[96];
    long col;
    size_t k;
    snprintf(pc, sizeof pc, "%s_score", tf_pillar_keys[q]);
    if ((col = tf_result_column_index(r, pc)) < 0)
        return;
    tf_buf_printf(b, "<tr><th>");
    tf_report_both(b, tf_pillar_labels[q], tf_pillar_labels_ar[q]);
    tf_buf_printf(b, "</th><td></td>");
    num(b, r->cols[col].v[a]);
    tf_buf_printf(b, "</tr>\n");
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = tf_result_def(r, &p->inds[k]);
        char sc[300], vcn[300];
        long vc, scc;
        if (!d->pillar || strcmp(d->pillar, tf_pillar_keys[q]))
            continue;
        snprintf(sc, sizeof sc, "%s_score", d->id);
        vc = tf_result_column_index(r, tf_score_column(d, vcn, sizeof vcn));
        scc = tf_result_column_index(r, sc);
        tf_buf_printf(b, "<tr><td>");
        tf_report_both(b, d->label ? d->label : d->id, d->label_ar);
        tf_buf_printf(b, "</td>");
        num(b, vc >= 0 ? r->cols[vc].v[a] : NAN);
        num(b, scc >= 0 ? r->cols[scc].v[a] : NAN);
        tf_buf_printf(b, "</tr>\n");
    }
}

/* The breakdown of each area, pillar by pillar. */
static void breakdown(tf_buf *b, const taafi_result *r)
{
    const taafi_project *p = r->project;
    const tf_areas *A = r->areas;
    size_t a;
    tf_buf_printf(b, "<h2>");
    tf_report_both(b, "Pillar breakdown", "تفصيل الركائز");
    tf_buf_printf(b, "</h2>\n");
    for (a = 0; a < A->n; a++) {
        const char *ar = field(r, a, p->area_name_ar), *en = field(r, a, p->area_name);
        tf_buf_printf(b, "<details><summary>");
        tf_report_both(b, en ? en : A->id[a], ar);
        tf_buf_printf(b, " (%s)</summary>\n<table><thead><tr><th>", A->id[a]);
        tf_report_both(b, "Indicator", "المؤشر");
        tf_buf_printf(b, "</th><th>");
        tf_report_both(b, "Value", "القيمة");
        tf_buf_printf(b, "</th><th>");
        tf_report_both(b, "Score", "الدرجة");
        tf_buf_printf(b, "</th></tr></thead><tbody>\n");
        for (int q = 0; q < TF_N_PILLARS; q++)
            pillar_rows(b, r, a, q);
        tf_buf_printf(b, "</tbody></table></details>\n");
    }
}

/* The disclaimer, the version and date, the sources. */
static void footer(tf_buf *b, const taafi_result *r)
{
    const taafi_project *p = r->project;
    tf_buf_printf(b, "<footer><p>");
    tf_report_both(b, p->maps.disclaimer ? p->maps.disclaimer
                               : "The boundaries and names shown and the designations used do not imply official "
                                 "endorsement or acceptance.",
         "لا تعني الحدود والأسماء الواردة أي اعتماد أو قبول رسمي.");
    tf_buf_printf(b, "</p><p>taafi %s · %.10s · ", taafi_version(), r->finished);
    tf_report_text(b, p->maps.source_note ? p->maps.source_note : "inputs and their SHA-256 in recovery.gpkg, table run");
    tf_buf_printf(b, "</p></footer>\n</body>\n</html>\n");
}

taafi_status tf_report_html(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *sheets, size_t n_sheets,
                            char **out)
{
    tf_buf b = {0};
    taafi_status st;
    *out = NULL;
    head(&b, r->project);
    if (!(st = maps(ctx, &b, r, sheets, n_sheets))) {
        table(&b, r, sheets, n_sheets);
        tf_report_access(&b, r);
        breakdown(&b, r);
        footer(&b, r);
    }
    if (!st && b.failed)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory writing the report");
    if (st) {
        tf_buf_free(&b);
        return st;
    }
    *out = b.s;
    return TAAFI_OK;
}
