/*
 * project.c: reads the YAML project file into the project model.
 *
 * Strict on purpose: an unknown key is an error naming its line and the key
 * it was probably meant to be, because a misspelled optional key silently
 * ignored gives a wrong analysis that looks right.  The sections are read
 * by the files beside this one (parse.h lists them); this file reads the
 * root, loads and frees.
 */
#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* limits: {sql_steps: N, raster_cells: N}: the bounds of work that the
 * project's own text can ask for (docs/project-file.md). */
static taafi_status parse_limits(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"sql_steps", "raster_cells", NULL};
    double *to[2] = {&ps->p->limit_sql_steps, &ps->p->limit_raster_cells};
    const yaml_node_t *v;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "limits")) || (st = pj_check_keys(ps, m, "limits", keys)))
        return st;
    for (int i = 0; i < 2; i++) {
        if (!(v = pj_get(ps, m, keys[i])))
            continue;
        if ((st = pj_number(ps, v, keys[i], to[i])))
            return st;
        if (!(*to[i] >= 1))
            return pj_perr(ps, v, "limits.%s must be a number of 1 or more", keys[i]);
    }
    return TAAFI_OK;
}

static taafi_status parse_root(parser *ps, const yaml_node_t *root)
{
    static const char *const keys[] = {"name",    "crs",     "areas", "layers",    "population", "indicators",
                                       "scoring", "outputs", "maps",  "scenarios", "rounds",     "change",
                                       "rounds_recompute", "limits", "network", NULL};
    taafi_project *p = ps->p;
    const yaml_node_t *v;
    taafi_status st;
    if (!root)
        return pj_perr(ps, NULL, "the project file is empty; see examples/homs.yml for a start");
    if ((st = pj_expect_mapping(ps, root, "the project file")) ||
        (st = pj_check_keys(ps, root, "the project file", keys)))
        return st;
    if ((v = pj_get(ps, root, "name")) && (st = pj_dup_scalar(ps, v, "name", &p->name)))
        return st;
    if ((v = pj_get(ps, root, "crs")) && (st = pj_parse_crs(ps, v)))
        return st;
    if (!(v = pj_get(ps, root, "areas")))
        return pj_perr(ps, root, "no 'areas': the project needs the polygons to analyse");
    if ((st = pj_parse_areas(ps, v)))
        return st;
    if ((v = pj_get(ps, root, "layers")) && (st = pj_parse_layers(ps, v)))
        return st;
    pj_network_defaults(&p->network);
    if ((v = pj_get(ps, root, "network")) && (st = pj_parse_network(ps, v)))
        return st;
    if (!(v = pj_get(ps, root, "indicators")))
        return pj_perr(ps, root, "no 'indicators': list what to compute per area");
    if ((st = pj_parse_indicators(ps, v)) || (st = pj_check_indicators(ps, root)))
        return st;
    for (int k = 0; k < TF_N_PILLARS; k++)
        p->scoring.pillars[k].weight = 1;
    p->scoring.n_classes = 4;
    if ((v = pj_get(ps, root, "scoring")) && (st = pj_parse_scoring(ps, v)))
        return st;
    /* after scoring: a scenario starts from the project's settings */
    if ((v = pj_get(ps, root, "scenarios")) && ((st = pj_parse_scenarios(ps, v)) || (st = pj_after_scenarios(ps))))
        return st;
    if ((v = pj_get(ps, root, "rounds")) && (st = pj_parse_rounds(ps, v)))
        return st;
    p->change_tolerance = 1.0;
    if ((v = pj_get(ps, root, "change"))) {
        static const char *const ckeys[] = {"tolerance", NULL};
        const yaml_node_t *t;
        if ((st = pj_expect_mapping(ps, v, "change")) || (st = pj_check_keys(ps, v, "change", ckeys)))
            return st;
        if ((t = pj_get(ps, v, "tolerance")) && (st = pj_number(ps, t, "tolerance", &p->change_tolerance)))
            return st;
        if (p->change_tolerance < 0)
            return pj_perr(ps, t, "tolerance must be 0 or more (score points)");
    }
    if ((v = pj_get(ps, root, "rounds_recompute")) &&
        (st = pj_boolean(ps, v, "rounds_recompute", &p->rounds_recompute)))
        return st;
    p->maps.png = p->maps.svg = p->maps.pdf = 1;
    p->maps.dpi = 300;
    p->maps.atlas = p->maps.report = 1;
    if ((v = pj_get(ps, root, "maps")) && (st = pj_parse_maps(ps, v)))
        return st;
    p->out_csv = 1;
    p->out_gpkg = tf_strdup("recovery.gpkg");
    p->out_geojson = tf_strdup("areas.geojson");
    if (!p->out_gpkg || !p->out_geojson)
        return tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
    if ((v = pj_get(ps, root, "outputs")) && (st = pj_parse_outputs(ps, v)))
        return st;
    return (v = pj_get(ps, root, "limits")) ? parse_limits(ps, v) : TAAFI_OK;
}

