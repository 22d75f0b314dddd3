/* The taafi command: exit codes, error format, run and validate on the
 * bundled example. */
#include "support.h"

#include "project/project.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pty.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fixture {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tt_tmpdir();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    if (!*state)
        return 0;
    fixture *f = *state;
    tt_rmrf(f->dir);
    free(f);
    return 0;
}

/* Runs `taafi ARGS`; returns the exit status. */
static int taafi(const char *args, char **out, char **err)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "'%s' %s", TAAFI_BIN, args);
    return tt_run(cmd, out, err);
}

/* Writes DIR/NAME: a small project over the bundled neighbourhoods, its
 * areas' km² as the one indicator; `mapped`: in a pillar, with SVG maps
 * only, so that it has something to draw and draws it quickly. */
static void write_project(const char *dir, const char *name, int mapped)
{
    char text[2048];
    snprintf(text, sizeof text,
             "areas: {source: '%s/data/shapefiles/neighbourhoods.shp', id: nbhd_id}\n"
             "indicators: [{id: km2, type: area%s}]\n%s",
             tt_source_dir(), mapped ? ", pillar: ideal_neighbourhood, direction: higher_is_better" : "",
             mapped ? "maps: {formats: [svg], atlas: false, report: false}\n" : "");
    free(tt_write(dir, name, text));
}

static void expect(const char *args, int code, const char *in_out, const char *in_err)
{
    char *out = NULL, *err = NULL;
    int got = taafi(args, &out, &err);
    if (got != code || (in_out && !strstr(out, in_out)) || (in_err && !strstr(err, in_err)))
        fail_msg("taafi %s: exit %d (want %d)\nstdout: %s\nstderr: %s", args, got, code, out, err);
    /* Every error is one line that starts the same way. */
    if (code != 0 && strncmp(err, "taafi: error: ", 14) != 0 && !strstr(err, "\ntaafi: error: "))
        fail_msg("taafi %s: no 'taafi: error:' line in: %s", args, err);
    free(out);
    free(err);
}

static void test_usage(void **state)
{
    (void)state;
    expect("--help", 0, "Usage: taafi COMMAND", NULL);
    expect("run --help", 0, "--overwrite", NULL);
    expect("validate --help", 0, "Computes nothing", NULL);
    expect("--version", 0, "GDAL 3", NULL);
    expect("frobnicate", 2, NULL, "unknown command 'frobnicate'");
    expect("run", 2, NULL, "a project file");
    expect("run x.yml", 2, NULL, "-o DIR");
    expect("run x.yml -o", 2, NULL, "needs a folder");
    expect("run x.yml -o d --colour", 2, NULL, "unknown option '--colour'");
    expect("validate", 2, NULL, "needs a project file");
    expect("run x.yml -o d --jobs 0", 2, NULL, "--jobs needs a number of threads from 1 to 256");
    expect("run x.yml -o d -j", 2, NULL, "--jobs needs a number");
    expect("render x.yml -o d --jobs 2x", 2, NULL, "--jobs needs a number");
    expect("render --help", 0, "--jobs N", NULL);
}

static void test_project_errors(void **state)
{
    fixture *f = *state;
    char args[1024];
    char *bad = tt_write(f->dir, "bad.yml", "areas:\n  source: a.shp\n  idd: x\nindicators: []\n");
    char *missing = tt_write(f->dir, "missing.yml", "areas: {source: nowhere.shp, id: x}\nindicators: []\n");
    snprintf(args, sizeof args, "validate '%s'", bad);
    expect(args, 2, NULL, "bad.yml:3: unknown key 'idd' in areas; did you mean 'id'?");
    snprintf(args, sizeof args, "run '%s' -o '%s/o'", bad, f->dir);
    expect(args, 2, NULL, "did you mean 'id'?");
    snprintf(args, sizeof args, "run '%s' -o '%s/o'", missing, f->dir);
    expect(args, 1, NULL, "nowhere.shp: cannot open areas");
    snprintf(args, sizeof args, "validate '%s/none.yml'", f->dir);
    expect(args, 2, NULL, "cannot open the project file");
    /* --round on a project without rounds: an error, not the whole run */
    snprintf(args, sizeof args, "run '%s/examples/homs.yml' -o '%s/r' --round baseline", tt_source_dir(), f->dir);
    expect(args, 2, NULL, "homs.yml: --round baseline, but the project has no 'rounds'");
    snprintf(args, sizeof args, "%s/r", f->dir);
    assert_false(tt_exists(args));
    free(bad);
    free(missing);
}

