/* stage.c: a run's outputs staged beside the output folder and put in
 * its place in one step (see stage.h). */
#define _GNU_SOURCE /* renameat2 */
#include "stage.h"

#include "outfile.h"
#include "stage_files.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#define STAGE_TAG ".taafi-stage-"

struct tf_stage {
    char *given;     /* the output folder as the caller named it          */
    char *real;      /* the same, resolved (symbolic links followed)       */
    char *path;      /* the stage folder                                   */
    char *lock_path; /* its lock file                                      */
    int lock_fd;
    int in_place;    /* the stage is inside `real`: files renamed one by one */
    int adding;      /* tf_stage_begin_adding: DIR's entries carried at the start */
};

/* "PID" out of "<prefix>PID-RANDOM...", or -1. */
/* A failed tf_walk (or one of its callbacks) as a status and a reason. */
static taafi_status walk_status(int rc) { return rc == ENOMEM ? TAAFI_ERR_NOMEM : TAAFI_ERR_IO; }
static const char *walk_reason(int rc)
{
    return rc == ENOMEM ? "out of memory" : rc > 0 ? strerror(rc) : "cannot read the folder";
}

static long stage_pid(const char *name, size_t prefix_len)
{
    char *end;
    long pid = strtol(name + prefix_len, &end, 10);
    return end != name + prefix_len && *end == '-' && pid > 0 ? pid : -1;
}

/* Removes what killed runs left in `folder` for stages named
 * <prefix>PID-RANDOM: a lock file nobody holds and its stage, or a stage
 * without a lock file whose process is gone.  Never anything else. */
static void sweep(const char *folder, const char *prefix)
{
    DIR *d = opendir(folder);
    struct dirent *e;
    size_t n = strlen(prefix);
    if (!d)
        return;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        long pid = strncmp(e->d_name, prefix, n) ? -1 : stage_pid(e->d_name, n);
        char *path, *lock;
        int fd;
        if (pid < 0 || (len > 5 && !strcmp(e->d_name + len - 5, ".lock")))
            continue;
        path = tf_sprintf("%s/%s", folder, e->d_name);
        lock = tf_sprintf("%s/%s.lock", folder, e->d_name);
        fd = lock ? open(lock, O_RDWR | O_CLOEXEC) : -1;
        if (path && lock &&
            ((fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0) || (fd < 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH))) {
            tf_rm_tree(path);
            unlink(lock);
        }
        if (fd >= 0)
            close(fd);
        tf_free(path);
        tf_free(lock);
    }
    closedir(d);
    /* lock files whose stage is gone (killed between the two) */
    if (!(d = opendir(folder)))
        return;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        char *lock;
        int fd;
        if (strncmp(e->d_name, prefix, n) || stage_pid(e->d_name, n) < 0 || len <= 5 ||
            strcmp(e->d_name + len - 5, ".lock") || !(lock = tf_sprintf("%s/%s", folder, e->d_name)))
            continue;
        if ((fd = open(lock, O_RDWR | O_CLOEXEC)) >= 0) {
            if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
                char *stage = tf_strdup(lock);
                struct stat sb;
                if (stage) {
                    stage[strlen(stage) - 5] = '\0';
                    if (lstat(stage, &sb) != 0)
                        unlink(lock);
                }
                tf_free(stage);
            }
            close(fd);
        }
        tf_free(lock);
    }
    closedir(d);
}

/* Creates and locks the lock file: held until tf_stage_free.  Checks that
 * the file locked is still the one named (a sweep may have removed it
 * between open and flock). */
static int take_lock(const char *path)
{
    for (int tries = 0; tries < 8; tries++) {
        struct stat a, b;
        int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0)
            return -1;
        if (flock(fd, LOCK_EX) == 0 && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_ino == b.st_ino &&
            a.st_dev == b.st_dev)
            return fd;
        close(fd);
    }
    errno = EAGAIN;
    return -1;
}

/* The output folder resolved: symbolic links followed, made absolute; its
 * parent made if missing.  *parent_out and *name_out split it. */
