/* columns.c: point layers through GDAL's Arrow stream (columns.h). */
#include "columns.h"

#include <cpl_conv.h>
#include <math.h>
#include <ogr_recordbatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Arrow's formats (the C data interface's) of the columns read here. */
#define FMT_INT32 'i'
#define FMT_INT64 'l'
#define FMT_FLOAT64 'g'
#define FMT_UTF8 'u'
#define FMT_BINARY 'z'
#define FMT_LARGE_BINARY 'Z'

typedef struct used_col {
    int field;   /* the layer's field index */
    int as_text; /* read as text (else a number) */
    int child;   /* its column in the batch */
    char fmt;
    char *buf; /* the value as a C string */
    size_t cap;
} used_col;

struct tf_columns {
    struct ArrowArrayStream stream;
    struct ArrowArray batch; /* batch.release NULL: none held */
    int fid_child, geom_child, geom_large;
    used_col *used;
    int n_used;
    tf_value *values; /* one per field of the layer */
    int n_fields;
    const char *path, *layer; /* for messages; the source's */
};

/* One thread reads.  With GDAL_NUM_THREADS above 1, GDAL's GeoPackage
 * driver reads the next batches on worker threads, code that later GDAL
 * versions fixed twice (an error on some files, GDAL pull request 9026; a
 * race on a spurious wake-up that let the reader see a batch being
 * written, 12935).  Where the cores are busy anyway, as in a run, one
 * thread costs no CPU: a million points take 0.13 s of it either way.  The
 * option is set for the calling thread only, and put back. */
static char *one_thread(void)
{
    const char *old = CPLGetThreadLocalConfigOption("GDAL_NUM_THREADS", NULL);
    char *saved = old ? CPLStrdup(old) : NULL;
    CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", "1");
    return saved;
}

static void threads_back(char *saved)
{
    CPLSetThreadLocalConfigOption("GDAL_NUM_THREADS", saved);
    CPLFree(saved);
}

static int is_null(const struct ArrowArray *a, size_t i)
{
    const unsigned char *valid = a->buffers[0];
    size_t k = (size_t)a->offset + i;
    return a->null_count != 0 && valid && !(valid[k / 8] & (1u << (k % 8)));
}

/* The column child `name` of the schema, -1 if absent. */
static int child_named(const struct ArrowSchema *s, const char *name)
{
    int64_t k;
    for (k = 0; k < s->n_children; k++)
        if (s->children[k]->name && !strcmp(s->children[k]->name, name))
            return (int)k;
    return -1;
}

/* Whether a column of this format gives values exactly as OGRFeature would:
 * text as stored, integers formatted as OGR formats them, reals only as
 * numbers (OGR's text of a real has rules of its own). */
static int format_ok(char fmt, int as_text)
{
    return fmt == FMT_UTF8 || fmt == FMT_INT32 || fmt == FMT_INT64 || (fmt == FMT_FLOAT64 && !as_text);
}

