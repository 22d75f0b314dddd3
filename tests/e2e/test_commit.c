/*
 * test_commit.c: a run's outputs are committed whole.  After a full disk
 * at any of a range of byte budgets, or SIGINT or SIGKILL at any of a
 * range of moments, the output folder holds the files of exactly one run
 * (the earlier or the new), as its taafi-run.json lists them, every
 * GeoPackage and meta.json with that run's id; the user's own files in
 * the folder are kept; an orderly failure leaves no stage beside it, and
 * the next run removes what a killed run left.
 */
#include "support.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The run id a GeoPackage records ("" when none), malloc'd. */
static char *gpkg_run_id(const char *path)
{
    sqlite3 *db;
    char *id;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    id = tt_sql_text(db, "SELECT value FROM run WHERE item = 'run' AND name = 'run_id'");
    sqlite3_close(db);
    return id ? id : strdup("");
}

/* Whether `line` is one of the paths of `user` (each ending in a newline). */
static int is_user(const char *user, const char *line)
{
    size_t n = strlen(line);
    for (; *user; user = strchr(user, '\n') + 1)
        if (!strncmp(user, line, n) && user[n] == '\n')
            return 1;
    return 0;
}

/* Checks that every file under `dir` but the user's (`user`, a list of
 * paths each ending in a newline) is listed in dir/taafi-run.json with its
 * size, that every listed file is there, and that every GeoPackage and
 * meta.json records the manifest's run id.  Returns that id (malloc'd). */
static char *one_run(const char *dir, const char *user)
{
    char cmd[4096], *manifest, *files = NULL, *p, *line, *id, *next;
    size_t listed = 0, len;
    snprintf(cmd, sizeof cmd, "%s/taafi-run.json", dir);
    manifest = tt_read(cmd, &len);
    assert_non_null(manifest);
    p = strstr(manifest, "\"run_id\": \"");
    assert_non_null(p);
    id = strndup(p + 11, 32);
    assert_int_equal(strlen(id), 32);
    snprintf(cmd, sizeof cmd, "cd '%s' && find . -type f ! -name taafi-run.json | sed 's|^\\./||' | sort", dir);
    assert_int_equal(tt_run(cmd, &files, NULL), 0);
    for (line = files; *line; line = next) {
        char want[1200], path[3000];
        struct stat sb;
        next = strchr(line, '\n');
        assert_non_null(next);
        *next++ = '\0';
        if (is_user(user, line))
            continue; /* the user's own */
        snprintf(path, sizeof path, "%s/%s", dir, line);
        assert_int_equal(stat(path, &sb), 0);
        snprintf(want, sizeof want, "{\"path\": \"%s\", \"bytes\": %lld}", line, (long long)sb.st_size);
        if (!strstr(manifest, want))
            fail_msg("%s: not listed in taafi-run.json as %s: a file of another run", path, want);
        listed++;
        len = strlen(line);
        if (len > 5 && !strcmp(line + len - 5, ".gpkg")) {
            char *g = gpkg_run_id(path);
            if (strcmp(g, id))
                fail_msg("%s: run %s, the folder's run is %s", path, g, id);
            free(g);
        } else if (len > 10 && !strcmp(line + len - 10, ".meta.json")) {
            char *m = tt_read(path, NULL), tag[64];
            snprintf(tag, sizeof tag, "\"run_id\": \"%s\"", id);
            if (!strstr(m, tag))
                fail_msg("%s: not of run %s", path, id);
            free(m);
        }
    }
    /* and every file listed is there */
    for (p = manifest, len = 0; (p = strstr(p, "{\"path\": ")); p++)
        len++;
    assert_int_equal(len, listed);
    assert_true(listed > 20);
    free(files);
    free(manifest);
    return id;
}

/* Entries named .NAME.taafi-stage-* beside folder NAME in `parent`, and
 * lock files without their stage: what runs left there. */
static int stages(const char *parent)
{
    char cmd[2048], *out;
    int n;
    snprintf(cmd, sizeof cmd,
             "cd '%s' && for f in .*.taafi-stage-*; do [ -e \"$f\" ] || continue; case $f in *.lock) "
             "[ -e \"${f%%.lock}\" ] || echo \"$f\";; *) echo \"$f\";; esac; done | wc -l",
             parent);
    assert_int_equal(tt_run(cmd, &out, NULL), 0);
    n = atoi(out);
    free(out);
    return n;
}

static char *example(void)
{
    char text[2048];
    snprintf(text, sizeof text, "%s/examples/homs.yml", tt_source_dir());
    return strdup(text);
}

