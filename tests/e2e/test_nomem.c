/*
 * Out of memory, as SQLite's test_malloc and tg's chaos tests do it: the
 * example project (examples/homs.yml, its scenarios included, then
 * examples/homs_rounds.yml for the sites of rounds, and
 * tests/data/robust/maps.yml, validated, for validate and the maps) is run
 * through taafi_project_run with an allocator that fails one allocation,
 * once for every allocation site of libtaafi the example reaches (the first
 * allocation made there; sites are named by tf_alloc_site, alloc.h) and
 * for each of the first FIRST_N allocations.  Every run must end in
 * TAAFI_OK or TAAFI_ERR_NOMEM, free every block it took (counted by the
 * allocator; LeakSanitizer checks the libraries' own memory in the
 * sanitizer build), and leave no output behind on failure: the output
 * folder absent, no stage folder beside it.  A run that succeeds in spite
 * of a failed allocation must write the same areas.csv as a clean run.
 *
 * Also: the sources hold no bare malloc/calloc/realloc/free/strdup outside
 * src/cli and core/alloc.c (lines marked "libc:" excepted), so that every
 * allocation does go through the allocator.
 */
#define _DEFAULT_SOURCE
#include "support.h"

#include "core/alloc.h"

#include <dirent.h>
#include <pthread.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_N 40
#define MAX_SITES 2048
#define TF_MSG_MAX_TEST 2048

typedef struct chaos {
    pthread_mutex_t lock;
    size_t live, calls;
    size_t fail_index;     /* fail allocation number fail_index (1-based), 0: none */
    const char *fail_site; /* or the first one made at this site        */
    int failed;
    int record; /* the counting run: note each site once, in order */
    const char *sites[MAX_SITES];
    size_t n_sites;
} chaos;

static int should_fail(chaos *c, const char *site)
{
    size_t i;
    c->calls++;
    if (c->record && site) {
        for (i = 0; i < c->n_sites && c->sites[i] != site; i++)
            ;
        if (i == c->n_sites && c->n_sites < MAX_SITES)
            c->sites[c->n_sites++] = site;
    }
    if (c->failed)
        return 0;
    if ((c->fail_index && c->calls == c->fail_index) || (c->fail_site && site == c->fail_site))
        return c->failed = 1;
    return 0;
}

static void *chaos_malloc(void *user, size_t n)
{
    chaos *c = user;
    void *p = NULL;
    pthread_mutex_lock(&c->lock);
    if (!should_fail(c, tf_alloc_site()) && (p = malloc(n)))
        c->live++;
    pthread_mutex_unlock(&c->lock);
    return p;
}

static void *chaos_realloc(void *user, void *old, size_t n)
{
    chaos *c = user;
    void *p = NULL;
    if (!old)
        return chaos_malloc(user, n);
    pthread_mutex_lock(&c->lock);
    if (!should_fail(c, tf_alloc_site()))
        p = realloc(old, n);
    pthread_mutex_unlock(&c->lock);
    return p;
}

static void chaos_free(void *user, void *p)
{
    chaos *c = user;
    if (!p)
        return;
    pthread_mutex_lock(&c->lock);
    c->live--;
    pthread_mutex_unlock(&c->lock);
    free(p);
}

/* The project the sweep runs (relative to the source tree), and whether
 * it is validated first. */
static const char *example = "examples/homs.yml";
static int with_validate;
/* In the sweep over an earlier result: that result (with a file of the
 * user's, notes.txt), copied into the output folder before each run, which
 * then replaces it (--overwrite); NULL: into a new folder. */
static const char *earlier;
/* The round to compute alone (--round; the others read from the earlier
 * result), or NULL; the threads of the context. */
static const char *only_round;
static int threads = 1;

/* Runs the example into `out` with `c` as the allocator; the status, and
 * the message in msg. */
static taafi_status run_once(chaos *c, const char *out, char *msg, size_t size)
{
    const taafi_allocator a = {chaos_malloc, chaos_realloc, chaos_free, c};
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_status st;
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", tt_source_dir(), example);
    c->calls = 0;
    c->failed = 0;
    msg[0] = '\0';
    if ((st = taafi_ctx_new_with_allocator(&a, &ctx))) {
        snprintf(msg, size, "out of memory making the context (no context holds a message)");
        return st;
    }
    taafi_ctx_set_threads(ctx, threads);
    st = taafi_project_load(ctx, path, &p);
    if (!st && with_validate) { /* and `taafi init` of its areas */
        char *report = NULL, areas[4096];
        snprintf(areas, sizeof areas, "%s/tests/data/robust/cp1256.shp", tt_source_dir());
        st = taafi_project_validate(ctx, p, &report);
        taafi_string_free(report);
        report = NULL;
        if (!st)
            st = taafi_project_template(ctx, areas, &report);
        taafi_string_free(report);
    }
    if (!st)
        st = taafi_project_run(ctx, p, out, only_round,
                               (taafi_project_wants_maps(p) ? TAAFI_RUN_MAPS : 0) |
                                   (earlier ? TAAFI_WRITE_OVERWRITE : 0),
                               NULL);
    snprintf(msg, size, "%s", taafi_ctx_message(ctx));
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    return st;
}

