/* outputs.c: the `outputs` and `maps` sections. */
#include "keys.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static taafi_status parse_output_name(parser *ps, const yaml_node_t *v, const char *key, char **out)
{
    const char *s = NULL;
    taafi_status st = pj_scalar(ps, v, key, &s);
    if (st)
        return st;
    tf_free(*out);
    *out = NULL;
    if (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))
        return TAAFI_OK; /* that output is not wanted */
    if (!*s || strchr(s, '/') || s[0] == '.')
        return pj_perr(ps, v, "outputs.%s must be a plain file name inside the output folder, not '%s'", key, s);
    *out = tf_strdup(s);
    return *out ? TAAFI_OK : tf_error(ps->ctx, TAAFI_ERR_NOMEM, "out of memory");
}

/* The names taafi writes beside the GeoPackage and the GeoJSON, whatever
 * the project says (output/write.c, publish/, output/stage.h). */
static const char *const FIXED[] = {"areas.csv",           "indicators.csv",         "service_gaps.geojson",
                                    "facilities.geojson",  "service_gaps.meta.json", "facilities.meta.json",
                                    "change.geojson",      "report.html",            "maps",
                                    "taafi-run.json",      NULL};

/* An output name that another output, a folder of the run (maps, a
 * scenario's) or the run's list already takes: found now, not when the
 * run writes (".tmp-PID-x already exists", or one output over another). */
static taafi_status name_free(parser *ps, const yaml_node_t *v, const char *key, const char *name,
                              const char *other)
{
    const taafi_project *p = ps->p;
    size_t i;
    for (i = 0; FIXED[i]; i++)
        if (!strcasecmp(name, FIXED[i]))
            return pj_perr(ps, v, "outputs.%s '%s' is the name of another output of the run; choose another", key,
                           name);
    for (i = 0; i < p->n_scenarios; i++)
        if (!strcasecmp(name, p->scenarios[i].name))
            return pj_perr(ps, v, "outputs.%s '%s' is the folder of scenario '%s'; choose another", key, name,
                           p->scenarios[i].name);
    if (other && !strcasecmp(name, other))
        return pj_perr(ps, v, "outputs.gpkg and outputs.geojson are both '%s'; give them different names", name);
    return TAAFI_OK;
}

taafi_status pj_parse_outputs(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"gpkg", "geojson", "csv", "csv_bom", NULL};
    const yaml_node_t *v;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "outputs")) || (st = pj_check_keys(ps, m, "outputs", keys)) ||
        (st = pj_opt_bool(ps, m, "csv", &ps->p->out_csv)) || (st = pj_opt_bool(ps, m, "csv_bom", &ps->p->out_csv_bom)))
        return st;
    if ((v = pj_get(ps, m, "gpkg")) && (st = parse_output_name(ps, v, "gpkg", &ps->p->out_gpkg)))
        return st;
    if ((v = pj_get(ps, m, "geojson")) && (st = parse_output_name(ps, v, "geojson", &ps->p->out_geojson)))
        return st;
    if (ps->p->out_gpkg &&
        (st = name_free(ps, pj_get(ps, m, "gpkg") ? pj_get(ps, m, "gpkg") : m, "gpkg", ps->p->out_gpkg, NULL)))
        return st;
    if (ps->p->out_geojson && (st = name_free(ps, pj_get(ps, m, "geojson") ? pj_get(ps, m, "geojson") : m,
                                              "geojson", ps->p->out_geojson, ps->p->out_gpkg)))
        return st;
    return TAAFI_OK;
}

taafi_status pj_parse_maps(parser *ps, const yaml_node_t *m)
{
    static const char *const keys[] = {"enabled", "formats", "dpi", "atlas", "report", "title",
                                       "source_note", "disclaimer", "gaps", NULL};
    static const char *const formats[] = {"png", "svg", "pdf", NULL};
    tf_maps *mp = &ps->p->maps;
    const yaml_node_t *v;
    taafi_status st;
    if ((st = pj_expect_mapping(ps, m, "maps")) || (st = pj_check_keys(ps, m, "maps", keys)) ||
        (st = pj_opt_bool(ps, m, "enabled", &mp->enabled)) || (st = pj_opt_bool(ps, m, "atlas", &mp->atlas)) ||
        (st = pj_opt_bool(ps, m, "report", &mp->report)) || (st = pj_opt_str(ps, m, "title", &mp->title)) ||
        (st = pj_opt_str(ps, m, "source_note", &mp->source_note)) ||
        (st = pj_opt_str(ps, m, "disclaimer", &mp->disclaimer)) || (st = pj_opt_str(ps, m, "gaps", &mp->gaps)))
        return st;
    if (!pj_get(ps, m, "enabled"))
        mp->enabled = 1; /* a maps: section asks for maps */
    if ((v = pj_get(ps, m, "dpi"))) {
        if ((st = pj_number(ps, v, "dpi", &mp->dpi)))
            return st;
        if (mp->dpi < 36 || mp->dpi > 1200)
            return pj_perr(ps, v, "dpi must be between 36 and 1200");
    }
    if ((v = pj_get(ps, m, "formats"))) {
        yaml_node_item_t *it;
        if (v->type != YAML_SEQUENCE_NODE)
            return pj_perr(ps, v, "'formats' must be a list, e.g. [png, svg, pdf]");
        mp->png = mp->svg = mp->pdf = 0;
        for (it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
            int f;
            if ((st = pj_choice(ps, pj_node(ps, *it), "format", formats, &f)))
                return st;
            *(f == 0 ? &mp->png : f == 1 ? &mp->svg : &mp->pdf) = 1;
        }
    }
    if (mp->gaps) {
        int k = tf_project_find_indicator(ps->p, mp->gaps);
        if (k < 0 || !(ps->p->families[ps->p->inds[k].type]->flags & TF_KEYS_GAPS))
            return pj_perr(ps, pj_get(ps, m, "gaps"), "maps.gaps names '%s', which makes no service gaps", mp->gaps);
    }
    return TAAFI_OK;
}