taafi_status tf_columns_open(taafi_ctx *ctx, const tf_vsource *src, const int *fields, const int *as_text, int n,
                             tf_columns **out)
{
    static const char *const opts[] = {"INCLUDE_FID=YES", NULL};
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src->layer);
    GDALDriverH drv = GDALGetDatasetDriver(src->ds);
    struct ArrowSchema schema = {0};
    tf_columns *c = NULL;
    taafi_status st = TAAFI_OK;
    char *saved;
    int k, got;
    *out = NULL;
    if (!drv || strcmp(GDALGetDriverShortName(drv), "GPKG") || wkbFlatten(OGR_L_GetGeomType(src->layer)) != wkbPoint ||
        OGR_FD_GetGeomFieldCount(defn) != 1)
        return TAAFI_OK;
    if (!(c = tf_calloc(1, sizeof *c)) || !(c->used = tf_calloc((size_t)(n ? n : 1), sizeof *c->used)) ||
        !(c->values = tf_calloc((size_t)OGR_FD_GetFieldCount(defn) + 1, sizeof *c->values))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    c->n_fields = OGR_FD_GetFieldCount(defn);
    c->path = src->def->path;
    c->layer = OGR_L_GetName(src->layer);
    tf_gdal_enter(ctx);
    saved = one_thread();
    got = OGR_L_GetArrowStream(src->layer, &c->stream, (char **)opts);
    threads_back(saved);
    tf_gdal_leave(ctx);
    if (!got)
        goto decline;
    if (c->stream.get_schema(&c->stream, &schema) != 0 || schema.n_children < 2)
        goto decline;
    /* INCLUDE_FID=YES puts the FID first; the geometry is the binary
     * column named after the layer's geometry column */
    c->fid_child = 0;
    if (strcmp(schema.children[0]->format, "l"))
        goto decline;
    {
        const char *gname = OGR_L_GetGeometryColumn(src->layer);
        c->geom_child = child_named(&schema, gname && *gname ? gname : "wkb_geometry");
    }
    if (c->geom_child <= 0 || (schema.children[c->geom_child]->format[0] != FMT_BINARY &&
                               schema.children[c->geom_child]->format[0] != FMT_LARGE_BINARY) ||
        schema.children[c->geom_child]->format[1])
        goto decline;
    c->geom_large = schema.children[c->geom_child]->format[0] == FMT_LARGE_BINARY;
    for (k = 0; k < n; k++) {
        used_col *u = &c->used[k];
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, fields[k]));
        u->field = fields[k];
        u->as_text = as_text[k];
        u->child = child_named(&schema, name);
        if (u->child <= 0 || u->child == c->geom_child || schema.children[u->child]->format[1])
            goto decline;
        u->fmt = schema.children[u->child]->format[0];
        if (!format_ok(u->fmt, u->as_text))
            goto decline;
    }
    c->n_used = n;
    schema.release(&schema);
    *out = c;
    return TAAFI_OK;
decline:
    tf_log(ctx, TAAFI_LOG_DEBUG, "%s: read feature by feature (no column stream for it)", src->def->path);
fail:
    if (schema.release)
        schema.release(&schema);
    tf_columns_free(c);
    OGR_L_ResetReading(src->layer);
    return st;
}

taafi_status tf_columns_next(taafi_ctx *ctx, tf_columns *c, size_t *n)
{
    char *saved;
    int e;
    *n = 0;
    if (c->batch.release)
        c->batch.release(&c->batch);
    memset(&c->batch, 0, sizeof c->batch);
    tf_gdal_enter(ctx);
    tf_lib_error_clear(ctx);
    saved = one_thread();
    e = c->stream.get_next(&c->stream, &c->batch);
    threads_back(saved);
    tf_gdal_leave(ctx);
    /* A damaged file (SQLite: "database disk image is malformed") makes
     * GDAL report an error and then end the stream early, or never: an
     * error in any call stops the pass, or the counts would silently miss
     * the rest of the layer.  (A bad row, such as a broken geometry, is no
     * error here: it comes through and is read again by FID.) */
    if (e || tf_lib_error(ctx)[0]) {
        const char *why = e && c->stream.get_last_error ? c->stream.get_last_error(&c->stream) : NULL;
        if (c->batch.release)
            c->batch.release(&c->batch);
        memset(&c->batch, 0, sizeof c->batch);
        return tf_error(ctx, TAAFI_ERR_IO,
                        "%s: layer %s: GDAL could not read the whole layer: %s; the file may be damaged: check it "
                        "with ogrinfo, or export it again",
                        c->path, c->layer, why ? why : tf_lib_error(ctx)[0] ? tf_lib_error(ctx) : strerror(e));
    }
    if (!c->batch.release)
        return TAAFI_OK;
    if (c->batch.n_children <= c->geom_child || c->batch.offset != 0) {
        c->batch.release(&c->batch);
        memset(&c->batch, 0, sizeof c->batch);
        return tf_error(ctx, TAAFI_ERR_IO, "%s: layer %s: GDAL's column stream has an unexpected shape", c->path,
                        c->layer);
    }
    *n = (size_t)c->batch.length;
    return TAAFI_OK;
}