static void run_ok(const char *dir, const char *extra)
{
    char cmd[8192], *proj = example();
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' -q %s", TAAFI_BIN, proj, dir, extra);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    free(proj);
}

/* A second run replaces the first's outputs, keeps the user's files (in
 * the folder and in a folder of their own), and drops an output of the
 * earlier run that it does not write. */
static void test_replace_keeps_user_files(void **state)
{
    tt_env *e = *state;
    char *dir = tt_path(e->dir, "out"), *a, *b, *note, *stale, *manifest, path[2048], *text;
    run_ok(dir, "");
    a = one_run(dir, "");
    note = tt_write(dir, "notes.txt", "mine\n");
    snprintf(path, sizeof path, "%s/mine", dir);
    assert_int_equal(mkdir(path, 0777), 0);
    free(tt_write(dir, "mine/deep.txt", "also mine\n"));
    /* as if the earlier run had written stale.csv too */
    stale = tt_write(dir, "stale.csv", "old\n");
    snprintf(path, sizeof path, "%s/taafi-run.json", dir);
    text = tt_read(path, NULL);
    manifest = malloc(strlen(text) + 64);
    sprintf(manifest, "%.*s{\"path\": \"stale.csv\", \"bytes\": 4},\n    %s",
            (int)(strstr(text, "{\"path\"") - text), text, strstr(text, "{\"path\""));
    free(text);
    free(tt_write(dir, "taafi-run.json", manifest));
    run_ok(dir, "--overwrite");
    b = one_run(dir, "notes.txt\nmine/deep.txt\n");
    assert_string_not_equal(a, b);
    text = tt_read(note, NULL);
    assert_string_equal(text, "mine\n");
    free(text);
    snprintf(path, sizeof path, "%s/mine/deep.txt", dir);
    assert_true(tt_exists(path));
    assert_false(tt_exists(stale));
    assert_int_equal(stages(e->dir), 0);
    /* without --overwrite an earlier run is refused, before any work */
    {
        char cmd[8192], *err = NULL, *proj = example();
        snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' -q", TAAFI_BIN, proj, dir);
        assert_int_not_equal(tt_run(cmd, NULL, &err), 0);
        assert_non_null(strstr(err, "--overwrite"));
        free(err);
        free(proj);
    }
    free(a);
    free(b);
    free(manifest);
    free(note);
    free(stale);
    free(dir);
}

/* A full disk at a range of byte budgets: each run fails (or, with room
 * enough, succeeds) and leaves one run's files, the user's too, and no
 * stage. */
