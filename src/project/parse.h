/*
 * parse.h: the project parser's shared state and helpers, for the files
 * of src/project that read the project file's sections (project.c reads
 * the root), and for the families' readers of their own keys (keys.h).
 */
#ifndef TAAFI_PROJECT_PARSE_H
#define TAAFI_PROJECT_PARSE_H

#include "project.h"

#include <yaml.h>

typedef struct parser {
    taafi_ctx *ctx;
    yaml_document_t *doc;
    taafi_project *p;
} parser;

/* The 1-based line of a node, and the node of an id. */
static inline int pj_line_of(const yaml_node_t *n) { return (int)n->start_mark.line + 1; }
static inline yaml_node_t *pj_node(parser *ps, int id) { return yaml_document_get_node(ps->doc, id); }


/* YAML helpers (yaml.c) */
taafi_status pj_boolean(parser *ps, const yaml_node_t *n, const char *key, int *out);
taafi_status pj_check_keys(parser *ps, const yaml_node_t *m, const char *where, const char *const *allowed);
taafi_status pj_choice(parser *ps, const yaml_node_t *n, const char *key, const char *const *names, int *out);
taafi_status pj_dup_scalar(parser *ps, const yaml_node_t *n, const char *key, char **out);
taafi_status pj_expect_mapping(parser *ps, const yaml_node_t *n, const char *what);
yaml_node_t *pj_get(parser *ps, const yaml_node_t *m, const char *key);
taafi_status pj_need(parser *ps, const yaml_node_t *m, const tf_indicator_def *d, const char *key, const char *what);
taafi_status pj_number(parser *ps, const yaml_node_t *n, const char *key, double *out);
taafi_status pj_opt_bool(parser *ps, const yaml_node_t *m, const char *key, int *out);
taafi_status pj_opt_str(parser *ps, const yaml_node_t *m, const char *key, char **out);
taafi_status pj_perr(parser *ps, const yaml_node_t *n, const char *fmt, ...) TF_PRINTF(3, 4);
taafi_status pj_scalar(parser *ps, const yaml_node_t *n, const char *key, const char **out);
int pj_valid_column(const char *s);

/* the file's shape (yaml_guard.c): depth and documents while libyaml
 * parses, keys given twice in the document it built */
taafi_status pj_check_events(taafi_ctx *ctx, const char *path, const char *text, size_t len);
taafi_status pj_check_duplicates(taafi_ctx *ctx, const char *path, yaml_document_t *doc);

/* A `where` (node n) holds no subquery (filters.c). */
taafi_status pj_check_filter(parser *ps, const yaml_node_t *n, const char *where);

/* inputs (sources.c) */
int pj_find_layer(const taafi_project *p, const char *role);
taafi_status pj_layer_ref(parser *ps, const yaml_node_t *v, int *out);
taafi_status pj_parse_areas(parser *ps, const yaml_node_t *m);
taafi_status pj_parse_crs(parser *ps, const yaml_node_t *v);
taafi_status pj_parse_layers(parser *ps, const yaml_node_t *m);
taafi_status pj_parse_source(parser *ps, const yaml_node_t *m, const char *role, const char *where,
                             const char *const *allowed, tf_source *src);
char *pj_resolve(const taafi_project *p, const char *path);

/* the street network (network_keys.c): the `network:` section, its
 * defaults, and an indicator's `reach` key (after the network) */
taafi_status pj_parse_network(parser *ps, const yaml_node_t *m);
void pj_network_defaults(tf_network_def *n);
taafi_status pj_parse_reach(parser *ps, const yaml_node_t *m, tf_indicator_def *d);
/* Once `population` is known: a coverage along the network counts
 * residents at the cells of a population raster, which it needs. */
taafi_status pj_check_reach(parser *ps);
/* A scenario's `network: {closed: ...}`: other closures for its copies of
 * the indicators that measure along the network. */
taafi_status pj_parse_scenario_network(parser *ps, const yaml_node_t *m, tf_scenario *sc);

/* indicators (indicators.c) */
taafi_status pj_check_indicators(parser *ps, const yaml_node_t *root);
taafi_status pj_parse_indicators(parser *ps, const yaml_node_t *s);
/* Each family's after_scenarios, for its indicators (keys.h). */
taafi_status pj_after_scenarios(parser *ps);
/* The YAML node of the project's indicator ix. */
const yaml_node_t *pj_ind_node(parser *ps, int ix);
/* An indicator's own file, `source`, resolved against the project's
 * folder (d->source NULL when absent). */
taafi_status pj_own_source(parser *ps, const yaml_node_t *m, tf_indicator_def *d);
/* `layer` (required: `what` says what it should name) and `where`, the
 * keys of the families that read a layer. */
taafi_status pj_layer_where(parser *ps, const yaml_node_t *m, tf_indicator_def *d, const char *what);

/* scoring (scoring.c) */
taafi_status pj_parse_scoring(parser *ps, const yaml_node_t *m);
/* A `pillars` mapping (`what` names it) into sc's pillars, their weights'
 * sum in *total: scoring's and each scenario's. */
taafi_status pj_parse_pillars(parser *ps, const yaml_node_t *v, const char *what, tf_scoring *sc, double *total);

/* outputs and maps (outputs.c) */
taafi_status pj_parse_maps(parser *ps, const yaml_node_t *m);
taafi_status pj_parse_outputs(parser *ps, const yaml_node_t *m);

/* scenarios (scenarios.c) */
taafi_status pj_parse_scenarios(parser *ps, const yaml_node_t *m);

/* rounds (rounds_keys.c) */
taafi_status pj_parse_rounds(parser *ps, const yaml_node_t *s);

#endif
