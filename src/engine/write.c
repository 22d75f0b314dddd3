/* write.c: writes every output of a result, all or nothing. */
#include "../io/outfile.h"
#include "../engine/rounds.h"
#include "../core/parallel.h"
#include "../io/writers.h"
#include "../publish/meta.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
    OUT_GPKG,
    OUT_GEOJSON,
    OUT_CSV_AREAS,
    OUT_CSV_INDICATORS,
    OUT_GAPS,
    OUT_FACILITIES,
    OUT_META_AREAS,
    OUT_META_GAPS,
    OUT_META_FACILITIES,
    OUT_CHANGE,
    N_OUT
};

/* "areas.meta.json" beside "areas.geojson" (whatever the project calls
 * it): the name without its last extension, plus ".meta.json". */
static void meta_name(const char *geojson, char *out, size_t size)
{
    const char *dot = strrchr(geojson, '.');
    int len = dot ? (int)(dot - geojson) : (int)strlen(geojson);
    snprintf(out, size, "%.*s.meta.json", len, geojson);
}

/* rounds: whether change.geojson is written (a rounds result) */
static void output_names(const taafi_project *p, int rounds, const char *names[N_OUT], char meta[256])
{
    names[OUT_CHANGE] = p->out_geojson && rounds ? "change.geojson" : NULL;
    int cov = p->out_geojson && tf_project_has_type(p, TF_IND_COVERAGE);
    if (p->out_geojson)
        meta_name(p->out_geojson, meta, 256);
    names[OUT_META_AREAS] = p->out_geojson ? meta : NULL;
    names[OUT_META_GAPS] = cov ? "service_gaps.meta.json" : NULL;
    names[OUT_META_FACILITIES] = cov ? "facilities.meta.json" : NULL;
    names[OUT_GAPS] = cov ? "service_gaps.geojson" : NULL;
    names[OUT_FACILITIES] = cov ? "facilities.geojson" : NULL;
    names[OUT_GPKG] = p->out_gpkg;
    names[OUT_GEOJSON] = p->out_geojson;
    names[OUT_CSV_AREAS] = p->out_csv ? "areas.csv" : NULL;
    names[OUT_CSV_INDICATORS] = p->out_csv ? "indicators.csv" : NULL;
}

