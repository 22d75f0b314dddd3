/* report.h: the self-contained HTML report. */
#ifndef TAAFI_REPORT_H
#define TAAFI_REPORT_H

#include "analysis/sheets.h"

/* The report's HTML (caller frees *out). */
taafi_status tf_report_html(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *sheets, size_t n_sheets,
                            char **out);

/* Text escaped for HTML, and text in both languages (the switch shows
 * one; ar NULL: en in both), appended to b (report.c). */
void tf_report_text(tf_buf *b, const char *s);
void tf_report_both(tf_buf *b, const char *en, const char *ar);

/* The section on access along the streets (report_access.c): per
 * coverage measured along the network, the residents within reach, those
 * who lose it against a straight line and to the closures, and those who
 * reach nothing along the streets.  Nothing without such a coverage. */
void tf_report_access(tf_buf *b, const taafi_result *r);

#endif
