/*
 * stage.h: a run's outputs committed whole.
 *
 * Everything one run writes (the main outputs, the scenarios' folders, the
 * maps, the report, the rounds) goes into a stage folder beside the output
 * folder DIR, PARENT/.NAME.taafi-stage-PID-RANDOM, held by a lock
 * (flock on PARENT/.NAME.taafi-stage-PID-RANDOM.lock) while it lives.  The
 * commit carries over into the stage every entry of DIR that is no output
 * of the earlier run (a user's files: as hard links, so the originals stay
 * in DIR until the very end), then exchanges the stage and DIR in one step
 * (renameat2 RENAME_EXCHANGE; a plain rename when DIR does not exist yet),
 * then removes the earlier result.  So after any failure, Ctrl-C or kill
 * -9, DIR holds the complete earlier result or the complete new one.  An
 * orderly failure removes the stage; a later run removes what a killed run
 * left (its name pattern, and a lock nobody holds).
 *
 * The outputs of a run are listed in DIR/taafi-run.json with the run's id
 * (which every GeoPackage's `run` table and every meta.json records too):
 * {"run_id": "...", "files": [{"path": "recovery.gpkg", "bytes": N}, ...]}.
 * That list is how the next run tells the earlier run's outputs, which it
 * replaces, from the user's files, which it keeps.
 *
 * Where no exchange is possible (DIR is a mount point, its parent is not
 * writable, or the file system has no RENAME_EXCHANGE) the stage is made
 * inside DIR and its files are renamed into place one by one, with a
 * warning: each file whole, the run not.
 */
#ifndef TAAFI_STAGE_H
#define TAAFI_STAGE_H

#include "core/core.h"
#include "io/inputs.h"

#define TF_RUN_MANIFEST "taafi-run.json"

typedef struct tf_stage tf_stage;

/* Begins staging the outputs for folder `dir` (made with its parents if
 * missing, on commit).  Removes what killed runs left for it.  *out: the
 * stage, which the caller frees with tf_stage_free. */
taafi_status tf_stage_begin(taafi_ctx *ctx, const char *dir, tf_stage **out);

/* The same for a run that adds files to DIR rather than replacing its
 * result (taafi render: maps and report over a run's folder): every entry
 * of DIR, its taafi-run.json too, is carried into the stage now (hard
 * links, else copies), so that what is written into the stage sees, and
 * may replace, DIR's files as it would in DIR itself; the commit then
 * writes no manifest of its own and carries nothing more. */
taafi_status tf_stage_begin_adding(taafi_ctx *ctx, const char *dir, tf_stage **out);

/* The folder to write into instead of `dir`. */
const char *tf_stage_dir(const tf_stage *s);

/* Refuses (TAAFI_ERR_USAGE, naming the file and what it is) to put in
 * place an output that would replace one of the run's inputs `in`: a file
 * of the stage whose name in DIR is an input (by real path or device and
 * inode), unless it is that very file (carried into an adding stage).
 * Called before tf_stage_commit; DIR is untouched either way. */
taafi_status tf_stage_check_inputs(taafi_ctx *ctx, const tf_stage *s, const tf_inputs *in);

/* taafi_project_check_outputs with the project's inputs collected once by
 * the caller (a run checks its folder and each scenario's). */
taafi_status tf_check_outputs(taafi_ctx *ctx, const taafi_project *p, const char *dir, unsigned flags,
                              const tf_inputs *in);

/* Writes the manifest of run `run_id` (adding: none; run_id may be NULL)
 * and puts the stage in place of `dir` as described above.  After a failure the stage is still the
 * caller's to free (and `dir` as it was). */
taafi_status tf_stage_commit(taafi_ctx *ctx, tf_stage *s, const char *run_id);

/* Removes the stage unless committed, releases the lock, frees.  NULL is
 * fine. */
void tf_stage_free(tf_stage *s);

#endif