static void test_example(void **state)
{
    fixture *f = *state;
    char args[1024], *layer_yml, *text;
    const char *src = tt_source_dir();
    snprintf(args, sizeof args, "validate '%s/examples/homs.yml'", src);
    expect(args, 0, "ok: every input opens", NULL);
    expect(args, 0, "analysis CRS EPSG:32637", NULL);
    snprintf(args, sizeof args, "run '%s/examples/homs.yml' -o '%s/out'", src, f->dir);
    expect(args, 0, NULL, "outside every area");
    /* CSV beside the GeoPackage: UTF-8 with a byte-order mark, Arabic intact */
    {
        char *path = malloc(strlen(f->dir) + 32), *csv;
        sprintf(path, "%s/out/areas.csv", f->dir);
        csv = tt_read(path, NULL);
        assert_memory_equal(csv, "\xEF\xBB\xBFnbhd_id,", 11);
        assert_non_null(strstr(csv, "باب الدريب"));
        assert_non_null(strstr(csv, "recovery_index"));
        free(csv);
        sprintf(path, "%s/out/indicators.csv", f->dir);
        csv = tt_read(path, NULL);
        assert_non_null(strstr(csv, "school_distance_score,score,school_distance,nearest_distance,basic_services"));
        assert_non_null(strstr(csv, "مؤشر التعافي"));
        free(csv);
        free(path);
    }
    /* a second run refuses to replace, and says how */
    expect(args, 1, NULL, "exists; pass --overwrite to replace it");
    snprintf(args, sizeof args, "run '%s/examples/homs.yml' -o '%s/out' --overwrite -q", src, f->dir);
    expect(args, 0, NULL, NULL);
    /* a wrong layer name lists the layers there */
    text = malloc(strlen(src) + 512);
    sprintf(text,
            "areas: {source: '%s/data/shapefiles/neighbourhoods.shp', layer: nbhds, id: nbhd_id}\n"
            "indicators: [{id: a, type: area}]\n",
            src);
    layer_yml = tt_write(f->dir, "layer.yml", text);
    snprintf(args, sizeof args, "validate '%s'", layer_yml);
    expect(args, 1, NULL, "no layer 'nbhds'; the layers there are 'neighbourhoods'");
    free(text);
    free(layer_yml);
}

/* taafi init writes a project that loads, with the id and name fields
 * guessed from the areas file, and never replaces one unasked. */
static void test_init(void **state)
{
    fixture *f = *state;
    char args[1024], *yml = tt_path(f->dir, "new.yml");
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    size_t k;
    int pillars = 0;
    snprintf(args, sizeof args, "init '%s/data/shapefiles/neighbourhoods.shp' -o '%s'", tt_source_dir(), yml);
    expect(args, 0, NULL, "wrote");
    expect(args, 1, NULL, "--overwrite");
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    if (taafi_project_load(ctx, yml, &p))
        fail_msg("%s", taafi_ctx_message(ctx));
    assert_string_equal(p->area_id, "nbhd_id");
    assert_string_equal(p->area_name, "name_en");
    assert_string_equal(p->area_name_ar, "name_ar");
    for (int q = 0; q < TF_N_PILLARS; q++)
        for (k = 0; k < p->n_inds; k++)
            if (p->inds[k].pillar && !strcmp(p->inds[k].pillar, tf_pillar_keys[q])) {
                pillars++;
                break;
            }
    assert_int_equal(pillars, 5);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    expect("init /no/such.shp", 1, NULL, "cannot open");
    free(yml);
}

/* --jobs gives the same bytes as one thread; several projects (or a
 * folder) run on, one failing, with a summary and exit status 1. */
