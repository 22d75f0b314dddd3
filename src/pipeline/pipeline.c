/* pipeline.c: taafi_project_run, a project run as `taafi run` runs it:
 * the analysis (or its rounds), the outputs, the maps and report, each
 * scenario into DIR/NAME/, all staged and committed as one run
 * (output/stage.h); and taafi_project_render, as `taafi render` runs it:
 * the maps and report added to DIR, staged and committed alike. */
#include "output/stage.h"
#include "run_rounds.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Without --overwrite, nothing of an earlier run may be replaced: the
 * main outputs, a scenario's, or a folder an earlier run committed. */
static taafi_status check_outputs(taafi_ctx *ctx, const taafi_project *p, const char *dir, unsigned flags,
                                  const tf_inputs *in)
{
    taafi_status st = tf_check_outputs(ctx, p, dir, flags, in);
    size_t k;
    struct stat sb;
    char *path;
    if (st || (flags & TAAFI_WRITE_OVERWRITE))
        return st;
    for (k = 0; k < taafi_project_scenario_count(p) && !st; k++) {
        if (!(path = tf_sprintf("%s/%s", dir, taafi_project_scenario_name(p, k))))
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        st = tf_check_outputs(ctx, p, path, flags, in);
        tf_free(path);
    }
    if (st || !(path = tf_sprintf("%s/%s", dir, TF_RUN_MANIFEST)))
        return st ? st : tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    if (stat(path, &sb) == 0)
        st = tf_error(ctx, TAAFI_ERR_EXISTS, "%s: holds an earlier run's outputs; pass --overwrite to replace them",
                      dir);
    tf_free(path);
    return st;
}

/* Each scenario's result, made from the run's, written into STAGE/NAME
 * (with maps when asked) and freed; the run's result stays as it was. */
static taafi_status scenarios(taafi_ctx *ctx, const taafi_project *p, const taafi_result *r, const char *stage,
                              const char *dir, int maps)
{
    taafi_status st = TAAFI_OK;
    size_t k;
    for (k = 0; k < taafi_project_scenario_count(p) && !st; k++) {
        const char *name = taafi_project_scenario_name(p, k);
        char *sdir = tf_sprintf("%s/%s", stage, name);
        taafi_result *s = NULL;
        if (!sdir)
            return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        if (!(st = taafi_result_scenario(ctx, r, name, &s)) &&
            !(st = taafi_result_write(ctx, s, sdir, TAAFI_WRITE_OVERWRITE)) && maps)
            st = taafi_result_render(ctx, s, sdir, TAAFI_WRITE_OVERWRITE);
        if (!st)
            tf_log(ctx, TAAFI_LOG_INFO, "scenario %s written to %s/%s", name, dir, name);
        taafi_result_free(s);
        tf_free(sdir);
    }
    return st;
}

/* The whole run into the stage. */
static taafi_status run_staged(taafi_ctx *ctx, const taafi_project *p, const char *dir, const char *round,
                               unsigned flags, const char *stage, taafi_result **out, char run_id[33])
{
    int maps = (flags & TAAFI_RUN_MAPS) || taafi_project_wants_maps(p);
    taafi_status st;
    if (taafi_project_round_count(p) > 0)
        st = tf_pipeline_rounds(ctx, p, round, dir, stage, TAAFI_WRITE_OVERWRITE, out, run_id);
    else if (!(st = taafi_run(ctx, p, out))) {
        memcpy(run_id, (*out)->run_id, 33);
        st = taafi_result_write(ctx, *out, stage, TAAFI_WRITE_OVERWRITE);
    }
    if (!st && *out && maps)
        st = taafi_result_render(ctx, *out, stage, TAAFI_WRITE_OVERWRITE);
    if (!st && *out)
        st = scenarios(ctx, p, *out, stage, dir, maps);
    return st;
}

taafi_status taafi_project_run(taafi_ctx *ctx, const taafi_project *p, const char *dir, const char *round,
                               unsigned flags, taafi_result **result_out)
{
    tf_enter(ctx);
    tf_stage *stage = NULL;
    taafi_result *r = NULL;
    tf_inputs inputs = {0};
    char run_id[33] = "";
    taafi_status st;
    if (result_out)
        *result_out = NULL;
    if (!ctx || !p || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_run: NULL argument") : TAAFI_ERR_USAGE;
    if (round && !taafi_project_round_count(p))
        return tf_error(ctx, TAAFI_ERR_USAGE, "%s: --round %s, but the project has no 'rounds'; run it without --round",
                        p->path, round);
    if (round) /* a round is added to, or replaced in, DIR's result */
        flags |= TAAFI_WRITE_OVERWRITE;
    if ((st = tf_inputs_collect(ctx, p, &inputs)))
        return st;
    if ((st = check_outputs(ctx, p, dir, flags, &inputs)) || (st = tf_stage_begin(ctx, dir, &stage))) {
        tf_inputs_free(&inputs);
        return st;
    }
    /* messages name the folder the user gave, not the stage */
    tf_ctx_alias(ctx, tf_stage_dir(stage), dir);
    if (!(st = run_staged(ctx, p, dir, round, flags, tf_stage_dir(stage), &r, run_id)) &&
        !(st = tf_stage_check_inputs(ctx, stage, &inputs)))
        st = tf_stage_commit(ctx, stage, run_id);
    tf_ctx_alias(ctx, NULL, NULL);
    tf_stage_free(stage);
    tf_inputs_free(&inputs);
    if (!st && result_out)
        *result_out = r;
    else
        taafi_result_free(r);
    return st;
}

taafi_status taafi_project_render(taafi_ctx *ctx, const taafi_project *p, const char *dir, unsigned flags,
                                  taafi_result **result_out)
{
    tf_enter(ctx);
    tf_stage *stage = NULL;
    taafi_result *r = NULL;
    tf_inputs inputs = {0};
    taafi_status st;
    if (result_out)
        *result_out = NULL;
    if (!ctx || !p || !dir || !*dir)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_render: NULL argument") : TAAFI_ERR_USAGE;
    if ((st = tf_stage_begin_adding(ctx, dir, &stage)))
        return st;
    tf_ctx_alias(ctx, tf_stage_dir(stage), dir);
    if (!(st = tf_inputs_collect(ctx, p, &inputs)) && !(st = taafi_run(ctx, p, &r)) &&
        !(st = taafi_result_render(ctx, r, tf_stage_dir(stage), flags)) &&
        !(st = tf_stage_check_inputs(ctx, stage, &inputs)))
        st = tf_stage_commit(ctx, stage, NULL);
    tf_ctx_alias(ctx, NULL, NULL);
    tf_stage_free(stage);
    tf_inputs_free(&inputs);
    if (!st && result_out)
        *result_out = r;
    else
        taafi_result_free(r);
    return st;
}
