/* coverage.h: what ind_coverage.c and coverage_select.c share: the
 * facilities a coverage pass kept.  Private to src/families. */
#ifndef TAAFI_COVERAGE_H
#define TAAFI_COVERAGE_H

#include "indicator.h"

typedef struct fac {
    double x, y;   /* analysis CRS */
    size_t index;  /* into the state's arrays */
} fac;

struct tf_ind_state {
    fac *fac;
    OGRFeatureH *feat;
    long *area;
    size_t n, cap;
    int capacity_idx; /* -1: no capacity field */
    int superset;     /* the pass read the union of several filters
                         (scenarios': pass_where): each finish selects
                         its own facilities among those kept */
};

/* keep[i] = 1 for the kept facilities that `where` selects (where NULL:
 * all): coverage_select.c. */
taafi_status tf_coverage_select(taafi_ctx *ctx, const tf_ind_state *s, const char *where, unsigned char *keep);

#endif