/* Entries of dir other than . and .. */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* Every wrong run is told, and the test fails at the end: one run shows
 * what all the others would have. */
static int n_bad;
#define bad(...) (print_error(__VA_ARGS__), print_error("\n"), n_bad++)

/* One run failing what `c` says, checked; 1 when an allocation failed. */
/* out made a copy of the earlier result (when there is one). */
static void put_earlier(const char *out)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", out, earlier, out);
    assert_int_equal(tt_run(cmd, NULL, NULL), 0);
}

/* After a failed run over the earlier result: out is that result, whole,
 * with the user's file, and nothing beside it. */
static int earlier_kept(tt_env *e, const char *out)
{
    char *a = tt_path(out, "taafi-run.json"), *b = tt_path(earlier, "taafi-run.json"), *notes = tt_path(out, "notes.txt");
    char *x = tt_read(a, NULL), *y = tt_read(b, NULL);
    int ok = x && y && !strcmp(x, y) && tt_exists(notes) && entries(e->dir) == 1;
    free(x), free(y), free(a), free(b), free(notes);
    return ok;
}

static int check_run(tt_env *e, chaos *c, const char *what, const char *clean_csv)
{
    char *out = tt_path(e->dir, "out"), msg[TF_MSG_MAX_TEST];
    taafi_status st;
    if (earlier)
        put_earlier(out);
    st = run_once(c, out, msg, sizeof msg);
    if (st != TAAFI_OK && st != TAAFI_ERR_NOMEM)
        bad("%s: status %d, not TAAFI_ERR_NOMEM: %s", what, (int)st, msg);
    if (c->live != 0)
        bad("%s: %zu block(s) not freed (status %d: %s)", what, c->live, (int)st, msg);
    if (st == TAAFI_ERR_NOMEM && !strstr(msg, "out of memory"))
        bad("%s: TAAFI_ERR_NOMEM with the message \"%s\"", what, msg);
    if (st != TAAFI_OK && !earlier && (tt_exists(out) || entries(e->dir) != 0))
        bad("%s: failed (%s) but left %d entries in the folder", what, msg, entries(e->dir));
    if (st != TAAFI_OK && earlier && !earlier_kept(e, out))
        bad("%s: failed (%s) but the earlier result is not whole in the folder", what, msg);
    if (st == TAAFI_OK) {
        char *csv = tt_path(out, "areas.csv"), *got = tt_read(csv, NULL);
        if (!got || strcmp(got, clean_csv))
            bad("%s: succeeded after a failed allocation, but areas.csv differs", what);
        free(got);
        free(csv);
        tt_rmrf(tt_path(e->dir, "out"));
    }
    free(out);
    return c->failed;
}

/* Sites failed by an earlier sweep, not failed again. */
static const char *done_sites[MAX_SITES];
static size_t n_done;

static int done_before(const char *site)
{
    for (size_t i = 0; i < n_done; i++)
        if (done_sites[i] == site)
            return 1;
    return 0;
}

/* The sweep over `name`: a clean run recording the sites, then one run
 * failing each site not swept before, then (first_n) one failing each of
 * the first allocations. */
typedef struct sweep_opts {
    const char *name;  /* the project, relative to the source tree      */
    int validate;      /* validated and its areas `init`ed first        */
    int over;          /* over its earlier result (see `earlier`)       */
    const char *round; /* --round, over the earlier result              */
    int threads;       /* of the context                                */
    size_t first_n;    /* each of the first allocations failed too      */
} sweep_opts;

