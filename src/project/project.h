/*
 * project.h: the project model, as read from the YAML project file.  Every
 * path in it is already resolved against the project file's folder.
 */
#ifndef TAAFI_PROJECT_H
#define TAAFI_PROJECT_H

#include "core/core.h"

/* One vector input: a file (any format GDAL reads), a layer in it and an
 * optional OGR SQL attribute filter. */
typedef struct tf_source {
    char *role;   /* "areas" or the key under `layers`, e.g. "damage"  */
    char *path;   /* resolved path                                     */
    char *layer;  /* NULL: the dataset's only (or first) layer          */
    char *where;  /* NULL: no filter                                    */
    int line;     /* line of its definition in the project file         */
    int assume_epsg; /* CRS to assume when the data has none; 0: none    */
    char *encoding;  /* attribute encoding when the file does not say   */
    char *x_field;   /* a CSV's columns holding each point's x and y (in */
    char *y_field;   /* its CRS, or assume_crs'); both NULL or both set  */
} tf_source;

/* The families' key tables (project/keys.h), one per indicator type,
 * NULL-terminated: given by the families when a project is parsed. */
typedef struct tf_family_keys tf_family_keys;

typedef enum tf_direction { TF_DIR_NONE, TF_DIR_HIGHER_BETTER, TF_DIR_LOWER_BETTER } tf_direction;
typedef enum tf_method { TF_NORM_MINMAX, TF_NORM_TARGET, TF_NORM_ZSCORE } tf_method;

typedef struct tf_indicator_def {
    char *id; /* output column, or prefix of its columns */
    int type; /* the family: an index into the project's `families`   */
    int line;
    char *label, *label_ar, *pillar, *unit; /* metadata, may be NULL */
    /* scoring (only for indicators with a pillar) */
    tf_direction direction;
    tf_method method;
    double weight;        /* within the pillar; default 1                   */
    int has_target, has_floor;
    double target, floor; /* method target: 100 at target, 0 at floor       */
    double clamp;         /* method zscore: |z| mapped to 0/100; default 2.5 */
    char *score_column;   /* column scored; NULL: the column named `id`     */
    /* layer-based families */
    int layer;            /* index into project->layers, -1 for none        */
    char *where;          /* the indicator's own attribute filter, or NULL  */
    /* count */
    char *class_field;    /* NULL: no per-class breakdown                   */
    char **classes;       /* declared classes; NULL: found in the data      */
    size_t n_classes;
    int density;          /* also <col>_per_km2 columns                     */
    int percent;          /* also <id>_<class>_pct columns (share of total) */
    int per_1000;         /* also <col>_per_1000 (per 1,000 residents)      */
    /* sum/mean/min/max and table */
    char *field;
    /* table */
    char *source;         /* resolved path of the table                     */
    char *sheet;          /* layer of the table inside its file, or NULL    */
    char *key;            /* the table's field holding area ids             */
    /* expression */
    char *expression;
    /* raster_sum */
    int band;             /* 1-based                                        */
    /* coverage */
    char *kind;           /* facility kind: defaults and the kind filter    */
    double distance;      /* metres: the standard distance                  */
    double standard;      /* residents per facility; 0: none known          */
    char *capacity_field; /* NULL: no residents per unit of capacity        */
    /* the parts `where` is made of, so that a scenario can make its own
     * (other statuses, another where): see tf_coverage_where */
    char *user_where, *kind_field, *status_field;
    /* the filter the indicator's pass reads with: its own `where` or,
     * when scenarios filter it otherwise, "(own) OR (scenario's) ..."; the
     * coverage keeps what each of them selects (owned by the project's
     * own definition; NULL: `where`) */
    char *pass_where;
    /* coverage and nearest_distance: how distances are measured, a
     * tf_reach_method (families/reach.h): 0 straight lines, 1 along the
     * open streets of the project's `network` */
    int reach;
    /* along the network: the closures that hold, a scenario's `network:`
     * (owned by the scenario); NULL: the project's */
    const struct tf_network_def *closures;
    /* coverage along a network in drive mode: the standard time, minutes */
    double minutes;
} tf_indicator_def;

