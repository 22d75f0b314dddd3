/* source.c: read-only vector inputs through GDAL. */
#include "source.h"

#include <cpl_string.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void list_layers(GDALDatasetH ds, tf_buf *b)
{
    int i, n = GDALDatasetGetLayerCount(ds);
    for (i = 0; i < n; i++)
        tf_buf_printf(b, "%s'%s'", i ? ", " : "", OGR_L_GetName(GDALDatasetGetLayer(ds, i)));
}

/* The dataset opened read-only.  ENCODING: how the Shapefile driver reads
 * a .dbf whose .cpg is missing (Arabic is often Windows-1256 then).
 * X/Y_POSSIBLE_NAMES: the CSV driver makes each row's point from those two
 * columns (kept as fields too); a row whose cell is empty or not a number
 * gets no geometry, and is noted as such downstream. */
static GDALDatasetH open_dataset(const tf_source *def, const char *path, const char *encoding)
{
    char enc[96], xo[160], yo[160];
    const char *open_opts[4];
    int n_opts = 0;
    if (encoding) {
        snprintf(enc, sizeof enc, "ENCODING=%s", encoding);
        open_opts[n_opts++] = enc;
    }
    if (def->x_field) {
        snprintf(xo, sizeof xo, "X_POSSIBLE_NAMES=%s", def->x_field);
        snprintf(yo, sizeof yo, "Y_POSSIBLE_NAMES=%s", def->y_field);
        open_opts[n_opts++] = xo;
        open_opts[n_opts++] = yo;
    }
    open_opts[n_opts] = NULL;
    return GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL,
                      n_opts ? open_opts : NULL, NULL);
}

/* The layer named by def->layer, or the first (with a warning when there
 * are several). */
static taafi_status pick_layer(taafi_ctx *ctx, const tf_source *def, tf_vsource *out)
{
    tf_buf names = {0};
    taafi_status st = TAAFI_OK;
    if (def->layer) {
        if (!(out->layer = GDALDatasetGetLayerByName(out->ds, def->layer))) {
            list_layers(out->ds, &names);
            st = tf_error(ctx, TAAFI_ERR_DATA, "%s: no layer '%s'; the layers there are %s", def->path, def->layer,
                          names.s ? names.s : "(none)");
        }
    } else {
        if (GDALDatasetGetLayerCount(out->ds) > 1) {
            list_layers(out->ds, &names);
            tf_log(ctx, TAAFI_LOG_WARNING, "%s: several layers (%s) and no 'layer' given for %s; using the first",
                   def->path, names.s ? names.s : "", def->role);
        }
        out->layer = GDALDatasetGetLayer(out->ds, 0);
    }
    tf_buf_free(&names);
    return st;
}

/* Only GDAL's CSV driver takes points from columns; and it gives no
 * geometry, silently, when a named column is not there. */
static taafi_status check_xy(taafi_ctx *ctx, const tf_source *def, tf_vsource *out)
{
    GDALDriverH drv = GDALGetDatasetDriver(out->ds);
    int xi, yi;
    taafi_status st;
    if (!drv || strcmp(GDALGetDriverShortName(drv), "CSV"))
        return tf_error(ctx, TAAFI_ERR_PROJECT,
                        "%s: 'x' and 'y' under '%s' name the coordinate columns of a CSV file, and this is %s; "
                        "save the sheet as CSV (UTF-8), or remove 'x' and 'y' if the layer has geometries",
                        def->path, def->role, drv ? GDALGetDriverLongName(drv) : "no CSV");
    if ((st = tf_source_field(ctx, out, def->x_field, "x", &xi)))
        return st;
    return tf_source_field(ctx, out, def->y_field, "y", &yi);
}

/* The size a shapefile part's own header gives (bytes), or -1: the .shp
 * and .shx hold it at byte 24 (big-endian, 16-bit words); the .dbf gives
 * its header size and record count and length. */
