/*
 * project.h: the project model, as read from the YAML project file.  Every
 * path in it is already resolved against the project file's folder.
 */
#ifndef TAAFI_PROJECT_H
#define TAAFI_PROJECT_H

#include "../core/core.h"

/* One vector input: a file (any format GDAL reads), a layer in it and an
 * optional OGR SQL attribute filter. */
typedef struct tf_source {
    char *role;   /* "areas" or the key under `layers`, e.g. "damage"  */
    char *path;   /* resolved path                                     */
    char *layer;  /* NULL: the dataset's only (or first) layer          */
    char *where;  /* NULL: no filter                                    */
    int line;     /* line of its definition in the project file         */
} tf_source;

typedef enum tf_ind_type { TF_IND_AREA, TF_IND_COUNT } tf_ind_type;

typedef struct tf_indicator_def {
    char *id; /* output column, or prefix of its columns */
    tf_ind_type type;
    int line;
    char *label, *label_ar, *pillar, *unit; /* metadata, may be NULL */
    /* count */
    int layer;          /* index into project->layers, -1 for none          */
    char *class_field;  /* NULL: no per-class breakdown                     */
    char **classes;     /* declared classes; NULL: found in the data        */
    size_t n_classes;
    int density;        /* also <col>_per_km2 columns                       */
    int percent;        /* also <id>_<class>_pct columns (share of total, %) */
} tf_indicator_def;

struct taafi_project {
    char *path;  /* as given                                  */
    char *dir;   /* folder of the project file                */
    char *text;  /* the whole file, recorded in the `run` table */
    char *name;  /* optional title                            */
    int crs_epsg; /* analysis CRS; 0: auto (UTM zone of the areas) */
    tf_source areas;
    char *area_id, *area_name, *area_name_ar; /* field names; names may be NULL */
    tf_source *layers;
    size_t n_layers;
    tf_indicator_def *inds;
    size_t n_inds;
    char *out_gpkg;    /* file names inside the output folder; NULL: none */
    char *out_geojson;
};

/* The closest of `choices` (NULL-terminated) to `word`, or NULL if none is
 * close enough to be a likely misspelling. */
const char *tf_suggest(const char *word, const char *const *choices);

#endif