/* The filter a pass for d reads with (see pass_where). */
const char *tf_pass_where(const tf_indicator_def *d);


/* A layer whose features close the streets near them (network.closed.by):
 * a street segment within `within` metres of one of its features (that
 * `where` selects) is closed; 0: the segments they touch or cross. */
typedef struct tf_closure_def {
    int layer;     /* index into the project's layers */
    char *where;   /* NULL: all of its features       */
    double within; /* metres, 0 or more               */
    int line;
} tf_closure_def;

/* The street network (network:), read once per run for every indicator
 * with `reach: network` (see docs/network.md). */
typedef struct tf_network_def {
    int layer;           /* the streets: index into layers; -1: no network    */
    double tolerance;    /* metres: street ends closer than this are joined   */
    double max_join;     /* metres: the longest straight leg to a street       */
    char *level_field;   /* streets whose values differ cross without meeting  */
    char *closed_where;  /* streets closed by their own attributes; NULL: none */
    tf_closure_def *closed_by;
    size_t n_closed_by;
    /* mode: drive: costs in minutes at a speed per street class, one-way
     * streets followed; walk (0, the default): metres both ways */
    int drive;
    char *speed_field;    /* the street class that picks the speed         */
    char **speed_class;   /* its values ...                                 */
    double *speed_kmh;    /* ... and their speeds, km/h                     */
    size_t n_speeds;
    double default_kmh;   /* other classes (default: the lowest given)      */
    double join_kmh;      /* the straight legs to and from the streets      */
    char *oneway_field;   /* yes/true/1: one way as drawn; -1/reverse: against */
    int line;
} tf_network_def;

/* Frees what n owns (not n). */
void tf_network_def_free(tf_network_def *n);

/* The defaults of network.tolerance and network.max_join (metres). */
#define TF_NETWORK_TOLERANCE_M 1.0
#define TF_NETWORK_MAX_JOIN_M 500.0
/* The default speed of the legs in drive mode: walking, km/h. */
#define TF_NETWORK_JOIN_KMH 5.0

typedef enum tf_missing { TF_MISSING_SKIP, TF_MISSING_FAIL } tf_missing;
typedef enum tf_mean { TF_MEAN_ARITHMETIC, TF_MEAN_GEOMETRIC } tf_mean;

#define TF_N_PILLARS 5
/* The five pillar keys, in the plans' order, NULL-terminated. */
extern const char *const tf_pillar_keys[TF_N_PILLARS + 1];
extern const char *const tf_pillar_labels[TF_N_PILLARS];
extern const char *const tf_pillar_labels_ar[TF_N_PILLARS];

typedef struct tf_pillar_def {
    double weight; /* in the index; default 1 */
    tf_mean mean;  /* of its indicators' scores */
    int line;      /* where it was configured, 0 if not */
} tf_pillar_def;

typedef enum tf_priority_method { TF_PRIORITY_QUANTILES, TF_PRIORITY_BREAKS } tf_priority_method;

typedef struct tf_scoring {
    tf_missing missing;
    tf_pillar_def pillars[TF_N_PILLARS];
    tf_priority_method priority_method;
    size_t n_classes;  /* number of priority classes                        */
    double *breaks;    /* n_classes - 1 ascending index values (breaks)     */
    char **labels;     /* n_classes labels, class 1 (most in need) first    */
    int line;
} tf_scoring;

/* The `maps:` section: map sheets, atlas and report. */
typedef struct tf_maps {
    int enabled;            /* render with every run (also: run --maps)   */
    int png, svg, pdf;      /* sheet formats                              */
    double dpi;             /* PNG resolution, default 300                */
    int atlas, report;      /* atlas.pdf and report.html, default on      */
    char *title;            /* default: the project's name                */
    char *source_note;      /* printed on every sheet                     */
    char *disclaimer;       /* printed on every sheet                     */
    char *gaps;             /* coverage indicator hatched on basic services */
} tf_maps;