static void sweep(tt_env *e, sweep_opts o)
{
    chaos *c = calloc(1, sizeof *c);
    char *out = tt_path(e->dir, "out"), msg[TF_MSG_MAX_TEST], *csv_path, *clean;
    size_t i, n_sites, total, nomem = 0, fresh = 0;
    char *prior = o.over ? tt_tmpdir() : NULL;
    example = o.name;
    with_validate = o.validate;
    earlier = NULL;
    only_round = NULL;
    threads = o.threads ? o.threads : 1;
    n_bad = 0;
    pthread_mutex_init(&c->lock, NULL);
    if (prior) { /* the earlier result, and a file of the user's in it */
        char *prior_out = tt_path(prior, "out");
        if (run_once(c, prior_out, msg, sizeof msg))
            fail_msg("earlier run: %s", msg);
        free(tt_write(prior_out, "notes.txt", "the committee's notes\n"));
        earlier = prior_out;
        only_round = o.round;
        put_earlier(out);
    }
    c->record = 1;
    if (run_once(c, out, msg, sizeof msg))
        fail_msg("clean run: %s", msg);
    c->record = 0;
    assert_int_equal(c->live, 0);
    if (o.validate) { /* the maps project: its maps are drawn */
        char *atlas = tt_path(out, "maps/atlas.pdf");
        assert_true(tt_exists(atlas));
        free(atlas);
    }
    csv_path = tt_path(out, "areas.csv");
    clean = tt_read(csv_path, NULL);
    assert_non_null(clean);
    tt_rmrf(tt_path(e->dir, "out"));
    n_sites = c->n_sites;
    total = c->calls;
    assert_true(n_sites > 50 && n_sites < MAX_SITES);
    for (i = 0; i < n_sites; i++) {
        char what[512];
        if (done_before(c->sites[i]))
            continue;
        snprintf(what, sizeof what, "%s: failing %s", o.name, c->sites[i]);
        c->fail_site = c->sites[i];
        nomem += check_run(e, c, what, clean);
        done_sites[n_done++] = c->sites[i];
        fresh++;
    }
    c->fail_site = NULL;
    for (i = 1; i <= o.first_n && i <= total; i++) {
        char what[64];
        snprintf(what, sizeof what, "failing allocation %zu", i);
        c->fail_index = i;
        nomem += check_run(e, c, what, clean);
    }
    if (getenv("TAAFI_NOMEM_SITES")) { /* the sites swept so far, one a line */
        FILE *f = fopen(getenv("TAAFI_NOMEM_SITES"), "w");
        for (i = 0; f && i < n_done; i++)
            fprintf(f, "%s\n", done_sites[i]);
        if (f)
            fclose(f);
    }
    print_message("%s: %zu allocations at %zu sites, %zu not swept before; %zu runs with a failed allocation, "
                  "%d wrong\n",
                  o.name, total, n_sites, fresh, nomem, n_bad);
    assert_int_equal(n_bad, 0);
    assert_true(nomem >= fresh);
    free(clean);
    free(csv_path);
    free(out);
    if (prior) {
        free((char *)earlier);
        earlier = NULL;
        tt_rmrf(prior);
    }
    pthread_mutex_destroy(&c->lock);
    free(c);
}

static void test_every_site(void **state) { sweep(*state, (sweep_opts){.name = "examples/homs.yml", .first_n = FIRST_N}); }

/* The rounds example reaches the sites of rounds, change and the rounds
 * store: those not swept above. */
static void test_every_site_rounds(void **state) { sweep(*state, (sweep_opts){.name = "examples/homs_rounds.yml"}); }

/* Two squares with every map output (tests/data/robust/maps.yml), after
 * validate and init: the sites of validate, init, the maps, the atlas and
 * the report. */
static void test_every_site_maps(void **state)
{
    sweep(*state, (sweep_opts){.name = "tests/data/robust/maps.yml", .validate = 1});
}

/* The rounds example again, its second round alone (--round) over its
 * earlier result with a file of the user's in the folder (--overwrite):
 * the sites of reading the stored rounds and of carrying the user's files
 * into the new result.  A failed run leaves the earlier result whole. */
static void test_every_site_over(void **state)
{
    sweep(*state, (sweep_opts){.name = "examples/homs_rounds.yml", .over = 1, .round = "round-2"});
}

/* The example on two threads: the sites of the workers, the background
 * and the point pool. */
static void test_every_site_threads(void **state)
{
    sweep(*state, (sweep_opts){.name = "examples/homs.yml", .threads = 2});
}

/* Bare allocation calls in one source file, outside "libc:" lines. */
static int bare_calls(const char *path, const regex_t *re)
{
    FILE *f = fopen(path, "r");
    char line[4096];
    int n = 0, no = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        no++;
        if (!regexec(re, line, 0, NULL, 0) && !strstr(line, "libc:")) {
            print_error("%s:%d: %s", path, no, line);
            n++;
        }
    }
    fclose(f);
    return n;
}

static int scan(const char *dir, const regex_t *re)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    assert_non_null(d);
    while ((e = readdir(d))) {
        char path[4096];
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "cli") || !strcmp(e->d_name, "alloc.c"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR)
            n += scan(path, re);
        else if (len > 2 && (!strcmp(e->d_name + len - 2, ".c") || !strcmp(e->d_name + len - 2, ".h")))
            n += bare_calls(path, re);
    }
    closedir(d);
    return n;
}

static void test_no_bare_allocation(void **state)
{
    regex_t re;
    char src[4096];
    (void)state;
    assert_int_equal(regcomp(&re, "(^|[^A-Za-z0-9_.>])(malloc|calloc|realloc|free|strdup|strndup)\\(",
                             REG_EXTENDED | REG_NOSUB),
                     0);
    snprintf(src, sizeof src, "%s/src", tt_source_dir());
    assert_int_equal(scan(src, &re), 0);
    regfree(&re);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_bare_allocation),
        cmocka_unit_test_setup_teardown(test_every_site, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_every_site_rounds, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_every_site_maps, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_every_site_over, tt_env_setup, tt_env_teardown),
        cmocka_unit_test_setup_teardown(test_every_site_threads, tt_env_setup, tt_env_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