static void test_jobs_and_batch(void **state)
{
    fixture *f = *state;
    char args[4096], *a, *b, *dir_yml, *text;
    const char *src = tt_source_dir();
    /* the scenario's too: its other distance is computed on the threads */
    /* SOURCE_DATE_EPOCH pins the time stamps (the run table's, GDAL's in
     * gpkg_contents), so that the GeoPackages are the same bytes too */
    static const char *const files[] = {"recovery.gpkg",
                                        "clinic_500m/recovery.gpkg",
                                        "areas.meta.json",
                                        "areas.geojson",
                                        "service_gaps.geojson",
                                        "facilities.geojson",
                                        "clinic_500m/areas.geojson",
                                        "clinic_500m/service_gaps.geojson",
                                        "clinics_functioning/areas.geojson",
                                        "clinics_functioning/facilities.geojson"};
    size_t i;
    assert_int_equal(setenv("SOURCE_DATE_EPOCH", "31536000", 1), 0); /* 1971-01-01 */
    snprintf(args, sizeof args, "run '%s/examples/homs.yml' -o '%s/j1' -q --jobs 1", src, f->dir);
    expect(args, 0, NULL, NULL);
    snprintf(args, sizeof args, "run '%s/examples/homs.yml' -o '%s/j3' -q --jobs 3", src, f->dir);
    expect(args, 0, NULL, NULL);
    unsetenv("SOURCE_DATE_EPOCH");
    {
        sqlite3 *db;
        char *when;
        snprintf(args, sizeof args, "%s/j3/recovery.gpkg", f->dir);
        assert_int_equal(sqlite3_open(args, &db), SQLITE_OK);
        when = tt_sql_text(db, "SELECT min(last_change) || ' ' || max(last_change) FROM gpkg_contents");
        assert_string_equal(when, "1971-01-01T00:00:00.000Z 1971-01-01T00:00:00.000Z");
        free(when);
        when = tt_sql_text(db, "SELECT group_concat(value, ' ') FROM run WHERE name IN ('started', 'finished')");
        assert_string_equal(when, "1971-01-01T00:00:00Z 1971-01-01T00:00:00Z");
        free(when);
        sqlite3_close(db);
    }
    for (i = 0; i < sizeof files / sizeof *files; i++) {
        size_t la, lb;
        snprintf(args, sizeof args, "%s/j1/%s", f->dir, files[i]);
        a = tt_read(args, &la);
        snprintf(args, sizeof args, "%s/j3/%s", f->dir, files[i]);
        b = tt_read(args, &lb);
        if (la != lb || memcmp(a, b, la))
            fail_msg("%s differs between --jobs 1 and --jobs 3", files[i]);
        free(a);
        free(b);
    }
    /* the scenario of fully working clinics has fewer clinics (the
     * example's partial ones are gone) from the same single pass */
    {
        size_t clinics[2] = {0, 0}, partial[2] = {0, 0};
        for (i = 0; i < 2; i++) {
            char *line;
            snprintf(args, sizeof args, "%s/j1/%sfacilities.geojson", f->dir, i ? "clinics_functioning/" : "");
            a = tt_read(args, NULL);
            /* GDAL writes a feature per line */
            for (line = strtok(a, "\n"); line; line = strtok(NULL, "\n"))
                if (strstr(line, "\"indicator\": \"clinic\"")) {
                    clinics[i]++;
                    partial[i] += strstr(line, "\"status\": \"partial\"") != NULL;
                }
            free(a);
        }
        assert_true(partial[0] > 0);
        assert_int_equal(partial[1], 0);
        assert_int_equal(clinics[1], clinics[0] - partial[0]);
    }
    /* a folder of two good projects and a broken one */
    dir_yml = tt_path(f->dir, "projects");
    assert_int_equal(mkdir(dir_yml, 0777), 0);
    write_project(dir_yml, "one.yml", 0);
    write_project(dir_yml, "three.yml", 0);
    free(tt_write(dir_yml, "two.yml", "areas: {source: missing.shp, id: x}\nindicators: []\n"));
    /* the same folder checked before it is run: each project's report,
     * the broken one's error, a summary, the worst exit status */
    snprintf(args, sizeof args, "validate '%s'", dir_yml);
    {
        char *out = NULL, *err = NULL, *at, *eol;
        int reports = 0;
        assert_int_equal(taafi(args, &out, &err), 1);
        /* a report starts "project PATH", the broken one's too (its
         * project file reads; its areas do not open) */
        reports = !strncmp(out, "project ", 8);
        for (at = out; (at = strstr(at, "\nproject ")); at++)
            reports++;
        if (reports != 3 || !strstr(out, "problem: "))
            fail_msg("want three reports, one with a problem, in:\n%s", out);
        at = strstr(err, "two.yml ");
        assert_non_null(at);
        eol = strchr(at, '\n');
        assert_non_null(eol);
        *eol = '\0';
        assert_non_null(strstr(at, "FAILED"));
        assert_non_null(strstr(eol + 1, "3 project(s): 2 ok, 1 failed"));
        free(out);
        free(err);
    }
    snprintf(args, sizeof args, "run '%s' -o '%s/batch' --jobs 2", dir_yml, f->dir);
    expect(args, 1, NULL, "3 project(s): 2 ok, 1 failed");
    snprintf(args, sizeof args, "%s/batch/one/recovery.gpkg", f->dir);
    assert_true(tt_exists(args));
    snprintf(args, sizeof args, "%s/batch/three/recovery.gpkg", f->dir);
    assert_true(tt_exists(args));
    snprintf(args, sizeof args, "%s/batch/two", f->dir);
    assert_false(tt_exists(args));
    /* the summary as CSV for scripts: a row per project, in order, the
     * error quoted (it holds commas in other runs, quotes doubled) */
    snprintf(args, sizeof args, "run '%s' -o '%s/batch' --overwrite -q --summary '%s/summary.csv'", dir_yml, f->dir,
             f->dir);
    expect(args, 1, NULL, NULL);
    {
        char *csv, *two;
        snprintf(args, sizeof args, "%s/summary.csv", f->dir);
        csv = tt_read(args, NULL);
        assert_memory_equal(csv, "project,status,exit_code,areas,seconds,output,error\n", 52);
        assert_non_null(strstr(csv, "/projects/one.yml\",ok,0,20,"));
        assert_non_null(two = strstr(csv, "/projects/two.yml\",failed,1,0,"));
        assert_non_null(strstr(two, ",\"\",\"")); /* no output, then the error */
        assert_non_null(strstr(two, "missing.shp"));
        assert_true(strstr(csv, "one.yml") < strstr(csv, "three.yml") && strstr(csv, "three.yml") < two);
        free(csv);
    }
    /* projects side by side: each log line says whose it is */
    snprintf(args, sizeof args, "run '%s' -o '%s/batch' --jobs 2 --overwrite", dir_yml, f->dir);
    expect(args, 1, NULL, "taafi: [three] wrote ");
    /* a folder among files stands for its projects too, and "DIR/" joins
     * without a double slash */
    snprintf(args, sizeof args, "run '%s/' '%s/one.yml' -o '%s/mixed'", dir_yml, dir_yml, f->dir);
    {
        char *err = NULL;
        assert_int_equal(taafi(args, NULL, &err), 2);
        /* two projects named "one" would write into one folder: refused
         * before anything runs, naming both files */
        assert_non_null(strstr(err, "projects/one.yml and "));
        assert_null(strstr(err, "//"));
        free(err);
    }
    snprintf(args, sizeof args, "%s/mixed", f->dir);
    assert_false(tt_exists(args));
    /* a file and a folder: the folder's projects run beside the file's */
    text = tt_path(f->dir, "solo");
    assert_int_equal(mkdir(text, 0777), 0);
    write_project(text, "four.yml", 0);
    snprintf(args, sizeof args, "run '%s/four.yml' '%s/' -o '%s/mixed' --jobs 2", text, dir_yml, f->dir);
    expect(args, 1, NULL, "4 project(s): 3 ok, 1 failed");
    snprintf(args, sizeof args, "%s/mixed/four/recovery.gpkg", f->dir);
    assert_true(tt_exists(args));
    snprintf(args, sizeof args, "%s/mixed/one/recovery.gpkg", f->dir);
    assert_true(tt_exists(args));
    free(text);
    free(dir_yml);
}

