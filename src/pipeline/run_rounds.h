/* run_rounds.h: the rounds of a project as one run (run_rounds.c).
 * Private to src/pipeline. */
#ifndef TAAFI_RUN_ROUNDS_H
#define TAAFI_RUN_ROUNDS_H

#include "output/writers.h"

/* Computes the rounds of `p` (only `round`, the others read back from
 * DIR's GeoPackage, when set) and writes them into out_dir (DIR, or a
 * run's stage).  *latest_out: the latest round's result when it was
 * computed, else NULL (the caller's); run_id, if not NULL, receives the
 * written result's id. */
taafi_status tf_pipeline_rounds(taafi_ctx *ctx, const taafi_project *p, const char *round, const char *dir,
                                const char *out_dir, unsigned flags, taafi_result **latest_out, char run_id[33]);

#endif
