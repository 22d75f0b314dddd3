/* cmd_render.c: taafi render PROJECT -o DIR */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] = "Usage: taafi render PROJECT.yml -o DIR [--overwrite] [-q|-v]\n"
                            "\n"
                            "Runs the analysis of PROJECT.yml and draws its maps only: a sheet per map\n"
                            "(recovery index and each pillar) as PNG, SVG and PDF in DIR/maps/, the\n"
                            "atlas DIR/maps/atlas.pdf and the offline report DIR/report.html.  The\n"
                            "project's 'maps' section chooses formats, dpi, title and notes.\n";

int cmd_render(int argc, char **argv)
{
    cli_opts o = {0};
    const char *project_path = NULL, *dir = NULL;
    unsigned flags = 0;
    taafi_ctx *ctx;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    taafi_status st;
    int i, code = EXIT_OK;
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
    if ((st = taafi_project_load(ctx, project_path, &p)) || (st = taafi_run(ctx, p, &r)) ||
        (st = taafi_result_render(ctx, r, dir, flags)))
        code = cli_fail(st, taafi_ctx_message(ctx));
    taafi_result_free(r);
    taafi_project_free(p);
    cli_release_context(ctx);
    return code;
}
