/* pass_columns.c: a lean pass (every indicator only counts or sums) over
 * a GeoPackage point layer, read by columns through GDAL's Arrow stream
 * (io/columns.c): no OGRFeature per point, the points placed on the
 * --jobs threads (pointpool.c), handed to the indicators in the layer's
 * order. */
#include "pass_int.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The fields a lean pass reads, for tf_columns_open: each once, as text
 * when some indicator reads it as a class.  fields and as_text have room
 * for one per indicator. */
static int used_fields(const taafi_result *r, size_t li, const char *where, const tf_vsource *src, int *fields,
                       int *as_text)
{
    const taafi_project *p = r->project;
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(src->layer);
    int n = 0, i, j;
    size_t k;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        int text;
        const char *name = tf_indicator_field(d, &text);
        if (!tf_pass_in_pass(p, k, li, where, 0) || !name)
            continue;
        /* as tf_source_field finds it: exact, then ignoring case */
        if ((i = OGR_FD_GetFieldIndex(defn, name)) < 0)
            for (j = 0; j < OGR_FD_GetFieldCount(defn) && i < 0; j++)
                if (!strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j)), name))
                    i = j;
        if (i < 0)
            continue;
        for (j = 0; j < n && fields[j] != i; j++)
            ;
        if (j == n)
            fields[n++] = i, as_text[j] = 0;
        as_text[j] |= text;
    }
    return n;
}

/* A lean pass over points read by columns (columns.h): what run_pass's
 * chunk loop does, without an OGRFeature per point, and with the points
 * of each batch placed on ctx->threads threads (pointpool.h); then handed
 * over in the layer's order, on this thread.  A row whose geometry is no
 * plain point, or that PROJ cannot transform, is read again by its FID
 * from a second handle (`again`, opened when first needed, with the same
 * fields ignored) and goes the usual way through tf_pass_view(), so that every
 * note and number is the feature path's. */
/* One lean pass by columns: what it reads and hands over, a batch's
 * scratch (one slot per row of the batch, `cap` of them), and the layer
 * opened again for the rows that must be read as features. */
typedef struct colpass {
    taafi_result *r;
    const tf_source *def;
    size_t li;
    const char *where;
    tf_ind_state **states;
    tf_columns *cols;
    const tf_reproj *to_xy;
    int geographic, needs_parts;
    pass_buf *buf;
    const char *const *ignored;
    pass_stats *ps;
    size_t *n_msgs;
    int64_t *fid;
    double *rx, *ry; /* layer CRS */
    unsigned char *is_pt;
    long *area;
    size_t cap, n_again;
    tf_vsource again;
    int again_open;
} colpass;

static void colpass_free(colpass *c)
{
    if (c->again_open)
        tf_source_close(&c->again);
    tf_free(c->fid);
    tf_free(c->rx);
    tf_free(c->ry);
    tf_free(c->is_pt);
    tf_free(c->area);
}

/* Room for a batch of n rows. */
static taafi_status grow(taafi_ctx *ctx, colpass *c, size_t n)
{
    if (n <= c->cap)
        return TAAFI_OK;
    tf_free(c->fid), tf_free(c->rx), tf_free(c->ry), tf_free(c->is_pt), tf_free(c->area);
    c->cap = n;
    c->fid = tf_malloc(n * sizeof *c->fid);
    c->rx = tf_malloc(n * sizeof *c->rx);
    c->ry = tf_malloc(n * sizeof *c->ry);
    c->is_pt = tf_malloc(n);
    c->area = tf_malloc(n * sizeof *c->area);
    if (!c->fid || !c->rx || !c->ry || !c->is_pt || !c->area) {
        c->cap = 0;
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    return TAAFI_OK;
}

/* Row i of the batch the feature way (tf_pass_view() and its notes): read
 * again by its fid. */
static taafi_status read_again(taafi_ctx *ctx, colpass *c, size_t i)
{
    const tf_source *def = c->def;
    OGRFeatureH of;
    taafi_status st;
    if (!c->again_open) {
        if ((st = tf_source_open(ctx, def, &c->again)))
            return st;
        c->again_open = 1;
        if (c->ignored && c->ignored[0])
            OGR_L_SetIgnoredFields(c->again.layer, (const char **)c->ignored);
    }
    c->n_again++;
    tf_gdal_enter(ctx);
    tf_lib_error_clear(ctx);
    of = OGR_L_GetFeature(c->again.layer, (GIntBig)c->fid[i]);
    if (of && tf_lib_error(ctx)[0]) /* as tf_source_next says it */
        tf_log(ctx, ++*c->n_msgs <= TF_MAX_GDAL_MSGS ? TAAFI_LOG_WARNING : TAAFI_LOG_DEBUG, "%s: layer %s: GDAL: %s",
               def->path, OGR_L_GetName(c->again.layer), tf_lib_error(ctx));
    tf_gdal_leave(ctx);
    if (!of)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: layer %s: feature %lld: cannot be read again: %s", def->path,
                        OGR_L_GetName(c->again.layer), (long long)c->fid[i], tf_lib_error(ctx));
    st = tf_pass_take(ctx, c->r, def, c->li, c->where, 0, c->states, c->to_xy, of, NULL, TF_PT_AGAIN, c->needs_parts,
                      0, c->geographic, c->buf, c->ps);
    OGR_F_Destroy(of);
    return st;
}