static taafi_status resolve(taafi_ctx *ctx, const char *dir, char **real_out)
{
    char *copy = tf_strdup(dir), *slash, *parent_real = NULL;
    char buf[PATH_MAX];
    taafi_status st = TAAFI_OK;
    *real_out = NULL;
    if (!copy)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (realpath(dir, buf)) {
        *real_out = tf_strdup(buf);
        goto done;
    }
    /* not there yet: PARENT resolved, then NAME */
    while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
        copy[strlen(copy) - 1] = '\0';
    {
        /* a link to nowhere: made into a folder, the user's link would be
         * gone and the outputs not where it points */
        struct stat sb;
        char target[PATH_MAX];
        ssize_t n;
        if (lstat(copy, &sb) == 0 && S_ISLNK(sb.st_mode)) {
            n = readlink(copy, target, sizeof target - 1);
            target[n > 0 ? n : 0] = '\0';
            st = tf_error(ctx, TAAFI_ERR_IO,
                          "%s: is a symbolic link to %s, which does not exist; make that folder, or give another "
                          "output folder",
                          dir, target);
            goto done;
        }
    }
    slash = strrchr(copy, '/');
    if (slash == copy)
        parent_real = tf_strdup("/");
    else {
        if (slash)
            *slash = '\0';
        if ((st = tf_mkdirs(ctx, slash ? copy : ".")))
            goto done;
        parent_real = tf_realpath(slash ? copy : ".");
    }
    if (!parent_real) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot resolve the output folder: %s", dir, strerror(errno));
        goto done;
    }
    *real_out = tf_sprintf("%s/%s", strcmp(parent_real, "/") ? parent_real : "", slash ? slash + 1 : copy);
done:
    if (!st && !*real_out)
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    tf_free(parent_real);
    tf_free(copy);
    return st;
}

/* Whether `path` is the root of a mount (a bind mount too, which shares
 * its parent's device: a container's volume, say).  Neither renameat2
 * nor rename can move a mount point. */
