/*
 * ctx.c: the context, its error message and log, and the routing of GDAL's,
 * GEOS's and PROJ's own messages into it.
 */
#define _DEFAULT_SOURCE /* realpath */
#include "core.h"

#include <cpl_error.h>
#include <gdal.h>
#include <geos_c.h>
#include <proj.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yaml.h>

const char *taafi_version(void) { return TAAFI_VERSION_STRING; }

const char *taafi_status_string(taafi_status status)
{
    switch (status) {
    case TAAFI_OK: return "ok";
    case TAAFI_ERR_USAGE: return "bad argument";
    case TAAFI_ERR_PROJECT: return "error in the project file";
    case TAAFI_ERR_IO: return "cannot read or write a file";
    case TAAFI_ERR_DATA: return "input data cannot be used";
    case TAAFI_ERR_CRS: return "coordinate reference system problem";
    case TAAFI_ERR_GEOM: return "geometry operation failed";
    case TAAFI_ERR_EXISTS: return "output exists";
    case TAAFI_ERR_NOMEM: return "out of memory";
    case TAAFI_ERR_INTERNAL: return "internal error";
    case TAAFI_ERR_INTERRUPTED: return "interrupted";
    }
    return "unknown status";
}

void taafi_versions(char *buf, size_t size)
{
    PJ_INFO pi = proj_info();
    snprintf(buf, size, "taafi %s (GDAL %s, GEOS %s, PROJ %s, SQLite %s, libyaml %s)", TAAFI_VERSION_STRING,
             GDALVersionInfo("RELEASE_NAME"), GEOSversion(), pi.version, sqlite3_libversion(),
             yaml_get_version_string());
}

static void copy_msg(char *dst, size_t size, const char *src)
{
    size_t n = strlen(src);
    if (n >= size)
        n = size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
    /* Library messages often end in a newline; ours never do. */
    while (n > 0 && (dst[n - 1] == '\n' || dst[n - 1] == '\r'))
        dst[--n] = '\0';
}

/* GEOS calls these with the message already formatted; userdata is the
 * taafi_ctx that owns the handle. */
static void geos_error(const char *message, void *userdata)
{
    taafi_ctx *ctx = userdata;
    copy_msg(ctx->lib_err, sizeof ctx->lib_err, message);
}

static void geos_notice(const char *message, void *userdata)
{
    tf_log(userdata, TAAFI_LOG_DEBUG, "GEOS: %s", message);
}

static void proj_log(void *user, int level, const char *message)
{
    taafi_ctx *ctx = user;
    if (level == PJ_LOG_ERROR)
        copy_msg(ctx->lib_err, sizeof ctx->lib_err, message);
    else
        tf_log(ctx, TAAFI_LOG_DEBUG, "PROJ: %s", message);
}

static pthread_once_t gdal_once = PTHREAD_ONCE_INIT;

taafi_status taafi_ctx_new(taafi_ctx **out) { return taafi_ctx_new_with_allocator(NULL, out); }

taafi_status taafi_ctx_new_with_allocator(const taafi_allocator *alloc, taafi_ctx **out)
{
    taafi_ctx *ctx = NULL;
    if (!out || (alloc && (!alloc->malloc || !alloc->realloc || !alloc->free)))
        return TAAFI_ERR_USAGE;
    *out = NULL;
    tf_alloc_use(alloc);
    ctx = tf_calloc(1, sizeof *ctx);
    if (!ctx)
        return TAAFI_ERR_NOMEM;
    ctx->alloc = alloc;
    ctx->log_min = TAAFI_LOG_WARNING;
    ctx->threads = 1;
    ctx->geos = GEOS_init_r();
    if (!ctx->geos)
        goto fail;
    GEOSContext_setErrorMessageHandler_r(ctx->geos, geos_error, ctx);
    GEOSContext_setNoticeMessageHandler_r(ctx->geos, geos_notice, ctx);
    ctx->pj = proj_context_create();
    if (!ctx->pj)
        goto fail;
    proj_log_func(ctx->pj, ctx, proj_log);
    proj_log_level(ctx->pj, PJ_LOG_ERROR);
    /* GDAL's driver registry is process-wide and registering races when two
     * threads make their first contexts at once (a batch with --jobs): it
     * is done once, whichever thread comes first. */
    pthread_once(&gdal_once, GDALAllRegister);
    *out = ctx;
    return TAAFI_OK;
fail:
    taafi_ctx_free(ctx);
    return TAAFI_ERR_NOMEM;
}

