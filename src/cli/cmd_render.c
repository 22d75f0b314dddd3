/* cmd_render.c: taafi render PROJECT -o DIR */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] = "Usage: taafi render PROJECT.yml -o DIR [--overwrite] [--jobs N] [-q|-v]\n"
                            "\n"
                            "Runs the analysis of PROJECT.yml and draws its maps only: a sheet per map\n"
                            "(recovery index and each pillar) as PNG, SVG and PDF in DIR/maps/, the\n"
                            "atlas DIR/maps/atlas.pdf and the offline report DIR/report.html.  The\n"
                            "project's 'maps' section chooses formats, dpi, title and notes.  The files\n"
                            "are drawn side by side on --jobs threads (default: the CPUs this process\n"
                            "may use); they are the same bytes for any number.\n";

int cmd_render(int argc, char **argv)
{
    cli_opts o = {0};
    const char *project_path = NULL, *dir = NULL;
    unsigned flags = 0;
    taafi_ctx *ctx;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    taafi_status st;
    int i, code = EXIT_OK, jobs = 0, got;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: -o needs a folder\n%s", USAGE);
                return EXIT_USAGE;
            }
            dir = argv[i];
        } else if (!strcmp(argv[i], "--overwrite")) {
            flags |= TAAFI_WRITE_OVERWRITE;
        } else if ((got = cli_jobs_option(argc, argv, &i, &jobs)) != 0) {
            if (got < 0)
                return EXIT_USAGE;
        } else if (cli_log_option(argv[i], &o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for render\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        } else if (project_path) {
            fprintf(stderr, "taafi: error: one project file at a time\n");
            return EXIT_USAGE;
        } else {
            project_path = argv[i];
        }
    }
    if (!project_path || !dir) {
        fprintf(stderr, "taafi: error: render needs %s\n%s", !project_path ? "a project file" : "-o DIR", USAGE);
        return EXIT_USAGE;
    }
    o.progress = 1;
    if (!(ctx = cli_context(&o)))
        return EXIT_ANALYSIS;
    taafi_ctx_set_threads(ctx, jobs ? jobs : taafi_cpu_count());
    if ((st = taafi_project_load(ctx, project_path, &p)) || (st = taafi_run(ctx, p, &r)) ||
        (st = taafi_result_render(ctx, r, dir, flags)))
        code = cli_fail(st, taafi_ctx_message(ctx));
    taafi_result_free(r);
    taafi_project_free(p);
    cli_release_context(ctx);
    return code;
}
