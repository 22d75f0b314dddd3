/* cmd_render.c: taafi render PROJECT.yml|FOLDER... -o DIR */
#include "cli.h"

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
    const char **args;
    int n_args, code;
    memset(&ro, 0, sizeof ro);
    ro.render_only = 1;
    if ((code = cli_run_options(argc, argv, "render", USAGE, &ro, &args, &n_args)) >= 0)
        return code;
    code = cli_run_projects(&ro, args, n_args);
    free(args);
    return code;
}