static long long declared_size(FILE *f, const char *ext)
{
    unsigned char h[32];
    if (fread(h, 1, sizeof h, f) != sizeof h)
        return -1;
    if (!strcasecmp(ext, "dbf"))
        return (long long)(h[8] | h[9] << 8) +
               (long long)((unsigned long)h[4] | (unsigned long)h[5] << 8 | (unsigned long)h[6] << 16 |
                           (unsigned long)h[7] << 24) *
                   (long long)(h[10] | h[11] << 8);
    return 2LL * (long long)((unsigned long)h[24] << 24 | (unsigned long)h[25] << 16 | (unsigned long)h[26] << 8 |
                             (unsigned long)h[27]);
}

/* A shapefile cut short (an interrupted copy or download) reads as features
 * without geometry, or without their last fields, and no error: its files
 * are held to the sizes their headers give. */
static taafi_status check_complete(taafi_ctx *ctx, const tf_source *def, GDALDatasetH ds)
{
    char **files = GDALGetFileList(ds);
    taafi_status st = TAAFI_OK;
    for (char **f = files; f && *f && !st; f++) {
        const char *dot = strrchr(*f, '.');
        FILE *fp;
        long long want, have;
        if (!dot || (strcasecmp(dot + 1, "shp") && strcasecmp(dot + 1, "shx") && strcasecmp(dot + 1, "dbf")))
            continue;
        if (!(fp = fopen(*f, "rb")))
            continue;
        want = declared_size(fp, dot + 1);
        have = fseek(fp, 0, SEEK_END) == 0 ? (long long)ftell(fp) : -1;
        fclose(fp);
        if (want > 0 && have >= 0 && have < want)
            st = tf_error(ctx, TAAFI_ERR_DATA,
                          "%s: is cut short: its header gives %lld bytes and it holds %lld (an interrupted copy or "
                          "download?); copy %s again",
                          *f, want, have, def->path);
    }
    CSLDestroy(files);
    return st;
}

/* GDAL's own SQLite connection of a GeoPackage or SQLite source, where a
 * `where` is pushed down: Ctrl-C and SIGTERM reach the SQL there too.
 * Every 16 SQLite steps, about one row of a filtered read: a filter that
 * takes a second a row (a huge printf, say) must stop at the next row.
 * ctx outlives the source (opened and closed under it). */
static int sqlite_interrupted(void *user)
{
    const taafi_ctx *ctx = user;
    return ctx->interrupted || (ctx->root_interrupted && *ctx->root_interrupted);
}

static void watch_sqlite(taafi_ctx *ctx, GDALDatasetH ds)
{
    sqlite3 *db = GDALGetInternalHandle(ds, "SQLITE_HANDLE");
    if (db)
        sqlite3_progress_handler(db, 16, sqlite_interrupted, ctx);
}

taafi_status tf_source_reopen(taafi_ctx *ctx, const tf_source *def, tf_vsource *out, const char *path,
                              const char *encoding)
{
    if (out->ds)
        GDALClose(out->ds);
    out->layer = NULL;
    if (!(out->ds = open_dataset(def, path, encoding)))
        return tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open it again%s%s: %s", def->path, encoding ? " as " : "",
                        encoding ? encoding : "", tf_lib_error(ctx));
    watch_sqlite(ctx, out->ds);
    return pick_layer(ctx, def, out);
}

