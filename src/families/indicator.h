/*
 * indicator.h: the interface every indicator family implements.
 *
 * Families that read a layer are fed, in one streaming pass per (layer,
 * filter), every feature of that layer together with where it lies (located
 * once for all indicators of the pass), then asked to finish: to add their
 * columns to the result.  Families without a layer only finish.  Each
 * family also owns its project-file keys (a tf_family_keys, project/keys.h,
 * in its own file; the table of them by type is in keys.c).  A new family
 * touches only its own files, the two tables and its tests.
 */
#ifndef TAAFI_INDICATOR_H
#define TAAFI_INDICATOR_H

#include "result/result.h"
#include "io/columns.h"
#include "project/keys.h"

/* The indicator types: a tf_indicator_def's `type`, an index into the
 * table of the families' keys (keys.c) in this order. */
typedef enum tf_ind_type {
    TF_IND_AREA,             /* km² of each area                           */
    TF_IND_COUNT,            /* features per area, per class               */
    TF_IND_SUM,              /* statistics of a numeric field ...          */
    TF_IND_MEAN,
    TF_IND_MIN,
    TF_IND_MAX,              /* ... of the features in each area           */
    TF_IND_AREA_SHARE,       /* share of each area covered by polygons, %  */
    TF_IND_LENGTH_DENSITY,   /* km of lines per km² of area                */
    TF_IND_NEAREST_DISTANCE, /* m from the area's point to nearest feature */
    TF_IND_TABLE,            /* a value joined by key from a table         */
    TF_IND_EXPRESSION,       /* SQL over other indicators of the same area */
    TF_IND_RASTER_SUM,       /* sum of raster cells under each area        */
    TF_IND_COVERAGE,         /* reach of facilities within a distance      */
    TF_IND_N_TYPES
} tf_ind_type;

/* The families' keys by type, NULL-terminated, for tf_project_parse. */
extern const tf_family_keys *const tf_family_keys_table[TF_IND_N_TYPES + 1];

/* The name of a type as the project file writes it ("coverage"). */
const char *tf_family_name(int type);

extern const tf_family_keys tf_keys_area, tf_keys_count, tf_keys_sum, tf_keys_mean, tf_keys_min, tf_keys_max;
extern const tf_family_keys tf_keys_area_share, tf_keys_length_density, tf_keys_nearest, tf_keys_table;
extern const tf_family_keys tf_keys_expression, tf_keys_raster_sum, tf_keys_coverage;

typedef struct tf_ind_state tf_ind_state; /* each family's own */

/* The part of a feature inside one area. */
typedef struct tf_part {
    size_t area;
    double measure; /* m² for polygons, m for lines, 1 for points */
} tf_part;

/* One feature as the pass hands it over.  Everything is in the analysis
 * CRS (metres). */
typedef struct tf_feature {
    OGRFeatureH f;            /* NULL when read by columns: then `row`      */
    const tf_row *row;        /* its fields' values (columns.h), or NULL    */
    int64_t fid;
    const GEOSGeometry *geom; /* the whole feature (a point for points)      */
    int dim;                  /* 0 points, 1 lines, 2 polygons              */
    double measure;           /* of the whole feature: m², m or 1           */
    long area;                /* area holding its representative point, -1  */
    const tf_part *parts;     /* its parts inside areas (when asked for)    */
    size_t n_parts;
} tf_feature;

/* A file of an indicator's own (its `source` key), not a layer of the
 * project's. */
typedef enum tf_own_source { TF_OWN_NONE = 0, TF_OWN_TABLE, TF_OWN_RASTER } tf_own_source;

/* The most classes a count breaks down by (each makes up to three
 * columns: count, per km², percent; a GeoPackage holds 2,000 columns, and
 * a map legend no more than a few dozen).  A class field with more distinct
 * values stops the run and `validate` with what to do. */
#define TF_MAX_COUNT_CLASSES 200