static int mount_root(const char *path)
{
    struct statx sx;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx) != 0)
        return 0;
    return (sx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

/* Whether the working folder is `real` or lies inside it: exchanged, it
 * would leave the shell that started taafi in a removed folder. */
static int holds_cwd(const char *real)
{
    char cwd[PATH_MAX];
    size_t n = strlen(real);
    return getcwd(cwd, sizeof cwd) && !strncmp(cwd, real, n) && (cwd[n] == '\0' || cwd[n] == '/');
}

/* Whether the stage can sit beside `real` and be exchanged with it: the
 * parent is writable, `real` (if there) is no mount point and not the
 * working folder. */
static int can_exchange(const char *real)
{
    char *parent = tf_strdup(real), *slash;
    struct stat a, b;
    int ok;
    if (!parent || !(slash = strrchr(parent, '/')) || slash == parent) {
        tf_free(parent);
        return 0;
    }
    *slash = '\0';
    ok = access(parent, W_OK) == 0 &&
         (stat(real, &a) != 0 ||
          (stat(parent, &b) == 0 && a.st_dev == b.st_dev && a.st_ino != b.st_ino && !mount_root(real) &&
           !holds_cwd(real)));
    tf_free(parent);
    return ok;
}

taafi_status tf_stage_begin(taafi_ctx *ctx, const char *dir, tf_stage **out)
{
    tf_stage *s = tf_calloc(1, sizeof *s);
    unsigned int rnd = 0;
    char *folder = NULL, *prefix = NULL;
    const char *name;
    struct stat sb;
    taafi_status st;
    *out = NULL;
    if (!s)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    s->lock_fd = -1;
    if (!(s->given = tf_strdup(dir))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((st = resolve(ctx, dir, &s->real)))
        goto fail;
    if (stat(s->real, &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: exists and is not a folder; choose another output folder", dir);
        goto fail;
    }
    s->in_place = !can_exchange(s->real);
    if (s->in_place) {
        if ((st = tf_mkdirs(ctx, s->real)))
            goto fail;
        tf_log(ctx, TAAFI_LOG_WARNING,
               "%s: the outputs cannot be staged beside the folder (a mount point, the working folder, or its "
               "parent is not writable): each file is put in place whole, but a failed run may leave some files "
               "new",
               dir);
        folder = tf_strdup(s->real);
        prefix = tf_strdup(STAGE_TAG);
    } else {
        name = strrchr(s->real, '/') + 1;
        folder = tf_sprintf("%.*s", (int)(name - 1 - s->real), s->real);
        prefix = tf_sprintf(".%s" STAGE_TAG, name);
    }
    if (!folder || !prefix) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    sweep(*folder ? folder : "/", prefix);
    if (getrandom(&rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
        rnd = (unsigned)time(NULL) ^ (unsigned)(size_t)s;
    s->path = tf_sprintf("%s/%s%ld-%08x", folder, prefix, (long)getpid(), rnd);
    s->lock_path = s->path ? tf_sprintf("%s.lock", s->path) : NULL;
    if (!s->path || !s->lock_path) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if ((s->lock_fd = take_lock(s->lock_path)) < 0 || mkdir(s->path, 0777) != 0) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot make the stage for the outputs (%s): %s", dir, s->path,
                      strerror(errno));
        goto fail;
    }
    /* the folder that replaces DIR keeps DIR's permissions */
    if (stat(s->real, &sb) == 0)
        chmod(s->path, sb.st_mode & 07777);
    tf_free(folder);
    tf_free(prefix);
    *out = s;
    return TAAFI_OK;
fail:
    tf_free(folder);
    tf_free(prefix);
    tf_stage_free(s);
    return st;
}

const char *tf_stage_dir(const tf_stage *s) { return s->path; }

void tf_stage_free(tf_stage *s)
{
    if (!s)
        return;
    /* uncommitted: the stage; exchanged: the earlier result (removed
     * already); in place: the stage's emptied folders */
    if (s->path)
        tf_rm_tree(s->path);
    if (s->lock_fd >= 0) {
        unlink(s->lock_path);
        close(s->lock_fd);
    }
    tf_free(s->given);
    tf_free(s->real);
    tf_free(s->path);
    tf_free(s->lock_path);
    tf_free(s);
}

/* ---- carrying the user's files over ---------------------------------------- */

typedef struct carry {
    const tf_stage *s;
    const char *earlier; /* the earlier run's outputs (manifest_paths) */
    int err;             /* errno of the first failure */
    int all;             /* adding: every entry, the manifest too */
} carry;

/* An old temporary file of a killed run of an earlier version
 * (.tmp-PID-NAME) is not carried over. */
static int dead_temp(const char *rel)
{
    const char *base = strrchr(rel, '/') ? strrchr(rel, '/') + 1 : rel;
    long pid = strncmp(base, ".tmp-", 5) ? -1 : stage_pid(base, 5);
    return pid > 0 && kill((pid_t)pid, 0) != 0 && errno == ESRCH;
}

/* Whether folder `rel` holds one of the earlier run's outputs. */
static int holds_earlier(const char *earlier, const char *rel)
{
    size_t n = strlen(rel);
    for (const char *p = earlier; p && *p; p += strlen(p) + 1)
        if (!strncmp(p, rel, n) && p[n] == '/')
            return 1;
    return 0;
}

static int carry_entry(const char *root, const char *rel, const struct stat *sb, void *user)
{
    carry *c = user;
    char *from, *to;
    struct stat there;
    int rc = 0, skip = 0;
    if (c->all ? !strncmp(rel, STAGE_TAG, strlen(STAGE_TAG)) /* in place: the stage itself */
               : !strcmp(rel, TF_RUN_MANIFEST) || tf_manifest_lists(c->earlier, rel))
        return 0;
    if (dead_temp(rel))
        return 0;
    from = tf_sprintf("%s/%s", root, rel);
    to = tf_sprintf("%s/%s", c->s->path, rel);
    if (!from || !to)
        rc = ENOMEM;
    else if (lstat(to, &there) == 0)
        skip = !S_ISDIR(there.st_mode) || !S_ISDIR(sb->st_mode); /* this run wrote it: it replaces the earlier */
    else if (S_ISDIR(sb->st_mode))
        /* a folder of the user's is kept, even empty; one that held the
         * earlier run's outputs only if something else in it is kept */
        rc = holds_earlier(c->earlier, rel) ? 0 : mkdir(to, sb->st_mode & 07777) ? errno : 0;
    else if (!(rc = tf_make_parents(to)) && link(from, to) != 0)
        rc = tf_copy_entry(from, to, sb);
    tf_free(from);
    tf_free(to);
    if (rc && !c->err)
        c->err = rc;
    return rc ? 1 : skip ? TF_WALK_SKIP : 0;
}

/* In place: each file of the stage renamed into `real`, folders made; the
 * manifest last, so that until then the folder names the earlier run. */
static int put_entry(const char *root, const char *rel, const struct stat *sb, void *user)
{
    const tf_stage *s = user;
    char *from, *to;
    int rc = 0;
    if (!strcmp(rel, TF_RUN_MANIFEST))
        return 0;
    from = tf_sprintf("%s/%s", root, rel);
    to = tf_sprintf("%s/%s", s->real, rel);
    if (!from || !to)
        rc = ENOMEM;
    else if (S_ISDIR(sb->st_mode))
        rc = mkdir(to, 0777) && errno != EEXIST ? errno : 0;
    else
        rc = rename(from, to) ? errno : 0;
    tf_free(from);
    tf_free(to);
    return rc;
}

/* In place, after: the earlier run's outputs this run did not write
 * (those its manifest, now in place, does not list). */
static void drop_earlier(const tf_stage *s, const char *earlier)
{
    char *now = tf_manifest_paths(s->real);
    for (const char *p = earlier; now && p && *p; p += strlen(p) + 1) {
        char *theirs = tf_sprintf("%s/%s", s->real, p);
        if (theirs && strstr(p, "..") == NULL && !tf_manifest_lists(now, p))
            unlink(theirs);
        tf_free(theirs);
    }
    tf_free(now);
}

static taafi_status commit_in_place(taafi_ctx *ctx, tf_stage *s, const char *earlier)
{
    char *manifest = tf_sprintf("%s/%s", s->path, TF_RUN_MANIFEST);
    char *final = tf_sprintf("%s/%s", s->real, TF_RUN_MANIFEST);
    int rc;
    taafi_status st = TAAFI_OK;
    if (!manifest || !final) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    /* (adding to a folder that lists no run: no manifest to put) */
    if ((rc = tf_walk(s->path, "", put_entry, s)) != 0 ||
        ((!s->adding || access(manifest, F_OK) == 0) && rename(manifest, final) != 0)) {
        st = tf_error(ctx, rc ? walk_status(rc) : TAAFI_ERR_IO, "%s: cannot move the finished outputs into place: %s",
                      s->given, rc ? walk_reason(rc) : strerror(errno));
        goto done;
    }
    drop_earlier(s, earlier);
done:
    tf_free(manifest);
    tf_free(final);
    return st;
}

static void sync_folder(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Every file and folder of the stage on disk before the exchange, so that
 * after a power cut DIR is the earlier result or the new one with every
 * byte (without it the exchange could reach the disk before the files'
 * data).  A file that cannot be synced is reported: the exchange waits. */
static int sync_entry(const char *root, const char *rel, const struct stat *sb, void *user)
{
    char *path = tf_sprintf("%s/%s", root, rel);
    int fd, rc = 0;
    (void)user;
    if (!path)
        return ENOMEM;
    if (S_ISREG(sb->st_mode) || S_ISDIR(sb->st_mode)) {
        if ((fd = open(path, O_RDONLY | O_CLOEXEC | (S_ISDIR(sb->st_mode) ? O_DIRECTORY : 0))) < 0 ||
            (fsync(fd) != 0 && errno != EINVAL))
            rc = errno;
        if (fd >= 0)
            close(fd);
    }
    tf_free(path);
    return rc;
}

static taafi_status sync_stage(taafi_ctx *ctx, const tf_stage *s)
{
    int rc = tf_walk(s->path, "", sync_entry, NULL);
    if (rc)
        return tf_error(ctx, walk_status(rc), "%s: cannot write the outputs to disk: %s", s->given, walk_reason(rc));
    sync_folder(s->path);
    return TAAFI_OK;
}

/* ---- the inputs are never replaced ---------------------------------------- */

typedef struct guard {
    const tf_stage *s;
    const tf_inputs *in;
    const char *role; /* the first input an output would replace */
    char *rel;
} guard;

static int guard_entry(const char *root, const char *rel, const struct stat *sb, void *user)
{
    guard *g = user;
    char *target;
    const char *role;
    struct stat there;
    if (S_ISDIR(sb->st_mode))
        return 0;
    if (!(target = tf_sprintf("%s/%s", g->s->real, rel)))
        return ENOMEM;
    role = tf_inputs_find(g->in, target);
    /* the same file (carried into an adding stage) is kept, not replaced */
    if (role && !(stat(target, &there) == 0 && there.st_dev == sb->st_dev && there.st_ino == sb->st_ino)) {
        g->role = role;
        g->rel = tf_strdup(rel);
    }
    (void)root;
    tf_free(target);
    return g->role ? 1 : 0;
}

taafi_status tf_stage_check_inputs(taafi_ctx *ctx, const tf_stage *s, const tf_inputs *in)
{
    guard g = {s, in, NULL, NULL};
    int rc = tf_walk(s->path, "", guard_entry, &g);
    taafi_status st = TAAFI_OK;
    if (g.role)
        st = tf_error(ctx, TAAFI_ERR_USAGE,
                      "%s/%s: is %s, and an output of this run has that name; taafi never writes over its inputs, "
                      "whatever --overwrite says: write into another folder (-o), or move the input out of it",
                      s->given, g.rel ? g.rel : "?", g.role);
    else if (rc)
        st = tf_error(ctx, walk_status(rc), "%s: cannot read the stage of the outputs: %s", s->given, walk_reason(rc));
    tf_free(g.rel);
    return st;
}

taafi_status tf_stage_begin_adding(taafi_ctx *ctx, const char *dir, tf_stage **out)
{
    carry c = {NULL, NULL, 0, 1};
    struct stat sb;
    int rc;
    taafi_status st = tf_stage_begin(ctx, dir, out);
    if (st)
        return st;
    c.s = *out;
    (*out)->adding = 1;
    if (stat((*out)->real, &sb) == 0 && (rc = tf_walk((*out)->real, "", carry_entry, &c)) != 0) {
        rc = c.err ? c.err : rc;
        st = tf_error(ctx, walk_status(rc), "%s: cannot carry the folder's files into the stage: %s", dir,
                      walk_reason(rc));
        tf_stage_free(*out);
        *out = NULL;
    }
    return st;
}

taafi_status tf_stage_commit(taafi_ctx *ctx, tf_stage *s, const char *run_id)
{
    carry c = {s, NULL, 0, 0};
    struct stat sb;
    int rc;
    taafi_status st;
    /* adding: the stage holds DIR's entries and its manifest, extended */
    if (!s->adding && (st = tf_manifest_write(ctx, s->path, s->given, run_id)))
        return st;
    c.earlier = s->adding ? NULL : tf_manifest_paths(s->real);
    if ((st = sync_stage(ctx, s)))
        goto done;
    if (s->in_place) {
        st = commit_in_place(ctx, s, c.earlier);
        goto done;
    }
    if (!s->adding && stat(s->real, &sb) == 0 && (rc = tf_walk(s->real, "", carry_entry, &c)) != 0) {
        rc = c.err ? c.err : rc;
        st = tf_error(ctx, walk_status(rc), "%s: cannot keep the folder's other files beside the new outputs: %s",
                      s->given, walk_reason(rc));
        goto done;
    }
    sync_folder(s->path); /* the carried entries */
    /* one step: DIR is the earlier result or the new one, never between;
     * a DIR not there yet is made whole by a plain rename */
    if (renameat2(AT_FDCWD, s->path, AT_FDCWD, s->real, RENAME_EXCHANGE) == 0)
        tf_rm_tree(s->path); /* the earlier result */
    else if (errno != ENOENT || rename(s->path, s->real) != 0) {
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot put the finished outputs in place: %s", s->given,
                      strerror(errno));
        goto done;
    }
    {
        char *parent = tf_strdup(s->real);
        if (parent && strrchr(parent, '/') != parent) {
            *strrchr(parent, '/') = '\0';
            sync_folder(parent);
        }
        tf_free(parent);
    }
done:
    tf_free((char *)c.earlier);
    return st;
}
