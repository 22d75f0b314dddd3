/*
 * cmd_run.c: taafi run PROJECT... -o DIR
 *
 * One project writes into DIR.  Several (or folders, each standing for its
 * *.yml files) each write into DIR/<project file name without .yml>/, two
 * of one name being an error before anything runs; one failing does not stop
 * the others; a summary table ends the run and the exit status is that of
 * the worst.  --jobs N runs projects side by side, each on its own
 * context (libtaafi is thread-safe per context) and, with one project,
 * gives the analysis N threads.
 */
#include "cli.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char USAGE[] = "Usage: taafi run PROJECT.yml|FOLDER... -o DIR [--overwrite] [--maps] [--jobs N]\n"
                            "                 [--summary FILE] [-q|-v]\n"
                            "\n"
                            "Runs the analysis of each project and writes its outputs into DIR (made if\n"
                            "missing): recovery.gpkg and areas.geojson unless the project's 'outputs'\n"
                            "says otherwise.  With several projects, or a FOLDER (its *.yml files), each\n"
                            "writes into DIR/NAME/ (NAME: the project file's name without .yml; two of\n"
                            "one NAME are an error), one failing does not stop the others, and a\n"
                            "summary table ends the run.\n"
                            "\n"
                            "  -o, --output DIR   output folder (required)\n"
                            "  --overwrite        replace outputs that exist (otherwise an error)\n"
                            "  --maps             also draw the map sheets, atlas and report.html\n"
                            "  --round NAME       a project with rounds: compute only round NAME and add\n"
                            "                     it to (or replace it in) DIR's result, keeping the others\n"
                            "  -j, --jobs N       threads: projects side by side, or for one project\n"
                            "                     its per-area work (results identical for any N;\n"
                            "                     default: the CPUs this process may use)\n"
                            "  --summary FILE     also write the summary as CSV to FILE: project, status,\n"
                            "                     exit code, areas, seconds, output, error\n"
                            "  -q, --quiet        print warnings and errors only\n"
                            "  -v, --verbose      print debugging detail and stage times too\n";

typedef struct job {
    const char *project;
    char *dir;
    cli_opts o;
    unsigned flags;
    int maps, threads;
    int render_only;   /* taafi render: the analysis, then only the maps */
    const char *round; /* --round NAME */
    const char *summary; /* --summary FILE, or NULL */
    /* results */
    int summary_is_input; /* the summary would replace one of its inputs */
    int code;
    size_t areas;
    double seconds;
    char message[512];
} job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "taafi: [NAME] MESSAGE" (NAME only in a batch, where projects run side
 * by side), unless --quiet. */