/* Threads without --jobs: the CPUs the process may use (taskset narrows
 * them); in a batch, threads left over by fewer projects than --jobs are
 * shared among the projects. */
static void test_threads(void **state)
{
    fixture *f = *state;
    char args[4096], *err = NULL;
    write_project(f->dir, "one.yml", 0);
    write_project(f->dir, "two.yml", 0);
    write_project(f->dir, "three.yml", 0);
    snprintf(args, sizeof args, "taskset -c 0 '%s' run '%s/one.yml' -o '%s/t1' -v", TAAFI_BIN, f->dir, f->dir);
    assert_int_equal(tt_run(args, NULL, &err), 0);
    if (!strstr(err, "taafi: threads: 1\n"))
        fail_msg("one CPU allowed: want 1 thread, got:\n%s", err);
    free(err);
    /* unrestricted: all of them (the same count as the library's) */
    snprintf(args, sizeof args, "run '%s/one.yml' -o '%s/t0' -v", f->dir, f->dir);
    assert_int_equal(taafi(args, NULL, &err), 0);
    snprintf(args, sizeof args, "taafi: threads: %d\n", taafi_cpu_count());
    if (!strstr(err, args))
        fail_msg("no --jobs: want \"%s\" in:\n%s", args, err);
    free(err);
    snprintf(args, sizeof args, "run '%s/one.yml' -o '%s/t2' -v --jobs 3", f->dir, f->dir);
    assert_int_equal(taafi(args, NULL, &err), 0);
    assert_non_null(strstr(err, "taafi: threads: 3\n"));
    free(err);
    /* two projects, four threads: two each */
    snprintf(args, sizeof args, "run '%s/one.yml' '%s/two.yml' -o '%s/t3' -v --jobs 4", f->dir, f->dir, f->dir);
    assert_int_equal(taafi(args, NULL, &err), 0);
    if (!strstr(err, "taafi: [one] threads: 2\n") || !strstr(err, "taafi: [two] threads: 2\n"))
        fail_msg("two projects, --jobs 4: want 2 threads each, got:\n%s", err);
    /* the tool's own lines carry the project's name too */
    snprintf(args, sizeof args, "taafi: [two] %s/two.yml: ", f->dir);
    if (!strstr(err, args))
        fail_msg("want \"%s\" in:\n%s", args, err);
    free(err);
    /* three projects, four threads: three at a time, one thread each */
    snprintf(args, sizeof args, "run '%s/one.yml' '%s/two.yml' '%s/three.yml' -o '%s/t4' -v --jobs 4", f->dir, f->dir,
             f->dir, f->dir);
    assert_int_equal(taafi(args, NULL, &err), 0);
    assert_non_null(strstr(err, "taafi: [three] threads: 1\n"));
    assert_null(strstr(err, "threads: 2"));
    free(err);
}

