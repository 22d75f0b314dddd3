/*
 * indicator.h: the interface every indicator family implements.
 *
 * A family declares whether it reads a layer.  Families that do are fed, in
 * one streaming pass per layer, every feature of that layer together with
 * the area it falls in (located once for all indicators of the pass), then
 * asked to finish: to add their columns to the result.  A new family should
 * touch only its own file, the table in indicator.c and its tests.
 */
#ifndef TAAFI_INDICATOR_H
#define TAAFI_INDICATOR_H

#include "../engine/result.h"

typedef struct tf_ind_state tf_ind_state; /* each family's own */

typedef struct tf_family {
    tf_ind_type type;
    const char *name;
    /* Sets up the state for one indicator.  `layer_defn` is the fields of
     * the layer the indicator reads (NULL for families without a layer),
     * `src` the open source, for messages and field look-ups. */
    taafi_status (*begin)(taafi_ctx *ctx, const tf_indicator_def *def, const tf_areas *areas,
                          const tf_vsource *src, tf_ind_state **out);
    /* One feature of the layer; `area` is the area it falls in, or -1. */
    taafi_status (*consume)(taafi_ctx *ctx, tf_ind_state *s, long area, OGRFeatureH f);
    /* Adds the indicator's columns (and data-quality notes) to `r`. */
    taafi_status (*finish)(taafi_ctx *ctx, const tf_indicator_def *def, tf_ind_state *s, taafi_result *r);
    void (*free)(tf_ind_state *s);
} tf_family;

/* The family for an indicator type. */
const tf_family *tf_family_of(tf_ind_type type);

/* Whether indicators of this family read a layer. */
int tf_family_reads_layer(tf_ind_type type);

extern const tf_family tf_family_area;
extern const tf_family tf_family_count;

#endif
