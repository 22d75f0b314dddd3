/* cmd_init.c: taafi init AREAS_SOURCE [-o PROJECT.yml] */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char USAGE[] = "Usage: taafi init AREAS_SOURCE [-o PROJECT.yml] [--overwrite]\n"
                            "\n"
                            "Writes a starter project for the areas in AREAS_SOURCE (any vector format\n"
                            "GDAL reads): the areas section filled in from the file, and the five\n"
                            "pillars with their usual indicators, ready to be edited.  Without -o the\n"
                            "project goes to standard output.\n";

int cmd_init(int argc, char **argv)
{
    const char *source = NULL, *out = NULL;
    int overwrite = 0, i, code = EXIT_OK;
    cli_opts o = {0};
    taafi_ctx *ctx;
    char *yaml = NULL;
    taafi_status st;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: -o needs a file name\n%s", USAGE);
                return EXIT_USAGE;
            }
            out = argv[i];
        } else if (!strcmp(argv[i], "--overwrite")) {
            overwrite = 1;
        } else if (cli_log_option(argv[i], &o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for init\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        } else if (source) {
            fprintf(stderr, "taafi: error: init takes one areas file\n");
            return EXIT_USAGE;
        } else {
            source = argv[i];
        }
    }
    if (!source) {
        fprintf(stderr, "taafi: error: init needs the areas file\n%s", USAGE);
        return EXIT_USAGE;
    }
    if (!(ctx = cli_context(&o)))
        return EXIT_ANALYSIS;
    if (!out) {
        if ((st = taafi_project_template(ctx, source, &yaml))) {
            code = cli_fail(st, taafi_ctx_message(ctx));
            goto done;
        }
        fputs(yaml, stdout);
    } else {
        /* never over a project someone has edited, unless asked; never
         * over the areas' files, even if asked */
        if ((st = taafi_project_template_write(ctx, source, out, overwrite ? TAAFI_WRITE_OVERWRITE : 0))) {
            code = cli_fail(st, taafi_ctx_message(ctx));
            goto done;
        }
        fprintf(stderr, "taafi: wrote %s; edit its EDIT-ME paths and fields, then run taafi validate %s\n", out,
                out);
    }
done:
    taafi_string_free(yaml);
    cli_release_context(ctx);
    return code;
}
