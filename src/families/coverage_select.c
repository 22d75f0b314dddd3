/* coverage_select.c: the facilities of one filter among those a coverage
 * pass kept for the union of several (a scenario's statuses or where),
 * selected by GDAL's own filter on an in-memory copy: no input is read
 * again. */
#include "coverage.h"

#include <string.h>

/* keep[i] = 1 for the kept facilities that `where` selects: GDAL's own
 * filter (OGR SQL), on an in-memory copy of what the pass read, so that
 * no input is read again.  where NULL: all. */
taafi_status tf_coverage_select(taafi_ctx *ctx, const tf_ind_state *s, const char *where, unsigned char *keep)
{
    GDALDriverH drv = GDALGetDriverByName("Memory");
    GDALDatasetH ds = NULL;
    OGRLayerH l;
    OGRFeatureDefnH src;
    OGRFeatureH f;
    size_t i;
    int k;
    taafi_status st = TAAFI_OK;
    memset(keep, where ? 0 : 1, s->n);
    if (!where || !s->n)
        return TAAFI_OK;
    tf_gdal_enter(ctx);
    if (!drv || !(ds = GDALCreate(drv, "kept", 0, 0, 0, GDT_Unknown, NULL)) ||
        !(l = GDALDatasetCreateLayer(ds, "kept", NULL, wkbNone, NULL))) {
        st = tf_error(ctx, TAAFI_ERR_IO, "cannot make an in-memory layer: %s", tf_lib_error(ctx));
        goto done;
    }
    src = OGR_F_GetDefnRef(s->feat[0]);
    for (k = 0; k < OGR_FD_GetFieldCount(src); k++)
        if (OGR_L_CreateField(l, OGR_FD_GetFieldDefn(src, k), TRUE) != OGRERR_NONE) {
            st = tf_error(ctx, TAAFI_ERR_IO, "cannot copy a field: %s", tf_lib_error(ctx));
            goto done;
        }
    for (i = 0; i < s->n; i++) {
        OGRFeatureH c = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGRErr e = c ? OGR_F_SetFrom(c, s->feat[i], TRUE) : OGRERR_NOT_ENOUGH_MEMORY;
        if (c)
            OGR_F_SetFID(c, (GIntBig)i);
        if (e == OGRERR_NONE)
            e = OGR_L_CreateFeature(l, c);
        if (c)
            OGR_F_Destroy(c);
        if (e != OGRERR_NONE) {
            st = tf_error(ctx, TAAFI_ERR_IO, "cannot copy a facility: %s", tf_lib_error(ctx));
            goto done;
        }
    }
    if (OGR_L_SetAttributeFilter(l, where) != OGRERR_NONE) {
        st = tf_error(ctx, TAAFI_ERR_PROJECT, "the filter %s: %s; check a scenario's 'where' and 'statuses'", where,
                      tf_lib_error(ctx));
        goto done;
    }
    OGR_L_ResetReading(l);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        GIntBig fid = OGR_F_GetFID(f);
        if (fid >= 0 && (size_t)fid < s->n)
            keep[fid] = 1;
        OGR_F_Destroy(f);
    }
done:
    if (ds)
        GDALClose(ds);
    tf_gdal_leave(ctx);
    return st;
}

