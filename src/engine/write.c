/* write.c: writes every output of a result, all or nothing. */
#include "../io/outfile.h"
#include "../engine/rounds.h"
#include "../core/parallel.h"
#include "../io/writers.h"
#include "../publish/meta.h"

#include <cpl_vsi.h>
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
    OUT_GAPS_TAIL, /* not a file: the second half of service_gaps.geojson */
    N_OUT
};

/* service_gaps.geojson is the slowest file to write (GDAL's GeoJSON
 * writer); with this many gaps or more and two workers or more, its two
 * halves are written side by side and joined. */
#define SPLIT_GAPS 64

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
    names[OUT_GAPS_TAIL] = NULL; /* no file of its own */
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
    /* split gaps: each half's GeoJSON (VSIFree), written by its item */
    int split;
    unsigned char *half[2];
    size_t half_len[2];
} write_job;

/* Joins two GeoJSON FeatureCollections GDAL wrote for the two halves of a
 * layer into the one it writes for the whole: the first without its
 * closing "\n]\n}\n", a feature separator, the second without its
 * opening (everything up to the features array), which must be the same
 * bytes as the first's.  0 when the documents are not shaped so (another
 * GDAL): then the caller writes the layer whole. */
static int join_halves(const unsigned char *a, size_t na, const unsigned char *b, size_t nb, tf_buf *out)
{
    static const char open_mark[] = "\"features\": [\n", close_mark[] = "\n]\n}\n";
    size_t lo = sizeof open_mark - 1, lc = sizeof close_mark - 1, head;
    if (na < lo + lc || nb < lo + lc)
        return 0;
    /* the buffers are not NUL-terminated: a bounded search */
    for (head = 0; head + lo <= na && memcmp(a + head, open_mark, lo); head++)
        ;
    if (head + lo > na)
        return 0;
    head += lo;
    if (nb <= head + lc || memcmp(a, b, head) || memcmp(a + na - lc, close_mark, lc) ||
        memcmp(b + nb - lc, close_mark, lc) || a[head] != '{' || b[head] != '{')
        return 0;
    out->len = (na - lc) + 2 + (nb - head);
    if (!(out->s = malloc(out->len)))
        return 0;
    memcpy(out->s, a, na - lc);
    memcpy(out->s + (na - lc), ",\n", 2);
    memcpy(out->s + (na - lc) + 2, b + head, nb - head);
    return 1;
}

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
    case OUT_GAPS_TAIL:
        if (j->split) { /* a half, joined after the stage */
            size_t h = r->n_gaps / 2, x = i == OUT_GAPS_TAIL;
            write_job *jw = (write_job *)j; /* each item its own slot */
            st = tf_geojson_gaps_bytes(wctx, r, x ? h : 0, x ? r->n_gaps : h, &jw->half[x], &jw->half_len[x]);
        } else if (r->gaps_geojson && !r->rounds && !r->view)
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
        tf_log(wctx, TAAFI_LOG_DEBUG, "time: %s%s in %.3f s", j->out[i == OUT_GAPS_TAIL ? OUT_GAPS : i].final,
               j->split && (i == OUT_GAPS || i == OUT_GAPS_TAIL) ? "'s half rendered" : " written",
               tf_seconds() - t0);
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
        write_job j = {.r = r, .out = out};
        size_t g;
        /* the geometries made since the areas: their sequences' dimension
         * worked out now, so that the writers only read it (see areas.c) */
        for (g = 0; g < r->n_gaps; g++)
            if (r->gaps[g].geom)
                GEOSGeom_getCoordinateDimension_r(ctx->geos, r->gaps[g].geom);
        for (g = 0; g < r->n_facilities; g++)
            if (r->facilities[g].pt)
                GEOSGeom_getCoordinateDimension_r(ctx->geos, r->facilities[g].pt);
        j.split = out[OUT_GAPS].tmp && ctx->threads > 1 && r->n_gaps >= SPLIT_GAPS && !r->gaps_geojson &&
                  !r->rounds && !r->view;
        /* the gaps' first half first, its second half at the head of the
         * second worker's run (parallel.c) */
        if (j.split)
            j.which[j.n++] = OUT_GAPS;
        for (i = 0; i < N_OUT; i++)
            if (out[i].tmp && !(j.split && i == OUT_GAPS))
                j.which[j.n++] = i;
        if (j.split) {
            size_t at = (j.n + 2) / 2, m;
            for (m = j.n; m > at; m--)
                j.which[m] = j.which[m - 1];
            j.which[at] = OUT_GAPS_TAIL;
            j.n++;
        }
        st = tf_parallel_for_stage(ctx, "writing", j.n, &ops, &j);
        if (!st && j.split) {
            tf_buf whole = {0};
            double t0 = tf_seconds();
            tf_gdal_enter(ctx);
            if (join_halves(j.half[0], j.half_len[0], j.half[1], j.half_len[1], &whole))
                st = tf_write_bytes(ctx, out[OUT_GAPS].tmp, whole.s, whole.len);
            else {
                tf_log(ctx, TAAFI_LOG_DEBUG, "service gaps: the halves GDAL wrote do not join; written whole");
                st = tf_write_geojson_gaps(ctx, r, out[OUT_GAPS].tmp);
            }
            tf_gdal_leave(ctx);
            tf_buf_free(&whole);
            if (!st)
                tf_log(ctx, TAAFI_LOG_DEBUG, "time: %s joined in %.3f s", out[OUT_GAPS].final, tf_seconds() - t0);
        }
        VSIFree(j.half[0]);
        VSIFree(j.half[1]);
        if (st)
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
