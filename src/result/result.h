/*
 * result.h: the result table (areas x indicator columns) with its metadata,
 * provenance and data-quality log.
 */
#ifndef TAAFI_RESULT_H
#define TAAFI_RESULT_H

#include "areas/areas.h"
#include "network/network.h"

typedef struct tf_column {
    char *name;                    /* output column                         */
    const tf_indicator_def *def;   /* the indicator that made it            */
    int is_count;                  /* integer-valued (features)             */
    int is_text;                   /* text values in `text`, not `v`        */
    int per_capita;                /* gets a <name>_per_1000 twin           */
    int derived;                   /* made by tf_derive from other columns  */
    const char *role;              /* "value", "score", "pillar", "index",
                                      "rank", "class", "missing" (static)   */
    int pillar;                    /* for role "pillar": index, else -1     */
    char *unit;                    /* "features", "per km²", "%", "km²"     */
    double *v;                     /* one per area; NaN is NULL             */
    char **text;                   /* one per area when is_text; NULL: NULL */
} tf_column;

typedef struct tf_hash_job tf_hash_job;

typedef struct tf_input_file {
    char *role;      /* "areas", "damage", ...   */
    char *path;      /* one file of the dataset  */
    char sha256[65]; /* "" when not a file       */
    tf_hash_job *job; /* the hash still being computed, or NULL */
} tf_input_file;

/* A part of an area beyond reach of a coverage indicator's facilities. */
typedef struct tf_gap {
    size_t area;
    const tf_indicator_def *def; /* the coverage indicator                  */
    GEOSGeometry *geom;          /* analysis CRS; may be empty              */
    double km2, residents;       /* residents NaN without a population raster */
} tf_gap;

/* A facility of a coverage indicator with its proximity basin. */
typedef struct tf_facility {
    const tf_indicator_def *def;
    OGRFeatureH f;         /* the input feature's attributes (a copy)        */
    GEOSGeometry *pt;      /* its point, analysis CRS                        */
    long area;             /* the area it lies in, or -1                     */
    double basin;          /* residents whose nearest such facility it is    */
    double per_capacity;   /* basin / capacity; NaN without capacity         */
} tf_facility;

/* A scenario's other measure of one coverage indicator (another distance,
 * other facilities): its columns, service gaps and facilities, computed in
 * taafi_run from the facilities read once.  taafi_result_scenario puts
 * them in the scenario's result in place of the base's. */
typedef struct tf_variant {
    const char *scenario;  /* the project's scenario name                  */
    const char *id;        /* the coverage indicator it measures again     */
    taafi_result *part;    /* only cols and gaps; areas borrowed, not owned */
} tf_variant;

typedef struct tf_round_view tf_round_view;
void tf_round_view_free(tf_round_view *v);

struct taafi_result {
    taafi_ctx *ctx; /* the context the GEOS geometries belong to */
    const taafi_project *project;
    tf_areas *areas;
    tf_network *network;  /* the streets (NULL: none); like the areas,
                             owned unless borrows_areas               */
    tf_column *cols;
    size_t n_cols, cap_cols;
    tf_dq dq;
    tf_input_file *inputs;
    size_t n_inputs, cap_inputs;
    char started[32], finished[32]; /* UTC */
    char run_id[33];                /* tf_run_id: every output records it */
    tf_gap *gaps;                   /* service_gaps layer                */
    size_t n_gaps, cap_gaps;
    tf_facility *facilities;        /* facilities layer                  */
    size_t n_facilities, cap_facilities;
    /* scoring parameters in force: a scenario's, or NULL for the project's */
    const tf_indicator_def *inds;
    const tf_scoring *scoring;
    const char *scenario;           /* its name, or NULL                 */
    tf_variant *variants;           /* scenarios' coverage variants      */
    size_t n_variants;
    tf_round_view *view;            /* owned: the round's project view   */
    int borrows_areas;              /* a part: the areas are another's   */
    /* A scenario's result: its base, which outlives it.  The areas, and
     * the geometries and features of the gaps and facilities, are the
     * base's (or its variants'); the arrays, columns, inputs and notes
     * are the scenario's own. */
    const taafi_result *base;
};

/* Adds a column of NULLs named `name` and returns its values through
 * *values_out.  Refuses a name that an area attribute or another column
 * already has (output columns must be unique). */
taafi_status tf_result_add_column(taafi_ctx *ctx, taafi_result *r, const char *name, const tf_indicator_def *def,
                                  int is_count, const char *unit, double **values_out);

/* Adds a text column of NULLs; the caller fills `text` with malloc'd
 * strings, which the result then owns. */
taafi_status tf_result_add_text_column(taafi_ctx *ctx, taafi_result *r, const char *name,
                                       const tf_indicator_def *def, char ***text_out);

/* Index of the column named `name` (case-insensitive), or -1. */
long tf_result_column_index(const taafi_result *r, const char *name);

/* The settings in force for one of the project's indicators: the
 * scenario's copy while a scenario is in force (its weights, targets,
 * distance and labels), else `d` itself.  NULL for NULL. */
const tf_indicator_def *tf_result_def(const taafi_result *r, const tf_indicator_def *d);

/* A result that holds only what one indicator's finish adds (columns, gaps,
 * facilities), for the areas of `r`, which it borrows. */
taafi_status tf_result_part_new(taafi_ctx *ctx, const taafi_result *r, taafi_result **out);
/* (A part is freed by taafi_result_free, which leaves its areas alone.) */

/* A result for a scenario of `base`: its areas and times, copies of its
 * inputs and data-quality notes, its gaps and facilities (the arrays
 * copied, what they point to borrowed), no column.  `base` must outlive
 * it and must not change meanwhile. */
taafi_status tf_result_share(taafi_ctx *ctx, const taafi_result *base, taafi_result **out);

/* Appends a copy of column `c` (of a result with as many areas), checking
 * its name as tf_result_add_column does. */
taafi_status tf_result_copy_column(taafi_ctx *ctx, taafi_result *r, const tf_column *c);

/* Frees what a column owns (not the column itself). */
void tf_column_free(tf_column *c, size_t n_areas);

/* Moves the columns of `parts` into `r` in the order of the project's
 * indicators (and, within one, the order they were made), then their
 * service gaps, facilities, data-quality notes and inputs in the order of
 * `parts`; checks column names as tf_result_add_column does.  Takes the
 * parts, whatever happens (freed; NULL entries are fine). */
taafi_status tf_result_merge(taafi_ctx *ctx, taafi_result *r, taafi_result **parts, size_t n_parts);

/* A tf_file_fn that records an input file in the result.  With sha256
 * NULL the file is hashed on a thread of its own, beside the analysis
 * (reading a country's inputs twice in a row would double the time);
 * tf_result_wait_inputs() collects the hashes. */
taafi_status tf_result_add_input(taafi_ctx *ctx, const char *role, const char *path, const char *sha256,
                                 void *result);
taafi_status tf_result_wait_inputs(taafi_ctx *ctx, taafi_result *r);

#endif
