/*
 * template.c: `taafi init`: a starter project for a new city.  The areas
 * section comes from the user's own boundary file; the rest is the
 * five-pillar template of docs/project-file.md, over layers with the field
 * names of the bundled example, to be pointed at the city's own files.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include "io/inputs.h"
#include "io/source.h"
#include "output/outfile.h"
#include "project/project.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char BODY[] =
    "\n"
    "# The layers the indicators read.  Point each `source` at your own files;\n"
    "# the field names used below (kind, status, capacity, damage_cls, passable,\n"
    "# use) are those of taafi's bundled example: rename them to yours.\n"
    "layers:\n"
    "  damage:            # building damage points (UNOSAT classes)\n"
    "    source: EDIT-ME/damage.shp\n"
    "  working_services:  # service points that work at least partly\n"
    "    source: EDIT-ME/services.shp\n"
    "    where: \"status IN ('functioning', 'partial')\"\n"
    "  streets:           # street centre lines with a passable field\n"
    "    source: EDIT-ME/streets.shp\n"
    "  landuse:           # land-use polygons\n"
    "    source: EDIT-ME/landuse.shp\n"
    "\n"
    "# Residents per area (an indicator id), for per-1,000-residents figures.\n"
    "population: population\n"
    "\n"
    "indicators:\n"
    "  - {id: area_km2, type: area, label: Area, label_ar: المساحة, unit: km2}\n"
    "  - id: population\n"
    "    type: table\n"
    "    source: EDIT-ME/survey.csv\n"
    "    key: area_id\n"
    "    field: population\n"
    "    label: Residents\n"
    "    label_ar: عدد السكان\n"
    "  - id: damage\n"
    "    type: count\n"
    "    layer: damage\n"
    "    class_field: damage_cls\n"
    "    classes: [destroyed, severe, moderate, possible]\n"
    "    density: true\n"
    "    percent: true\n"
    "    label: Damaged buildings\n"
    "    label_ar: المباني المتضررة\n"
    "  - id: working\n"
    "    type: count\n"
    "    layer: working_services\n"
    "    class_field: kind\n"
    "    classes: [clinic, school, bakery, water_point, market, council_office, community_centre]\n"
    "    per_1000: true\n"
    "    label: Functioning service points\n"
    "    label_ar: نقاط الخدمة العاملة\n"
    "\n"
    "  # economic vitality\n"
    "  - id: markets_bakeries_per_1000\n"
    "    type: expression\n"
    "    expression: (working_market + working_bakery) * 1000.0 / NULLIF(population, 0)\n"
    "    pillar: economic_vitality\n"
    "    direction: higher_is_better\n"
    "    label: Functioning markets and bakeries per 1,000 residents\n"
    "    label_ar: الأسواق والمخابز العاملة لكل 1000 نسمة\n"
    "  - id: commercial_share\n"
    "    type: area_share\n"
    "    layer: landuse\n"
    "    where: \"use = 'commercial'\"\n"
    "    pillar: economic_vitality\n"
    "    direction: higher_is_better\n"
    "    label: Commercial land\n"
    "    label_ar: الأراضي التجارية\n"
    "  - id: market_distance\n"
    "    type: nearest_distance\n"
    "    layer: working_services\n"
    "    where: \"kind = 'market'\"\n"
    "    pillar: economic_vitality\n"
    "    direction: lower_is_better\n"
    "    method: target\n"
    "    target: 500\n"
    "    floor: 2000\n"
    "    label: Distance to the nearest functioning market\n"
    "    label_ar: المسافة إلى أقرب سوق عامل\n"
    "\n"
    "  # institutional organisation\n"
    "  - id: council_distance\n"
    "    type: nearest_distance\n"
    "    layer: working_services\n"
    "    where: \"kind = 'council_office'\"\n"
    "    pillar: institutional_organisation\n"
    "    direction: lower_is_better\n"
    "    method: target\n"
    "    target: 1000\n"
    "    floor: 3000\n"
    "    label: Distance to the nearest working local council office\n"
    "    label_ar: المسافة إلى أقرب مكتب مجلس محلي عامل\n"
    "  - id: trust_score\n"
    "    type: table\n"
    "    source: EDIT-ME/survey.csv\n"
    "    key: area_id\n"
    "    field: trust\n"
    "    pillar: institutional_organisation\n"
    "    direction: higher_is_better\n"
    "    label: Trust in local authorities (survey score)\n"
    "    label_ar: الثقة بالسلطات المحلية\n"
    "\n"
    "  # community organisation\n"
    "  - id: community_centres_per_10000\n"
    "    type: expression\n"
    "    expression: working_community_centre * 10000.0 / NULLIF(population, 0)\n"
    "    pillar: community_organisation\n"
    "    direction: higher_is_better\n"
    "    label: Active community centres per 10,000 residents\n"
    "    label_ar: المراكز المجتمعية العاملة لكل 10000 نسمة\n"
    "  - id: committee\n"
    "    type: table\n"
    "    source: EDIT-ME/survey.csv\n"
    "    key: area_id\n"
    "    field: committee\n"
    "    pillar: community_organisation\n"
    "    direction: higher_is_better\n"
    "    method: target\n"
    "    target: 1\n"
    "    label: A neighbourhood committee exists (1 yes, 0 no)\n"
    "    label_ar: وجود لجنة حي\n"
    "\n"
    "  # basic services (targets: Sphere Handbook; school distance: a planning norm)\n"
    "  - id: clinics_per_10000\n"
    "    type: expression\n"
    "    expression: working_clinic * 10000.0 / NULLIF(population, 0)\n"
    "    pillar: basic_services\n"
    "    direction: higher_is_better\n"
    "    method: target\n"
    "    target: 1\n"
    "    label: Functioning clinics per 10,000 residents\n"
    "    label_ar: العيادات العاملة لكل 10000 نسمة\n"
    "  - id: water_distance\n"
    "    type: nearest_distance\n"
    "    layer: working_services\n"
    "    where: \"kind = 'water_point'\"\n"
    "    pillar: basic_services\n"
    "    direction: lower_is_better\n"
    "    method: target\n"
    "    target: 500\n"
    "    floor: 2000\n"
    "    label: Distance to the nearest working water point\n"
    "    label_ar: المسافة إلى أقرب نقطة مياه عاملة\n"
    "  - id: school_distance\n"
    "    type: nearest_distance\n"
    "    layer: working_services\n"
    "    where: \"kind = 'school'\"\n"
    "    pillar: basic_services\n"
    "    direction: lower_is_better\n"
    "    method: target\n"
    "    target: 1000\n"
    "    floor: 3000\n"
    "    label: Distance to the nearest functioning school\n"
    "    label_ar: المسافة إلى أقرب مدرسة عاملة\n"
    "  - id: passable_streets\n"
    "    type: length_density\n"
    "    layer: streets\n"
    "    where: \"passable = 'yes'\"\n"
    "    pillar: basic_services\n"
    "    direction: higher_is_better\n"
    "    method: target\n"
    "    target: 18\n"
    "    label: Passable streets (km per km2)\n"
    "    label_ar: الشوارع السالكة\n"
    "\n"
    "  # the ideal neighbourhood (targets: UN-Habitat's five principles)\n"
    "  - id: destroyed_density\n"
    "    type: expression\n"
    "    expression: damage_destroyed / NULLIF(area_km2, 0)\n"
    "    pillar: ideal_neighbourhood\n"
    "    direction: lower_is_better\n"
    "    label: Destroyed buildings per km2\n"
    "    label_ar: المباني المدمرة لكل كم2\n"
    "  - id: green_share\n"
    "    type: area_share\n"
    "    layer: landuse\n"
    "    where: \"use = 'green'\"\n"
    "    pillar: ideal_neighbourhood\n"
    "    direction: higher_is_better\n"
    "    label: Green and open space\n"
    "    label_ar: المساحات الخضراء والمفتوحة\n"
    "  - id: density\n"
    "    type: expression\n"
    "    expression: population / NULLIF(area_km2, 0)\n"
    "    pillar: ideal_neighbourhood\n"
    "    direction: higher_is_better\n"
    "    method: target\n"
    "    target: 15000\n"
    "    label: Residents per km2\n"
    "    label_ar: السكان لكل كم2\n"
    "\n"
    "scoring:\n"
    "  missing: skip\n"
    "  priority: {method: quantiles, classes: 4, labels: [very high, high, medium, low]}\n"
    "\n"
    "outputs:\n"
    "  gpkg: recovery.gpkg\n"
    "  geojson: areas.geojson\n"
    "  csv: true\n"
    "  csv_bom: true\n";

/* Whether the field's values are all set and distinct (areas are few). */
static int unique_values(OGRLayerH layer, int idx)
{
    char **seen = NULL;
    size_t n = 0, cap = 0, i;
    int ok = 1;
    OGRFeatureH f;
    OGR_L_ResetReading(layer);
    while (ok && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        const char *v = OGR_F_IsFieldSetAndNotNull(f, idx) ? OGR_F_GetFieldAsString(f, idx) : "";
        if (!*v)
            ok = 0;
        for (i = 0; ok && i < n; i++)
            if (!strcmp(seen[i], v))
                ok = 0;
        if (ok) {
            if (n == cap) {
                char **s2 = tf_realloc(seen, (cap = cap ? cap * 2 : 64) * sizeof *s2);
                if (!s2)
                    ok = 0;
                else
                    seen = s2;
            }
            if (ok && !(seen[n++] = tf_strdup(v)))
                ok = 0;
        }
        OGR_F_Destroy(f);
    }
    for (i = 0; i < n; i++)
        tf_free(seen[i]);
    tf_free(seen);
    return ok && n > 0;
}

