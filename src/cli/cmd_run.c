/* cmd_run.c: taafi run PROJECT -o DIR */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char USAGE[] = "Usage: taafi run PROJECT.yml -o DIR [--overwrite] [-q|-v]\n"
                            "\n"
                            "Runs the analysis of PROJECT.yml and writes its outputs into DIR\n"
                            "(made if missing): recovery.gpkg and areas.geojson unless the project's\n"
                            "'outputs' says otherwise.\n"
                            "\n"
                            "  -o, --output DIR   output folder (required)\n"
                            "  --overwrite        replace outputs that exist (otherwise an error)\n"
                            "  --maps             also draw the map sheets, atlas and report.html\n"
                            "  -q, --quiet        print warnings and errors only\n"
                            "  -v, --verbose      print debugging detail too\n";

/* A short data-quality summary: runs of notes with the same layer and
 * problem (points outside every area, say) are shown as one line. */
static void print_issues(const taafi_result *r, size_t n)
{
    size_t k = 0, lines = 0;
    fprintf(stderr, "taafi: data quality: %zu note(s), all in the table data_quality:\n", n);
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
}

int cmd_run(int argc, char **argv)
{
    cli_opts o = {0};
    const char *project_path = NULL, *dir = NULL;
    unsigned flags = 0;
    int maps = 0;
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    taafi_status st;
    int i, code = EXIT_OK;
    size_t n_issues;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            fputs(USAGE, stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i == argc) {
                fprintf(stderr, "taafi: error: %s needs a folder\n%s", argv[i - 1], USAGE);
                return EXIT_USAGE;
            }
            dir = argv[i];
        } else if (!strncmp(argv[i], "--output=", 9)) {
            dir = argv[i] + 9;
        } else if (!strcmp(argv[i], "--overwrite")) {
            flags |= TAAFI_WRITE_OVERWRITE;
        } else if (!strcmp(argv[i], "--maps")) {
            maps = 1;
        } else if (cli_log_option(argv[i], &o)) {
            continue;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "taafi: error: unknown option '%s' for run\n%s", argv[i], USAGE);
            return EXIT_USAGE;
        } else if (project_path) {
            fprintf(stderr, "taafi: error: one project file at a time (got '%s' and '%s')\n", project_path,
                    argv[i]);
            return EXIT_USAGE;
        } else {
            project_path = argv[i];
        }
    }
    if (!project_path || !dir) {
        fprintf(stderr, "taafi: error: run needs %s\n%s", !project_path ? "a project file" : "-o DIR", USAGE);
        return EXIT_USAGE;
    }
    if (!(ctx = cli_context(&o)))
        return EXIT_ANALYSIS;
    if ((st = taafi_project_load(ctx, project_path, &p)) || (st = taafi_project_check_outputs(ctx, p, dir, flags)) ||
        (st = taafi_run(ctx, p, &r)) || (st = taafi_result_write(ctx, r, dir, flags)) ||
        ((maps || taafi_project_wants_maps(p)) && (st = taafi_result_render(ctx, r, dir, flags)))) {
        code = cli_fail(st, taafi_ctx_message(ctx));
        goto done;
    }
    n_issues = taafi_result_issue_count(r);
    if (!o.quiet) {
        fprintf(stderr, "taafi: %zu areas, %zu indicator columns\n", taafi_result_area_count(r),
                taafi_result_column_count(r));
        if (n_issues)
            print_issues(r, n_issues);
    }
done:
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    return code;
}