static uint32_t u32(const unsigned char *p, int little)
{
    return little ? (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24
                  : (uint32_t)p[3] | (uint32_t)p[2] << 8 | (uint32_t)p[1] << 16 | (uint32_t)p[0] << 24;
}

/* An IEEE double from WKB bytes, on hosts of either byte order (the
 * integer's bytes are placed arithmetically; a double has the same byte
 * order as an integer on every host GDAL supports). */
static double f64(const unsigned char *p, int little)
{
    uint64_t u = 0;
    double d;
    int k;
    for (k = 0; k < 8; k++)
        u |= (uint64_t)p[little ? k : 7 - k] << (8 * k);
    memcpy(&d, &u, 8);
    return d;
}

/* The bytes of row i of a binary or text column. */
static const unsigned char *bytes_of(const struct ArrowArray *a, int large, size_t i, size_t *len)
{
    size_t k = (size_t)a->offset + i;
    int64_t b, e;
    if (large) {
        b = ((const int64_t *)a->buffers[1])[k];
        e = ((const int64_t *)a->buffers[1])[k + 1];
    } else {
        b = ((const int32_t *)a->buffers[1])[k];
        e = ((const int32_t *)a->buffers[1])[k + 1];
    }
    *len = (size_t)(e - b);
    return (const unsigned char *)a->buffers[2] + b;
}

int tf_columns_point(const tf_columns *c, size_t i, int64_t *fid, double *x, double *y)
{
    const struct ArrowArray *f = c->batch.children[c->fid_child], *g = c->batch.children[c->geom_child];
    const unsigned char *w;
    size_t len;
    uint32_t type;
    int little;
    *fid = ((const int64_t *)f->buffers[1])[(size_t)f->offset + i];
    if (is_null(g, i))
        return 0;
    w = bytes_of(g, c->geom_large, i, &len);
    /* ISO WKB, as GDAL writes it: byte order, type, then x and y; 2D, Z,
     * M and ZM points (x and y come first in all four) */
    if (len < 21 || (w[0] != 0 && w[0] != 1))
        return 0;
    little = w[0] == 1;
    type = u32(w + 1, little);
    if (type != 1 && type != 1001 && type != 2001 && type != 3001)
        return 0;
    *x = f64(w + 5, little);
    *y = f64(w + 13, little);
    return isfinite(*x) && isfinite(*y); /* POINT EMPTY is NaN, NaN */
}

static taafi_status grow(taafi_ctx *ctx, used_col *u, size_t n)
{
    char *b;
    if (n <= u->cap)
        return TAAFI_OK;
    if (!(b = tf_realloc(u->buf, n * 2)))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    u->buf = b;
    u->cap = n * 2;
    return TAAFI_OK;
}

taafi_status tf_columns_row(taafi_ctx *ctx, tf_columns *c, size_t i, tf_row *row)
{
    int k;
    taafi_status st;
    row->v = c->values;
    row->n = c->n_fields;
    for (k = 0; k < c->n_used; k++) {
        used_col *u = &c->used[k];
        const struct ArrowArray *a = c->batch.children[u->child];
        tf_value *v = &c->values[u->field];
        size_t at = (size_t)a->offset + i, len;
        const unsigned char *b;
        memset(v, 0, sizeof *v);
        if (is_null(a, i))
            continue;
        v->set = 1;
        switch (u->fmt) {
        case FMT_UTF8:
            b = bytes_of(a, 0, i, &len);
            if ((st = grow(ctx, u, len + 1)))
                return st;
            memcpy(u->buf, b, len);
            u->buf[len] = '\0';
            v->text = u->buf;
            break;
        case FMT_INT32: {
            int32_t n = ((const int32_t *)a->buffers[1])[at];
            v->is_num = 1;
            v->num = n;
            if (u->as_text) { /* as OGR_F_GetFieldAsString: "%d" */
                if ((st = grow(ctx, u, 16)))
                    return st;
                snprintf(u->buf, u->cap, "%d", (int)n);
                v->text = u->buf;
            }
            break;
        }
        case FMT_INT64: {
            int64_t n = ((const int64_t *)a->buffers[1])[at];
            v->is_num = 1;
            v->num = (double)n;
            if (u->as_text) {
                if ((st = grow(ctx, u, 24)))
                    return st;
                snprintf(u->buf, u->cap, "%lld", (long long)n);
                v->text = u->buf;
            }
            break;
        }
        default: /* FMT_FLOAT64, a number only (format_ok) */
            v->is_num = 1;
            v->num = ((const double *)a->buffers[1])[at];
            break;
        }
    }
    return TAAFI_OK;
}

void tf_columns_free(tf_columns *c)
{
    int k;
    if (!c)
        return;
    if (c->batch.release)
        c->batch.release(&c->batch);
    if (c->stream.release) {
        char *saved = one_thread();
        c->stream.release(&c->stream);
        threads_back(saved);
    }
    for (k = 0; k < c->n_used; k++)
        tf_free(c->used[k].buf);
    tf_free(c->used);
    tf_free(c->values);
    tf_free(c);
}
