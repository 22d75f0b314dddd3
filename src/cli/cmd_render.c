/* cmd_render.c: taafi render PROJECT.yml|FOLDER... -o DIR */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] = "Usage: taafi render PROJECT.yml|FOLDER... -o DIR [--overwrite] [--jobs N]\n"
                            "                    [--summary FILE] [-q|-v]\n"
                            "\n"
                            "Runs the analysis of each project and draws its maps only: a sheet per map\n"
                            "(recovery index and each pillar) as PNG, SVG and PDF in DIR/maps/, the\n"
                            "atlas DIR/maps/atlas.pdf and the offline report DIR/report.html.  The\n"
                            "project's 'maps' section chooses formats, dpi, title and notes.  With\n"
                            "several projects, or a FOLDER (its *.yml files), each draws into DIR/NAME/,\n"
                            "as with taafi run.  The files are drawn side by side on --jobs threads\n"
                            "(default: the CPUs this process may use); they are the same bytes for any\n"
                            "number.\n";

int cmd_render(int argc, char **argv)
{
    cli_run_opts ro;
    const char **args = calloc((size_t)argc + 1, sizeof *args);
    int i, n_args = 0, opt, code;
    if (!args)
        return EXIT_ANALYSIS;
    memset(&ro, 0, sizeof ro);
    ro.render_only = 1;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            free(args);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: -o needs a folder\n%s", USAGE);
                free(args);
                return EXIT_USAGE;
            }
            ro.dir = argv[i];
        } else if (!strcmp(argv[i], "--overwrite")) {
            ro.flags |= TAAFI_WRITE_OVERWRITE;
        } else if (!strcmp(argv[i], "--summary")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: --summary needs a file name (a CSV of the projects run)\n");
                free(args);
                return EXIT_USAGE;
            }
            ro.summary = argv[i];
        } else if ((opt = cli_jobs_option(argc, argv, &i, &ro.jobs)) != 0) {
            if (opt < 0) {
                free(args);
                return EXIT_USAGE;
            }
        } else if (cli_log_option(argv[i], &ro.o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for render\n%s", argv[i], USAGE);
            free(args);
            return EXIT_USAGE;
        } else {
            args[n_args++] = argv[i];
        }
    }
    if (!n_args || !ro.dir) {
        fprintf(stderr, "taafi: error: render needs %s\n%s", !n_args ? "a project file" : "-o DIR", USAGE);
        free(args);
        return EXIT_USAGE;
    }
    code = cli_run_projects(&ro, args, n_args);
    free(args);
    return code;
}
