/*
 * validate.c: opens every input of a project and checks what the analysis
 * will need, computing no indicator.  Shares every opening and checking
 * step with the run, so that what validate accepts, run can read.
 */
#include "analysis/pass.h"
#include "families/indicator.h"
#include "geom/reproj.h"
#include "network/network.h"
#include "result/result.h"
#include "rounds/rounds.h"

#include <stdlib.h>
#include <string.h>

static taafi_status ignore_file(taafi_ctx *ctx, const char *role, const char *path, const char *sha, void *user)
{
    (void)ctx, (void)role, (void)path, (void)sha, (void)user;
    return TAAFI_OK;
}

/* A count by a class field without declared classes: its values read as
 * the run reads them, so that a field of more than TF_MAX_COUNT_CLASSES distinct
 * values is found now and with the same message. */
static taafi_status check_classes(taafi_ctx *ctx, const tf_indicator_def *d, const tf_areas *a, tf_vsource *src)
{
    const tf_family *fam = tf_family_of(d->type);
    tf_ind_state *s = NULL;
    OGRFeatureH f;
    taafi_status st;
    if (d->type != TF_IND_COUNT || !d->class_field || d->n_classes)
        return TAAFI_OK;
    if ((st = fam->begin(ctx, d, a, src, &s)))
        return st;
    OGR_L_ResetReading(src->layer);
    while (!st && (f = OGR_L_GetNextFeature(src->layer))) {
        tf_feature feat = {.f = f, .fid = (int64_t)OGR_F_GetFID(f), .area = -1};
        if (!(st = tf_check_interrupt(ctx)))
            st = fam->consume(ctx, s, &feat);
        OGR_F_Destroy(f);
    }
    fam->free(ctx, s);
    return st;
}

static taafi_status check_layer(taafi_ctx *ctx, const taafi_project *p, size_t li, const tf_areas *a, tf_buf *b)
{
    int epsg = a->epsg;
    tf_vsource src = {0};
    OGRSpatialReferenceH srs;
    tf_reproj *r = NULL;
    taafi_status st;
    size_t k;
    int used = 0;
    tf_buf_printf(b, "layer %s:\n", p->layers[li].role);
    if ((st = tf_source_open(ctx, &p->layers[li], &src)))
        goto done;
    tf_source_describe(b, &src);
    if ((st = tf_source_srs(ctx, &src, &srs)) || (st = tf_reproj_new(ctx, srs, epsg, src.def->path, &r)))
        goto done;
    for (k = 0; k < p->n_inds; k++) {
        const tf_indicator_def *d = &p->inds[k];
        int idx;
        if (d->layer != (int)li)
            continue;
        used = 1;
        tf_buf_printf(b, "  read by indicator %s (%s)", d->id, tf_family_name(d->type));
        if (d->class_field || d->field || d->capacity_field) {
            const char *fld = d->class_field ? d->class_field : d->field ? d->field : d->capacity_field;
            const char *key = d->class_field ? "class_field" : d->field ? "field" : "capacity_field";
            if ((st = tf_source_field(ctx, &src, fld, key, &idx))) {
                tf_buf_printf(b, "\n");
                goto done;
            }
            tf_buf_printf(b, ", field %s", fld);
            if ((st = check_classes(ctx, d, a, &src))) {
                tf_buf_printf(b, "\n");
                goto done;
            }
        }
        if (d->where) {
            /* The indicator's own filter must be valid SQL for this layer. */
            if (OGR_L_SetAttributeFilter(src.layer, d->where) != OGRERR_NONE) {
                st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s:%d: the where: \"%s\" of indicator '%s' is not valid: %s",
                              p->path, d->line, d->where, d->id, tf_lib_error(ctx));
                tf_buf_printf(b, "\n");
                goto done;
            }
            OGR_L_SetAttributeFilter(src.layer, p->layers[li].where);
            tf_buf_printf(b, ", where %s", d->where);
        }
        tf_buf_printf(b, "\n");
    }
    if (!used)
        tf_buf_printf(b, "  read by no indicator\n");
