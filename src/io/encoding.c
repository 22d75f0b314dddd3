/*
 * encoding.c: every text an input gives is UTF-8 (issue 16, requirement
 * 4).  GDAL passes the bytes of a file through as they are: a .dbf without
 * .cpg or a CSV saved by Excel in the Windows code page would put bytes
 * that are not UTF-8 in every output (areas.csv, the GeoJSON, column names
 * made of class values).  So the text is checked when a source opens:
 *  - a shapefile says its encoding (.cpg, code page) or is given one
 *    (`encoding:`, GDAL's ENCODING open option); else, not UTF-8, it is
 *    read as Windows-1256 when that decodes to Arabic, with a warning;
 *  - a CSV is recoded whole into a UTF-8 copy in /vsimem/ (GDAL's CSV
 *    driver has no encoding option), from the encoding declared or, not
 *    UTF-8 and none declared, Windows-1256 likewise;
 *  - GeoJSON and GeoPackage hold UTF-8 by their standards: text that is
 *    not is refused with the fix.
 */
#include "source.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <cpl_vsi.h>
#include <stdio.h>
#include <string.h>

/* Features read for the check (the areas are read whole: they are few). */
#define SCAN_FEATURES 5000
/* A CSV larger than this is not recoded in memory. */
#define MAX_RECODE_BYTES (512LL << 20)

/* The first text field of the layer's features (up to `max`, 0: all) that
 * is not valid UTF-8, its feature id in *fid and field in *field; 0 when
 * all are; *arabic: whether any text holds Arabic letters (U+0600-U+06FF). */
static int bad_text(OGRLayerH layer, long max, GIntBig *fid, int *field, int *arabic)
{
    OGRFeatureH f;
    long n = 0;
    int bad = 0;
    const char *no_geometry[] = {"OGR_GEOMETRY", NULL};
    *arabic = 0;
    OGR_L_SetIgnoredFields(layer, no_geometry); /* only the text is looked at */
    OGR_L_ResetReading(layer);
    while (!bad && (max == 0 || n++ < max) && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        for (int i = 0; i < OGR_F_GetFieldCount(f) && !bad; i++) {
            const unsigned char *s;
            if (OGR_Fld_GetType(OGR_F_GetFieldDefnRef(f, i)) != OFTString || !OGR_F_IsFieldSetAndNotNull(f, i))
                continue;
            s = (const unsigned char *)OGR_F_GetFieldAsString(f, i);
            if (!CPLIsUTF8((const char *)s, -1)) {
                bad = 1, *fid = OGR_F_GetFID(f), *field = i;
                break;
            }
            for (; *s; s++)
                *arabic |= (s[0] == 0xD8 || s[0] == 0xD9 || s[0] == 0xDA || s[0] == 0xDB) && (s[1] & 0xC0) == 0x80;
        }
        OGR_F_Destroy(f);
    }
    OGR_L_SetIgnoredFields(layer, NULL);
    OGR_L_ResetReading(layer);
    return bad;
}

static const char *driver_of(const tf_vsource *s)
{
    GDALDriverH drv = GDALGetDatasetDriver(s->ds);
    return drv ? GDALGetDriverShortName(drv) : "";
}

static const char *field_name(const tf_vsource *s, int field)
{
    return OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(s->layer), field));
}

/* The CSV at def->path recoded from `enc` into out->recoded, and opened
 * from there in out's place. */
static taafi_status recode_csv(taafi_ctx *ctx, const tf_source *def, tf_vsource *out, const char *enc)
{
    GByte *raw = NULL;
    vsi_l_offset len = 0;
    char *utf8;
    const char *slash = strrchr(def->path, '/');
    if (!VSIIngestFile(NULL, def->path, &raw, &len, MAX_RECODE_BYTES))
        return tf_error(ctx, TAAFI_ERR_IO,
                        "%s: cannot read it to recode it from %s (larger than 512 MB?); convert it to UTF-8 first, "
                        "e.g. iconv -f %s -t UTF-8",
                        def->path, enc, enc);
    utf8 = CPLRecode((const char *)raw, enc, CPL_ENC_UTF8);
    VSIFree(raw);
    if (!utf8)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "%s: out of memory recoding it from %s", def->path, enc);
    snprintf(out->recoded, sizeof out->recoded, "/vsimem/taafi-%p/%.40s", (void *)out, slash ? slash + 1 : def->path);
    /* the copy owns utf8 from here (VSIFree on unlink) */
    VSIFCloseL(VSIFileFromMemBuffer(out->recoded, (GByte *)utf8, strlen(utf8), TRUE));
    return tf_source_reopen(ctx, def, out, out->recoded, NULL);
}

/* Text that is not UTF-8 in a file that does not say its encoding: read
 * as Windows-1256 when that gives Arabic (the usual case here), with a
 * warning; else refused with the fix. */
static taafi_status guess(taafi_ctx *ctx, const tf_source *def, tf_vsource *out, int csv, GIntBig fid, int field)
{
    char name[256];
    GIntBig fid2;
    int field2, arabic = 0;
    taafi_status st;
    snprintf(name, sizeof name, "%s", field_name(out, field));
    st = csv ? recode_csv(ctx, def, out, "CP1256") : tf_source_reopen(ctx, def, out, def->path, "CP1256");
    if (!st && !bad_text(out->layer, SCAN_FEATURES, &fid2, &field2, &arabic) && arabic) {
        tf_log(ctx, TAAFI_LOG_WARNING,
               "%s: its text is not UTF-8 and the file does not say its encoding (%s); read as Windows-1256 "
               "(Arabic), which it decodes as: declare 'encoding: CP1256' under '%s' (or the right encoding) to "
               "say so",
               def->path, csv ? "a CSV" : "no .cpg", def->role);
        return TAAFI_OK;
    }
    if (st)
        return st;
    return tf_error(ctx, TAAFI_ERR_DATA,
                    "%s: feature %lld: field '%s' is not UTF-8 text and the file does not say its encoding (%s); "
                    "declare it with 'encoding:' under '%s' (CP1256 for Arabic Windows files, for example)",
                    def->path, (long long)fid, name, csv ? "a CSV" : "no .cpg", def->role);
}

taafi_status tf_source_check_text(taafi_ctx *ctx, const tf_source *def, tf_vsource *out)
{
    const char *drv = driver_of(out);
    int shp = !strcmp(drv, "ESRI Shapefile"), csv = !strcmp(drv, "CSV"), field = 0, arabic;
    long scan = !strcmp(def->role, "areas") ? 0 : SCAN_FEATURES;
    GIntBig fid = 0;
    const char *known = shp ? GDALGetMetadataItem((GDALMajorObjectH)out->layer, "SOURCE_ENCODING", "SHAPEFILE") : 0;
    if (csv && def->encoding)
        return recode_csv(ctx, def, out, def->encoding);
    if ((shp && (def->encoding || (known && *known))) || !bad_text(out->layer, scan, &fid, &field, &arabic))
        return TAAFI_OK;
    if (shp || csv)
        return guess(ctx, def, out, csv, fid, field);
    return tf_error(ctx, TAAFI_ERR_DATA,
                    "%s: feature %lld: field '%s' is not UTF-8 text, which %s files hold by their standard; export "
                    "it again as UTF-8 from the program that made it",
                    def->path, (long long)fid, field_name(out, field), drv);
}
