/*
 * columns.h: a point layer read column by column through GDAL's Arrow
 * stream (RFC 86), for the passes that only locate points and read a field
 * or two.  GDAL 3.6's GeoPackage driver fills the columns straight from
 * SQLite, without an OGRFeature per row: a million points in about 0.1 s
 * where OGR_L_GetNextFeature takes 0.33 s.
 *
 * Only where every value comes out exactly as the OGRFeature would give
 * it: GeoPackage point layers whose used fields are text, 32- or 64-bit
 * integers, or reals read as numbers.  A row whose geometry is anything but
 * a point with finite coordinates (NULL, empty, another type) is for the
 * caller to read the usual way, by its FID.
 */
#ifndef TAAFI_COLUMNS_H
#define TAAFI_COLUMNS_H

#include "source.h"

#include <stdint.h>

/* One field's value in a row.  `text` is the value as
 * OGR_F_GetFieldAsString gives it (NULL for a real, which is only read as a
 * number); `num` the number of a numeric field. */
typedef struct tf_value {
    int set; /* 0: NULL or unset */
    int is_num;
    const char *text;
    double num;
} tf_value;

/* A row's values, indexed by the layer's field index; fields not asked for
 * are never set. */
typedef struct tf_row {
    const tf_value *v;
    int n;
} tf_row;

typedef struct tf_columns tf_columns;

/* Opens the column stream on src->layer, whose ignored fields are already
 * set.  fields[k] is a field index to read, as_text[k] whether it is read
 * as text (a class) rather than as a number.  *out is NULL, with TAAFI_OK,
 * when the layer is not one for this (see above): read it feature by
 * feature.  The layer's reading is reset either way. */
taafi_status tf_columns_open(taafi_ctx *ctx, const tf_vsource *src, const int *fields, const int *as_text, int n,
                             tf_columns **out);

/* The next batch of rows: *n of them, 0 at the end. */
taafi_status tf_columns_next(taafi_ctx *ctx, tf_columns *c, size_t *n);

/* Row i of the batch: its FID, and (returning 1) its point's coordinates
 * in the layer's CRS; 0 when its geometry is no point with finite
 * coordinates. */
int tf_columns_point(const tf_columns *c, size_t i, int64_t *fid, double *x, double *y);

/* Row i's values of the fields asked for; the row's strings stay valid
 * until the next call. */
taafi_status tf_columns_row(taafi_ctx *ctx, tf_columns *c, size_t i, tf_row *row);

/* Releases the stream; NULL is fine. */
void tf_columns_free(tf_columns *c);

#endif
