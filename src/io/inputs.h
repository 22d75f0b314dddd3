/*
 * inputs.h: the files a project reads, so that no output is ever written
 * over one of them, whatever --overwrite says.  Each is known by its real
 * path and by its device and inode (a hard link or a path through a
 * symbolic link names the same file).
 */
#ifndef TAAFI_INPUTS_H
#define TAAFI_INPUTS_H

#include "project/project.h"

#include <sys/types.h>

typedef struct tf_input_id {
    dev_t dev;
    ino_t ino;
    char *real; /* its real path, or NULL */
    char *role; /* "the areas", "layer damage", "the project file", ... */
} tf_input_id;

typedef struct tf_inputs {
    tf_input_id *f;
    size_t n, cap;
} tf_inputs;

/* Every file `p` reads: the project file, the files of each dataset (as
 * GDAL lists them: a shapefile's .dbf, .shx, .prj and .cpg too) of the
 * areas, the layers, the indicators' own sources and the rounds' inputs.
 * A file that does not exist is left out (the run reports it).  *out is
 * the caller's (tf_inputs_free). */
taafi_status tf_inputs_collect(taafi_ctx *ctx, const taafi_project *p, tf_inputs *out);

/* Adds the files of the dataset at `path` (and the path itself), as
 * tf_inputs_collect does for each source; in->n 0 to start one. */
taafi_status tf_inputs_add_dataset(taafi_ctx *ctx, tf_inputs *in, const char *path, const char *role);

/* The role of the input that `path` names, or NULL (also when `path` does
 * not exist). */
const char *tf_inputs_find(const tf_inputs *in, const char *path);

void tf_inputs_free(tf_inputs *in);

#endif
