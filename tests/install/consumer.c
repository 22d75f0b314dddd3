/* A program outside the tree, built against the installed libtaafi: with
 * no arguments it checks the version; with PROJECT DIR [maps] it runs the
 * project as `taafi run PROJECT -o DIR --overwrite [--maps]` does. */
#include <stdio.h>
#include <string.h>
#include <taafi.h>

int main(int argc, char **argv)
{
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    unsigned flags = TAAFI_WRITE_OVERWRITE;
    int rc = 0;
    if (taafi_ctx_new(&ctx) != TAAFI_OK)
        return 1;
    if (strcmp(taafi_version(), TAAFI_VERSION_STRING) != 0)
        rc = 2;
    else if (argc < 3)
        printf("linked taafi %s\n", taafi_version());
    else {
        if (argc > 3 && !strcmp(argv[3], "maps"))
            flags |= TAAFI_RUN_MAPS;
        if (taafi_project_load(ctx, argv[1], &p) || taafi_project_run(ctx, p, argv[2], NULL, flags, &r)) {
            fprintf(stderr, "taafi: error: %s\n", taafi_ctx_message(ctx));
            rc = 3;
        } else
            printf("%zu areas written to %s\n", r ? taafi_result_area_count(r) : 0, argv[2]);
    }
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
    return rc;
}
