/* example.h: runs the bundled example project (examples/homs.yml) through
 * the public API into a fresh folder, for end-to-end and oracle tests. */
#ifndef TAAFI_TEST_EXAMPLE_H
#define TAAFI_TEST_EXAMPLE_H

#include "taafi.h"

#include <stdio.h>
#include <stdlib.h>

/* Runs the example into `dir`; fails the test on any error. */
static inline void tt_run_example(const char *dir)
{
    taafi_ctx *ctx = NULL;
    taafi_project *p = NULL;
    taafi_result *r = NULL;
    char path[4096];
    snprintf(path, sizeof path, "%s/examples/homs.yml", tt_source_dir());
    assert_int_equal(taafi_ctx_new(&ctx), TAAFI_OK);
    if (taafi_project_load(ctx, path, &p) || taafi_run(ctx, p, &r) || taafi_result_write(ctx, r, dir, 0))
        fail_msg("example run failed: %s", taafi_ctx_message(ctx));
    taafi_result_free(r);
    taafi_project_free(p);
    taafi_ctx_free(ctx);
}

#endif
