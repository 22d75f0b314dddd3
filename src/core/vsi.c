/* vsi.c: GDAL's virtual paths (/vsizip/, /vsitar/, ...) as project sources.
 *
 * An archive path has two forms (GDAL's /vsizip/ documentation):
 * "/vsizip/ARCHIVE/INNER", where GDAL finds the end of ARCHIVE by its
 * extension, and "/vsizip/{ARCHIVE}/INNER".  ARCHIVE may be absolute, which
 * makes the first form start "/vsizip//"; those two slashes must be kept,
 * so a virtual path is never normalised like a file path. */
#include "core.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const archive_prefixes[] = {"/vsizip/", "/vsitar/", "/vsigzip/", "/vsi7z/", "/vsirar/", NULL};

int tf_path_is_vsi(const char *path)
{
    return path && !strncmp(path, "/vsi", 4);
}

/* The length of path's archive prefix ("/vsizip/"), 0 if it has none. */
static size_t archive_prefix(const char *path)
{
    for (const char *const *p = archive_prefixes; *p; p++)
        if (!strncmp(path, *p, strlen(*p)))
            return strlen(*p);
    return 0;
}

/* Where the archive's own path starts and how long it is; 0 when path is
 * not an archive path.  For the form without braces the archive ends after
 * the first component whose name ends in a known archive extension, or is
 * the whole rest (/vsigzip/ names a file, not a folder). */
static int archive_span(const char *path, size_t *start, size_t *len)
{
    static const char *const ext[] = {".zip", ".kmz", ".tar", ".tgz", ".tar.gz", ".gz", ".7z", ".rar", NULL};
    size_t k = archive_prefix(path), n;
    const char *rest = path + k;
    if (!k)
        return 0;
    if (rest[0] == '{') {
        const char *close = strchr(rest, '}');
        if (!close)
            return 0;
        *start = k + 1;
        *len = (size_t)(close - rest - 1);
        return 1;
    }
    n = strlen(rest);
    for (size_t i = 0; i <= n; i++) {
        if (rest[i] != '/' && rest[i] != '\0')
            continue;
        for (const char *const *e = ext; *e; e++) {
            size_t el = strlen(*e);
            if (i >= el && !strncasecmp(rest + i - el, *e, el)) {
                *start = k;
                *len = i;
                return 1;
            }
        }
    }
    *start = k;
    *len = n;
    return 1;
}

char *tf_vsi_archive(const char *path)
{
    size_t start, len;
    char *out;
    if (!tf_path_is_vsi(path) || !archive_span(path, &start, &len) || !len)
        return NULL;
    if (!(out = tf_malloc(len + 1)))
        return NULL;
    memcpy(out, path + start, len);
    out[len] = '\0';
    return out;
}

char *tf_vsi_resolve(const char *dir, const char *path)
{
    size_t start, len;
    /* (an absolute archive, a /vsi... one included, starts with '/') */
    if (!archive_span(path, &start, &len) || !len || path[start] == '/' || !dir)
        return tf_strdup(path);
    return tf_sprintf("%.*s%s/%s", (int)start, path, dir, path + start);
}