/* Whether the first feature's value of the field holds Arabic letters. */
static int looks_arabic(OGRLayerH layer, int idx)
{
    OGRFeatureH f;
    const unsigned char *s;
    int arabic = 0;
    OGR_L_ResetReading(layer);
    if (!(f = OGR_L_GetNextFeature(layer)))
        return 0;
    /* U+0600-U+06FF is D8 80 - DB BF in UTF-8 */
    for (s = (const unsigned char *)OGR_F_GetFieldAsString(f, idx); *s; s++)
        if (*s >= 0xD8 && *s <= 0xDB)
            arabic = 1;
    OGR_F_Destroy(f);
    return arabic;
}

static int contains(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (!strncasecmp(hay, needle, n))
            return 1;
    return 0;
}

taafi_status taafi_project_template(taafi_ctx *ctx, const char *areas_source, char **yaml_out)
{
    tf_enter(ctx);
    tf_source def = {0};
    tf_vsource src = {0};
    tf_buf b = {0};
    OGRFeatureDefnH fd;
    const char *id = NULL, *name = NULL, *name_ar = NULL;
    char full[PATH_MAX];
    taafi_status st;
    int i, n;
    if (!ctx || !areas_source || !yaml_out)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_template: NULL argument") : TAAFI_ERR_USAGE;
    *yaml_out = NULL;
    def.role = "areas";
    def.path = (char *)areas_source;
    tf_gdal_enter(ctx);
    if ((st = tf_source_open(ctx, &def, &src)))
        goto done;
    fd = OGR_L_GetLayerDefn(src.layer);
    n = OGR_FD_GetFieldCount(fd);
    /* id: a field named like an id or code whose values are unique; else
     * the first field with unique values. */
    for (int pass = 0; pass < 2 && !id; pass++)
        for (i = 0; i < n && !id; i++) {
            const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
            if ((pass == 1 || contains(f, "id") || contains(f, "code")) && unique_values(src.layer, i))
                id = f;
        }
    for (i = 0; i < n; i++) {
        const char *f = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(fd, i));
        if (!contains(f, "name") && !contains(f, "nom") && !contains(f, "اسم"))
            continue;
        if (looks_arabic(src.layer, i)) {
            if (!name_ar)
                name_ar = f;
        } else if (!name) {
            name = f;
        }
    }
    if (!realpath(areas_source, full))
        snprintf(full, sizeof full, "%s", areas_source);
    tf_buf_printf(&b,
                  "# taafi project written by `taafi init`: edit it, then run\n"
                  "#   taafi validate THIS.yml && taafi run THIS.yml -o OUTPUT_FOLDER\n"
                  "# Every key is described in docs/project-file.md.  Paths are relative to\n"
                  "# this file's folder (or absolute).\n"
                  "name: %s\n"
                  "crs: auto\n\n"
                  "areas:\n"
                  "  source: '%s'\n",
                  OGR_L_GetName(src.layer), full);
    if (src.def->layer)
        tf_buf_printf(&b, "  layer: %s\n", src.def->layer);
    tf_buf_printf(&b, "  id: %s%s\n", id ? id : "EDIT-ME", id ? "" : "   # no field with unique values found");
    if (name)
        tf_buf_printf(&b, "  name: %s\n", name);
    if (name_ar)
        tf_buf_printf(&b, "  name_ar: %s\n", name_ar);
    tf_buf_printf(&b, "%s", BODY);
    if (b.failed) {
        st = tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
        goto done;
    }
    *yaml_out = b.s;
    b.s = NULL;