/* taafi render takes a batch as run does: each project's maps into
 * DIR/NAME/maps, no data outputs, one without pillars failing alone. */
static void test_render_batch(void **state)
{
    fixture *f = *state;
    char args[4096], *dir = tt_path(f->dir, "maps_projects");
    assert_int_equal(mkdir(dir, 0777), 0);
    write_project(dir, "east.yml", 1);
    write_project(dir, "west.yml", 1);
    write_project(dir, "plain.yml", 0);
    snprintf(args, sizeof args, "render '%s' -o '%s/rendered' --jobs 2", dir, f->dir);
    expect(args, 2, NULL, "3 project(s): 2 ok, 1 failed");
    snprintf(args, sizeof args, "%s/rendered/east/maps/recovery_index.svg", f->dir);
    assert_true(tt_exists(args));
    snprintf(args, sizeof args, "%s/rendered/west/maps/ideal_neighbourhood.svg", f->dir);
    assert_true(tt_exists(args));
    snprintf(args, sizeof args, "%s/rendered/east/recovery.gpkg", f->dir);
    assert_false(tt_exists(args)); /* the maps only */
    free(dir);
}

/* Runs `taafi ARGS` with stderr (and stdout) on a pseudo-terminal, as a
 * user at a terminal sees it, checking it exits with `want_exit`; returns
 * all it printed (caller frees). */
static char *on_terminal(char *const *argv, int want_exit)
{
    int master, status;
    size_t n = 0, cap = 1 << 16;
    char *text = malloc(cap);
    pid_t pid = forkpty(&master, NULL, NULL, NULL);
    assert_true(pid >= 0);
    if (pid == 0) {
        execv(TAAFI_BIN, argv);
        _exit(127);
    }
    for (;;) {
        ssize_t got;
        if (n + 4096 > cap)
            text = realloc(text, cap *= 2);
        got = read(master, text + n, cap - n - 1);
        if (got <= 0) /* EIO once the child is gone */
            break;
        n += (size_t)got;
    }
    text[n] = '\0';
    close(master);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), want_exit);
    return text;
}

/* On a terminal each stage draws a bar redrawn in place with its counts,
 * ending at done/total; a rate only where the bar saw the stage start (a
 * stage run on another thread is first heard of part way through, and a
 * rate from then would be wrong).  Not on a pipe, and not with -q. */
