/* stage_files.c: walking, listing, linking and copying the files of an
 * output folder, for the staged commit (stage.c). */
#define _GNU_SOURCE /* nftw */
#include "stage_files.h"

#include "meta.h"
#include "outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 && errno != ENOENT;
}

/* Removes `path` and everything under it (symbolic links not followed). */
void tf_rm_tree(const char *path)
{
    nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- walking a folder ---------------------------------------------------- */


static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

int tf_walk(const char *root, const char *rel, tf_walk_fn fn, void *user)
{
    char *dir = *rel ? tf_sprintf("%s/%s", root, rel) : tf_strdup(root);
    struct dirent **list = NULL;
    int n, i, rc = 0;
    if (!dir)
        return ENOMEM;
    n = scandir(dir, &list, NULL, by_name);
    tf_free(dir);
    if (n < 0)
        return errno ? errno : EIO;
    for (i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        int skip = rc || !strcmp(name, ".") || !strcmp(name, "..");
        char *sub = skip ? NULL : (*rel ? tf_sprintf("%s/%s", rel, name) : tf_strdup(name));
        char *full = sub ? tf_sprintf("%s/%s", root, sub) : NULL;
        struct stat sb;
        if (!skip && (!sub || !full))
            rc = ENOMEM;
        else if (sub && full && lstat(full, &sb) == 0) {
            rc = fn(root, sub, &sb, user);
            if (!rc && S_ISDIR(sb.st_mode))
                rc = tf_walk(root, sub, fn, user);
            else if (rc == TF_WALK_SKIP)
                rc = 0;
        }
        tf_free(sub);
        tf_free(full);
    }
    for (i = 0; i < n; i++)
        free(list[i]); /* libc: scandir's */
    free(list);        /* libc: scandir's */
    return rc;
}

/* ---- the manifest -------------------------------------------------------- */

/* The manifest's parts: its head (the run's id, 32 hex digits), one entry
 * per file, its end.  Written and extended (tf_manifest_add) alike. */
static void manifest_head(tf_buf *b, const char *run_id)
{
    tf_buf_printf(b, "{\n  \"run_id\": \"%.32s\",\n  \"files\": [", run_id);
}

static void manifest_entry(tf_buf *b, const char *rel, long long bytes)
{
    tf_buf_printf(b, "%s\n    {\"path\": ", b->s[b->len - 1] == '}' ? "," : "");
    tf_json_string(b, rel);
    tf_buf_printf(b, ", \"bytes\": %lld}", bytes);
}

static void manifest_end(tf_buf *b) { tf_buf_printf(b, "\n  ]\n}\n"); }

static int list_file(const char *root, const char *rel, const struct stat *sb, void *user)
{
    tf_buf *b = user;
    (void)root;
    if (!S_ISDIR(sb->st_mode) && strcmp(rel, TF_RUN_MANIFEST))
        manifest_entry(b, rel, (long long)sb->st_size);
    return b->failed ? ENOMEM : 0;
}

taafi_status tf_manifest_write(taafi_ctx *ctx, const char *folder, const char *shown, const char *run_id)
{
    tf_buf b = {0};
    char *path = tf_sprintf("%s/%s", folder, TF_RUN_MANIFEST);
    taafi_status st;
    int rc;
    manifest_head(&b, run_id);
    rc = tf_walk(folder, "", list_file, &b);
    manifest_end(&b);
    if (rc && rc != ENOMEM)
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot list the outputs: %s", shown, rc > 0 ? strerror(rc) : "?");
    else if (rc || b.failed || !path)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "%s: cannot list the outputs: out of memory", shown);
    else
        st = tf_write_bytes(ctx, path, b.s, b.len);
    tf_buf_free(&b);
    tf_free(path);
    return st;
}

/* A file of at most 64 MB, whole and NUL-terminated (malloc'd), or NULL. */
char *tf_read_small(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    long len;
    if (!f)
        return NULL;
    if (!fseek(f, 0, SEEK_END) && (len = ftell(f)) >= 0 && len <= (64L << 20) && !fseek(f, 0, SEEK_SET) &&
        (text = tf_malloc((size_t)len + 1))) {
        if (fread(text, 1, (size_t)len, f) != (size_t)len)
            len = 0;
        text[len] = '\0';
    }
    fclose(f);
    return text;
}

/* The paths an earlier run's manifest lists (as write_manifest wrote
 * them), each followed by a NUL, in *out (a double NUL ends them); NULL
 * when there is none or it cannot be read: then nothing counts as the
 * earlier run's, and every entry of the folder is kept. */
