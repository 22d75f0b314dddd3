/* libFuzzer harness: the raster path (raster/, families/ind_raster.c).
 * Not GDAL's file parsers, which GDAL fuzzes: the input describes a
 * raster, made with GDAL in /vsimem/ and summed under the two squares of
 * tests/data/robust.  Bytes 0-3: columns and rows (1-16 each), the CRS
 * (EPSG:4326, 32637, 3857 or 4087), flags (bit 0: a nodata value, bit 1:
 * rotated, bit 2: flipped, bit 3: raw geotransform); then the geotransform's
 * origin and cell size (raw doubles, or small offsets from the squares'
 * corner), the nodata value, and the cells (doubles, any bits: NaN, Inf,
 * 1e308, -1e30 included). */
#include "fuzz_common.h"

#include <cpl_error.h>
#include <cpl_vsi.h>
#include <gdal.h>
#include <ogr_srs_api.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The next double of the input (0 once it is used up). */
static double next(const uint8_t **p, const uint8_t *end)
{
    double v = 0;
    if (end - *p >= 8) {
        memcpy(&v, *p, 8);
        *p += 8;
    } else
        *p = end;
    return v;
}

static int make(const uint8_t *data, size_t size, const char *path)
{
    static const int crs[] = {4326, 32637, 3857, 4087};
    const uint8_t *p = data + 4, *end = data + size;
    int nx = 1 + data[0] % 16, ny = 1 + data[1] % 16, epsg = crs[data[2] % 4], flags = data[3];
    double gt[6], x0 = next(&p, end), y0 = next(&p, end), cell = next(&p, end), nodata = next(&p, end);
    double *v = calloc((size_t)nx * (size_t)ny, sizeof *v);
    GDALDatasetH ds = v ? GDALCreate(GDALGetDriverByName("GTiff"), path, nx, ny, 1, GDT_Float64, NULL) : NULL;
    OGRSpatialReferenceH srs = OSRNewSpatialReference(NULL);
    int ok = ds != NULL;
    if (!(flags & 8)) { /* near the squares (36.70-36.72 E, 34.70-34.71 N) */
        int geo = epsg == 4326;
        double s = geo ? 0.01 : 1000;
        x0 = (geo ? 36.69 : epsg == 32637 ? 288470 : 4084310) + (isfinite(x0) ? fmod(x0, 1) : 0) * s;
        y0 = (geo ? 34.72 : epsg == 32637 ? 3844420 : epsg == 3857 ? 4125900 : 3865000) +
             (isfinite(y0) ? fmod(y0, 1) : 0) * s;
        cell = (isfinite(cell) ? fabs(fmod(cell, 1)) + 0.05 : 0.5) * s * 0.2;
    }
    gt[0] = x0, gt[1] = cell, gt[2] = flags & 2 ? cell / 3 : 0;
    gt[3] = y0, gt[4] = flags & 2 ? cell / 5 : 0, gt[5] = flags & 4 ? cell : -cell;
    for (size_t i = 0; v && i < (size_t)nx * (size_t)ny; i++)
        v[i] = next(&p, end);
    if (ok) {
        OSRImportFromEPSG(srs, epsg);
        GDALSetSpatialRef(ds, srs);
        GDALSetGeoTransform(ds, gt);
        if (flags & 1)
            GDALSetRasterNoDataValue(GDALGetRasterBand(ds, 1), nodata);
        ok = GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Write, 0, 0, nx, ny, v, nx, ny, GDT_Float64, 0, 0) == CE_None;
        GDALClose(ds);
    }
    OSRDestroySpatialReference(srs);
    free(v);
    return ok;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *path = "/vsimem/fuzz/cells.tif";
    static int quiet;
    if (!quiet) {
        GDALAllRegister();
        CPLSetErrorHandler(CPLQuietErrorHandler);
        quiet = 1;
    }
    if (size >= 4 && make(data, size, path))
        fz_run("areas: {source: cp1256.shp, id: code}\nlimits: {raster_cells: 100000}\n"
               "indicators:\n  - {id: pop, type: raster_sum, source: /vsimem/fuzz/cells.tif}\n"
               "  - {id: km2, type: area}\n");
    VSIUnlink(path);
    return 0;
}