typedef struct tf_family {
    tf_ind_type type;
    int needs_parts; /* the pass must cut features by areas (overlay) */
    /* Sets up the state for one indicator; `src` is the open source of its
     * layer (NULL for families without a layer). */
    taafi_status (*begin)(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas,
                          const tf_vsource *src, tf_ind_state **out);
    /* One feature of the layer (NULL for families without a layer). */
    taafi_status (*consume)(taafi_ctx *ctx, tf_ind_state *s, const tf_feature *f);
    /* Adds the indicator's columns (and data-quality notes) to `r`. */
    taafi_status (*finish)(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r);
    void (*free)(taafi_ctx *ctx, tf_ind_state *s);
    /* The column that scores an indicator without `score_column`: its id
     * followed by this (coverage: "_pop_pct", the share of residents
     * within reach), or the column named by its id when NULL; and that
     * column's unit as tables and the atlas show it (NULL: the
     * indicator's own `unit`).  Only tf_score_column and tf_score_unit
     * read these. */
    const char *score_suffix, *score_unit;
    /* Its work is per area, not per feature of a pass (raster sums,
     * coverage): it can finish beside the passes (analysis/background.c). */
    int per_area;
    /* It only counts or sums its features by area: a pass whose
     * indicators are all lean may read a point layer by columns, without
     * a GEOS geometry per point (analysis/pass.c).  `field`: the one field
     * of the features it reads (NULL: none), *as_text set when it reads
     * it as text (class values).  `pass_verb`: what the pass's progress
     * says it does ("counting"), NULL for "reading". */
    int lean;
    const char *(*field)(const tf_indicator_def *d, int *as_text);
    const char *pass_verb;
    /* It reads a file of its own (a table, a raster) rather than a layer:
     * each round names its own or shares it.  check_source opens it and
     * reports on it into `report`, as `taafi validate` does, computing
     * nothing; `epsg`: the analysis CRS. */
    tf_own_source own_source;
    taafi_status (*check_source)(taafi_ctx *ctx, const tf_indicator_def *d, int epsg, tf_buf *report);
    /* It makes the `service_gaps` and `facilities` layers. */
    int makes_facility_layers;
    /* It measures against a standard distance (`distance`, metres). */
    int has_distance;
    /* Whether a scenario's copy `scen` of indicator `base` must be
     * computed again, by `finish` on the state the project's pass kept
     * (nothing is read twice), into a result part that the scenario's
     * result takes (taafi_result_scenario); if so, `why` says how it differs,
     * for the log.  NULL: scenarios only change how it is scored. */
    int (*scenario_variant)(const tf_indicator_def *base, const tf_indicator_def *scen, char *why, size_t size);
    /* One pass over the population's cells for two indicators.  A family
     * that sums the project's population raster (raster_sum) may instead
     * add its column with the values to come (finish_deferred: *values_out,
     * one per area); a later per-area family that walks those cells anyway
     * (coverage) then finishes with finish_summing, which also writes the
     * sum of the cells under each area into pop[] (persons, bit for bit
     * what raster_sum sums) and counts the nodata cells under the areas.
     * The analysis pairs them (analysis/background.c); the result carries
     * nothing between them. */
    taafi_status (*finish_deferred)(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r,
                                    double **values_out);
    taafi_status (*finish_summing)(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r,
                                   double *pop, size_t *nodata);
} tf_family;

/* The family for an indicator type (NULL for expressions, which the engine
 * evaluates after every family: see analysis/derive.c). */
const tf_family *tf_family_of(tf_ind_type type);

/* Whether indicators of this type read a layer. */
int tf_family_reads_layer(tf_ind_type type);

/* What file of its own an indicator of this type reads (tf_own_source). */
tf_own_source tf_family_own_source(tf_ind_type type);

/* Whether an indicator's family is lean (tf_family.lean), and the field
 * it reads (NULL: none; *as_text as tf_family.field says). */
int tf_family_lean(tf_ind_type type);
const char *tf_indicator_field(const tf_indicator_def *d, int *as_text);

/* The column that scores indicator `d`: its `score_column`, else its
 * family's default (see score_suffix), else the column named `d->id`.
 * Written into buf (or returned from d) and returned.  The one rule for
 * scoring, the rounds' change, maps, the atlas and the report. */
const char *tf_score_column(const tf_indicator_def *d, char *buf, size_t size);

/* The unit of that column's values as shown beside them: d->unit, or the
 * family's default column's own unit ("%" for coverage). */
const char *tf_score_unit(const tf_indicator_def *d);

/* Whether indicators of this type work per area beside the passes
 * (tf_family.per_area). */
int tf_family_per_area(tf_ind_type type);

/* Whether indicators of this type make the facility layers, and whether
 * they measure against a standard distance. */
int tf_family_makes_facilities(tf_ind_type type);
int tf_family_has_distance(tf_ind_type type);

/* Whether any indicator of `p` makes the facility layers (`service_gaps`,
 * `facilities`). */
int tf_project_makes_facility_layers(const taafi_project *p);

extern const tf_family tf_family_area;
extern const tf_family tf_family_count;
extern const tf_family tf_family_sum, tf_family_mean, tf_family_min, tf_family_max;
extern const tf_family tf_family_area_share, tf_family_length_density;
extern const tf_family tf_family_nearest;
extern const tf_family tf_family_table;
extern const tf_family tf_family_raster_sum;
extern const tf_family tf_family_coverage;

/* The data-quality notes of raster_sum `def` once its column is in `r`:
 * `n` nodata cells under the areas (none when n is 0), and the areas the
 * raster does not cover (left NULL) or covers in part.  Coverage makes
 * them too when it sums the population in raster_sum's stead. */
taafi_status tf_note_nodata(taafi_ctx *ctx, taafi_result *r, const tf_indicator_def *def, size_t n);

/* Reads field `idx` of `f` as a number.  Returns 1 and sets *out for a
 * number (also a number stored as text, surrounding spaces allowed), 0 for
 * NULL or empty, -1 for text that is not a number. */
int tf_field_number(OGRFeatureH f, int idx, double *out);

/* Field `idx` of a feature handed over by a pass, whichever way it was
 * read: as OGR_F_GetFieldAsString gives it, NULL when NULL or unset. */
const char *tf_feature_text(const tf_feature *f, int idx);

/* The same as a number, as tf_field_number. */
int tf_feature_number(const tf_feature *f, int idx, double *out);

#endif