static taafi_status read_file(taafi_ctx *ctx, const char *path, char **text_out, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t len = 0, cap = 0, n;
    if (!f)
        return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: cannot open the project file: %s", path, strerror(errno));
    for (;;) {
        if (cap - len < 4096) {
            char *t;
            cap = cap ? cap * 2 : 8192;
            if (cap > (64u << 20)) {
                fclose(f);
                tf_free(text);
                return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: larger than 64 MB: not a project file", path);
            }
            t = tf_realloc(text, cap);
            if (!t) {
                fclose(f);
                tf_free(text);
                return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory reading %s", path);
            }
            text = t;
        }
        n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    text[len] = '\0';
    if (strlen(text) != len) {
        tf_free(text);
        return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: holds NUL bytes: not a YAML project file", path);
    }
    *text_out = text;
    *len_out = len;
    return TAAFI_OK;
}

taafi_status tf_project_parse(taafi_ctx *ctx, const char *path, const char *text, size_t text_len,
                              const tf_family_keys *const *families, taafi_project **out)
{
    yaml_parser_t yp;
    yaml_document_t doc;
    int have_parser = 0, have_doc = 0;
    parser ps;
    taafi_project *p = NULL;
    taafi_status st;
    size_t len = 0;
    const char *slash;
    if (!ctx || !path || !families || !out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_load: NULL argument") : TAAFI_ERR_USAGE;
    *out = NULL;
    p = tf_calloc(1, sizeof *p);
    if (p) {
        p->families = families;
        p->limit_sql_steps = TF_LIMIT_SQL_STEPS;
        p->limit_raster_cells = TF_LIMIT_RASTER_CELLS;
    }
    if (!p || !(p->path = tf_strdup(path))) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    slash = strrchr(path, '/');
    p->dir = slash ? tf_sprintf("%.*s", (int)(slash == path ? 1 : slash - path), path) : tf_strdup(".");
    if (!p->dir) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto fail;
    }
    if (text) {
        if (memchr(text, '\0', text_len)) {
            st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s: holds NUL bytes: not a YAML project file", path);
            goto fail;
        }
        if (!(p->text = tf_malloc(text_len + 1))) {
            st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
            goto fail;
        }
        memcpy(p->text, text, text_len);
        p->text[text_len] = '\0';
        len = text_len;
    } else if ((st = read_file(ctx, path, &p->text, &len))) {
        goto fail;
    }
    if ((st = pj_check_events(ctx, path, p->text, len)))
        goto fail;
    if (!yaml_parser_initialize(&yp)) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory starting the YAML parser");
        goto fail;
    }
    have_parser = 1;
    yaml_parser_set_input_string(&yp, (const unsigned char *)p->text, len);
    if (!yaml_parser_load(&yp, &doc)) {
        st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s:%d: not valid YAML: %s%s%s", path,
                      (int)(yp.problem_mark.line + 1), yp.problem ? yp.problem : "syntax error",
                      yp.context ? " " : "", yp.context ? yp.context : "");
        goto fail;
    }
    have_doc = 1;
    if ((st = pj_check_duplicates(ctx, path, &doc)))
        goto fail;
    ps.ctx = ctx;
    ps.doc = &doc;
    ps.p = p;
    if ((st = parse_root(&ps, yaml_document_get_root_node(&doc))))
        goto fail;
    yaml_document_delete(&doc);
    yaml_parser_delete(&yp);
    *out = p;
    return TAAFI_OK;
fail:
    if (have_doc)
        yaml_document_delete(&doc);
    if (have_parser)
        yaml_parser_delete(&yp);
    taafi_project_free(p);
    return st;
}