/* Row i of the batch, a point placed in its area, handed over. */
static taafi_status hand_row(taafi_ctx *ctx, colpass *c, size_t i)
{
    tf_feature f;
    tf_row row;
    double ll[2] = {c->rx[i], c->ry[i]};
    taafi_status st;
    memset(&f, 0, sizeof f);
    f.fid = c->fid[i];
    f.measure = 1;
    f.area = c->area[i];
    if ((st = tf_columns_row(ctx, c->cols, i, &row)) ||
        (c->needs_parts && (st = tf_pass_cut(ctx, c->r->areas, &f, c->buf)))) /* a point: its area */
        return st;
    f.row = &row;
    return tf_pass_hand_over(ctx, c->r, c->def, c->li, c->where, 0, c->states, &f, f.area < 0,
                             c->geographic ? ll : NULL, c->ps);
}

/* The batches of the stream, their points placed on the threads, their
 * rows handed over in the layer's order. */
static taafi_status batches(taafi_ctx *ctx, colpass *c, tf_pointpool *pool, const char *stage, uint64_t total)
{
    size_t n_batch, i;
    taafi_status st;
    for (;;) {
        if ((st = tf_columns_next(ctx, c->cols, &n_batch)) || !n_batch || (st = tf_check_interrupt(ctx)))
            return st;
        tf_progress(ctx, stage, c->ps->read, total);
        if ((st = grow(ctx, c, n_batch)))
            return st;
        for (i = 0; i < n_batch; i++) {
            c->rx[i] = c->ry[i] = 0;
            c->is_pt[i] = (unsigned char)tf_columns_point(c->cols, i, &c->fid[i], &c->rx[i], &c->ry[i]);
        }
        tf_pointpool_place(pool, ctx, c->to_xy, n_batch, c->is_pt, c->rx, c->ry, c->area);
        for (i = 0; i < n_batch; i++) {
            c->ps->read++;
            if ((st = c->area[i] == TF_PT_AGAIN ? read_again(ctx, c, i) : hand_row(ctx, c, i)))
                return st;
        }
    }
}

/* A lean pass of a point layer by columns (GDAL's Arrow stream), when its
 * driver gives one: *done 1 when it ran (or failed). */
taafi_status tf_pass_by_columns(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                               tf_ind_state **states, tf_vsource *src, OGRSpatialReferenceH srs, tf_reproj *to_xy,
                               tf_fastproj *fp, int geographic, int needs_parts, pass_buf *buf, const char **ignored,
                               const char *stage, GIntBig total, pass_stats *ps, size_t *n_gdal_msgs, int *done)
{
    const taafi_project *p = r->project;
    int *fields = tf_calloc(p->n_inds + 1, sizeof *fields), *as_text = tf_calloc(p->n_inds + 1, sizeof *as_text);
    tf_columns *cols = NULL;
    taafi_status st;
    *done = 0;
    if (!fields || !as_text)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    else
        st = tf_columns_open(ctx, src, fields, as_text, used_fields(r, li, where, src, fields, as_text), &cols);
    tf_free(fields);
    tf_free(as_text);
    if (st || !cols)
        return st;
    tf_log(ctx, TAAFI_LOG_DEBUG, "%s: read by columns (GDAL's Arrow stream)", def->path);
    {
        colpass c = {.r = r, .def = def, .li = li, .where = where, .states = states, .cols = cols, .to_xy = to_xy,
                     .geographic = geographic, .needs_parts = needs_parts, .buf = buf,
                     .ignored = (const char *const *)ignored, .ps = ps, .n_msgs = n_gdal_msgs};
        tf_pointpool *pool = NULL;
        if (!(st = tf_pointpool_new(ctx, r->areas, srs, def->path, fp, &pool)) &&
            !(st = batches(ctx, &c, pool, stage, total > 0 ? (uint64_t)total : 0)) && c.n_again)
            tf_log(ctx, TAAFI_LOG_DEBUG, "%s: %zu row(s) read again feature by feature", def->path, c.n_again);
        tf_pointpool_free(pool);
        colpass_free(&c);
    }
    tf_columns_free(cols);
    *done = 1;
    return st;
}
