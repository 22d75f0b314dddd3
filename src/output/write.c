/* write.c: writes every output of a result, all or nothing. */
#include "outfile.h"
#include "stage.h"
#include "rounds/rounds.h"
#include "core/parallel.h"
#include "writers.h"
#include "meta.h"
#include "families/indicator.h"
#include "io/inputs.h"

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
    N_OUT
};

/* The service gaps' and the areas' GeoJSON are the slowest files to write
 * (GDAL's GeoJSON writer: a json-c object and two snprintf per
 * coordinate; with real boundaries, seconds at country scale).  With two
 * workers or more and SPLIT_MIN features or more, each is written in
 * pieces of consecutive features side by side, then the pieces are joined
 * into the bytes of the whole (join_pieces). */
#define SPLIT_MIN 16
#define MAX_PIECES 16

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
    int cov = p->out_geojson && tf_project_makes_facility_layers(p);
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

/* No output name in dir is one of the inputs (whatever --overwrite says). */
static taafi_status check_not_inputs(taafi_ctx *ctx, const tf_inputs *in, const char *dir, const char **names)
{
    taafi_status st = TAAFI_OK;
    int i;
    for (i = 0; i < N_OUT && !st; i++) {
        char *path = names[i] ? tf_sprintf("%s/%s", dir, names[i]) : NULL;
        const char *role = path ? tf_inputs_find(in, path) : NULL;
        if (role)
            st = tf_error(ctx, TAAFI_ERR_USAGE,
                          "%s: is %s, and an output of this run has that name; taafi never writes over its inputs, "
                          "whatever --overwrite says: write into another folder (-o), or move the input out of it",
                          path, role);
        else if (names[i] && !path)
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        tf_free(path);
    }
    return st;
}

