/*
 * outfile.h: outputs are written under a temporary name in their final
 * folder and renamed into place only when complete, so that no failure
 * leaves a half-written file or damages an earlier result.
 */
#ifndef TAAFI_OUTFILE_H
#define TAAFI_OUTFILE_H

#include "core/core.h"

typedef struct tf_outfile {
    char *final; /* DIR/NAME                          */
    char *tmp;   /* DIR/.tmp-PID-NAME, same filesystem */
} tf_outfile;

/* Plans DIR/NAME.  TAAFI_ERR_EXISTS if it exists and `overwrite` is 0. */
taafi_status tf_outfile_plan(taafi_ctx *ctx, const char *dir, const char *name, int overwrite, tf_outfile *out);

/* Renames the temporary file into place (atomic on POSIX). */
taafi_status tf_outfile_commit(taafi_ctx *ctx, tf_outfile *o);

/* Removes from `dir` the temporary files (.tmp-PID-NAME) of writers that
 * were killed: those whose process no longer exists. */
void tf_sweep_dead_temps(const char *dir);

/* The file at `path` flushed to disk (fsync), by the worker that wrote it,
 * so that the commit's flush finds little left to wait for. */
taafi_status tf_sync_file(taafi_ctx *ctx, const char *path);

/* Removes the temporary file if it is there and frees the names. */
void tf_outfile_discard(tf_outfile *o);

/* Writes `len` bytes to `path` (a temporary name), checking every write
 * and the close: a full disk is an error, not a short file. */
taafi_status tf_write_bytes(taafi_ctx *ctx, const char *path, const void *data, size_t len);
/* The same for n parts written one after the other (data[k], len[k]
 * bytes): a file joined from pieces without a copy of the whole. */
taafi_status tf_write_parts(taafi_ctx *ctx, const char *path, const void *const *data, const size_t *len, size_t n);

/* Makes folder `dir` and its parents if missing. */
taafi_status tf_mkdirs(taafi_ctx *ctx, const char *dir);

#endif