static void test_progress(void **state)
{
    fixture *f = *state;
    char project[2048], out[2048], *text, *line, *save = NULL;
    int damage_done = 0, coverage_done = 0, areas_read = 0, areas_indexed = 0;
    snprintf(project, sizeof project, "%s/examples/homs.yml", tt_source_dir());
    snprintf(out, sizeof out, "%s/bars", f->dir);
    {
        char *argv[] = {"taafi", "run", project, "-o", out, NULL};
        text = on_terminal(argv, 0);
    }
    /* every redraw starts with a carriage return; split on both ends */
    for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        unsigned long long done, total;
        char stage[64];
        if (sscanf(line, "  %63[a-z _0-9] [%*[#.]] %llu/%llu", stage, &done, &total) != 3)
            continue;
        assert_true(done <= total);
        if (!strncmp(stage, "counting damage", 15) && done == total) {
            damage_done = 1;
            assert_non_null(strstr(line, "/s")); /* seen from its start */
        }
        if (!strncmp(stage, "coverage", 8) && done == total)
            coverage_done = 1;
        /* the stages of the issue: reading, indexing, counting (as the
         * points are read), coverage, writing */
        areas_read |= !strncmp(stage, "reading areas", 13) && done == 20 && total == 20;
        areas_indexed |= !strncmp(stage, "indexing areas", 14) && done == 20 && total == 20;
    }
    assert_true(areas_read);
    assert_true(areas_indexed);
    assert_true(damage_done);
    assert_true(coverage_done);
    free(text);
    /* a batch: one bar of the projects done, below the projects' lines,
     * with the failures counted */
    {
        char a[2048], b[2048];
        int seen = 0;
        snprintf(a, sizeof a, "%s/batch_a.yml", f->dir);
        snprintf(b, sizeof b, "%s/batch_b.yml", f->dir);
        free(tt_write(f->dir, "batch_a.yml", "areas: {source: missing.shp, id: x}\nindicators: []\n"));
        write_project(f->dir, "batch_b.yml", 0);
        snprintf(out, sizeof out, "%s/bars_batch", f->dir);
        {
            char *argv[] = {"taafi", "run", a, b, "-o", out, NULL};
            text = on_terminal(argv, 1);
        }
        for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
            unsigned long long done, total;
            char stage[64];
            if (sscanf(line, "  %63[a-z _0-9] [%*[#.]] %llu/%llu", stage, &done, &total) == 3 &&
                !strncmp(stage, "projects", 8) && done == 2 && total == 2 && strstr(line, "1 failed"))
                seen = 1;
        }
        if (!seen)
            fail_msg("no \"projects\" bar reaching 2/2 with 1 failed in:\n%s", text);
        free(text);
    }
    /* the maps: 6 sheets in 3 formats, the atlas and the report */
    snprintf(out, sizeof out, "%s/bars_maps", f->dir);
    {
        char *argv[] = {"taafi", "render", project, "-o", out, NULL};
        int drawn = 0;
        text = on_terminal(argv, 0);
        for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
            unsigned long long done, total;
            char stage[64];
            if (sscanf(line, "  %63[a-z _0-9] [%*[#.]] %llu/%llu", stage, &done, &total) == 3)
                drawn |= !strncmp(stage, "drawing maps", 12) && done == 20 && total == 20;
        }
        if (!drawn)
            fail_msg("no \"drawing maps\" bar reaching 20/20 in:\n%s", text);
        free(text);
    }
    {
        char *argv[] = {"taafi", "run", project, "-o", out, "--overwrite", "-q", NULL};
        text = on_terminal(argv, 0);
        assert_null(strchr(text, '\r') ? strstr(text, "[#") : NULL);
        assert_null(strstr(text, "counting damage"));
        free(text);
    }
    /* on a pipe: the log's plain lines, no bar */
    {
        char args[4200], *err = NULL;
        snprintf(args, sizeof args, "run '%s' -o '%s' --overwrite", project, out);
        assert_int_equal(taafi(args, NULL, &err), 0);
        assert_null(strchr(err, '\r'));
        assert_non_null(strstr(err, "taafi: damage: "));
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_usage),
        cmocka_unit_test_setup_teardown(test_project_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_example, setup, teardown),
        cmocka_unit_test_setup_teardown(test_init, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jobs_and_batch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_progress, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_render_batch, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