/* A named variant of the scoring (scenarios:), run on the same computed
 * indicators: other indicator weights, targets, floors or methods, other
 * pillar weights or means. */
typedef struct tf_scenario {
    char *name;
    int line;
    tf_indicator_def *inds; /* a copy of the project's, overrides applied;
                               its strings belong to the project's       */
    tf_scoring scoring;     /* likewise                                  */
    struct tf_network_def *network; /* other closures (network:), owned;
                                       NULL: the project's           */
} tf_scenario;

/* An assessment round (rounds:): its name and date and the inputs that
 * changed; everything else is shared with the project, but only what the
 * round declares shared. */
typedef struct tf_round {
    char *name, *date;
    int line;
    tf_source *layers;      /* overrides, role = the layer's name        */
    size_t n_layers;
    char **source_ids;      /* table and raster_sum indicators whose ...  */
    char **sources;         /* ... source this round replaces (resolved) */
    size_t n_sources;
    tf_source areas;        /* areas.source override, path NULL if none  */
    int shared_all;         /* shared: all                               */
    char **shared;          /* shared: [names of layers and indicators]  */
    size_t n_shared;
} tf_round;

struct taafi_project {
    char *path;  /* as given                                  */
    char *dir;   /* folder of the project file                */
    char *text;  /* the whole file, recorded in the `run` table */
    char *name;  /* optional title                            */
    int crs_epsg; /* analysis CRS; 0: auto (UTM zone of the areas) */
    tf_source areas;
    char *area_id, *area_name, *area_name_ar; /* field names; names may be NULL */
    int overlap_error; /* areas.overlaps: error (1) or first (0, default) */
    tf_source *layers;
    size_t n_layers;
    tf_indicator_def *inds;
    size_t n_inds;
    int population;    /* index of the indicator giving residents, or -1 */
    tf_network_def network;
    tf_scoring scoring;
    tf_maps maps;
    tf_scenario *scenarios;
    size_t n_scenarios;
    tf_round *rounds;
    size_t n_rounds;
    double change_tolerance; /* score points within which a pillar is stable */
    int rounds_recompute;    /* rounds_recompute: true */
    char *out_gpkg;    /* file names inside the output folder; NULL: none */
    char *out_geojson;
    int out_csv;       /* areas.csv and indicators.csv beside the GeoPackage */
    int out_csv_bom;   /* ... with a UTF-8 byte-order mark, for Excel        */
    const tf_family_keys *const *families; /* by type (static, the families') */
    /* limits: the most work the project's text may ask for */
    double limit_sql_steps;    /* SQLite VM steps per expression       */
    double limit_raster_cells; /* raster cells read under the areas    */
};

/* The defaults of `limits` (docs/project-file.md): far above any real
 * project's need (an expression takes about 100 steps per area; a
 * country's 100 m population raster about 20 million cells), far below
 * what runs for minutes. */
#define TF_LIMIT_SQL_STEPS 50e6
#define TF_LIMIT_RASTER_CELLS 1e9

/* Reads the project file at `path` (or, `text` not NULL, that text, with
 * `path` still naming the file in messages and anchoring relative paths)
 * with the indicator types of `families` (by type, NULL-terminated; they
 * must outlive the project).  taafi_project_load (src/families/keys.c)
 * and the fuzzing harness enter here. */
taafi_status tf_project_parse(taafi_ctx *ctx, const char *path, const char *text, size_t text_len,
                              const tf_family_keys *const *families, taafi_project **out);

/* Index of the indicator whose id is `id`, or -1. */
int tf_project_find_indicator(const taafi_project *p, const char *id);

/* The closest of `choices` (NULL-terminated) to `word`, or NULL if none is
 * close enough to be a likely misspelling. */
const char *tf_suggest(const char *word, const char *const *choices);

#endif
