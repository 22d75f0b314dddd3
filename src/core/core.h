/*
 * core.h: the context, errors, logging and small helpers shared by every
 * module.  Private to libtaafi.
 */
#ifndef TAAFI_CORE_H
#define TAAFI_CORE_H

#include "taafi.h"
#include "alloc.h"

#include <geos_c.h>
#include <proj.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <time.h>

#define TF_MSG_MAX 2048

struct taafi_ctx {
    GEOSContextHandle_t geos; /* this context's own GEOS handle            */
    PJ_CONTEXT *pj;           /* this context's own PROJ context           */
    char msg[TF_MSG_MAX];     /* message of the last failed call           */
    char lib_err[1024];       /* last error GDAL/GEOS/PROJ reported to us  */
    taafi_log_fn log;
    void *log_user;
    taafi_log_level log_min;
    int gdal_depth; /* nesting of tf_gdal_enter(): push the handler once    */
    volatile sig_atomic_t interrupted; /* set by taafi_ctx_interrupt()     */
    /* a worker's: the flag of the context it works for (tf_ctx_inherit),
     * so that a long item sees Ctrl-C at once; NULL for the caller's */
    const volatile sig_atomic_t *root_interrupted;
    int threads;                       /* taafi_ctx_set_threads(), >= 1    */
    taafi_progress_fn progress;
    void *progress_user;
    /* While a run writes into a stage folder (output/stage.h), messages and
     * log lines show paths under alias_from as under alias_to, the folder
     * the user named; both borrowed, NULL when not staging. */
    const char *alias_from, *alias_to;
    /* taafi_ctx_new_with_allocator()'s, borrowed; NULL: libc's */
    const taafi_allocator *alloc;
};

/* At every public entry point that takes a context: this thread allocates
 * with the context's allocator from now on (alloc.h).  Accepts NULL. */
void tf_enter(const taafi_ctx *ctx);

/* A context for a worker of `parent` (the threads libtaafi starts), made
 * on the worker's thread: the parent's allocator, log and alias; this
 * thread allocates with that allocator from now on. */
taafi_status tf_ctx_new_child(const taafi_ctx *parent, taafi_ctx **out);

/* Sets (or, with NULLs, clears) the context's path alias (see above). */
void tf_ctx_alias(taafi_ctx *ctx, const char *from, const char *to);

/* A context made for a worker takes its parent's log and alias. */
void tf_ctx_inherit(taafi_ctx *child, const taafi_ctx *parent);

/* Reports progress if anyone listens. */
void tf_progress(taafi_ctx *ctx, const char *stage, uint64_t done, uint64_t total);

/* Returns TAAFI_ERR_INTERRUPTED (with the message set) once the context
 * has been interrupted; long loops call it now and then. */
taafi_status tf_check_interrupt(taafi_ctx *ctx);

#if defined(__GNUC__)
#define TF_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TF_PRINTF(a, b)
#endif

/* Sets the context's message and returns `status`, so that failures read
 * `return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open", path);`. */
taafi_status tf_error(taafi_ctx *ctx, taafi_status status, const char *fmt, ...) TF_PRINTF(3, 4);

/* Sends a line to the log callback if its level is wanted. */
void tf_log(taafi_ctx *ctx, taafi_log_level level, const char *fmt, ...) TF_PRINTF(3, 4);

/* Routes GDAL's CPLError messages into `ctx` for the current thread until
 * the matching tf_gdal_leave().  Calls nest.  Failures land in ctx->lib_err,
 * warnings go to the log. */
void tf_gdal_enter(taafi_ctx *ctx);
void tf_gdal_leave(taafi_ctx *ctx);

/* The last library error caught ("" if none) and clearing it. */
const char *tf_lib_error(const taafi_ctx *ctx);
void tf_lib_error_clear(taafi_ctx *ctx);

/* Allocation helpers that never return NULL silently: callers check. */
#define tf_strdup(s) tf_strdup_at((s), TF_SITE)
#define tf_sprintf(...) tf_sprintf_at(TF_SITE, __VA_ARGS__)
char *tf_strdup_at(const char *s, const char *site);
char *tf_sprintf_at(const char *site, const char *fmt, ...) TF_PRINTF(2, 3);
/* realpath(path, NULL) as a block of tf_malloc's (tf_free it); NULL when
 * the path does not resolve or memory runs out. */
char *tf_realpath(const char *path);

/* A growable string, for reports. */
typedef struct tf_buf {
    char *s;
    size_t len, cap;
    int failed; /* an allocation failed: the text is truncated */
} tf_buf;
void tf_buf_printf(tf_buf *b, const char *fmt, ...) TF_PRINTF(2, 3);
/* Appends `len` bytes (any bytes; a NUL is kept after them). */
void tf_buf_append(tf_buf *b, const void *data, size_t len);
void tf_buf_free(tf_buf *b);

/* vsi.c: GDAL's virtual paths.  Whether path is one ("/vsi..."). */
int tf_path_is_vsi(const char *path);
/* The archive a /vsizip/, /vsitar/, /vsigzip/, /vsi7z/ or /vsirar/ path
 * reads, in either form ("/vsizip/a.zip/x.shp", "/vsizip/{a.zip}/x.shp");
 * NULL for other paths or when out of memory.  The caller frees it. */
char *tf_vsi_archive(const char *path);
/* path with a relative archive in it joined to dir, both forms kept as
 * written (never normalised: "/vsizip//abs.zip" needs both slashes); other
 * paths copied.  The caller frees it; NULL when out of memory. */
char *tf_vsi_resolve(const char *dir, const char *path);

/* SHA-256 of a whole file as 64 lowercase hex digits and a NUL.  Reads the
 * file in blocks; never holds it whole.  A GDAL virtual path is read through
 * GDAL (a file in an archive: the bytes GDAL reads from it). */
taafi_status tf_sha256_file(taafi_ctx *ctx, const char *path, char hex_out[65]);
/* The same without a context (for threads): TAAFI_OK, or TAAFI_ERR_IO or
 * TAAFI_ERR_NOMEM with the reason in err. */
taafi_status tf_sha256_path(const char *path, char hex_out[65], char *err, size_t err_size);
/* SHA-256 of a buffer. */
void tf_sha256_buf(const void *data, size_t len, char hex_out[65]);

/* The CPUs a cgroup v2 "cpu.max" line ("QUOTA PERIOD", microseconds)
 * allows, rounded up, at most 256; 0 when it sets no limit ("max ...") or
 * cannot be read.  taafi_cpu_count() applies it. */
int tf_cpu_quota(const char *cpu_max);
/* The CPUs (rounded up; 0: no limit) that the cgroups named in
 * `self_cgroup` (the text of /proc/self/cgroup) allow, looked up under
 * `root` (/sys/fs/cgroup): v2's cpu.max or v1's cpu.cfs_quota_us over
 * cpu.cfs_period_us, of the group and every group above it, the smallest
 * winning. */
int tf_cgroup_cpus(const char *root, const char *self_cgroup);

/* "2026-11-29T05:10:15Z": now, or SOURCE_DATE_EPOCH's time when set. */
void tf_utc_now(char out[32]);
/* SOURCE_DATE_EPOCH as a time, when set to a number (1), else 0. */
int tf_source_date(time_t *out);

/* A new run's id, 32 lowercase hex digits and a NUL: random, or with
 * SOURCE_DATE_EPOCH set derived from it and `seed` (the project file's
 * path), so that pinned runs stay byte-identical. */
void tf_run_id(const char *seed, char out[33]);

/* A monotonic clock in seconds, for the stage times -v shows. */
double tf_seconds(void);

#endif
