/* stage_files.h: the files of an output folder, for the staged commit
 * (stage.h): walking them, the run's manifest, links and copies. */
#ifndef TAAFI_STAGE_FILES_H
#define TAAFI_STAGE_FILES_H

#include "stage.h"

#include <sys/stat.h>

/* Calls fn for every entry under root/rel (rel "": root's own entries),
 * folders before what they hold, in name order; symbolic links are not
 * followed.  fn returns 0 to go on, TF_WALK_SKIP not to go into the folder
 * it was given, anything else to stop: tf_walk returns that, or the errno
 * of a folder that cannot be read, ENOMEM when memory runs out. */
typedef int (*tf_walk_fn)(const char *root, const char *rel, const struct stat *sb, void *user);
#define TF_WALK_SKIP (-2)
int tf_walk(const char *root, const char *rel, tf_walk_fn fn, void *user);

/* Removes `path` and everything under it (symbolic links not followed). */
void tf_rm_tree(const char *path);

/* Writes folder/taafi-run.json: run_id and every file under `folder`
 * with its size (`shown`: the folder's name for messages). */
taafi_status tf_manifest_write(taafi_ctx *ctx, const char *folder, const char *shown, const char *run_id);

/* The paths folder/taafi-run.json lists, each followed by a NUL, a double
 * NUL at the end (malloc'd); NULL when there is none or it cannot be read:
 * then nothing counts as an earlier run's output.  tf_manifest_lists: whether
 * `paths` holds `rel`. */
char *tf_manifest_paths(const char *folder);
int tf_manifest_lists(const char *paths, const char *rel);

/* Adds files rel[0..n) (paths inside `folder`) to folder/taafi-run.json,
 * the earlier run's id kept, when there is one (taafi render over a run's
 * folder: the next run then knows the maps for outputs, not the user's);
 * the list is replaced in one rename. */
taafi_status tf_manifest_add(taafi_ctx *ctx, const char *folder, const char *const *rel, size_t n);

/* A file of at most 64 MB, whole and NUL-terminated (malloc'd), or NULL. */
char *tf_read_small(const char *path);

/* Makes the missing folders of `path`; 0 or an errno. */
int tf_make_parents(const char *path);

/* A copy of regular file or symbolic link `from` (described by sb) at `to`,
 * where a hard link cannot be made; 0 or an errno. */
int tf_copy_entry(const char *from, const char *to, const struct stat *sb);

#endif
