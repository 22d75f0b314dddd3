/* change.h: the change between rounds (change.c), and what rounds.c and
 * change.c share.  Private to src/rounds. */
#ifndef TAAFI_ROUNDS_CHANGE_H
#define TAAFI_ROUNDS_CHANGE_H

#include "rounds.h"

/* The change columns of t over the areas of `latest` (the latest round's
 * result): t->change_*. */
taafi_status tf_rounds_change(taafi_ctx *ctx, const taafi_project *p, const taafi_result *latest, tf_rounds *t);

/* Index of `s` in v[0..n), or -1. */
long tf_rounds_index_of(char **v, size_t n, const char *s);

#endif
