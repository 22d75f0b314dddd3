/*
 * read_floor.c: the floor no engine can beat: GDAL alone reading what the
 * benchmark's analysis reads — every area, every damage point with its
 * class, every facility, and the whole population raster block by block —
 * and doing nothing with it.  Prints the seconds taken.
 *
 *   read_floor AREAS.gpkg DAMAGE.gpkg FACILITIES.gpkg POPULATION.tif
 */
#include <gdal.h>
#include <ogr_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads every feature's geometry and first fields; returns a checksum so
 * that nothing is optimised away. */
static double read_vector(const char *path)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l;
    OGRFeatureH f;
    double sum = 0;
    if (!ds) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    l = GDALDatasetGetLayer(ds, 0);
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g)
            sum += OGR_G_GetX(g, 0);
        if (OGR_F_GetFieldCount(f) > 1)
            sum += OGR_F_GetFieldAsString(f, 1)[0];
        OGR_F_Destroy(f);
    }
    GDALClose(ds);
    return sum;
}

static double read_raster(const char *path)
{
    GDALDatasetH ds = GDALOpen(path, GA_ReadOnly);
    GDALRasterBandH b;
    int bx, by, nx, ny, i, j;
    double sum = 0, *buf;
    if (!ds) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    b = GDALGetRasterBand(ds, 1);
    GDALGetBlockSize(b, &bx, &by);
    nx = GDALGetRasterXSize(ds);
    ny = GDALGetRasterYSize(ds);
    buf = malloc(sizeof *buf * (size_t)bx * (size_t)by);
    for (j = 0; j < ny; j += by)
        for (i = 0; i < nx; i += bx) {
            int w = i + bx > nx ? nx - i : bx, h = j + by > ny ? ny - j : by;
            if (GDALRasterIO(b, GF_Read, i, j, w, h, buf, w, h, GDT_Float64, 0, 0) == CE_None)
                sum += buf[0];
        }
    free(buf);
    GDALClose(ds);
    return sum;
}

int main(int argc, char **argv)
{
    double t0, sum;
    if (argc != 5) {
        fprintf(stderr, "usage: %s AREAS DAMAGE FACILITIES RASTER\n", argv[0]);
        return 2;
    }
    GDALAllRegister();
    t0 = now();
    sum = read_vector(argv[1]) + read_vector(argv[2]) + read_vector(argv[3]) + read_raster(argv[4]);
    printf("%.3f\n", now() - t0);
    fprintf(stderr, "(checksum %g)\n", sum);
    return 0;
}
