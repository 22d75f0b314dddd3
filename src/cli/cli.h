/* cli.h: shared by the command-line tool's commands. */
#ifndef TAAFI_CLI_H
#define TAAFI_CLI_H

#include "taafi.h"

/* Exit codes, documented in README.md. */
enum { EXIT_OK = 0, EXIT_ANALYSIS = 1, EXIT_USAGE = 2, EXIT_INTERRUPTED = 130 };

typedef struct cli_opts {
    int quiet;    /* warnings only                          */
    int verbose;  /* progress and GDAL debug lines          */
    int progress; /* progress bars on a terminal (one project at a time) */
    char *tag;    /* in a batch, the project's name: log lines say "[NAME]" (not owned) */
} cli_opts;

int cmd_run(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_init(int argc, char **argv);
int cmd_render(int argc, char **argv);

/* What `run` and `render` do with the projects they are given. */
typedef struct cli_run_opts {
    cli_opts o;
    const char *dir;     /* -o DIR                                        */
    unsigned flags;      /* TAAFI_WRITE_*                                 */
    int maps;            /* --maps                                        */
    int render_only;     /* taafi render: the analysis, then only the maps */
    int jobs;            /* --jobs; 0: the CPUs the process may use       */
    const char *round;   /* --round NAME, or NULL                         */
    const char *summary; /* --summary FILE, or NULL                       */
} cli_run_opts;

/* Runs the projects `args` names (files; a folder for its *.yml files):
 * one into DIR, several into DIR/NAME each, --jobs of them side by side,
 * with a summary table.  Returns the exit status, the worst project's. */
int cli_run_projects(const cli_run_opts *ro, const char *const *args, int n_args);

/* Parses the options run and render share (-o, --overwrite, --jobs,
 * --summary, -q/-v; run's own --maps and --round when `cmd` is "run"),
 * the other arguments into *args (the caller frees it), *n_args of them.
 * Returns -1 to go on, or the exit status to return at once (--help, a
 * usage error, printed with `usage`). */
int cli_run_options(int argc, char **argv, const char *cmd, const char *usage, cli_run_opts *ro, const char ***args,
                    int *n_args);

/* Prints "taafi: error: MESSAGE" to stderr and returns the exit code for
 * `status`. */
int cli_fail(taafi_status status, const char *message);

/* A context whose log goes to stderr as "taafi: warning: ..." lines. */
taafi_ctx *cli_context(const cli_opts *o);

/* 1 once Ctrl-C (SIGINT) or SIGTERM has come: contexts made by
 * cli_context() then start interrupted. */
int cli_interrupted(void);

/* Frees a context made by cli_context() (and stops interrupting it). */
void cli_release_context(taafi_ctx *ctx);

/* Around anything printed to stderr while bars may be drawn (from any
 * thread): takes stderr's lock and ends or wipes the bar; then draws the
 * batch's bar again below and lets go of the lock. */
void cli_stderr_begin(void);
void cli_stderr_end(void);

/* A batch's progress bar on a terminal: `total` projects, one more done
 * (failed or not) at each cli_batch_done. */
void cli_batch_start(unsigned long total);
void cli_batch_done(int failed);
/* Ends the batch's bar where it stands (an interrupted batch's). */
void cli_batch_end(void);

/* Handles -q/--quiet and -v/--verbose; 1 if argv[i] was one of them. */
int cli_log_option(const char *arg, cli_opts *o);

/* The project files `args` name: files as they are, a folder standing for
 * its *.yml and *.yaml files, sorted.  *out and *n_out are set even on an
 * error (free them with cli_free_projects); *batch is set for a folder or
 * several files.  Prints "taafi: error: ..." and returns the exit code
 * when a folder is empty or unreadable, else EXIT_OK. */
int cli_projects(const char *const *args, int n_args, char ***out, size_t *n_out, int *batch);
void cli_free_projects(char **paths, size_t n);
/* The width of a summary table's project column: the longest of `paths`
 * (at most 80), so that the columns after it line up. */
int cli_name_width(char *const *paths, size_t n);

/* 1 when s ends with suffix. */
int cli_ends_with(const char *s, const char *suffix);

/* Handles -j/--jobs N at argv[*i], moving *i onto N: 1 with *jobs set, or
 * -1 after printing the error; 0 when argv[*i] is something else. */
int cli_jobs_option(int argc, char **argv, int *i, int *jobs);

#endif