static void test_disk_full_range(void **state)
{
    tt_env *e = *state;
    char *dir = tt_path(e->dir, "out"), *proj = example(), *first, cmd[8192];
    static const long budgets[] = {0, 4000, 60000, 300000, 800000, 1500000, 2400000, 3000000, 3300000, 9000000};
    size_t i;
    int failed = 0;
    run_ok(dir, "");
    free(tt_write(dir, "notes.txt", "mine\n"));
    first = one_run(dir, "notes.txt\n");
    for (i = 0; i < sizeof budgets / sizeof *budgets; i++) {
        char *now, *err = NULL;
        int rc;
        snprintf(cmd, sizeof cmd,
                 "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 LD_PRELOAD='%s' TAAFI_TEST_ENOSPC_AFTER=%ld "
                 "'%s' run '%s' -o '%s' --overwrite -q",
                 TAAFI_ENOSPC_LIB, budgets[i], TAAFI_BIN, proj, dir);
        rc = tt_run(cmd, NULL, &err);
        now = one_run(dir, "notes.txt\n");
        if (rc != 0) {
            failed++;
            assert_non_null(strstr(err, "taafi: error: "));
            assert_null(strstr(err, "taafi-stage")); /* messages name the folder given */
            assert_string_equal(now, first);
        } else {
            free(first);
            first = strdup(now);
        }
        assert_int_equal(stages(e->dir), 0);
        free(now);
        free(err);
    }
    assert_true(failed >= 5);
    /* a disk that cannot keep the files (fsync fails): refused before the
     * exchange, the earlier run stays */
    {
        char *err = NULL, *now;
        snprintf(cmd, sizeof cmd,
                 "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 LD_PRELOAD='%s' TAAFI_TEST_FSYNC_EIO=1 "
                 "'%s' run '%s' -o '%s' --overwrite -q",
                 TAAFI_ENOSPC_LIB, TAAFI_BIN, proj, dir);
        assert_int_not_equal(tt_run(cmd, NULL, &err), 0);
        assert_non_null(strstr(err, "to disk: Input/output error"));
        now = one_run(dir, "notes.txt\n");
        assert_string_equal(now, first);
        assert_int_equal(stages(e->dir), 0);
        free(now);
        free(err);
    }
    free(first);
    free(proj);
    free(dir);
}

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts `taafi run` into dir with --overwrite; its pid. */
static pid_t start(const char *proj, const char *dir)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        execl(TAAFI_BIN, TAAFI_BIN, "run", proj, "-o", dir, "--overwrite", "-q", "--jobs", "2", (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* SIGINT and SIGKILL at moments spread over a run: the folder always holds
 * one run's files; Ctrl-C leaves no stage; a killed run's stage is removed
 * by the next run. */
static void test_signals_range(void **state)
{
    tt_env *e = *state;
    char *dir = tt_path(e->dir, "out"), *proj = example(), *id;
    double t0, span;
    int sig, k, status, interrupted = 0, left = 0;
    pid_t pid;
    run_ok(dir, "");
    /* how long a run takes here (plain or sanitized build) */
    t0 = seconds();
    pid = start(proj, dir);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    span = seconds() - t0;
    for (sig = 0; sig < 2; sig++)
        for (k = 0; k < 8; k++) {
            struct timespec ts;
            double at = span * (0.05 + 0.13 * k);
            ts.tv_sec = (time_t)at;
            ts.tv_nsec = (long)((at - (double)ts.tv_sec) * 1e9);
            pid = start(proj, dir);
            nanosleep(&ts, NULL);
            kill(pid, sig ? SIGKILL : SIGINT);
            assert_int_equal(waitpid(pid, &status, 0), pid);
            id = one_run(dir, "");
            free(id);
            /* Ctrl-C once taafi listens for it (before, the default
             * action ends it like a kill): an orderly stop, no stage */
            if (sig && stages(e->dir) > 1)
                fail_msg("stages of earlier killed runs were not removed");
            left += sig && stages(e->dir) == 1;
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                ; /* done before the signal came */
            else if (!sig && WIFEXITED(status)) {
                assert_int_equal(WEXITSTATUS(status), 130);
                assert_int_equal(stages(e->dir), 0);
                interrupted++;
            } else if (!WIFSIGNALED(status) || WTERMSIG(status) != (sig ? SIGKILL : SIGINT))
                fail_msg("%s at %.3f s: status %d (exited %d, code %d)", sig ? "SIGKILL" : "SIGINT", at, status,
                         WIFEXITED(status), WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        }
    assert_true(interrupted >= 4);
    assert_true(left >= 1); /* kills left stages (each swept by the run after it)... */
    /* ...and the last goes with the next run */
    run_ok(dir, "--overwrite");
    free(one_run(dir, ""));
    assert_int_equal(stages(e->dir), 0);
    free(proj);
    free(dir);
}

/* Maps drawn over a run's folder by `taafi render` join the run's list of
 * files; the next run that draws no maps drops them as the earlier run's
 * outputs, not keeping them as the user's. */
static void test_render_joins_the_run(void **state)
{
    tt_env *e = *state;
    char *dir = tt_path(e->dir, "out"), *proj = example(), cmd[8192], *id, *again, path[2048];
    run_ok(dir, "");
    snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' -q --overwrite", TAAFI_BIN, proj, dir);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    snprintf(path, sizeof path, "%s/maps/atlas.pdf", dir);
    assert_true(tt_exists(path));
    id = one_run(dir, ""); /* the maps are listed too */
    run_ok(dir, "--overwrite");
    again = one_run(dir, "");
    assert_false(tt_exists(path));
    snprintf(path, sizeof path, "%s/report.html", dir);
    assert_false(tt_exists(path));
    assert_string_not_equal(id, again);
    free(id);
    free(again);
    free(proj);
    free(dir);
}

/* What `dir` holds: every file with its checksum (a line each, sorted). */
static char *snapshot(const char *dir)
{
    char cmd[4096], *out = NULL;
    snprintf(cmd, sizeof cmd, "cd '%s' && find . -type f -print0 | sort -z | xargs -0 md5sum", dir);
    assert_int_equal(tt_run(cmd, &out, NULL), 0);
    return out;
}

/* `taafi render` is committed whole too: a full disk at a range of
 * budgets leaves the folder as it was, byte for byte, with no stage
 * beside it, and so does SIGKILL at each of a range of its renames;
 * without --overwrite, maps already there are refused before anything
 * changes; a render that succeeds keeps the run's files and the user's and
 * lists the new maps with the run's. */
static void test_render_whole(void **state)
{
    tt_env *e = *state;
    char *dir = tt_path(e->dir, "out"), *proj = example(), cmd[8192], *before, *after, *err = NULL, *id;
    static const long budgets[] = {0, 20000, 200000, 1000000, 2500000};
    size_t i;
    int failed = 0;
    run_ok(dir, "--maps");
    free(tt_write(dir, "notes.txt", "mine\n"));
    before = snapshot(dir);
    snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' -q", TAAFI_BIN, proj, dir);
    assert_int_not_equal(tt_run(cmd, NULL, &err), 0);
    assert_non_null(strstr(err, "taafi: error: "));
    assert_null(strstr(err, "taafi-stage"));
    free(err);
    after = snapshot(dir);
    assert_string_equal(after, before);
    free(after);
    for (i = 0; i < sizeof budgets / sizeof *budgets; i++) {
        int rc;
        err = NULL;
        snprintf(cmd, sizeof cmd,
                 "ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 LD_PRELOAD='%s' TAAFI_TEST_ENOSPC_AFTER=%ld "
                 "'%s' render '%s' -o '%s' --overwrite -q",
                 TAAFI_ENOSPC_LIB, budgets[i], TAAFI_BIN, proj, dir);
        rc = tt_run(cmd, NULL, &err);
        assert_int_equal(stages(e->dir), 0);
        if (rc != 0) {
            failed++;
            assert_non_null(strstr(err, "taafi: error: "));
            after = snapshot(dir);
            assert_string_equal(after, before);
            free(after);
        }
        free(err);
    }
    assert_true(failed >= 3);
    /* killed as it puts each file in place: the earlier files or every new
     * one (another SOURCE_DATE_EPOCH: every new file differs) */
    for (i = 1; i <= 40; i += i < 4 ? 1 : 6) {
        int rc;
        snprintf(cmd, sizeof cmd,
                 "SOURCE_DATE_EPOCH=%zu ASAN_OPTIONS=verify_asan_link_order=0:detect_leaks=0 LD_PRELOAD='%s' "
                 "TAAFI_TEST_KILL_AT_RENAME=%zu '%s' render '%s' -o '%s' --overwrite -q 2>/dev/null",
                 1000 + i, TAAFI_ENOSPC_LIB, i, TAAFI_BIN, proj, dir);
        rc = tt_run(cmd, NULL, NULL);
        after = snapshot(dir);
        if (rc != 0)
            assert_string_equal(after, before);
        else {
            free(before);
            before = strdup(after);
        }
        free(after);
        assert_true(stages(e->dir) <= 1);
    }
    snprintf(cmd, sizeof cmd, "'%s' render '%s' -o '%s' -q --overwrite", TAAFI_BIN, proj, dir);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    id = one_run(dir, "notes.txt\n");
    free(id);
    assert_int_equal(stages(e->dir), 0);
    free(before);
    free(proj);
    free(dir);
}

/* An output folder that is a mount point (a container's volume, a bind
 * mount) cannot be exchanged: the stage goes inside it and the files are
 * put in place one by one, with a warning, and the run still holds the
 * files of one run and the user's.  Skipped where mounting is not allowed. */
static void test_mount_point(void **state)
{
    tt_env *e = *state;
    char *dir = tt_path(e->dir, "vol"), cmd[8192], *err = NULL, *proj = example();
    int mounted;
    assert_int_equal(mkdir(dir, 0777), 0);
    snprintf(cmd, sizeof cmd, "mount --bind '%s' '%s' 2>/dev/null", dir, dir);
    mounted = tt_run(cmd, NULL, NULL) == 0;
    if (!mounted) {
        free(proj);
        free(dir);
        skip();
    }
    run_ok(dir, "");
    free(tt_write(dir, "notes.txt", "mine\n"));
    snprintf(cmd, sizeof cmd, "'%s' run '%s' -o '%s' --overwrite -q", TAAFI_BIN, proj, dir);
    assert_int_equal(tt_run(cmd, NULL, &err), 0);
    assert_non_null(strstr(err, "cannot be staged beside the folder"));
    free(one_run(dir, "notes.txt\n"));
    snprintf(cmd, sizeof cmd, "ls -a '%s' | grep -c taafi-stage", dir);
    {
        char *out = NULL;
        tt_run(cmd, &out, NULL);
        assert_int_equal(atoi(out), 0);
        free(out);
    }
    snprintf(cmd, sizeof cmd, "umount '%s'", dir);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
    free(err);
    free(proj);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_replace_keeps_user_files, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_disk_full_range, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_signals_range, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_render_joins_the_run, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_render_whole, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_mount_point, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
