/*
 * read_floor.c: the floor no engine can beat: GDAL alone reading what the
 * benchmark's analysis reads — every area, every damage point with its
 * class, every facility, and the whole population raster block by block —
 * and doing nothing with it.  Prints the seconds taken.
 *
 *   read_floor [--features] [--threads] AREAS.gpkg DAMAGE.gpkg FACILITIES.gpkg POPULATION.tif
 *
 * Vector layers are read the fastest way GDAL offers: its column-wise
 * Arrow stream (RFC 86; GDAL 3.6's GeoPackage driver reads it straight
 * from SQLite, three to four times faster than feature by feature).  With
 * --features, feature by feature (OGR_L_GetNextFeature), the way most
 * programs read.  With --threads, the raster is read on a second thread
 * beside the vector layers: the floor of a reader using two cores.
 */
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_recordbatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Reads every feature's geometry and the fields the analysis uses (the
 * others are ignored, as taafi ignores them); returns a checksum so that
 * nothing is optimised away.  Text fields are read as text: formatting a
 * number as text would cost more than reading it. */
static double read_vector(const char *path, const char *const *fields, int arrow)
{
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    OGRLayerH l;
    OGRFeatureDefnH defn;
    OGRFeatureH f;
    const char **ignored;
    int idx[8], n_idx = 0, i, k, n;
    double sum = 0;
    if (!ds) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(1);
    }
    l = GDALDatasetGetLayer(ds, 0);
    defn = OGR_L_GetLayerDefn(l);
    n = OGR_FD_GetFieldCount(defn);
    ignored = calloc((size_t)n + 1, sizeof *ignored);
    for (i = 0, k = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i));
        int used = 0;
        for (const char *const *u = fields; *u; u++)
            used |= !strcmp(*u, name);
        if (used && n_idx < 8)
            idx[n_idx++] = i;
        else
            ignored[k++] = name;
    }
    OGR_L_SetIgnoredFields(l, ignored);
    if (arrow) {
        struct ArrowArrayStream stream;
        struct ArrowArray a;
        if (!OGR_L_GetArrowStream(l, &stream, NULL)) {
            fprintf(stderr, "%s: no Arrow stream\n", path);
            exit(1);
        }
        /* every column's buffers are filled by GDAL; the first byte of
         * each geometry's WKB and each used value are touched */
        while (stream.get_next(&stream, &a) == 0 && a.release) {
            for (k = 0; k < a.n_children; k++) {
                const struct ArrowArray *c = a.children[k];
                if (c->n_buffers == 3 && c->length > 0)
                    sum += ((const unsigned char *)c->buffers[2])[((const int32_t *)c->buffers[1])[0]];
            }
            sum += (double)a.length;
            a.release(&a);
        }
        stream.release(&stream);
        free(ignored);
        GDALClose(ds);
        return sum;
    }
    while ((f = OGR_L_GetNextFeature(l)) != NULL) {
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        if (g) {
            OGREnvelope e;
            OGR_G_GetEnvelope(g, &e);
            sum += e.MinX;
        }
        for (i = 0; i < n_idx; i++)
            sum += OGR_F_GetFieldAsString(f, idx[i])[0];
        OGR_F_Destroy(f);
    }
    free(ignored);
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

typedef struct raster_job {
    const char *path;
    double sum;
} raster_job;

static void *raster_main(void *arg)
{
    raster_job *j = arg;
    j->sum = read_raster(j->path);
    return NULL;
}

int main(int argc, char **argv)
{
    double t0, sum;
    int arrow = 1, threads = 0;
    for (; argc > 1 && argv[1][0] == '-'; argv++, argc--) {
        if (!strcmp(argv[1], "--features"))
            arrow = 0;
        else if (!strcmp(argv[1], "--threads"))
            threads = 1;
        else
            break;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: %s [--features] [--threads] AREAS DAMAGE FACILITIES RASTER\n", argv[0]);
        return 2;
    }
    GDALAllRegister();
    t0 = now();
    {
        /* the fields the benchmark's project reads from each layer */
        static const char *const area_fields[] = {"area_id", NULL}, *const damage_fields[] = {"damage_cls", NULL},
                                 *const facility_fields[] = {"kind", "status", NULL};
        raster_job rj = {argv[4], 0};
        pthread_t th;
        /* --threads: the raster on a second thread, beside the vector
         * layers (each with its own GDAL handle): what two cores allow */
        int started = threads && pthread_create(&th, NULL, raster_main, &rj) == 0;
        sum = read_vector(argv[1], area_fields, arrow) + read_vector(argv[2], damage_fields, arrow) +
              read_vector(argv[3], facility_fields, arrow);
        if (started)
            pthread_join(th, NULL);
        else
            raster_main(&rj);
        sum += rj.sum;
    }
    printf("%.3f\n", now() - t0);
    fprintf(stderr, "(checksum %g)\n", sum);
    return 0;
}
