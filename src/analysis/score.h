/*
 * score.h: scoring.  Every indicator with a pillar is normalised to 0-100
 * (100 = best), pillar scores are weighted means of their indicators'
 * scores, the recovery index is the weighted mean of the pillar scores,
 * and areas are ranked (1 = most in need) and classed by priority.
 */
#ifndef TAAFI_SCORE_H
#define TAAFI_SCORE_H

#include "result/result.h"

taafi_status tf_score(taafi_ctx *ctx, taafi_result *r);

/* Normalises n values (NaN = missing, left NaN) of one indicator to 0-100
 * by its method and direction.  Exposed for the tests. */
void tf_normalise(const tf_indicator_def *d, const double *x, size_t n, double *score);

/* Competition ranks (1 2 2 4) of n values, ascending: the lowest value gets
 * rank 1.  NaN values get rank NaN.  0, or -1 when out of memory. */
int tf_rank(const double *x, size_t n, double *rank);

#endif
