/*
 * source.h: opening one vector input (read-only), choosing its layer,
 * applying its attribute filter, finding fields and hashing its files.
 */
#ifndef TAAFI_SOURCE_H
#define TAAFI_SOURCE_H

#include "project/project.h"

#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

typedef struct tf_vsource {
    const tf_source *def;
    GDALDatasetH ds;
    OGRLayerH layer;             /* owned by ds                        */
    OGRSpatialReferenceH assumed; /* the assume_crs SRS, when used; owned */
    char recoded[96];             /* a CSV's UTF-8 copy in /vsimem/, or "" */
} tf_vsource;

/* Opens def->path read-only and selects def->layer (or the only layer; the
 * first when there are several and none is named, with a note in the log).
 * Applies def->where.  Errors list the layers found or quote GDAL. */
taafi_status tf_source_open(taafi_ctx *ctx, const tf_source *def, tf_vsource *out);
void tf_source_close(tf_vsource *s);

/* For encoding.c: out's dataset closed and `path` (def->path, or a
 * recoded copy) opened in its place with `encoding` (NULL: as it says),
 * and its layer picked again. */
taafi_status tf_source_reopen(taafi_ctx *ctx, const tf_source *def, tf_vsource *out, const char *path,
                              const char *encoding);

/* encoding.c: every text an open source gives is UTF-8, or the source is
 * refused.  A shapefile's .dbf without .cpg that is not UTF-8, read as
 * Windows-1256 when that decodes to Arabic (a warning); a CSV not in UTF-8
 * (or with 'encoding:'), recoded into a UTF-8 copy in /vsimem/, with the
 * encoding declared or Windows-1256 likewise; any other source with text
 * that is not UTF-8, refused with the fix.  Checks the first 5,000
 * features (all of them for the areas). */
taafi_status tf_source_check_text(taafi_ctx *ctx, const tf_source *def, tf_vsource *out);

/* The layer's CRS (owned by the layer or the source), or the project's
 * assume_crs when the data declares none (noted in the log).  TAAFI_ERR_CRS
 * if it has none and none is assumed. */
taafi_status tf_source_srs(taafi_ctx *ctx, const tf_vsource *s, OGRSpatialReferenceH *out);

/* Index of field `name` (exact, then case-insensitive).  TAAFI_ERR_DATA
 * naming the fields there, and the closest one, if it is missing.
 * `key` is the project-file key that named it, for the message. */
taafi_status tf_source_field(taafi_ctx *ctx, const tf_vsource *s, const char *name, const char *key, int *out);

/* GDAL's messages about single features shown as warnings per layer
 * read; the rest only with -v. */
#define TF_MAX_GDAL_MSGS 5

/* The next feature of s->layer (the caller's), read under taafi's GDAL
 * handler; NULL at the end of the layer.  NULL with *st set (an error on
 * the context): GDAL ended the layer on an error, a damaged file, whose
 * rest would otherwise be silently missing: the caller stops.  An error
 * GDAL reports about the feature returned (such as "Unable to read
 * geometry") is logged, as a warning while *n_msgs (the caller's count
 * for the layer, 0 at first) is at most TF_MAX_GDAL_MSGS: the feature
 * comes as GDAL could read it. */
OGRFeatureH tf_source_next(taafi_ctx *ctx, const tf_vsource *s, size_t *n_msgs, taafi_status *st);

/* Calls fn for every file the dataset is made of (a shapefile is several);
 * sha256 is "" for a dataset that is no file, else NULL: fn hashes. */
typedef taafi_status (*tf_file_fn)(taafi_ctx *ctx, const char *role, const char *path, const char *sha256,
                                   void *user);
taafi_status tf_source_hash(taafi_ctx *ctx, const tf_vsource *s, tf_file_fn fn, void *user);

/* Appends what a check of the inputs reports about an open source: its
 * file, layer and driver, feature count, geometry type, CRS and filter. */
void tf_source_describe(tf_buf *b, const tf_vsource *s);

#endif