char *tf_manifest_paths(const char *dir)
{
    char *path = tf_sprintf("%s/%s", dir, TF_RUN_MANIFEST), *text = path ? tf_read_small(path) : NULL, *p, *out, *o;
    tf_free(path);
    if (!text)
        return NULL;
    if (!(out = o = tf_malloc(strlen(text) + 2))) {
        tf_free(text);
        return NULL;
    }
    for (p = strstr(text, "{\"path\": \""); p; p = strstr(p, "{\"path\": \"")) {
        for (p += 10; *p && *p != '"'; p++)
            *o++ = (*p == '\\' && p[1]) ? *++p : *p; /* \" and \\ : the escapes paths need */
        *o++ = '\0';
    }
    *o = '\0';
    tf_free(text);
    return out;
}

int tf_manifest_lists(const char *paths, const char *rel)
{
    for (; paths && *paths; paths += strlen(paths) + 1)
        if (!strcmp(paths, rel))
            return 1;
    return 0;
}

/* Makes the folders of `path` (a path inside the stage) that are missing. */
int tf_make_parents(const char *path)
{
    char *copy = tf_strdup(path), *s;
    int rc = 0;
    if (!copy)
        return ENOMEM;
    for (s = strchr(copy + 1, '/'); s && !rc; s = strchr(s + 1, '/')) {
        *s = '\0';
        if (mkdir(copy, 0777) != 0 && errno != EEXIST)
            rc = errno;
        *s = '/';
    }
    tf_free(copy);
    return rc;
}

/* A copy of file or symbolic link `from` at `to`, where a hard link cannot
 * be made (another owner's file under protected_hardlinks, say). */
int tf_copy_entry(const char *from, const char *to, const struct stat *sb)
{
    char buf[1 << 16];
    ssize_t n;
    int in, outfd, rc = 0;
    if (S_ISLNK(sb->st_mode)) {
        n = readlink(from, buf, sizeof buf - 1);
        if (n < 0)
            return errno;
        buf[n] = '\0';
        return symlink(buf, to) ? errno : 0;
    }
    if (!S_ISREG(sb->st_mode))
        return EPERM;
    if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0)
        return errno;
    if ((outfd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, sb->st_mode & 07777)) < 0) {
        rc = errno;
        close(in);
        return rc;
    }
    while (!rc && (n = read(in, buf, sizeof buf)) != 0)
        if (n < 0 || write(outfd, buf, (size_t)n) != n)
            rc = errno ? errno : EIO;
    if (close(outfd) != 0 && !rc)
        rc = errno;
    close(in);
    return rc;
}

/* The manifest's file list as write_manifest writes it: `paths` (NUL
 * separated, double NUL at the end), each with its size now. */
static void list_paths(tf_buf *b, const char *folder, const char *paths)
{
    for (const char *q = paths; q && *q; q += strlen(q) + 1) {
        char *full = tf_sprintf("%s/%s", folder, q);
        struct stat sb;
        if (full && lstat(full, &sb) == 0 && !S_ISDIR(sb.st_mode))
            manifest_entry(b, q, (long long)sb.st_size);
        tf_free(full);
    }
}

taafi_status tf_manifest_add(taafi_ctx *ctx, const char *folder, const char *const *rel, size_t n)
{
    char *old = tf_manifest_paths(folder), *path = tf_sprintf("%s/%s", folder, TF_RUN_MANIFEST), *tmp = NULL;
    char *text = path ? tf_read_small(path) : NULL, *id;
    tf_buf b = {0}, extra = {0};
    taafi_status st = TAAFI_OK;
    size_t i;
    if (!old || !text || !(id = strstr(text, "\"run_id\": \"")))
        goto done; /* no run committed here: nothing to extend */
    id += 11;
    for (i = 0; i < n; i++)
        if (!tf_manifest_lists(old, rel[i]))
            tf_buf_append(&extra, rel[i], strlen(rel[i]) + 1);
    tf_buf_append(&extra, "", 1);
    manifest_head(&b, id);
    list_paths(&b, folder, old);
    list_paths(&b, folder, extra.s);
    manifest_end(&b);
    if (b.failed || extra.failed || !(tmp = tf_sprintf("%s/.tmp-%ld-%s", folder, (long)getpid(), TF_RUN_MANIFEST)))
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    else if (!(st = tf_write_bytes(ctx, tmp, b.s, b.len)) && rename(tmp, path) != 0)
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot update the list of the run's files: %s", path, strerror(errno));
    if (st && tmp)
        unlink(tmp);
done:
    tf_buf_free(&b);
    tf_buf_free(&extra);
    tf_free(old);
    tf_free(text);
    tf_free(path);
    tf_free(tmp);
    return st;
}
