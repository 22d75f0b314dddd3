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
static taafi_status column_pass(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                                tf_ind_state **states, tf_columns *cols, OGRSpatialReferenceH srs,
                                const tf_reproj *to_xy, const tf_fastproj *fp, int geographic, int needs_parts,
                                pass_buf *buf, const char *const *ignored, const char *stage, uint64_t total,
                                pass_stats *ps, size_t *n_msgs)
{
    tf_vsource again = {0};
    int again_open = 0;
    tf_pointpool *pool = NULL;
    int64_t *fid = NULL;
    double *rx = NULL, *ry = NULL; /* layer CRS */
    unsigned char *is_pt = NULL;
    long *area = NULL;
    size_t cap = 0, n_batch, i, n_again = 0;
    taafi_status st;
    if ((st = tf_pointpool_new(ctx, r->areas, srs, def->path, fp, &pool)))
        return st;
    for (;;) {
        if ((st = tf_columns_next(ctx, cols, &n_batch)))
            goto done;
        if (!n_batch)
            break;
        if ((st = tf_check_interrupt(ctx)))
            goto done;
        tf_progress(ctx, stage, ps->read, total);
        if (n_batch > cap) {
            free(fid), free(rx), free(ry), free(is_pt), free(area);
            cap = n_batch;
            fid = malloc(cap * sizeof *fid);
            rx = malloc(cap * sizeof *rx);
            ry = malloc(cap * sizeof *ry);
            is_pt = malloc(cap);
            area = malloc(cap * sizeof *area);
            if (!fid || !rx || !ry || !is_pt || !area) {
                st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
                goto done;
            }
        }
        for (i = 0; i < n_batch; i++) {
            rx[i] = ry[i] = 0;
            is_pt[i] = (unsigned char)tf_columns_point(cols, i, &fid[i], &rx[i], &ry[i]);
        }
        tf_pointpool_place(pool, ctx, to_xy, n_batch, is_pt, rx, ry, area);
        for (i = 0; i < n_batch; i++) {
            tf_feature f;
            tf_row row;
            ps->read++;
            if (area[i] == TF_PT_AGAIN) {
                /* the feature way: tf_pass_view() and its notes */
                OGRFeatureH of;
                if (!again_open) {
                    if ((st = tf_source_open(ctx, def, &again)))
                        goto done;
                    again_open = 1;
                    if (ignored && ignored[0])
                        OGR_L_SetIgnoredFields(again.layer, (const char **)ignored);
                }
                n_again++;
                tf_gdal_enter(ctx);
                tf_lib_error_clear(ctx);
                of = OGR_L_GetFeature(again.layer, (GIntBig)fid[i]);
                if (of && tf_lib_error(ctx)[0]) /* as tf_source_next says it */
                    tf_log(ctx, ++*n_msgs <= TF_MAX_GDAL_MSGS ? TAAFI_LOG_WARNING : TAAFI_LOG_DEBUG,
                           "%s: layer %s: GDAL: %s", def->path, OGR_L_GetName(again.layer), tf_lib_error(ctx));
                tf_gdal_leave(ctx);
                if (!of) {
                    st = tf_error(ctx, TAAFI_ERR_IO, "%s: layer %s: feature %lld: cannot be read again: %s", def->path,
                                  OGR_L_GetName(again.layer), (long long)fid[i], tf_lib_error(ctx));
                    goto done;
                }
                st = tf_pass_take(ctx, r, def, li, where, 0, states, to_xy, of, NULL, TF_PT_AGAIN, needs_parts, 0,
                                  geographic, buf, ps);
                OGR_F_Destroy(of);
                if (st)
                    goto done;
                continue;
            }
            memset(&f, 0, sizeof f);
            f.fid = fid[i];
            f.measure = 1;
            f.area = area[i];
            if ((st = tf_columns_row(ctx, cols, i, &row)) ||
                (needs_parts && (st = tf_pass_cut(ctx, r->areas, &f, buf)))) /* a point: its area */
                goto done;
            f.row = &row;
            {
                double ll[2] = {rx[i], ry[i]};
                if ((st = tf_pass_hand_over(ctx, r, def, li, where, 0, states, &f, f.area < 0, geographic ? ll : NULL,
                                            ps)))
                    goto done;
            }
        }
    }
    if (n_again)
        tf_log(ctx, TAAFI_LOG_DEBUG, "%s: %zu row(s) read again feature by feature", def->path, n_again);
done:
    tf_pointpool_free(pool);
    if (again_open)
        tf_source_close(&again);
    free(fid);
    free(rx);
    free(ry);
    free(is_pt);
    free(area);
    return st;
}

/* A lean pass of a point layer by columns (GDAL's Arrow stream), when its
 * driver gives one: *done 1 when it ran (or failed). */
taafi_status tf_pass_by_columns(taafi_ctx *ctx, taafi_result *r, const tf_source *def, size_t li, const char *where,
                               tf_ind_state **states, tf_vsource *src, OGRSpatialReferenceH srs, tf_reproj *to_xy,
                               tf_fastproj *fp, int geographic, int needs_parts, pass_buf *buf, const char **ignored,
                               const char *stage, GIntBig total, pass_stats *ps, size_t *n_gdal_msgs, int *done)
{
    const taafi_project *p = r->project;
    int *fields = calloc(p->n_inds + 1, sizeof *fields), *as_text = calloc(p->n_inds + 1, sizeof *as_text);
    tf_columns *cols = NULL;
    taafi_status st;
    *done = 0;
    if (!fields || !as_text)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    else
        st = tf_columns_open(ctx, src, fields, as_text, used_fields(r, li, where, src, fields, as_text), &cols);
    free(fields);
    free(as_text);
    if (st || !cols)
        return st;
    tf_log(ctx, TAAFI_LOG_DEBUG, "%s: read by columns (GDAL's Arrow stream)", def->path);
    st = column_pass(ctx, r, def, li, where, states, cols, srs, to_xy, fp, geographic, needs_parts, buf, ignored,
                     stage, total > 0 ? (uint64_t)total : 0, ps, n_gdal_msgs);
    tf_columns_free(cols);
    *done = 1;
    return st;
}
