/* report.h: the self-contained HTML report. */
#ifndef TAAFI_REPORT_H
#define TAAFI_REPORT_H

#include "analysis/sheets.h"

/* The report's HTML (caller frees *out). */
taafi_status tf_report_html(taafi_ctx *ctx, const taafi_result *r, const tf_sheet *sheets, size_t n_sheets,
                            char **out);

#endif