done:
    tf_reproj_free(r);
    tf_source_close(&src);
    return st;
}

/* The data-quality notes as `taafi run` summarises them: runs of the same
 * layer and problem on one line. */
static void print_notes(tf_buf *b, const tf_dq *dq)
{
    size_t k = 0;
    if (!dq->n) {
        tf_buf_printf(b, "data quality: no problem found\n");
        return;
    }
    tf_buf_printf(b, "data quality: %zu note(s)\n", dq->n);
    while (k < dq->n) {
        const tf_dq_item *it = &dq->items[k];
        size_t same = 1;
        while (k + same < dq->n && !strcmp(dq->items[k + same].layer, it->layer) &&
               !strcmp(dq->items[k + same].problem, it->problem))
            same++;
        if (same > 1)
            tf_buf_printf(b, "  %s: %zu features: %s; %s\n", it->layer, same, it->problem, it->action);
        else if (it->fid >= 0)
            tf_buf_printf(b, "  %s: feature %lld: %s; %s\n", it->layer, (long long)it->fid, it->problem, it->action);
        else
            tf_buf_printf(b, "  %s: %s; %s\n", it->layer, it->problem, it->action);
        k += same;
    }
}

/* The indicators' own files, as validate reports them: the tables, then
 * the rasters. */
static taafi_status check_own_sources(taafi_ctx *ctx, const taafi_project *p, int epsg, tf_buf *b)
{
    size_t i;
    taafi_status st;
    for (int kind = TF_OWN_TABLE; kind <= TF_OWN_RASTER; kind++)
        for (i = 0; i < p->n_inds; i++) {
            const tf_family *fam = tf_family_of(p->inds[i].type);
            if (fam && (int)fam->own_source == kind && fam->check_source &&
                (st = fam->check_source(ctx, &p->inds[i], epsg, b)))
                return st;
        }
    return TAAFI_OK;
}

/* A round's own inputs: each opens (the layers with their CRS). */
static taafi_status check_round(taafi_ctx *ctx, const tf_round *rd, tf_buf *b)
{
    tf_vsource src = {0};
    OGRSpatialReferenceH srs;
    size_t k;
    taafi_status st;
    tf_buf_printf(b, "round %s%s%s:\n", rd->name, rd->date ? " " : "", rd->date ? rd->date : "");
    for (k = 0; k < rd->n_layers; k++) {
        if ((st = tf_source_open(ctx, &rd->layers[k], &src)) || (st = tf_source_srs(ctx, &src, &srs))) {
            tf_source_close(&src);
            return st;
        }
        tf_buf_printf(b, "  layer %s: %s, %lld features\n", rd->layers[k].role, rd->layers[k].path,
                      (long long)OGR_L_GetFeatureCount(src.layer, TRUE));
        tf_source_close(&src);
    }
    for (k = 0; k < rd->n_sources; k++) {
        GDALDatasetH ds = GDALOpenEx(rd->sources[k], GDAL_OF_READONLY, NULL, NULL, NULL);
        if (!ds)
            return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open the source of %s for round %s: %s", rd->sources[k],
                            rd->source_ids[k], rd->name, tf_lib_error(ctx));
        GDALClose(ds);
        tf_buf_printf(b, "  %s: %s\n", rd->source_ids[k], rd->sources[k]);
    }
    if (rd->shared_all)
        tf_buf_printf(b, "  shares every other input\n");
    for (k = 0; k < rd->n_shared; k++)
        tf_buf_printf(b, "  shares %s\n", rd->shared[k]);
    return TAAFI_OK;
}

