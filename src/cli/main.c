/*
 * main.c: the taafi command-line tool.  It only parses arguments and calls
 * libtaafi: everything it does, a C program linking the library can do.
 */
#include "cli.h"

#include <signal.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "Usage: taafi COMMAND [OPTIONS]\n"
    "\n"
    "Neighbourhood recovery analysis: indicators per area from boundary, damage\n"
    "and service layers, written as GeoPackage and GeoJSON.\n"
    "\n"
    "Commands:\n"
    "  run PROJECT.yml -o DIR    run the analysis and write DIR/recovery.gpkg\n"
    "                            and DIR/areas.geojson (--maps: and the maps);\n"
    "                            several projects or a FOLDER: DIR/NAME each\n"
    "  render PROJECT.yml -o DIR draw map sheets, atlas and report.html (as\n"
    "                            run: several projects or a FOLDER too)\n"
    "  validate PROJECT.yml...   open and check every input; compute nothing\n"
    "  init AREAS [-o P.yml]     write a starter five-pillar project for AREAS\n"
    "\n"
    "Options:\n"
    "  -h, --help                this help (also: taafi COMMAND --help)\n"
    "  --version                 versions of taafi and its libraries\n"
    "\n"
    "Exit status: 0 success, 1 analysis or input error, 2 usage or project-file\n"
    "error, 130 interrupted (Ctrl-C; nothing written).  The project file is\n"
    "described in docs/project-file.md.\n";

/* The contexts a Ctrl-C interrupts (one per project running).  The tool,
 * not the library, keeps this global: a signal handler has no other way
 * to reach them.  Slots are taken and freed with atomic operations, so
 * the handler may read them at any time. */
#define MAX_LIVE 256
static taafi_ctx *live[MAX_LIVE];
/* Set by the first signal: a context made afterwards (a batch's next
 * project) starts interrupted, and a batch starts no more projects. */
static int signalled;

static void on_signal(int sig)
{
    int i;
    (void)sig;
    __atomic_store_n(&signalled, 1, __ATOMIC_SEQ_CST);
    for (i = 0; i < MAX_LIVE; i++) {
        taafi_ctx *c = __atomic_load_n(&live[i], __ATOMIC_SEQ_CST);
        if (c)
            taafi_ctx_interrupt(c);
    }
}