static void say(const job *j, const char *fmt, ...)
{
    va_list ap;
    if (j->o.quiet)
        return;
    cli_stderr_begin();
    fprintf(stderr, "taafi: %s%s%s", j->o.tag ? "[" : "", j->o.tag ? j->o.tag : "", j->o.tag ? "] " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    cli_stderr_end();
}

/* A short data-quality summary: runs of notes with the same layer and
 * problem (points outside every area, say) are shown as one line. */
static void print_issues(const taafi_result *r, size_t n, const char *tag)
{
    size_t k = 0, lines = 0;
    cli_stderr_begin(); /* one block, not mixed with another project's lines */
    fprintf(stderr, "taafi: %s%s%sdata quality: %zu note(s), all in the table data_quality:\n", tag ? "[" : "",
            tag ? tag : "", tag ? "] " : "", n);
    while (k < n && lines < 12) {
        const char *layer, *problem, *action, *l2, *p2;
        int64_t fid, f2;
        size_t same = 1;
        taafi_result_issue(r, k, &layer, &fid, &problem, &action);
        while (k + same < n && taafi_result_issue(r, k + same, &l2, &f2, &p2, NULL) == TAAFI_OK &&
               !strcmp(l2, layer) && !strcmp(p2, problem))
            same++;
        if (same > 1)
            fprintf(stderr, "  %s: %zu features: %s; %s\n", layer, same, problem, action);
        else if (fid >= 0)
            fprintf(stderr, "  %s: feature %lld: %s; %s\n", layer, (long long)fid, problem, action);
        else
            fprintf(stderr, "  %s: %s; %s\n", layer, problem, action);
        k += same;
        lines++;
    }
    if (k < n)
        fprintf(stderr, "  ... and %zu more\n", n - k);
    cli_stderr_end();
}

static void run_job(job *j)
{
    taafi_ctx *ctx = cli_context(&j->o);
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    taafi_status st;
    double t0 = now();
    if (!ctx) {
        j->code = EXIT_ANALYSIS;
        snprintf(j->message, sizeof j->message, "cannot start");
        return;
    }
    taafi_ctx_set_threads(ctx, j->threads);
    /* the summary is written over no input of any project */
    if (!(st = taafi_project_load(ctx, j->project, &p)) && j->summary &&
        (st = taafi_project_check_output_file(ctx, p, j->summary, TAAFI_WRITE_OVERWRITE)))
        j->summary_is_input = 1;
    if (st) {
        j->code = cli_fail(st, taafi_ctx_message(ctx));
        snprintf(j->message, sizeof j->message, "%s", taafi_ctx_message(ctx));
        goto out;
    }
    if (j->render_only) {
        if ((st = taafi_project_render(ctx, p, j->dir, j->flags, &r))) {
            j->code = cli_fail(st, taafi_ctx_message(ctx));
            snprintf(j->message, sizeof j->message, "%s", taafi_ctx_message(ctx));
        } else {
            j->code = EXIT_OK;
            j->areas = taafi_result_area_count(r);
        }
        goto out;
    }
    if ((st = taafi_project_run(ctx, p, j->dir, j->round, j->flags | (j->maps ? TAAFI_RUN_MAPS : 0), &r))) {
        j->code = cli_fail(st, taafi_ctx_message(ctx));
        snprintf(j->message, sizeof j->message, "%s", taafi_ctx_message(ctx));
    } else if (taafi_project_round_count(p) > 0) {
        j->code = EXIT_OK;
        j->areas = r ? taafi_result_area_count(r) : 0;
        say(j, "%s: %zu round(s) written to %s", j->project, taafi_project_round_count(p), j->dir);
    } else {
        size_t n_issues = taafi_result_issue_count(r);
        j->code = EXIT_OK;
        j->areas = taafi_result_area_count(r);
        say(j, "%s: %zu areas, %zu indicator columns", j->project, j->areas, taafi_result_column_count(r));
        if (n_issues && !j->o.quiet)
            print_issues(r, n_issues, j->o.tag);
    }
out:
    j->seconds = now() - t0;
    taafi_result_free(r);
    taafi_project_free(p);
    cli_release_context(ctx);
}

typedef struct pool {
    job *jobs;
    size_t n, next;
    pthread_mutex_t lock;
} pool;

static void *worker(void *arg)
{
    pool *pl = arg;
    for (;;) {
        size_t k;
        pthread_mutex_lock(&pl->lock);
        k = pl->next++;
        pthread_mutex_unlock(&pl->lock);
        if (k >= pl->n)
            return NULL;
        if (cli_interrupted()) { /* Ctrl-C stops the batch, not only the projects running */
            pl->jobs[k].code = EXIT_INTERRUPTED;
            snprintf(pl->jobs[k].message, sizeof pl->jobs[k].message, "not run: interrupted before it started");
            continue;
        }
        run_job(&pl->jobs[k]);
        cli_batch_done(pl->jobs[k].code != EXIT_OK);
    }
}

static char *sub_dir(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/');
    size_t len;
    char *out;
    base = base ? base + 1 : path;
    len = strlen(base);
    if (cli_ends_with(base, ".yml"))
        len -= 4;
    else if (cli_ends_with(base, ".yaml"))
        len -= 5;
    out = malloc(strlen(dir) + len + 2);
    if (out)
        sprintf(out, "%s/%.*s", dir, (int)len, base);
    return out;
}

/* A CSV field: quoted, quotes doubled (RFC 4180). */
static void csv_field(FILE *f, const char *s)
{
    fputc('"', f);
    for (; s && *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The summary as CSV, for scripts that run batches: written under a
 * temporary name and renamed into place, so that a failure leaves no half
 * file (and an earlier summary intact).  0 on success. */
static int write_summary(const char *path, const job *jobs, size_t n)
{
    char *tmp = malloc(strlen(path) + 32);
    FILE *f;
    size_t k;
    int ok;
    if (!tmp)
        return -1;
    sprintf(tmp, "%s.tmp-%ld", path, (long)getpid());
    if (!(f = fopen(tmp, "w"))) {
        fprintf(stderr, "taafi: error: %s: cannot write the summary: %s\n", path, strerror(errno));
        free(tmp);
        return -1;
    }
    fputs("project,status,exit_code,areas,seconds,output,error\n", f);
    for (k = 0; k < n; k++) {
        const job *j = &jobs[k];
        csv_field(f, j->project);
        fprintf(f, ",%s,%d,%zu,%.2f,", j->code == EXIT_OK ? "ok" : j->code == EXIT_INTERRUPTED ? "stopped" : "failed",
                j->code, j->areas, j->seconds);
        csv_field(f, j->code == EXIT_OK ? j->dir : "");
        fputc(',', f);
        csv_field(f, j->code == EXIT_OK ? "" : j->message);
        fputc('\n', f);
    }
    ok = !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "taafi: error: %s: cannot write the summary: %s\n", path, strerror(errno));
        remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

/* A job per project: batch, each writing into DIR/NAME with its tag; the
 * threads shared as run_pool runs them.  EXIT_OK, or EXIT_ANALYSIS (no
 * memory). */
static int make_jobs(const cli_run_opts *ro, char **paths, size_t n_paths, int batch, int jobs_n, int at_once,
                     job *jobs)
{
    size_t k;
    for (k = 0; k < n_paths; k++) {
        jobs[k].project = paths[k];
        jobs[k].dir = batch ? sub_dir(ro->dir, paths[k]) : strdup(ro->dir);
        jobs[k].o = ro->o;
        jobs[k].o.progress = !batch; /* bars of projects side by side would mix */
        if (batch && jobs[k].dir)
            jobs[k].o.tag = strrchr(jobs[k].dir, '/') + 1; /* NAME of DIR/NAME */
        jobs[k].flags = ro->flags;
        jobs[k].maps = ro->maps;
        jobs[k].render_only = ro->render_only;
        jobs[k].round = ro->round;
        jobs[k].summary = ro->summary;
        /* threads go to the projects when there are several; those left
         * over when there are fewer projects than threads are shared
         * among them (4 threads, 2 projects: 2 each) */
        jobs[k].threads = jobs_n / at_once;
        if (!jobs[k].dir)
            return EXIT_ANALYSIS;
    }
    return EXIT_OK;
}

/* Two projects of the same name would write into the same folder: the
 * second would fail on the first's outputs, or with --overwrite replace
 * them (side by side, even mix them).  EXIT_USAGE, said, for such. */
static int same_dirs(const job *jobs, char **paths, size_t n_paths)
{
    for (size_t k = 0; k < n_paths; k++)
        for (size_t m = 0; m < k; m++)
            if (!strcmp(jobs[k].dir, jobs[m].dir)) {
                fprintf(stderr,
                        "taafi: error: %s and %s would both write into %s; rename one of them, or run them "
                        "one at a time with their own -o\n",
                        paths[m], paths[k], jobs[k].dir);
                return EXIT_USAGE;
            }
    return EXIT_OK;
}

/* A batch runs at_once projects at a time, this thread being one of them;
 * a single project has the threads for its own work. */
static void run_pool(const cli_run_opts *ro, job *jobs, size_t n_paths, int batch, int at_once)
{
    pool pl = {jobs, n_paths, 0, PTHREAD_MUTEX_INITIALIZER};
    pthread_t th[256];
    int t, n_th = at_once - 1;
    /* on a terminal, a bar of the projects done (their own bars would
     * mix); not with -q */
    if (batch && !ro->o.quiet && isatty(2))
        cli_batch_start((unsigned long)n_paths);
    for (t = 0; t < n_th; t++)
        if (pthread_create(&th[t], NULL, worker, &pl) != 0)
            break;
    n_th = t;
    worker(&pl); /* this thread helps too, and makes progress if none started */
    for (t = 0; t < n_th; t++)
        pthread_join(th[t], NULL);
    cli_batch_end();
}

/* A batch's table: each project's status, areas, time and folder or
 * error, then the totals. */
static void print_batch(const job *jobs, char **paths, size_t n_paths)
{
    size_t failed = 0, stopped = 0, k;
    int w = cli_name_width(paths, n_paths);
    fprintf(stderr, "\n%-*s %-7s %6s %9s  %s\n", w, "project", "status", "areas", "seconds", "output / error");
    for (k = 0; k < n_paths; k++) {
        const char *status = jobs[k].code == EXIT_OK ? "ok" : jobs[k].code == EXIT_INTERRUPTED ? "stopped" : "FAILED";
        failed += jobs[k].code != EXIT_OK && jobs[k].code != EXIT_INTERRUPTED;
        stopped += jobs[k].code == EXIT_INTERRUPTED;
        fprintf(stderr, "%-*s %-7s %6zu %9.2f  %s\n", w, jobs[k].project, status, jobs[k].areas, jobs[k].seconds,
                jobs[k].code == EXIT_OK ? jobs[k].dir : jobs[k].message);
    }
    fprintf(stderr, "%zu project(s): %zu ok, %zu failed", n_paths, n_paths - failed - stopped, failed);
    if (stopped)
        fprintf(stderr, ", %zu stopped by an interrupt", stopped);
    fputc('\n', stderr);
}

int cli_run_projects(const cli_run_opts *ro, const char *const *args, int n_args)
{
    char **paths = NULL; /* the project files, folders expanded: owned */
    size_t n_paths = 0, k;
    int batch = 0, at_once = 1, jobs_n = ro->jobs, code;
    job *jobs = NULL;
    /* a folder stands for its project files; a folder or several
     * projects make a batch, each project writing into DIR/NAME */
    if ((code = cli_projects(args, n_args, &paths, &n_paths, &batch)) != EXIT_OK)
        goto done;
    batch |= n_paths > 1;
    /* without --jobs, every CPU this process may use: results are the same
     * bytes whatever the number, so only the time depends on it */
    if (!jobs_n)
        jobs_n = taafi_cpu_count();
    at_once = !batch ? 1 : jobs_n < (int)n_paths ? jobs_n : (int)n_paths;
    if (ro->summary && !(ro->flags & TAAFI_WRITE_OVERWRITE) && access(ro->summary, F_OK) == 0) {
        fprintf(stderr, "taafi: error: %s: exists; pass --overwrite to replace the summary\n", ro->summary);
        code = EXIT_USAGE;
        goto done;
    }
    if (!(jobs = calloc(n_paths, sizeof *jobs))) {
        code = EXIT_ANALYSIS;
        goto done;
    }
    if ((code = make_jobs(ro, paths, n_paths, batch, jobs_n, at_once, jobs)) != EXIT_OK ||
        (batch && (code = same_dirs(jobs, paths, n_paths)) != EXIT_OK))
        goto done;
    run_pool(ro, jobs, n_paths, batch, at_once);
    for (k = 0; k < n_paths; k++)
        if (jobs[k].code > code)
            code = jobs[k].code;
    if (batch)
        print_batch(jobs, paths, n_paths);
    for (k = 0; k < n_paths && ro->summary; k++)
        if (jobs[k].summary_is_input)
            goto done; /* said by the project's job: not written */
    if (ro->summary && write_summary(ro->summary, jobs, n_paths) != 0 && code == EXIT_OK)
        code = EXIT_ANALYSIS;
done:
    if (jobs)
        for (k = 0; k < n_paths; k++)
            free(jobs[k].dir);
    free(jobs);
    cli_free_projects(paths, n_paths);
    return code;
}

int cli_run_options(int argc, char **argv, const char *cmd, const char *usage, cli_run_opts *ro, const char ***out,
                    int *n_out)
{
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    int i, n_args = 0, opt, is_run = !strcmp(cmd, "run");
    *out = NULL;
    *n_out = 0;
    if (!args)
        return EXIT_ANALYSIS;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(usage, stdout);
            free(args);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: %s needs a folder\n%s", argv[i - 1], usage);
                free(args);
                return EXIT_USAGE;
            }
            ro->dir = argv[i];
        } else if (!strncmp(argv[i], "--output=", 9)) {
            ro->dir = argv[i] + 9;
        } else if (!strcmp(argv[i], "--overwrite")) {
            ro->flags |= TAAFI_WRITE_OVERWRITE;
        } else if (is_run && !strcmp(argv[i], "--maps")) {
            ro->maps = 1;
        } else if (is_run && !strcmp(argv[i], "--round")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: --round needs the name of a round\n");
                free(args);
                return EXIT_USAGE;
            }
            ro->round = argv[i];
        } else if (!strcmp(argv[i], "--summary")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: --summary needs a file name (a CSV of the projects run)\n");
                free(args);
                return EXIT_USAGE;
            }
            ro->summary = argv[i];
        } else if ((opt = cli_jobs_option(argc, argv, &i, &ro->jobs)) != 0) {
            if (opt < 0) {
                free(args);
                return EXIT_USAGE;
            }
        } else if (cli_log_option(argv[i], &ro->o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for %s\n%s", argv[i], cmd, usage);
            free(args);
            return EXIT_USAGE;
        } else {
            args[n_args++] = argv[i];
        }
    }
    if (!n_args || !ro->dir) {
        fprintf(stderr, "taafi: error: %s needs %s\n%s", cmd, !n_args ? "a project file" : "-o DIR", usage);
        free(args);
        return EXIT_USAGE;
    }
    *out = args;
    *n_out = n_args;
    return -1;
}

int cmd_run(int argc, char **argv)
{
    cli_run_opts ro;
    const char **args;
    int n_args, code;
    memset(&ro, 0, sizeof ro); /* jobs 0: --jobs not given */
    if ((code = cli_run_options(argc, argv, "run", USAGE, &ro, &args, &n_args)) >= 0)
        return code;
    code = cli_run_projects(&ro, args, n_args);
    free(args);
    return code;
}