void taafi_ctx_free(taafi_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->geos)
        GEOS_finish_r(ctx->geos);
    if (ctx->pj)
        proj_context_destroy(ctx->pj);
    if (ctx->alloc && tf_alloc_current() == ctx->alloc)
        tf_alloc_use(NULL); /* it need not outlive the context's objects */
    tf_free(ctx);
}

void tf_enter(const taafi_ctx *ctx)
{
    if (ctx)
        tf_alloc_use(ctx->alloc);
}

taafi_status tf_ctx_new_child(const taafi_ctx *parent, taafi_ctx **out)
{
    taafi_status st = taafi_ctx_new_with_allocator(parent->alloc, out);
    if (!st)
        tf_ctx_inherit(*out, parent);
    return st;
}

const char *taafi_ctx_message(const taafi_ctx *ctx) { return ctx ? ctx->msg : ""; }

void taafi_ctx_set_progress(taafi_ctx *ctx, taafi_progress_fn fn, void *user)
{
    if (!ctx)
        return;
    ctx->progress = fn;
    ctx->progress_user = user;
}

void tf_progress(taafi_ctx *ctx, const char *stage, uint64_t done, uint64_t total)
{
    if (ctx->progress)
        ctx->progress(stage, done, total, ctx->progress_user);
}

void taafi_ctx_set_threads(taafi_ctx *ctx, int threads)
{
    if (ctx)
        ctx->threads = threads < 1 ? 1 : threads > 256 ? 256 : threads;
}

void taafi_ctx_interrupt(taafi_ctx *ctx)
{
    if (ctx)
        ctx->interrupted = 1;
}

void taafi_ctx_clear_interrupt(taafi_ctx *ctx)
{
    if (ctx)
        ctx->interrupted = 0;
}

taafi_status tf_check_interrupt(taafi_ctx *ctx)
{
    if (!ctx->interrupted && !(ctx->root_interrupted && *ctx->root_interrupted))
        return TAAFI_OK;
    return tf_error(ctx, TAAFI_ERR_INTERRUPTED, "interrupted; outputs in progress were discarded, none was left half-written");
}

void taafi_ctx_set_log(taafi_ctx *ctx, taafi_log_level min_level, taafi_log_fn fn, void *user)
{
    if (!ctx)
        return;
    ctx->log = fn;
    ctx->log_user = user;
    ctx->log_min = min_level;
}

void tf_ctx_alias(taafi_ctx *ctx, const char *from, const char *to)
{
    ctx->alias_from = from && to ? from : NULL;
    ctx->alias_to = from && to ? to : NULL;
}

void tf_ctx_inherit(taafi_ctx *child, const taafi_ctx *parent)
{
    taafi_ctx_set_log(child, parent->log_min, parent->log, parent->log_user);
    tf_ctx_alias(child, parent->alias_from, parent->alias_to);
    child->root_interrupted = parent->root_interrupted ? parent->root_interrupted : &parent->interrupted;
}

/* Rewrites the alias's paths in `s` (see core.h); truncated to `size`. */
static void unalias(const taafi_ctx *ctx, char *s, size_t size)
{
    char out[TF_MSG_MAX];
    size_t n, o = 0;
    const char *p = s, *q;
    if (!ctx->alias_from || !strstr(s, ctx->alias_from))
        return;
    n = strlen(ctx->alias_from);
    while ((q = strstr(p, ctx->alias_from)) != NULL && o < sizeof out) {
        o += (size_t)snprintf(out + o, sizeof out - o, "%.*s%s", (int)(q - p), p, ctx->alias_to);
        p = q + n;
    }
    if (o < sizeof out)
        snprintf(out + o, sizeof out - o, "%s", p);
    snprintf(s, size, "%s", out);
}