taafi_status tf_source_open(taafi_ctx *ctx, const tf_source *def, tf_vsource *out)
{
    taafi_status st = TAAFI_OK;
    memset(out, 0, sizeof *out);
    out->def = def;
    tf_gdal_enter(ctx);
    if (!(out->ds = open_dataset(def, def->path, def->encoding)))
        st = tf_error(ctx, TAAFI_ERR_IO, "%s: cannot open %s as a vector dataset: %s; check the path under '%s'",
                      def->path, def->role, tf_lib_error(ctx)[0] ? tf_lib_error(ctx) : "unknown format",
                      def->role);
    else if (watch_sqlite(ctx, out->ds), GDALDatasetGetLayerCount(out->ds) == 0)
        st = tf_error(ctx, TAAFI_ERR_DATA, "%s: holds no vector layer", def->path);
    else if (GDALGetDatasetDriver(out->ds) &&
             !strcmp(GDALGetDriverShortName(GDALGetDatasetDriver(out->ds)), "ESRI Shapefile") &&
             (st = check_complete(ctx, def, out->ds)))
        ;
    else if (!(st = pick_layer(ctx, def, out)) && !(st = tf_source_check_text(ctx, def, out)) &&
             !(def->x_field && (st = check_xy(ctx, def, out))) && def->where &&
             OGR_L_SetAttributeFilter(out->layer, def->where) != OGRERR_NONE)
        st = tf_error(ctx, TAAFI_ERR_PROJECT, "%s: layer %s: the filter where: \"%s\" is not valid: %s", def->path,
                      OGR_L_GetName(out->layer), def->where, tf_lib_error(ctx));
    if (st)
        tf_source_close(out);
    tf_gdal_leave(ctx);
    return st;
}

OGRFeatureH tf_source_next(taafi_ctx *ctx, const tf_vsource *s, size_t *n_msgs, taafi_status *st)
{
    OGRFeatureH f;
    *st = TAAFI_OK;
    tf_gdal_enter(ctx);
    tf_lib_error_clear(ctx);
    f = OGR_L_GetNextFeature(s->layer);
    if (tf_lib_error(ctx)[0]) {
        if (f)
            tf_log(ctx, ++*n_msgs <= TF_MAX_GDAL_MSGS ? TAAFI_LOG_WARNING : TAAFI_LOG_DEBUG, "%s: layer %s: GDAL: %s",
                   s->def->path, OGR_L_GetName(s->layer), tf_lib_error(ctx));
        else if ((*st = tf_check_interrupt(ctx)) == TAAFI_OK) /* stopped in GDAL's SQLite, not damaged */
            *st = tf_error(ctx, TAAFI_ERR_IO,
                           "%s: layer %s: GDAL could not read the whole layer: %s; the file may be damaged: check it "
                           "with ogrinfo, or export it again",
                           s->def->path, OGR_L_GetName(s->layer), tf_lib_error(ctx));
    }
    tf_gdal_leave(ctx);
    return f;
}

void tf_source_close(tf_vsource *s)
{
    if (s && s->assumed)
        OSRRelease(s->assumed);
    if (s)
        s->assumed = NULL;
    if (s && s->ds)
        GDALClose(s->ds);
    if (s) {
        s->ds = NULL;
        s->layer = NULL;
        if (s->recoded[0]) /* the UTF-8 copy of a CSV (encoding.c) */
            VSIUnlink(s->recoded);
        s->recoded[0] = '\0';
    }
}

taafi_status tf_source_srs(taafi_ctx *ctx, const tf_vsource *cs, OGRSpatialReferenceH *out)
{
    tf_vsource *s = (tf_vsource *)cs; /* the assumed SRS is made once, lazily */
    *out = OGR_L_GetSpatialRef(s->layer);
    if (*out)
        return TAAFI_OK;
    /* a table (a CSV of survey points with their coordinates in columns,
     * say) would give every feature "no geometry", and every count 0 */
    if (OGR_FD_GetGeomFieldCount(OGR_L_GetLayerDefn(s->layer)) == 0)
        return tf_error(ctx, TAAFI_ERR_DATA,
                        "%s: layer %s has no geometries, only fields; if its points are in two columns "
                        "(longitude and latitude, say), name them under '%s' with x: and y: (and their CRS with "
                        "assume_crs: EPSG:4326)",
                        s->def->path, OGR_L_GetName(s->layer), s->def->role);
    if (s->def->assume_epsg) {
        if (!s->assumed) {
            OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
            if (!srs || OSRImportFromEPSG(srs, s->def->assume_epsg) != OGRERR_NONE) {
                if (srs)
                    OSRRelease(srs);
                return tf_error(ctx, TAAFI_ERR_PROJECT, "%s: assume_crs EPSG:%d is not a CRS PROJ knows",
                                s->def->path, s->def->assume_epsg);
            }
            OSRSetAxisMappingStrategy(srs, OAMS_TRADITIONAL_GIS_ORDER);
            s->assumed = srs;
            tf_log(ctx, TAAFI_LOG_WARNING, "%s: layer %s has no CRS; assuming EPSG:%d as the project says",
                   s->def->path, OGR_L_GetName(s->layer), s->def->assume_epsg);
        }
        *out = s->assumed;
        return TAAFI_OK;
    }
    return tf_error(ctx, TAAFI_ERR_CRS,
                    "%s: layer %s: no coordinate reference system (a shapefile without .prj?); add one "
                    "(ogr2ogr -a_srs EPSG:4326 ...) or declare it with 'assume_crs: EPSG:4326' under '%s'",
                    s->def->path, OGR_L_GetName(s->layer), s->def->role);
}

