/* inputs.c: the files a project reads (inputs.h). */
#include "inputs.h"

#include <cpl_string.h>
#include <gdal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One file, unless it is there already or does not exist. */
static taafi_status add_file(taafi_ctx *ctx, tf_inputs *in, const char *path, const char *role)
{
    struct stat sb;
    tf_input_id *f;
    if (tf_path_is_vsi(path)) { /* the archive it reads, if it is on disk */
        char *archive = tf_vsi_archive(path);
        taafi_status st = archive ? add_file(ctx, in, archive, role) : TAAFI_OK;
        tf_free(archive);
        return st;
    }
    if (stat(path, &sb) != 0 || tf_inputs_find(in, path))
        return TAAFI_OK;
    if (in->n == in->cap) {
        size_t cap = in->cap ? in->cap * 2 : 16;
        tf_input_id *v = tf_realloc(in->f, cap * sizeof *v);
        if (!v)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        in->f = v;
        in->cap = cap;
    }
    f = &in->f[in->n];
    f->dev = sb.st_dev;
    f->ino = sb.st_ino;
    f->real = tf_realpath(path);
    if (!(f->role = tf_strdup(role))) {
        tf_free(f->real);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    in->n++;
    return TAAFI_OK;
}

/* A dataset's files as GDAL lists them, and the path itself. */
taafi_status tf_inputs_add_dataset(taafi_ctx *ctx, tf_inputs *in, const char *path, const char *role)
{
    GDALDatasetH ds;
    char **files;
    taafi_status st;
    if (!path || (st = add_file(ctx, in, path, role)))
        return path ? st : TAAFI_OK;
    tf_gdal_enter(ctx);
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_RASTER | GDAL_OF_READONLY, NULL, NULL, NULL);
    files = ds ? GDALGetFileList(ds) : NULL;
    for (char **f = files; f && *f && !st; f++)
        st = add_file(ctx, in, *f, role);
    CSLDestroy(files);
    if (ds)
        GDALClose(ds);
    tf_gdal_leave(ctx);
    return st;
}

taafi_status tf_inputs_collect(taafi_ctx *ctx, const taafi_project *p, tf_inputs *out)
{
    char role[160];
    size_t i, k;
    taafi_status st;
    memset(out, 0, sizeof *out);
    if ((st = add_file(ctx, out, p->path, "the project file")) ||
        (st = tf_inputs_add_dataset(ctx, out, p->areas.path, "the areas' source")))
        goto fail;
    for (i = 0; i < p->n_layers; i++) {
        snprintf(role, sizeof role, "the source of layer %s", p->layers[i].role);
        if ((st = tf_inputs_add_dataset(ctx, out, p->layers[i].path, role)))
            goto fail;
    }
    for (i = 0; i < p->n_inds; i++) {
        snprintf(role, sizeof role, "the source of indicator %s", p->inds[i].id);
        if ((st = tf_inputs_add_dataset(ctx, out, p->inds[i].source, role)))
            goto fail;
    }
    for (i = 0; i < p->n_rounds; i++) {
        const tf_round *rd = &p->rounds[i];
        snprintf(role, sizeof role, "an input of round %s", rd->name);
        if ((st = tf_inputs_add_dataset(ctx, out, rd->areas.path, role)))
            goto fail;
        for (k = 0; k < rd->n_layers; k++)
            if ((st = tf_inputs_add_dataset(ctx, out, rd->layers[k].path, role)))
                goto fail;
        for (k = 0; k < rd->n_sources; k++)
            if ((st = tf_inputs_add_dataset(ctx, out, rd->sources[k], role)))
                goto fail;
    }
    return TAAFI_OK;
fail:
    tf_inputs_free(out);
    return st;
}

const char *tf_inputs_find(const tf_inputs *in, const char *path)
{
    struct stat sb;
    char *real;
    const char *hit = NULL;
    size_t i;
    if (stat(path, &sb) != 0)
        return NULL;
    real = tf_realpath(path);
    for (i = 0; i < in->n && !hit; i++)
        if ((in->f[i].dev == sb.st_dev && in->f[i].ino == sb.st_ino) ||
            (real && in->f[i].real && !strcmp(real, in->f[i].real)))
            hit = in->f[i].role;
    tf_free(real);
    return hit;
}

void tf_inputs_free(tf_inputs *in)
{
    if (!in)
        return;
    for (size_t i = 0; i < in->n; i++) {
        tf_free(in->f[i].real);
        tf_free(in->f[i].role);
    }
    tf_free(in->f);
    memset(in, 0, sizeof *in);
}
