/*
 * rounds.h: assessment rounds.  Every round is computed with the same
 * indicator definitions on its own inputs; the results are kept as a table
 * of values per round, area and column (area_rounds), from which the
 * change layer is derived.  A round can be added to an existing result
 * without computing the others again: their rows are read back from the
 * GeoPackage and written again unchanged.
 */
#ifndef TAAFI_ROUNDS_H
#define TAAFI_ROUNDS_H

#include "result/result.h"

#include <gdal.h>

struct tf_rounds {
    size_t n_rounds;
    char **name, **date;   /* per round, in the project's order           */
    char **sig;            /* per round: SHA-256 of the indicator
                              definitions it was computed with            */
    char **started;        /* per round: when it was computed             */
    size_t n_cols;
    char **col;            /* value columns (area_rounds)                 */
    int *is_int;
    size_t n_areas;
    char **id;             /* every area id of any round                  */
    double *v;             /* [round][area][col], NaN: NULL               */
    unsigned char *present;/* [round][area]                               */
    char **geom_sha;       /* [round][area]: SHA-256 of the area's WKB    */
    /* provenance rows of the `run` table, for every round: item, name,
     * value, sha256 (name is "ROUND/role" for inputs) */
    char **run_rows;       /* 4 strings per row, NULL allowed             */
    size_t n_run_rows;
    /* the change layer: columns over the latest round's areas */
    size_t n_change;
    char **change_col;
    int *change_is_text;
    double *change_v;      /* [col][area of the latest result]            */
    char **change_text;    /* [col][area], for text columns               */
    tf_dq dq;              /* boundaries that do not match, and the like  */
};

void tf_rounds_free(tf_rounds *t);

/* Checks that every round has a source for every input it reads (its own
 * or declared shared): what a run would refuse. */
taafi_status tf_rounds_check(taafi_ctx *ctx, const taafi_project *p);

/* Computes every round of `p` (only `only` with the others read back from
 * DIR's GeoPackage, when `only` is set) into *rounds_out, and the latest
 * round computed into *latest_out, its round view attached (it must
 * outlive the result's project pointer: taafi_result_free frees it).
 * *latest_is_last: whether that is the project's latest round (else the
 * latest was read back and *latest_out holds its stored values).  Writes
 * nothing; the caller owns both afterwards (tf_rounds_free,
 * taafi_result_free). */
taafi_status tf_rounds_compute(taafi_ctx *ctx, const taafi_project *p, const char *only, const char *dir,
                               tf_rounds **rounds_out, taafi_result **latest_out, int *latest_is_last);

#endif
