/* pass.h: one streaming pass over a layer (pass.c). */
#ifndef TAAFI_PASS_H
#define TAAFI_PASS_H

#include "families/indicator.h"

/* Streams layer `li` with the indicators' filter `where` (NULL: none)
 * through every indicator that reads that layer with that filter, their
 * states in states[] (one per indicator of the project); `hash`: record
 * the layer's files as inputs; `scan_only`: only the checks of a run,
 * no indicator (states NULL): what `taafi validate` reports. */
taafi_status tf_pass_run(taafi_ctx *ctx, taafi_result *r, size_t li, const char *where, int hash,
                         tf_ind_state **states, int scan_only);

/* Streams layer `li` (unfiltered by indicators) through the checks of a
 * run — geometry, location, swapped coordinates — into r->dq, computing
 * no indicator.  r needs ctx, project and areas. */
taafi_status tf_scan_layer(taafi_ctx *ctx, taafi_result *r, size_t li);

/* Whether two filters are the same (both NULL, or equal text). */
int tf_same_filter(const char *a, const char *b);

#endif