/* The areas: their source described, read as a run reads them. */
static taafi_status check_areas(taafi_ctx *ctx, const taafi_project *p, tf_dq *dq, tf_areas **a, tf_buf *b)
{
    tf_vsource src = {0};
    taafi_status st;
    tf_buf_printf(b, "areas:\n");
    if ((st = tf_source_open(ctx, &p->areas, &src)))
        return st;
    tf_source_describe(b, &src);
    tf_source_close(&src);
    if ((st = tf_areas_load(ctx, p, dq, ignore_file, NULL, a)))
        return st;
    tf_buf_printf(b, "  %zu areas with id field %s", (*a)->n, p->area_id);
    if (p->area_name)
        tf_buf_printf(b, ", names in %s", p->area_name);
    if (p->area_name_ar)
        tf_buf_printf(b, " and %s", p->area_name_ar);
    tf_buf_printf(b, "\n  analysis CRS EPSG:%d%s\n", (*a)->epsg, p->crs_epsg ? "" : " (auto: UTM zone of the areas)");
    return TAAFI_OK;
}

/* The street network built as a run builds it (its streets lines, its
 * fields there, its closures' layers and filters good), with each
 * scenario's closures; its notes into dq. */
static taafi_status check_network(taafi_ctx *ctx, const taafi_project *p, const tf_areas *a, tf_dq *dq, tf_buf *b)
{
    tf_network *n = NULL;
    size_t s;
    taafi_status st = tf_network_build(ctx, p, a, dq, ignore_file, NULL, &n);
    for (s = 0; s < p->n_scenarios && !st; s++)
        if (p->scenarios[s].network)
            st = tf_network_add_closures(ctx, p, a, n, p->scenarios[s].network, p->scenarios[s].name, dq,
                                         ignore_file, NULL);
    if (!st)
        tf_buf_printf(b, "network: %zu street segments between %zu nodes%s\n", tf_network_edges(n),
                      tf_network_nodes(n), tf_network_closures(n, NULL) ? ", some closed" : "");
    tf_network_free(ctx, n);
    return st;
}

taafi_status taafi_project_validate(taafi_ctx *ctx, const taafi_project *p, char **report_out)
{
    tf_enter(ctx);
    tf_buf b = {0};
    taafi_result scan;
    tf_dq dq = {0};
    tf_areas *a = NULL;
    taafi_status st;
    size_t i;
    if (!ctx || !p || !report_out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_validate: NULL argument") : TAAFI_ERR_USAGE;
    *report_out = NULL;
    memset(&scan, 0, sizeof scan);
    tf_gdal_enter(ctx);
    tf_buf_printf(&b, "project %s%s%s%s\n", p->path, p->name ? " (" : "", p->name ? p->name : "", p->name ? ")" : "");
    if ((st = check_areas(ctx, p, &dq, &a, &b)))
        goto done;
    /* the layers scanned as a pass reads them, into a result of the areas */
    scan.ctx = ctx;
    scan.project = p;
    scan.areas = a;
    scan.dq = dq; /* the areas' notes first */
    memset(&dq, 0, sizeof dq);
    for (i = 0; i < p->n_layers; i++)
        if ((st = check_layer(ctx, p, i, a, &b)) || (st = tf_scan_layer(ctx, &scan, i)))
            goto done;
    /* every round's own inputs open too, and none is missing */
    if ((st = check_own_sources(ctx, p, a->epsg, &b)) || (st = tf_rounds_check(ctx, p)) ||
        (p->network.layer >= 0 && (st = check_network(ctx, p, a, &scan.dq, &b))))
        goto done;
    for (i = 0; i < p->n_rounds; i++)
        if ((st = check_round(ctx, &p->rounds[i], &b)))
            goto done;
    tf_buf_printf(&b, "indicators: %zu declared\n", p->n_inds);
    print_notes(&b, &scan.dq);
    tf_buf_printf(&b, "ok: every input opens and has what the indicators need\n");
done:
    if (st)
        tf_buf_printf(&b, "problem: %s\n", taafi_ctx_message(ctx));
    tf_areas_free(ctx, a);
    tf_dq_free(&dq);
    tf_dq_free(&scan.dq);
    tf_gdal_leave(ctx);
    if (b.failed) {
        tf_buf_free(&b);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory writing the report");
    }
    *report_out = b.s;
    return st;
}