taafi_status tf_error(taafi_ctx *ctx, taafi_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->msg, sizeof ctx->msg, fmt, ap);
    va_end(ap);
    unalias(ctx, ctx->msg, sizeof ctx->msg);
    return status;
}

void tf_log(taafi_ctx *ctx, taafi_log_level level, const char *fmt, ...)
{
    char line[TF_MSG_MAX];
    va_list ap;
    if (!ctx->log || level < ctx->log_min)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    unalias(ctx, line, sizeof line);
    ctx->log(level, line, ctx->log_user);
}

/* GDAL's handler stack is per thread, so pushing our handler with the
 * context as its user data keeps contexts on different threads apart. */
static void CPL_STDCALL gdal_handler(CPLErr cls, CPLErrorNum num, const char *message)
{
    taafi_ctx *ctx = CPLGetErrorHandlerUserData();
    (void)num;
    if (!ctx)
        return;
    if (cls == CE_Failure || cls == CE_Fatal)
        copy_msg(ctx->lib_err, sizeof ctx->lib_err, message);
    else if (cls == CE_Warning)
        tf_log(ctx, TAAFI_LOG_WARNING, "GDAL: %s", message);
    else
        tf_log(ctx, TAAFI_LOG_DEBUG, "GDAL: %s", message);
}

void tf_gdal_enter(taafi_ctx *ctx)
{
    if (ctx->gdal_depth++ == 0) {
        CPLPushErrorHandlerEx(gdal_handler, ctx);
        ctx->lib_err[0] = '\0';
    }
}

void tf_gdal_leave(taafi_ctx *ctx)
{
    if (ctx->gdal_depth > 0 && --ctx->gdal_depth == 0)
        CPLPopErrorHandler();
}

const char *tf_lib_error(const taafi_ctx *ctx) { return ctx->lib_err; }
void tf_lib_error_clear(taafi_ctx *ctx) { ctx->lib_err[0] = '\0'; }

char *tf_strdup_at(const char *s, const char *site)
{
    size_t n;
    char *d;
    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = tf_malloc_at(n, site);
    if (d)
        memcpy(d, s, n);
    return d;
}

char *tf_realpath(const char *path)
{
    char *libc = realpath(path, NULL), *copy = libc ? tf_strdup(libc) : NULL;
    free(libc); /* libc: realpath's */
    return copy;
}

char *tf_sprintf_at(const char *site, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *s;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    s = tf_malloc_at((size_t)n + 1, site);
    if (!s)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

/* Room for `more` bytes and a NUL after b->len; 0 when there is none (and
 * b->failed is set). */
static int buf_room(tf_buf *b, size_t more)
{
    if (b->failed)
        return 0;
    if (b->cap - b->len <= more) { /* len + more + 1 must fit */
        size_t cap = b->cap ? b->cap : 256;
        char *s;
        while (cap - b->len <= more) {
            if (cap > (size_t)-1 / 2) {
                b->failed = 1;
                return 0;
            }
            cap *= 2;
        }
        if (!(s = tf_realloc(b->s, cap))) {
            b->failed = 1;
            return 0;
        }
        b->s = s;
        b->cap = cap;
    }
    return 1;
}

void tf_buf_printf(tf_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (b->failed)
        return;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = 1;
        return;
    }
    if (!buf_room(b, (size_t)n))
        return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void tf_buf_append(tf_buf *b, const void *data, size_t len)
{
    if (!buf_room(b, len))
        return;
    memcpy(b->s + b->len, data, len);
    b->len += len;
    b->s[b->len] = '\0';
}

void tf_buf_free(tf_buf *b)
{
    tf_free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

void taafi_string_free(char *s) { tf_free(s); }

double tf_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org): seconds since 1970 that
 * stand for "now" in every output, so that two runs of the same project
 * give the same bytes; anything else than a plain number is ignored. */
int tf_source_date(time_t *out)
{
    const char *s = getenv("SOURCE_DATE_EPOCH");
    char *end;
    long long v;
    if (!s || !*s)
        return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end || v < 0)
        return 0;
    *out = (time_t)v;
    return 1;
}

void tf_utc_now(char out[32])
{
    time_t t;
    struct tm tm;
    if (!tf_source_date(&t))
        t = time(NULL);
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
