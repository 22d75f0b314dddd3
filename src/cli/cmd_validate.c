/* cmd_validate.c: taafi validate PROJECT */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] = "Usage: taafi validate PROJECT.yml [-q|-v]\n"
                            "\n"
                            "Reads the project file, opens every input read-only and checks what the\n"
                            "analysis needs (layers, fields, CRS, filters, area ids and geometries).\n"
                            "Computes nothing and writes nothing.  Exit status 0 when all is well.\n";

int cmd_validate(int argc, char **argv)
{
    cli_opts o = {0};
    const char *project_path = NULL;
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    char *report = NULL;
    taafi_status st;
    int i, code = EXIT_OK;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (cli_log_option(argv[i], &o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for validate\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        } else if (project_path) {
            fprintf(stderr, "taafi: error: one project file at a time\n");
            return EXIT_USAGE;
        } else {
            project_path = argv[i];
        }
    }
    if (!project_path) {
        fprintf(stderr, "taafi: error: validate needs a project file\n%s", USAGE);
        return EXIT_USAGE;
    }
    if (!(ctx = cli_context(&o)))
        return EXIT_ANALYSIS;
    if ((st = taafi_project_load(ctx, project_path, &p))) {
        code = cli_fail(st, taafi_ctx_message(ctx));
        goto done;
    }
    st = taafi_project_validate(ctx, p, &report);
    if (report)
        fputs(report, stdout);
    if (st)
        code = cli_fail(st, taafi_ctx_message(ctx));
done:
    taafi_string_free(report);
    taafi_project_free(p);
    cli_release_context(ctx);
    return code;
}