taafi_status taafi_project_check_outputs(taafi_ctx *ctx, const taafi_project *p, const char *dir, unsigned flags)
{
    tf_enter(ctx);
    tf_inputs in;
    taafi_status st;
    if (!ctx || !p || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_check_outputs: no output folder") : TAAFI_ERR_USAGE;
    if ((st = tf_inputs_collect(ctx, p, &in)))
        return st;
    st = tf_check_outputs(ctx, p, dir, flags, &in);
    tf_inputs_free(&in);
    return st;
}

taafi_status tf_check_outputs(taafi_ctx *ctx, const taafi_project *p, const char *dir, unsigned flags,
                              const tf_inputs *in)
{
    const char *names[N_OUT];
    char meta[256];
    struct stat sb;
    int i;
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
    return check_not_inputs(ctx, in, dir, names);
}

taafi_status taafi_project_check_output_file(taafi_ctx *ctx, const taafi_project *p, const char *path,
                                             unsigned flags)
{
    tf_enter(ctx);
    struct stat sb;
    tf_inputs in;
    const char *role;
    taafi_status st;
    if (!ctx || !p || !path || !*path)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_check_output_file: NULL argument")
                   : TAAFI_ERR_USAGE;
    if ((st = tf_inputs_collect(ctx, p, &in)))
        return st;
    if ((role = tf_inputs_find(&in, path)))
        st = tf_error(ctx, TAAFI_ERR_USAGE,
                      "%s: is %s; taafi never writes over its inputs, whatever --overwrite says: choose another file",
                      path, role);
    else if (!(flags & TAAFI_WRITE_OVERWRITE) && lstat(path, &sb) == 0)
        st = tf_error(ctx, TAAFI_ERR_EXISTS, "%s: exists; pass --overwrite to replace it", path);
    tf_inputs_free(&in);
    return st;
}

/* A piece of a split GeoJSON: features [i0, i1) of output `out`. */
typedef struct piece {
    int out; /* OUT_GEOJSON or OUT_GAPS */
    size_t i0, i1;
    unsigned char *buf; /* the piece's document (VSIFree), made by its item */
    size_t len;
} piece;

typedef struct write_job {
    const taafi_result *r;
    const tf_rounds *rounds; /* a rounds result's tables, or NULL */
    const tf_outfile *out;
    piece pieces[2 * MAX_PIECES];
    size_t n_pieces;
    size_t first[N_OUT], count[N_OUT]; /* output i's pieces: count of them from first (0: written whole) */
    /* the items in the order they are handed out: a piece p as -1 - p,
     * an output written whole as its OUT_ number */
    int item[2 * MAX_PIECES + N_OUT];
    size_t n_items;
} write_job;

/* Orders the items `list` (n, biggest first) for `workers` workers:
 * dealt out in turn into as many runs, one after the other, since
 * tf_parallel_for gives worker k the k-th run (stealing from the far end
 * of the longest when done): each worker starts with big items and ends
 * with small ones, so that none is left alone with a big one at the end. */
static void deal(write_job *j, const int *list, size_t n, int workers)
{
    size_t w, k;
    j->n_items = 0;
    for (w = 0; w < (size_t)workers; w++)
        for (k = w; k < n; k += (size_t)workers)
            j->item[j->n_items++] = list[k];
}

/* The parts of the GeoJSON FeatureCollection GDAL writes for a whole
 * layer, from those it wrote for consecutive pieces of it: the opening
 * (everything up to the features array, which must be the same bytes in
 * every piece), each piece's features separated by ",\n", the closing
 * "\n]\n}\n".  Parts point into the pieces: *n_out of them, at most
 * 2 * n + 1.  0 when the documents are not shaped so (another GDAL):
 * then the caller writes the layer whole. */
static int join_pieces(const piece *ps, size_t n, const void **part, size_t *part_len, size_t *n_out)
{
    static const char open_mark[] = "\"features\": [\n", close_mark[] = "\n]\n}\n";
    size_t lo = sizeof open_mark - 1, lc = sizeof close_mark - 1, head, k, m = 0;
    const unsigned char *a = ps[0].buf;
    size_t na = ps[0].len;
    if (na < lo + lc)
        return 0;
    /* the buffers are not NUL-terminated: a bounded search */
    for (head = 0; head + lo <= na && memcmp(a + head, open_mark, lo); head++)
        ;
    if (head + lo > na)
        return 0;
    head += lo;
    part[m] = a;
    part_len[m++] = head;
    for (k = 0; k < n; k++) {
        const unsigned char *b = ps[k].buf;
        size_t nb = ps[k].len;
        /* every piece holds a feature: its features start with '{' */
        if (nb <= head + lc || memcmp(a, b, head) || memcmp(b + nb - lc, close_mark, lc) || b[head] != '{')
            return 0;
        if (k) {
            part[m] = ",\n";
            part_len[m++] = 2;
        }
        part[m] = b + head;
        part_len[m++] = nb - lc - head + (k + 1 == n ? lc : 0); /* the last keeps the closing */
    }
    *n_out = m;
    return 1;
}

/* Plans the pieces of output `o` (n features) for `threads` workers:
 * two per worker, so that the workers end close together (a piece cannot
 * be shared), none under eight features. */
static void plan_pieces(write_job *j, int o, size_t n, int threads)
{
    size_t k, count = (size_t)threads * 2;
    if (count > MAX_PIECES)
        count = MAX_PIECES;
    if (count > n / 8)
        count = n / 8;
    j->first[o] = j->n_pieces;
    j->count[o] = count;
    for (k = 0; k < count; k++) {
        piece *pc = &j->pieces[j->n_pieces++];
        pc->out = o;
        pc->i0 = n * k / count;
        pc->i1 = n * (k + 1) / count;
    }
}

/* One output file, to its temporary name. */
static taafi_status write_one(taafi_ctx *wctx, tf_worker *w, size_t k, void *user)
{
    static const char *const meta_layers[3] = {"areas", "service_gaps", "facilities"};
    write_job *j = user; /* each item writes only its own piece */
    const taafi_result *r = j->r;
    int i;
    const char *path;
    char *json = NULL;
    taafi_status st = TAAFI_OK;
    double t0 = tf_seconds();
    (void)w;
    if (j->item[k] < 0) {
        piece *pc = &j->pieces[-1 - j->item[k]];
        st = pc->out == OUT_GAPS ? tf_geojson_gaps_bytes(wctx, r, pc->i0, pc->i1, &pc->buf, &pc->len)
                                 : tf_geojson_areas_bytes(wctx, r, pc->i0, pc->i1, &pc->buf, &pc->len);
        if (!st)
            tf_log(wctx, TAAFI_LOG_DEBUG, "time: %s: features %zu-%zu rendered in %.3f s", j->out[pc->out].final,
                   pc->i0, pc->i1 - 1, tf_seconds() - t0);
        return st;
    }
    i = j->item[k];
    path = j->out[i].tmp;
    tf_gdal_enter(wctx); /* GDAL's error handlers are per thread */
    switch (i) {
    case OUT_GPKG:
        st = tf_write_gpkg(wctx, r, j->rounds, path);
        break;
    case OUT_GEOJSON:
        st = tf_write_geojson(wctx, r, path);
        break;
    case OUT_GAPS:
        st = tf_write_geojson_gaps(wctx, r, path);
        break;
    case OUT_CHANGE:
        st = tf_write_geojson_change(wctx, r, j->rounds, path);
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
    tf_free(json);
    tf_gdal_leave(wctx);
    if (!st)
        st = tf_sync_file(wctx, path);
    if (!st)
        tf_log(wctx, TAAFI_LOG_DEBUG, "time: %s written in %.3f s", j->out[i].final, tf_seconds() - t0);
    return st;
}

/* Item k after the pieces are made: the split file j->item[k], its pieces
 * written into it in order (or, should they not join, the file whole). */
static taafi_status join_one(taafi_ctx *wctx, tf_worker *w, size_t k, void *user)
{
    const write_job *j = user;
    int i = j->item[k];
    size_t n_parts = 0;
    const void *part[2 * MAX_PIECES + 1];
    size_t part_len[2 * MAX_PIECES + 1];
    double t0 = tf_seconds();
    taafi_status st;
    (void)w;
    tf_gdal_enter(wctx);
    if (join_pieces(j->pieces + j->first[i], j->count[i], part, part_len, &n_parts))
        st = tf_write_parts(wctx, j->out[i].tmp, part, part_len, n_parts);
    else {
        tf_log(wctx, TAAFI_LOG_DEBUG, "%s: the pieces GDAL wrote do not join; written whole", j->out[i].final);
        st = i == OUT_GAPS ? tf_write_geojson_gaps(wctx, j->r, j->out[i].tmp)
                           : tf_write_geojson(wctx, j->r, j->out[i].tmp);
    }
    tf_gdal_leave(wctx);
    if (!st)
        st = tf_sync_file(wctx, j->out[i].tmp);
    if (!st)
        tf_log(wctx, TAAFI_LOG_DEBUG, "time: %s joined from %zu pieces in %.3f s", j->out[i].final, j->count[i],
               tf_seconds() - t0);
    return st;
}

taafi_status taafi_result_write(taafi_ctx *ctx, const taafi_result *r, const char *dir, unsigned flags)
{
    tf_enter(ctx);
    return tf_output_write(ctx, r, NULL, dir, flags);
}

/* The files are independent: written side by side on ctx->threads
 * workers, each with its own context (GEOS, PROJ, GDAL error handler); the
 * result is only read.  Each file's bytes never depend on which worker
 * wrote it. */
static taafi_status write_all(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, tf_outfile *out)
{
    static const tf_parallel_ops ops = {NULL, write_one, NULL};
    write_job j = {.r = r, .rounds = rounds, .out = out};
    int list[2 * MAX_PIECES + N_OUT], i;
    size_t g, n = 0, q;
    taafi_status st;
    /* the geometries made since the areas: their sequences' dimension
     * worked out now, so that the writers only read it (see areas.c) */
    for (g = 0; g < r->n_gaps; g++)
        if (r->gaps[g].geom)
            GEOSGeom_getCoordinateDimension_r(ctx->geos, r->gaps[g].geom);
    for (g = 0; g < r->n_facilities; g++)
        if (r->facilities[g].pt)
            GEOSGeom_getCoordinateDimension_r(ctx->geos, r->facilities[g].pt);
    if (ctx->threads > 1 && out[OUT_GAPS].tmp && r->n_gaps >= SPLIT_MIN)
        plan_pieces(&j, OUT_GAPS, r->n_gaps, ctx->threads);
    if (ctx->threads > 1 && out[OUT_GEOJSON].tmp && r->areas->n >= SPLIT_MIN)
        plan_pieces(&j, OUT_GEOJSON, r->areas->n, ctx->threads);
    /* biggest first: the GeoPackage, the pieces, the other files (in the
     * order of the OUT_ numbers, the bigger first) */
    if (out[OUT_GPKG].tmp)
        list[n++] = OUT_GPKG;
    for (q = 0; q < j.n_pieces; q++)
        list[n++] = -1 - (int)q;
    for (i = OUT_GPKG + 1; i < N_OUT; i++)
        if (out[i].tmp && !j.count[i])
            list[n++] = i;
    deal(&j, list, n, ctx->threads < (int)n ? ctx->threads : (int)n);
    st = tf_parallel_for_stage(ctx, "writing", j.n_items, &ops, &j);
    /* each split file: its pieces joined, in order (the files side by
     * side: writing them out is a copy of tens of MB each with real
     * boundaries) */
    if (!st && j.n_pieces) {
        static const tf_parallel_ops join_ops = {NULL, join_one, NULL};
        j.n_items = 0;
        for (i = 0; i < N_OUT; i++)
            if (j.count[i])
                j.item[j.n_items++] = i;
        st = tf_parallel_for(ctx, j.n_items, &join_ops, &j);
    }
    for (q = 0; q < j.n_pieces; q++)
        VSIFree(j.pieces[q].buf);
    return st;
}

taafi_status tf_output_write(taafi_ctx *ctx, const taafi_result *r, const tf_rounds *rounds, const char *dir,
                             unsigned flags)
{
    tf_outfile out[N_OUT] = {{0}};
    const char *names[N_OUT];
    char meta[256];
    taafi_status st = TAAFI_OK;
    int i;
    if (!ctx || !r || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_result_write: no output folder") : TAAFI_ERR_USAGE;
    output_names(r->project, rounds != NULL && rounds->n_rounds > 1, names, meta);
    if ((st = tf_mkdirs(ctx, dir)))
        return st;
    tf_sweep_dead_temps(dir); /* what a killed writer left here */
    /* Every name is checked before anything is written. */
    for (i = 0; i < N_OUT && !st; i++)
        if (names[i])
            st = tf_outfile_plan(ctx, dir, names[i], flags & TAAFI_WRITE_OVERWRITE, &out[i]);
    /* Last chance to stop: after this, every output is replaced. */
    if (!st && !(st = write_all(ctx, r, rounds, out)))
        st = tf_check_interrupt(ctx);
    for (i = 0; i < N_OUT && !st; i++)
        if (out[i].tmp)
            st = tf_outfile_commit(ctx, &out[i]);
    for (i = 0; i < N_OUT && !st; i++)
        if (out[i].final)
            tf_log(ctx, TAAFI_LOG_INFO, "wrote %s", out[i].final);
    for (i = 0; i < N_OUT; i++)
        tf_outfile_discard(&out[i]);
    return st;
}
