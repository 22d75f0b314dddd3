/*
 * keys.h: what the project parser asks of each indicator family about its
 * project-file keys.  The families own their keys (src/families/): they
 * give the parser a table of these, indexed by indicator type, when a
 * project is parsed, so that nothing in src/project names a family, its
 * type or its keys.  A family's `parse` and `scenario` use the parser's
 * helpers (parse.h) and report errors with the file's line numbers.
 */
#ifndef TAAFI_PROJECT_KEYS_H
#define TAAFI_PROJECT_KEYS_H

#include "parse.h"

/* Flags of a family's keys. */
#define TF_KEYS_ROUND_SOURCE 0x1u /* a round may give it a `source` of its own */
#define TF_KEYS_GAPS 0x2u         /* it makes service gaps (maps.gaps may name it) */

struct tf_family_keys {
    const char *type;         /* its `type` in the project file            */
    const char *const *keys;  /* its own keys beside the common ones (id,
                                 type, labels, pillar and scoring keys);
                                 NULL-terminated, or NULL for none         */
    /* Reads its own keys of indicator mapping `m` into `d` (NULL: none). */
    taafi_status (*parse)(parser *ps, const yaml_node_t *m, tf_indicator_def *d);
    /* Keys a scenario's entry for an indicator may hold beside the scoring
     * ones, and their reader, called with d: the scenario's copy of
     * indicator ix, whenever the entry holds one of them, whatever the
     * indicator's type (so that it can say which type takes them). */
    const char *const *scenario_keys;
    taafi_status (*scenario)(parser *ps, const yaml_node_t *iv, const char *scenario, int ix, tf_indicator_def *d);
    /* After every scenario is read, for each indicator of this type. */
    taafi_status (*after_scenarios)(parser *ps, int ix);
    unsigned flags; /* TF_KEYS_* */
};

/* The name of indicator d's type as the project file writes it. */
const char *tf_type_name(const taafi_project *p, const tf_indicator_def *d);

#endif
