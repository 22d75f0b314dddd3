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

typedef struct tf_rounds tf_rounds;
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

/* A round's values as they come: from a fresh result, or read back. */
typedef struct tf_round_rows {
    char *name, *date, *sig, *started;
    size_t n_cols, n_areas;
    char **col;
    int *is_int;
    char **id;
    double *v;       /* [area][col] */
    char **geom_sha; /* [area] */
} tf_round_rows;

void tf_round_rows_free(tf_round_rows *rr);

/* The rounds an earlier run stored in its GeoPackage (output/read_rounds.c
 * reads them back), for a run of one round that keeps the others. */
typedef struct tf_rounds_stored {
    tf_round_rows *rounds;
    size_t n;
    char **run_rows; /* item, name, value, sha256 per row of the run table */
    size_t n_run_rows;
} tf_rounds_stored;
void tf_rounds_stored_free(tf_rounds_stored *s);

/* Table area_rounds: these columns first (TF_AR_*), then one per value
 * column.  The writer (output/write_rounds.c) and the reader
 * (output/read_rounds.c) both take the names from here. */
enum { TF_AR_ROUND, TF_AR_DATE, TF_AR_COMPUTED, TF_AR_AREA_ID, TF_AR_GEOM_SHA, TF_AR_N_FIXED };
extern const char *const tf_area_rounds_fixed[TF_AR_N_FIXED];
#define TF_AREA_ROUNDS "area_rounds"

/* The run table's items for rounds: a round (its date and signature), its
 * inputs, its times. */
#define TF_RUN_ITEM_ROUND "round"
#define TF_RUN_ITEM_INPUT "input"
#define TF_RUN_ITEM_ROUND_TIME "round_time"

/* Checks that every round has a source for every input it reads (its own
 * or declared shared): what a run would refuse. */
taafi_status tf_rounds_check(taafi_ctx *ctx, const taafi_project *p);

/* Computes every round of `p` (only `only`, with the others from `stored`,
 * what DIR's GeoPackage holds, when `only` is set) into *rounds_out, and the latest
 * round computed into *latest_out, its round view attached (it must
 * outlive the result's project pointer: taafi_result_free frees it).
 * *latest_is_last: whether that is the project's latest round (else the
 * latest was read back and *latest_out holds its stored values).  Writes
 * nothing; the caller owns both afterwards (tf_rounds_free,
 * taafi_result_free). */
taafi_status tf_rounds_compute(taafi_ctx *ctx, const taafi_project *p, const char *only,
                               const tf_rounds_stored *stored, tf_rounds **rounds_out, taafi_result **latest_out,
                               int *latest_is_last);

#endif