void cli_release_context(taafi_ctx *ctx)
{
    int i;
    for (i = 0; i < MAX_LIVE; i++) {
        taafi_ctx *expected = ctx;
        if (__atomic_compare_exchange_n(&live[i], &expected, NULL, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
            break;
    }
    taafi_ctx_free(ctx);
}

int cli_fail(taafi_status status, const char *message)
{
    cli_stderr_begin();
    if (status == TAAFI_ERR_INTERRUPTED) {
        fprintf(stderr, "taafi: interrupted; outputs in progress were discarded, none was left half-written\n");
        cli_stderr_end();
        return EXIT_INTERRUPTED;
    }
    fprintf(stderr, "taafi: error: %s\n", message && *message ? message : taafi_status_string(status));
    cli_stderr_end();
    if (status == TAAFI_ERR_USAGE || status == TAAFI_ERR_PROJECT)
        return EXIT_USAGE;
    return status == TAAFI_OK ? EXIT_OK : EXIT_ANALYSIS;
}

/* `user`: the project's tag in a batch (NULL otherwise), so that the lines
 * of projects run side by side can be told apart. */
static void log_line(taafi_log_level level, const char *message, void *user)
{
    const char *tag = user;
    cli_stderr_begin();
    fprintf(stderr, "taafi: %s%s%s%s%s\n", level == TAAFI_LOG_WARNING ? "warning: " : "", tag ? "[" : "", tag ? tag : "",
            tag ? "] " : "", message);
    cli_stderr_end();
}

/* A progress bar per stage on a terminal: one line redrawn in place,
 * ended when the stage is done.  Not on pipes and files, where the log's
 * plain lines say the same once per stage. */
typedef struct bar {
    char stage[160];
    double t0, last;
    int open;      /* a line is being redrawn */
    int from_zero; /* the stage was first heard of at 0 done, so t0 is its start */
} bar;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One terminal, one bar.  Drawn, ended and printed over only under
 * stderr's lock (flockfile), as the lines of workers and of projects run
 * side by side may come from any thread. */
static bar the_bar;

/* A batch's bar: projects done of all, and how many failed.  It stays at
 * the bottom: a line printed while it is there takes its place, and it is
 * drawn again below the line. */
static struct {
    int on;
    unsigned long done, total, failed;
    int chars; /* the width of the line drawn, to wipe it */
} batch_bar;

static void draw_batch(void)
{
    int width = 28, fill = batch_bar.total ? (int)(batch_bar.done * (unsigned long)width / batch_bar.total) : 0, i, n;
    n = fprintf(stderr, "\r  %-26.26s [", "projects");
    for (i = 0; i < width; i++)
        fputc(i < fill ? '#' : '.', stderr);
    n += width + fprintf(stderr, "] %lu/%lu", batch_bar.done, batch_bar.total);
    if (batch_bar.failed)
        n += fprintf(stderr, "  %lu failed", batch_bar.failed);
    batch_bar.chars = n;
    snprintf(the_bar.stage, sizeof the_bar.stage, "projects");
    the_bar.open = 1;
    if (batch_bar.done >= batch_bar.total) {
        fputc('\n', stderr);
        the_bar.open = 0;
        the_bar.stage[0] = '\0';
        batch_bar.on = 0;
    }
    fflush(stderr);
}

/* A log line must not land in the middle of a bar: a stage's bar is
 * ended where it stands, the batch's is wiped (it comes back below). */
static void end_bar(void)
{
    if (!the_bar.open)
        return;
    if (batch_bar.on)
        fprintf(stderr, "\r%*s\r", batch_bar.chars, "");
    else
        fputc('\n', stderr);
    the_bar.open = 0;
    the_bar.stage[0] = '\0';
}

void cli_stderr_begin(void)
{
    flockfile(stderr);
    end_bar();
}

void cli_stderr_end(void)
{
    if (batch_bar.on)
        draw_batch();
    funlockfile(stderr);
}

void cli_batch_start(unsigned long total)
{
    flockfile(stderr);
    batch_bar.on = 1;
    batch_bar.total = total;
    batch_bar.done = batch_bar.failed = 0;
    draw_batch();
    funlockfile(stderr);
}

void cli_batch_end(void)
{
    flockfile(stderr);
    if (batch_bar.on && the_bar.open) /* stopped short: the bar stays as it was */
        fputc('\n', stderr);
    if (batch_bar.on) {
        the_bar.open = 0;
        the_bar.stage[0] = '\0';
    }
    batch_bar.on = 0;
    funlockfile(stderr);
}

void cli_batch_done(int failed)
{
    flockfile(stderr);
    if (batch_bar.on) {
        batch_bar.done++;
        batch_bar.failed += failed != 0;
        end_bar();
        draw_batch();
    }
    funlockfile(stderr);
}

static void on_progress(const char *stage, uint64_t done, uint64_t total, void *user)
{
    bar *b = user;
    double t = seconds(), rate;
    int width = 28, fill, k;
    char line[256];
    flockfile(stderr);
    if (strcmp(b->stage, stage)) {
        if (b->open)
            fputc('\n', stderr);
        snprintf(b->stage, sizeof b->stage, "%s", stage);
        b->t0 = t;
        b->last = 0;
        b->open = 0;
        /* a stage that ran on another thread is first heard of part way
         * (or all the way) through: when it began is unknown, and so is
         * its rate */
        b->from_zero = done == 0;
    }
    if ((!total || done < total) && t - b->last < 0.1) {
        funlockfile(stderr);
        return; /* ten redraws a second are plenty */
    }
    b->last = t;
    /* a rate from the first hundredths of a second would say little,
     * except as the stage's last word */
    rate = b->from_zero && t > b->t0 && (t - b->t0 >= 0.05 || (total && done >= total)) ? (double)done / (t - b->t0)
                                                                                          : -1;
    fill = total ? (int)((double)done / (double)total * width) : 0;
    k = snprintf(line, sizeof line, "\r  %-26.26s [", stage);
    for (int i = 0; i < width && k < (int)sizeof line - 1; i++)
        line[k++] = total ? (i < fill ? '#' : '.') : (i == (int)(done / 4096) % width ? '#' : '.');
    line[k] = '\0';
    fprintf(stderr, "%s] %llu", line, (unsigned long long)done);
    if (total)
        fprintf(stderr, "/%llu", (unsigned long long)total);
    if (rate >= 0)
        fprintf(stderr, "  %.0f/s   ", rate);
    else
        fputs("           ", stderr); /* blanks out a longer line's tail */
    b->open = 1;
    if (total && done >= total) {
        fputc('\n', stderr);
        b->open = 0;
        b->stage[0] = '\0';
    }
    fflush(stderr);
    funlockfile(stderr);
}

taafi_ctx *cli_context(const cli_opts *o)
{
    taafi_ctx *ctx = NULL;
    taafi_log_level min = o->verbose ? TAAFI_LOG_DEBUG : o->quiet ? TAAFI_LOG_WARNING : TAAFI_LOG_INFO;
    if (taafi_ctx_new(&ctx) != TAAFI_OK) {
        fprintf(stderr, "taafi: error: cannot start (out of memory?)\n");
        return NULL;
    }
    taafi_ctx_set_log(ctx, min, log_line, o->tag);
    if (!o->quiet && o->progress && isatty(2))
        taafi_ctx_set_progress(ctx, on_progress, &the_bar);
    {
        /* Ctrl-C (or SIGTERM) asks for a clean stop: the library stops at
         * its next check, within a fraction of a second, and removes its
         * temporary files.  Repeated signals change nothing (kill -9 is
         * there for a stuck process), so that a second delivery cannot
         * cut the clean-up short. */
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sa.sa_flags = 0;
        int i;
        sigemptyset(&sa.sa_mask);
        for (i = 0; i < MAX_LIVE; i++) {
            taafi_ctx *expected = NULL;
            if (__atomic_compare_exchange_n(&live[i], &expected, ctx, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
                break;
        }
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGTERM, &sa, NULL);
        /* after the slot is taken: a signal before it is seen here, one
         * after it reaches the context through the slot */
        if (cli_interrupted())
            taafi_ctx_interrupt(ctx);
    }
    return ctx;
}

int cli_interrupted(void) { return __atomic_load_n(&signalled, __ATOMIC_SEQ_CST); }

int cli_log_option(const char *arg, cli_opts *o)
{
    if (!strcmp(arg, "-q") || !strcmp(arg, "--quiet"))
        return o->quiet = 1;
    if (!strcmp(arg, "-v") || !strcmp(arg, "--verbose"))
        return o->verbose = 1;
    return 0;
}

int cli_jobs_option(int argc, char **argv, int *i, int *jobs)
{
    char *end;
    long n;
    if (strcmp(argv[*i], "-j") && strcmp(argv[*i], "--jobs"))
        return 0;
    if (++*i == argc || (n = strtol(argv[*i], &end, 10)) < 1 || *end || n > 256) {
        fprintf(stderr, "taafi: error: --jobs needs a number of threads from 1 to 256\n");
        return -1;
    }
    *jobs = (int)n;
    return 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(USAGE, stderr);
        return EXIT_USAGE;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        fputs(USAGE, stdout);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        char v[512];
        taafi_versions(v, sizeof v);
        printf("%s\n", v);
        return EXIT_OK;
    }
    if (!strcmp(argv[1], "run"))
        return cmd_run(argc - 1, argv + 1);
    if (!strcmp(argv[1], "validate"))
        return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(argv[1], "render"))
        return cmd_render(argc - 1, argv + 1);
    if (!strcmp(argv[1], "init"))
        return cmd_init(argc - 1, argv + 1);
    fprintf(stderr, "taafi: error: unknown command '%s'; the commands are run, render, validate and init (see taafi --help)\n",
            argv[1]);
    return EXIT_USAGE;
}
