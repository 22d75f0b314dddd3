/* cmd_validate.c: taafi validate PROJECT.yml|FOLDER... */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] = "Usage: taafi validate PROJECT.yml|FOLDER... [-q|-v]\n"
                            "\n"
                            "Reads each project file, opens every input read-only and checks what the\n"
                            "analysis needs (layers, fields, CRS, filters, area ids and geometries).\n"
                            "Computes nothing and writes nothing.  A FOLDER stands for its *.yml files,\n"
                            "so that a batch can be checked before it is run; with several projects a\n"
                            "summary table ends the output.  Exit status 0 when all is well, else that\n"
                            "of the worst project.\n";

/* Validates one project: its report to stdout, an error to stderr (and
 * into `message`); returns the exit code. */
static int validate_one(const char *path, const cli_opts *o, char *message, size_t size)
{
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    char *report = NULL;
    taafi_status st;
    int code = EXIT_OK;
    message[0] = '\0';
    if (!(ctx = cli_context(o))) {
        snprintf(message, size, "cannot start");
        return EXIT_ANALYSIS;
    }
    if (!(st = taafi_project_load(ctx, path, &p)))
        st = taafi_project_validate(ctx, p, &report);
    if (report)
        fputs(report, stdout);
    if (st) {
        code = cli_fail(st, taafi_ctx_message(ctx));
        snprintf(message, size, "%s", taafi_ctx_message(ctx));
    }
    taafi_string_free(report);
    taafi_project_free(p);
    cli_release_context(ctx);
    return code;
}

int cmd_validate(int argc, char **argv)
{
    cli_opts o = {0};
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    char **paths = NULL, (*messages)[512] = NULL;
    size_t n_paths = 0, k, failed = 0;
    int i, n_args = 0, batch = 0, code = EXIT_OK, *codes = NULL;
    if (!args)
        return EXIT_ANALYSIS;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            free(args);
            return EXIT_OK;
        } else if (cli_log_option(argv[i], &o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for validate\n%s", argv[i], USAGE);
            free(args);
            return EXIT_USAGE;
        } else {
            args[n_args++] = argv[i];
        }
    }
    if (!n_args) {
        fprintf(stderr, "taafi: error: validate needs a project file\n%s", USAGE);
        free(args);
        return EXIT_USAGE;
    }
    if ((code = cli_projects(args, n_args, &paths, &n_paths, &batch)) != EXIT_OK)
        goto done;
    codes = calloc(n_paths, sizeof *codes);
    messages = calloc(n_paths, sizeof *messages);
    if (!codes || !messages) {
        code = EXIT_ANALYSIS;
        goto done;
    }
    for (k = 0; k < n_paths; k++) {
        if (k)
            fputc('\n', stdout); /* a blank line between the reports */
        fflush(stdout);          /* each report before its project's errors */
        codes[k] = validate_one(paths[k], &o, messages[k], sizeof messages[k]);
        fflush(stdout);
        if (codes[k] > code)
            code = codes[k];
        failed += codes[k] != EXIT_OK;
    }
    if (batch) {
        int w = cli_name_width(paths, n_paths);
        fprintf(stderr, "\n%-*s %-7s  %s\n", w, "project", "status", "error");
        for (k = 0; k < n_paths; k++)
            fprintf(stderr, "%-*s %-7s%s%s\n", w, paths[k], codes[k] == EXIT_OK ? "ok" : "FAILED",
                    messages[k][0] ? "  " : "", messages[k]);
        fprintf(stderr, "%zu project(s): %zu ok, %zu failed\n", n_paths, n_paths - failed, failed);
    }
done:
    cli_free_projects(paths, n_paths);
    free(codes);
    free(messages);
    free(args);
    return code;
}