done:
    tf_buf_free(&b);
    tf_source_close(&src);
    tf_gdal_leave(ctx);
    return st;
}

taafi_status taafi_project_template_write(taafi_ctx *ctx, const char *areas_source, const char *path, unsigned flags)
{
    tf_enter(ctx);
    tf_inputs in = {0};
    tf_outfile o = {0};
    char *yaml = NULL, *dir = NULL;
    const char *slash, *role;
    taafi_status st;
    if (!ctx || !areas_source || !path || !*path)
        return ctx ? tf_error(ctx, TAAFI_ERR_USAGE, "taafi_project_template_write: NULL argument") : TAAFI_ERR_USAGE;
    slash = strrchr(path, '/');
    if (!(dir = slash ? tf_sprintf("%.*s", (int)(slash == path ? 1 : slash - path), path) : tf_strdup(".")))
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    /* the project is written over no file of the areas' dataset */
    if (!(st = tf_inputs_add_dataset(ctx, &in, areas_source, "the areas' source")) &&
        (role = tf_inputs_find(&in, path)))
        st = tf_error(ctx, TAAFI_ERR_USAGE,
                      "%s: is %s; taafi never writes over its inputs, whatever --overwrite says: give -o another "
                      "file name, such as project.yml",
                      path, role);
    if (!st && !(st = taafi_project_template(ctx, areas_source, &yaml)) &&
        !(st = tf_outfile_plan(ctx, dir, slash ? slash + 1 : path, (flags & TAAFI_WRITE_OVERWRITE) != 0, &o)) &&
        !(st = tf_write_bytes(ctx, o.tmp, yaml, strlen(yaml))))
        st = tf_outfile_commit(ctx, &o);
    tf_outfile_discard(&o);
    taafi_string_free(yaml);
    tf_inputs_free(&in);
    tf_free(dir);
    return st;
}