static void free_source(tf_source *s)
{
    tf_free(s->x_field);
    tf_free(s->y_field);
    tf_free(s->encoding);
    tf_free(s->role);
    tf_free(s->path);
    tf_free(s->layer);
    tf_free(s->where);
}

/* A scenario's copies of the indicators own their strings only where they
 * differ from the project's (labels, where). */
static void free_scenario(tf_scenario *sc, const taafi_project *p)
{
    tf_free(sc->name);
    if (sc->network)
        tf_network_def_free(sc->network);
    tf_free(sc->network);
    for (size_t k = 0; sc->inds && k < p->n_inds; k++) {
        if (sc->inds[k].label != p->inds[k].label)
            tf_free(sc->inds[k].label);
        if (sc->inds[k].label_ar != p->inds[k].label_ar)
            tf_free(sc->inds[k].label_ar);
        if (sc->inds[k].where != p->inds[k].where)
            tf_free(sc->inds[k].where);
    }
    tf_free(sc->inds);
}

static void free_indicator(tf_indicator_def *d)
{
    char *strings[] = {d->id,          d->label,        d->label_ar,     d->pillar,    d->unit,
                       d->class_field, d->score_column, d->where,        d->field,     d->source,
                       d->sheet,       d->key,          d->expression,   d->kind,      d->capacity_field,
                       d->user_where,  d->kind_field,   d->status_field, d->pass_where};
    for (size_t j = 0; j < sizeof strings / sizeof *strings; j++)
        tf_free(strings[j]);
    for (size_t j = 0; j < d->n_classes; j++)
        tf_free(d->classes[j]);
    tf_free(d->classes);
}

static void free_round(tf_round *rd)
{
    size_t j;
    tf_free(rd->name);
    tf_free(rd->date);
    for (j = 0; j < rd->n_layers; j++)
        free_source(&rd->layers[j]);
    tf_free(rd->layers);
    for (j = 0; j < rd->n_sources; j++) {
        tf_free(rd->source_ids[j]);
        tf_free(rd->sources[j]);
    }
    tf_free(rd->source_ids);
    tf_free(rd->sources);
    free_source(&rd->areas);
    for (j = 0; j < rd->n_shared; j++)
        tf_free(rd->shared[j]);
    tf_free(rd->shared);
}

void taafi_project_free(taafi_project *p)
{
    size_t i;
    if (!p)
        return;
    tf_free(p->path);
    tf_free(p->dir);
    tf_free(p->text);
    tf_free(p->name);
    free_source(&p->areas);
    tf_free(p->area_id);
    tf_free(p->area_name);
    tf_free(p->area_name_ar);
    for (i = 0; i < p->n_layers; i++)
        free_source(&p->layers[i]);
    tf_free(p->layers);
    /* before the indicators, whose strings the scenarios' copies share */
    for (i = 0; i < p->n_scenarios; i++)
        free_scenario(&p->scenarios[i], p);
    tf_free(p->scenarios);
    for (i = 0; i < p->n_inds; i++)
        free_indicator(&p->inds[i]);
    tf_free(p->inds);
    tf_free(p->scoring.breaks);
    if (p->scoring.labels)
        for (i = 0; i < p->scoring.n_classes; i++)
            tf_free(p->scoring.labels[i]);
    tf_free(p->scoring.labels);
    for (i = 0; i < p->n_rounds; i++)
        free_round(&p->rounds[i]);
    tf_free(p->rounds);
    tf_free(p->maps.title);
    tf_free(p->maps.source_note);
    tf_free(p->maps.disclaimer);
    tf_free(p->maps.gaps);
    tf_free(p->out_gpkg);
    tf_free(p->out_geojson);
    tf_network_def_free(&p->network);
    tf_free(p);
}

const char *taafi_project_path(const taafi_project *p) { return p ? p->path : NULL; }

int taafi_project_wants_maps(const taafi_project *p) { return p && p->maps.enabled; }

size_t taafi_project_scenario_count(const taafi_project *p) { return p ? p->n_scenarios : 0; }

const char *taafi_project_scenario_name(const taafi_project *p, size_t i)
{
    return p && i < p->n_scenarios ? p->scenarios[i].name : NULL;
}