taafi_status taafi_project_check_outputs(taafi_ctx *ctx, const taafi_project *p, const char *dir, unsigned flags)
{
    const char *names[N_OUT];
    char meta[256];
    struct stat sb;
    int i;
    if (!ctx || !p || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_check_outputs: no output folder") : TAAFI_ERR_USAGE;
    if (stat(dir, &sb) != 0)
        return TAAFI_OK; /* made when writing */
    if (!S_ISDIR(sb.st_mode))
        return tf_error(ctx, TAAFI_ERR_IO, "%s: exists and is not a folder; choose another output folder", dir);
    if (access(dir, W_OK) != 0)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: the output folder is not writable: %s", dir, strerror(errno));
    output_names(p, p->n_rounds > 1, names, meta);
    for (i = 0; i < N_OUT; i++) {
        tf_outfile o = {0};
        taafi_status st;
        if (names[i] && (st = tf_outfile_plan(ctx, dir, names[i], flags & TAAFI_WRITE_OVERWRITE, &o)))
            return st;
        tf_outfile_discard(&o);
    }
    return TAAFI_OK;
}

typedef struct write_job {
    const taafi_result *r;
    const tf_outfile *out;
    int which[N_OUT]; /* the outputs to write, biggest first */
    size_t n;
} write_job;

/* One output file, to its temporary name. */
static taafi_status write_one(taafi_ctx *wctx, tf_worker *w, size_t k, void *user)
{
    static const char *const meta_layers[3] = {"areas", "service_gaps", "facilities"};
    const write_job *j = user;
    const taafi_result *r = j->r;
    int i = j->which[k];
    const char *path = j->out[i].tmp;
    char *json = NULL;
    taafi_status st = TAAFI_OK;
    double t0 = tf_seconds();
    (void)w;
    tf_gdal_enter(wctx); /* GDAL's error handlers are per thread */
    switch (i) {
    case OUT_GPKG:
        st = tf_write_gpkg(wctx, r, path);
        break;
    case OUT_GEOJSON:
        st = tf_write_geojson(wctx, r, path);
        break;
    case OUT_GAPS:
        if (r->gaps_geojson && !r->rounds && !r->view)
            st = tf_write_bytes(wctx, path, r->gaps_geojson, r->gaps_geojson_len);
        else
            st = tf_write_geojson_gaps(wctx, r, path);
        break;
    case OUT_CHANGE:
        st = tf_write_geojson_change(wctx, r, path);
        break;
    case OUT_FACILITIES:
        st = tf_write_geojson_facilities(wctx, r, path);
        break;
    case OUT_META_AREAS:
    case OUT_META_GAPS:
    case OUT_META_FACILITIES:
        if (!(st = tf_meta_json(wctx, r, meta_layers[i - OUT_META_AREAS], &json)))
            st = tf_write_bytes(wctx, path, json, strlen(json));
        break;
    case OUT_CSV_AREAS:
        st = tf_write_csv_areas(wctx, r, path, r->project->out_csv_bom);
        break;
    case OUT_CSV_INDICATORS:
        st = tf_write_csv_indicators(wctx, r, path, r->project->out_csv_bom);
        break;
    default:
        st = tf_error(wctx, TAAFI_ERR_INTERNAL, "no writer for output %d", i);
    }
    free(json);
    tf_gdal_leave(wctx);
    if (!st)
        tf_log(wctx, TAAFI_LOG_DEBUG, "time: %s written in %.3f s", j->out[i].final, tf_seconds() - t0);
    return st;
}

taafi_status taafi_result_write(taafi_ctx *ctx, const taafi_result *r, const char *dir, unsigned flags)
{
    const taafi_project *p;
    tf_outfile out[N_OUT] = {{0}};
    const char *names[N_OUT];
    char meta[256];
    taafi_status st = TAAFI_OK;
    int i;
    if (!ctx || !r || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_result_write: no output folder") : TAAFI_ERR_USAGE;
    p = r->project;
    output_names(p, r->rounds != NULL && r->rounds->n_rounds > 1, names, meta);
    if ((st = tf_mkdirs(ctx, dir)))
        return st;
    /* Every name is checked before anything is written. */
    for (i = 0; i < N_OUT; i++)
        if (names[i] && (st = tf_outfile_plan(ctx, dir, names[i], flags & TAAFI_WRITE_OVERWRITE, &out[i])))
            goto done;
    /* The files are independent: written side by side on ctx->threads
     * workers, each with its own context (GEOS, PROJ, GDAL error handler);
     * the result is only read.  Each file's bytes never depend on which
     * worker wrote it. */
    {
        static const tf_parallel_ops ops = {NULL, write_one, NULL};
        write_job j = {r, out, {0}, 0};
        size_t g;
        /* the geometries made since the areas: their sequences' dimension
         * worked out now, so that the writers only read it (see areas.c) */
        for (g = 0; g < r->n_gaps; g++)
            if (r->gaps[g].geom)
                GEOSGeom_getCoordinateDimension_r(ctx->geos, r->gaps[g].geom);
        for (g = 0; g < r->n_facilities; g++)
            if (r->facilities[g].pt)
                GEOSGeom_getCoordinateDimension_r(ctx->geos, r->facilities[g].pt);
        for (i = 0; i < N_OUT; i++)
            if (out[i].tmp)
                j.which[j.n++] = i;
        if ((st = tf_parallel_for_stage(ctx, "writing", j.n, &ops, &j)))
            goto done;
    }
    /* Last chance to stop: after this, every output is replaced. */
    if ((st = tf_check_interrupt(ctx)))
        goto done;
    for (i = 0; i < N_OUT; i++)
        if (out[i].tmp && (st = tf_outfile_commit(ctx, &out[i])))
            goto done;
    for (i = 0; i < N_OUT; i++)
        if (out[i].final)
            tf_log(ctx, TAAFI_LOG_INFO, "wrote %s", out[i].final);
done:
    for (i = 0; i < N_OUT; i++)
        tf_outfile_discard(&out[i]);
    return st;
}
