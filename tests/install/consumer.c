/* A program outside the tree, built against the installed libtaafi. */
#include <stdio.h>
#include <string.h>
#include <taafi.h>

int main(void)
{
    taafi_ctx *ctx = NULL;
    if (taafi_ctx_new(&ctx) != TAAFI_OK)
        return 1;
    if (strcmp(taafi_version(), TAAFI_VERSION_STRING) != 0)
        return 2;
    printf("linked taafi %s\n", taafi_version());
    taafi_ctx_free(ctx);
    return 0;
}
