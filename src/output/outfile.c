/* outfile.c: temporary names, atomic renames, output folders. */
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

taafi_status tf_mkdirs(taafi_ctx *ctx, const char *dir)
{
    char *path = tf_strdup(dir), *s;
    struct stat sb;
    taafi_status st = TAAFI_OK;
    if (!path)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (s = path + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(path, 0777) != 0 && errno != EEXIST) {
                st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot make the output folder: %s", path, strerror(errno));
                break;
            }
            *s = c;
            if (c == '\0')
                break;
        }
    }
    if (!st && (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)))
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: exists and is not a folder; choose another output folder", dir);
    if (!st && access(dir, W_OK) != 0)
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: the output folder is not writable: %s", dir, strerror(errno));
    tf_free(path);
    return st;
}

taafi_status tf_outfile_plan(taafi_ctx *ctx, const char *dir, const char *name, int overwrite, tf_outfile *out)
{
    struct stat sb;
    out->final = tf_sprintf("%s/%s", dir, name);
    /* The extension stays last: GDAL's drivers look at it. */
    out->tmp = tf_sprintf("%s/.tmp-%ld-%s", dir, (long)getpid(), name);
    if (!out->final || !out->tmp) {
        tf_outfile_discard(out);
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    }
    if (!overwrite && stat(out->final, &sb) == 0) {
        taafi_status st = tf_error(ctx, TAAFI_ERR_EXISTS, "%s: exists; pass --overwrite to replace it", out->final);
        tf_outfile_discard(out);
        return st;
    }
    unlink(out->tmp); /* a leftover of a killed run with the same pid */
    return TAAFI_OK;
}

taafi_status tf_outfile_commit(taafi_ctx *ctx, tf_outfile *o)
{
    if (rename(o->tmp, o->final) != 0)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot move the finished output into place: %s", o->final,
                        strerror(errno));
    return TAAFI_OK;
}

void tf_sweep_dead_temps(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        char *end, *path;
        long pid;
        if (strncmp(e->d_name, ".tmp-", 5))
            continue;
        pid = strtol(e->d_name + 5, &end, 10);
        /* only a temporary of a process that is gone: never a live run's */
        if (pid <= 0 || *end != '-' || kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue;
        if ((path = tf_sprintf("%s/%s", dir, e->d_name)) != NULL)
            unlink(path);
        tf_free(path);
    }
    closedir(d);
}

taafi_status tf_sync_file(taafi_ctx *ctx, const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0;
    if (fd < 0 || fsync(fd) != 0)
        rc = errno;
    if (fd >= 0)
        close(fd);
    return rc ? tf_error(ctx, TAAFI_ERR_IO, "%s: cannot write the output to disk: %s", path, strerror(rc)) : TAAFI_OK;
}

void tf_outfile_discard(tf_outfile *o)
{
    if (!o)
        return;
    if (o->tmp)
        unlink(o->tmp);
    tf_free(o->final);
    tf_free(o->tmp);
    o->final = o->tmp = NULL;
}

taafi_status tf_write_bytes(taafi_ctx *ctx, const char *path, const void *data, size_t len)
{
    return tf_write_parts(ctx, path, &data, &len, 1);
}

taafi_status tf_write_parts(taafi_ctx *ctx, const char *path, const void *const *data, const size_t *len, size_t n)
{
    FILE *f = fopen(path, "wb");
    size_t k;
    if (!f)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    for (k = 0; k < n; k++)
        if (fwrite(data[k], 1, len[k], f) != len[k]) {
            int e = errno;
            fclose(f);
            return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot write: %s", path, strerror(e));
        }
    if (fclose(f) != 0)
        return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    return TAAFI_OK;
}