taafi_status tf_source_field(taafi_ctx *ctx, const tf_vsource *s, const char *name, const char *key, int *out)
{
    OGRFeatureDefnH defn = OGR_L_GetLayerDefn(s->layer);
    int i, n = OGR_FD_GetFieldCount(defn);
    const char **names;
    const char *hint;
    tf_buf list = {0};
    taafi_status st;
    for (i = 0; i < n; i++)
        if (!strcmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name))
            return *out = i, TAAFI_OK;
    for (i = 0; i < n; i++)
        if (!strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name))
            return *out = i, TAAFI_OK;
    names = tf_calloc((size_t)n + 1, sizeof *names);
    if (!names)
        return tf_error(ctx, TAAFI_ERR_NOMEM, "out of memory");
    for (i = 0; i < n; i++) {
        names[i] = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        tf_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
    }
    hint = tf_suggest(name, names);
    st = tf_error(ctx, TAAFI_ERR_DATA, "%s: layer %s: no field '%s' (named by '%s' for %s); %s%s%sthe fields are: %s",
                  s->def->path, OGR_L_GetName(s->layer), name, key, s->def->role, hint ? "did you mean '" : "",
                  hint ? hint : "", hint ? "'? " : "", list.s ? list.s : "(none)");
    tf_free(names);
    tf_buf_free(&list);
    return st;
}

taafi_status tf_source_hash(taafi_ctx *ctx, const tf_vsource *s, tf_file_fn fn, void *user)
{
    char **files, **f;
    taafi_status st = TAAFI_OK;
    if (s->recoded[0]) /* the file itself, not its UTF-8 copy */
        return fn(ctx, s->def->role, s->def->path, NULL, user);
    files = GDALGetFileList(s->ds);
    if (!files) /* not file-based (a database connection, say) */
        return fn(ctx, s->def->role, s->def->path, "", user);
    /* the callback computes the hash (sha256 NULL), on a thread if it can */
    for (f = files; *f && !st; f++)
        st = fn(ctx, s->def->role, *f, NULL, user);
    CSLDestroy(files);
    return st;
}

void tf_source_describe(tf_buf *b, const tf_vsource *s)
{
    OGRSpatialReferenceH srs = OGR_L_GetSpatialRef(s->layer);
    const char *auth = srs ? OSRGetAuthorityName(srs, NULL) : NULL;
    const char *code = srs ? OSRGetAuthorityCode(srs, NULL) : NULL;
    GIntBig n = OGR_L_GetFeatureCount(s->layer, TRUE);
    tf_buf_printf(b, "  file %s, layer %s (%s)\n", s->def->path, OGR_L_GetName(s->layer),
                  GDALGetDriverShortName(GDALGetDatasetDriver(s->ds)));
    tf_buf_printf(b, "  %lld features%s, %s, CRS %s", (long long)n, s->def->where ? " passing the filter" : "",
                  OGRGeometryTypeToName(OGR_L_GetGeomType(s->layer)), srs ? OSRGetName(srs) : "none");
    if (auth && code)
        tf_buf_printf(b, " (%s:%s)", auth, code);
    tf_buf_printf(b, "\n");
    if (s->def->where)
        tf_buf_printf(b, "  filter: %s\n", s->def->where);
}
