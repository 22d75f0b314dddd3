/* fields.c: the areas' fields as output columns.  Every output writes the
 * areas' fields beside the indicators' columns, and SQLite (GeoPackage)
 * tells column names apart ignoring case: two fields "Name" and "NAME", or
 * an indicator named like a field, would fail only when the GeoPackage is
 * written, after the whole run.  Checked as soon as the areas open. */
#include "areas.h"

#include <strings.h>

taafi_status tf_areas_check_fields(taafi_ctx *ctx, const taafi_project *p, OGRLayerH layer)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(layer);
    int n = OGR_FD_GetFieldCount(defn), i, j;
    for (i = 0; i < n; i++) {
        const char *a = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        for (j = 0; j < i; j++) {
            const char *b = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, j));
            if (!strcasecmp(a, b))
                return tf_error(ctx, TAAFI_ERR_DATA,
                                "%s: layer %s: fields '%s' and '%s' differ only in case, which a GeoPackage cannot "
                                "hold apart; rename one (ogr2ogr -sql 'SELECT ..., \"%s\" AS %s_2 ...')",
                                p->areas.path, OGR_L_GetName(layer), b, a, a, a);
        }
        for (size_t k = 0; k < p->n_inds; k++)
            if (!strcasecmp(a, p->inds[k].id))
                return tf_error(ctx, TAAFI_ERR_PROJECT,
                                "%s:%d: indicator '%s' has the name of a field of the areas (%s, field '%s'), and "
                                "both would be columns of the outputs; give the indicator another id",
                                p->path, p->inds[k].line, p->inds[k].id, p->areas.path, a);
    }
    return TAAFI_OK;
}
